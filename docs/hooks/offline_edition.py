"""MkDocs hook: the offline edition, built with the site and published as one zip.

The offline edition is the site built again with ``mkdocs-offline.yml`` (which inherits
``mkdocs.yml`` and adds Material's offline plugin), zipped reproducibly and published as
``downloads/scalargrad-offline.zip``: entries sorted, every timestamp and permission
fixed, so two builds give the same bytes. That build runs in a subprocess after the
figure and notebook hooks have filled the build cache, so it takes them from there.
Inside the offline edition itself, the link to the zip points at the published one.

The zip is cached too (docs/hooks/build_cache.py), keyed by every file of the working
tree that git does not ignore (``git ls-files``), the installed npm packages, the tools
and ``SOURCE_DATE_EPOCH``: it is the whole book, so it is keyed by everything.

Under ``make book`` nobody reads the zip while writing: it is built on request, when the
served book's download link is followed (from the cache when the tree has not changed
since), and never on a save.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlsplit

# docs/hooks/: MkDocs puts a hook's folder on sys.path while it loads the hook.
import build_cache
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from reproducible_zip import zip_bytes

OFFLINE_CONFIG = "mkdocs-offline.yml"
ZIP_URI = "downloads/scalargrad-offline.zip"
ZIP_FOLDER = "scalargrad-offline"  # every entry sits in this folder
TIMEOUT = 900  # seconds for the offline build
# What the served book's link gives before the zip is asked for (it never is: on_serve
# answers that address itself).
ON_REQUEST = b"make book builds the offline edition when this link is followed.\n"

# The MkDocs command of this process ("build", "serve", ...): set once, by on_startup.
_command: str | None = None
_lock = threading.Lock()  # one offline build at a time under `make book`


def is_offline(config: MkDocsConfig) -> bool:
    """True when this build is the offline edition (Material's offline plugin is on)."""
    plugin = config.plugins.get("material/offline") or config.plugins.get("offline")
    return plugin is not None and plugin.config.enabled


def zip_folder(folder: Path, prefix: str = ZIP_FOLDER) -> bytes:
    """The files under ``folder`` as zip bytes: sorted, fixed times and permissions."""
    paths = [p for p in folder.rglob("*") if p.is_file()]
    if not paths:
        raise PluginError(f"offline_edition: nothing to zip in {folder}")
    return zip_bytes({f"{prefix}/{p.relative_to(folder).as_posix()}": p.read_bytes()
                      for p in paths})


def build_offline(root: Path) -> bytes:
    """Build the offline edition in a subprocess and return it zipped."""
    with tempfile.TemporaryDirectory(prefix="scalargrad-offline-") as tmp:
        site = Path(tmp) / "site"
        # Not --quiet: under it, strict mode would not count the warnings it hides.
        command = [sys.executable, "-m", "mkdocs", "build", "--strict"]
        command += ["-f", OFFLINE_CONFIG, "-d", str(site)]
        result = subprocess.run(
            command, cwd=root, capture_output=True, text=True, timeout=TIMEOUT
        )
        if result.returncode != 0:
            raise PluginError(
                f"offline_edition: the offline edition ({OFFLINE_CONFIG}) failed to build:\n"
                f"{result.stdout}\n{result.stderr}"
            )
        return zip_folder(site)


def key(root: Path) -> str | None:
    """The zip's cache key; None outside a git checkout (then it is always built)."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=root, capture_output=True, check=True,
        ).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        return None
    paths = sorted(root / name for name in listed.split("\0") if name)
    paths = [p for p in paths if p.is_file()]  # a deleted file git still lists
    installed = root / "node_modules" / ".package-lock.json"  # what `npm ci` installed
    return build_cache.digest(
        build_cache.files_digest(root, paths),
        installed.read_bytes() if installed.is_file() else b"",
        build_cache.environment(),
        "SOURCE_DATE_EPOCH=" + os.environ.get("SOURCE_DATE_EPOCH", ""),
    )


def offline_zip(root: Path) -> bytes:
    """The zip of the tree as it is now: from the cache, or built (and then cached)."""
    store = build_cache.Store(root, "offline", ".zip")
    current = key(root)
    data = store.read("scalargrad-offline", current) if current else None
    if data is None:
        data = build_offline(root)
        if current:
            store.write("scalargrad-offline", current, data)
    return data


def on_startup(command: str, dirty: bool) -> None:
    global _command
    _command = command


def on_files(files: Files, config: MkDocsConfig) -> Files:
    if is_offline(config):
        return files
    if _command == "serve":
        content = ON_REQUEST
    else:
        content = offline_zip(Path(config.config_file_path).resolve().parent)
    files.append(File.generated(config, ZIP_URI, content=content))
    return files


def on_serve(server, config: MkDocsConfig, builder):
    """Answer the zip's address with the zip of the tree as it is when it is asked for."""
    root = Path(config.config_file_path).resolve().parent
    address = urlsplit(config.site_url or "/").path.rstrip("/") + "/" + ZIP_URI
    app = server.get_app()

    def with_offline_zip(environ, start_response):
        if environ.get("PATH_INFO") != address:
            return app(environ, start_response)
        with _lock:
            try:
                data = offline_zip(root)
            except PluginError as exc:
                start_response("500 Internal Server Error", [("Content-Type", "text/plain")])
                return [str(exc).encode("utf-8", "replace")]
        start_response("200 OK", [("Content-Type", "application/zip"),
                                  ("Content-Length", str(len(data)))])
        return [data]

    server.set_app(with_offline_zip)
    return server


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Inside the offline edition, point the download link at the published zip."""
    if is_offline(config) and ZIP_URI in markdown:
        published = (config.site_url or "").rstrip("/") + "/" + ZIP_URI
        markdown = re.sub(rf"\]\((\.\./)*{re.escape(ZIP_URI)}\)", f"]({published})", markdown)
    return markdown
