"""Fixtures for the browser tests: the built site served on 127.0.0.1, one headless Chromium.

The site is served under the path of its ``site_url`` (``/scalargrad/``), as on GitHub
Pages, so absolute links (the 404 page has them) resolve as they will when published.
``site/`` must exist: ``make test`` builds it with ``mkdocs build --strict`` first. Without
it every browser test fails with a message saying so; none is skipped.
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from repotools import CHROMIUM, CHROMIUM_ARGS  # the one definition, shared

PREFIX = "/scalargrad"


# The chapter's own pycon blocks, in the order of its Markdown: a question's code
# (docs/hooks/questions.py) also runs in the page, but is not one of them.
BOOK_BLOCK = "div.language-pycon:not(.sg-q *)"
BOOK_RUN_BUTTON = "button.sg-run__run:not(.sg-q *)"


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serve site/ under /scalargrad/, quietly."""

    def translate_path(self, path: str) -> str:
        if path == PREFIX or path.startswith(PREFIX + "/"):
            path = path[len(PREFIX) :] or "/"
        else:
            path = "/__outside_the_site__"
        return super().translate_path(path)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    """A page left while a file was on its way (Python starts when a page is idle) closes
    its connection: not an error of the site."""

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    handler = functools.partial(_Handler, directory=str(site))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).is_file():
        pytest.fail(
            f"no Chromium at {CHROMIUM}: install Debian's chromium (`make test` does) "
            "or set SCALARGRAD_CHROMIUM",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
