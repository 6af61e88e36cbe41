"""Take a screenshot of a page of the book with headless Chromium.

Usage:
    python scripts/screenshot.py URL OUT.png [--dark] [--width 1280] [--height 900] [--full-page]

Serve the book first (``make book``, or ``python -m http.server -d site -b 127.0.0.1``),
then for example:

    python scripts/screenshot.py http://127.0.0.1:8000/chapters/slope/ /tmp/ch01.png --full-page

``--dark`` asks for the dark colour scheme (the book follows prefers-color-scheme).
Requests to anything but 127.0.0.1/localhost are blocked and listed, as are console
errors, so a screenshot also tells you whether the page loads anything from outside.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright
from repotools import CHROMIUM, CHROMIUM_ARGS  # next to this script: the one definition

LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("out", help="PNG file to write")
    parser.add_argument("--dark", action="store_true", help="use the dark colour scheme")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--full-page", action="store_true", help="capture the whole page")
    parser.add_argument(
        "--wait", type=int, default=300, help="milliseconds to wait after load (default 300)"
    )
    args = parser.parse_args(argv)

    problems: list[str] = []
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
        browser = p.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": args.width, "height": args.height},
            color_scheme="dark" if args.dark else "light",
        )
        try:
            page = browser.new_page()

            def route(r):
                host = urlsplit(r.request.url).hostname
                if r.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
                    r.continue_()
                else:
                    problems.append(f"blocked external request: {r.request.url}")
                    r.abort()

            page.route("**/*", route)
            page.on(
                "console",
                lambda m: (
                    problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None
                ),
            )
            page.on(
                "response",
                lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None,
            )
            page.goto(args.url, wait_until="load")
            page.wait_for_timeout(args.wait)
            page.screenshot(path=args.out, full_page=args.full_page)
        finally:
            browser.close()
    print(f"wrote {args.out}")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
