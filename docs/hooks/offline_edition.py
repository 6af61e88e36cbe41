"""MkDocs hook: the offline edition, built with the site and published as one zip.

The offline edition is the site built again with ``mkdocs-offline.yml`` (which inherits
``mkdocs.yml`` and adds Material's offline plugin), zipped reproducibly and published as
``downloads/scalargrad-offline.zip``: entries sorted, every timestamp and permission
fixed, so two builds give the same bytes. That build runs in a subprocess, started once
the figure and notebook hooks have filled the build cache (it takes them from there),
beside this build's own pages.
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
from dataclasses import dataclass
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
ZIP_NAME = "scalargrad-offline"  # its name in the build cache
TIMEOUT = 900  # seconds for the offline build
# The zip's content until it is known: under `make book` on_serve answers its address
# itself; in `mkdocs build`, on_env puts the zip in.
ON_REQUEST = b"make book builds the offline edition when this link is followed.\n"

# The MkDocs command of this process ("build", "serve", ...): set once, by on_startup.
_command: str | None = None
_lock = threading.Lock()  # one offline build at a time under `make book`
_running: _Running | None = None  # the offline build beside this build (mkdocs build)


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


@dataclass
class _Build:
    """The offline edition's build, running in a subprocess."""

    process: subprocess.Popen
    folder: tempfile.TemporaryDirectory

    @property
    def site(self) -> Path:
        return Path(self.folder.name) / "site"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.folder.cleanup()


def start_offline(root: Path) -> _Build:
    """Start building the offline edition in a subprocess."""
    folder = tempfile.TemporaryDirectory(prefix="scalargrad-offline-")
    site = Path(folder.name) / "site"
    # Not --quiet: under it, strict mode would not count the warnings it hides.
    command = [sys.executable, "-m", "mkdocs", "build", "--strict"]
    command += ["-f", OFFLINE_CONFIG, "-d", str(site)]
    with open(Path(folder.name) / "log.txt", "wb") as log:  # a file: a pipe could fill up
        process = subprocess.Popen(command, cwd=root, stdout=log, stderr=subprocess.STDOUT)
    return _Build(process, folder)


def finish_offline(build: _Build) -> bytes:
    """Wait for the offline edition's build; return it zipped."""
    try:
        try:
            code = build.process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            code = f"still running after {TIMEOUT} s"
        if code != 0:
            log = (Path(build.folder.name) / "log.txt").read_text(errors="replace")
            raise PluginError(
                f"offline_edition: the offline edition ({OFFLINE_CONFIG}) failed to build "
                f"({code}):\n{log[-6000:]}"
            )
        return zip_folder(build.site)
    finally:
        build.stop()


def build_offline(root: Path) -> bytes:
    """Build the offline edition in a subprocess and return it zipped."""
    return finish_offline(start_offline(root))


def key(root: Path) -> str | None:
    """The zip's cache key; None outside a git checkout (then it is always built)."""
    paths = build_cache.working_tree(root)
    if paths is None:
        return None
    installed = root / "node_modules" / ".package-lock.json"  # what `npm ci` installed
    return build_cache.digest(
        build_cache.files_digest(root, paths),
        installed.read_bytes() if installed.is_file() else b"",
        build_cache.environment(),
        "SOURCE_DATE_EPOCH=" + os.environ.get("SOURCE_DATE_EPOCH", ""),
    )


def _store(root: Path) -> build_cache.Store:
    return build_cache.Store(root, "offline", ".zip")


def offline_zip(root: Path) -> bytes:
    """The zip of the tree as it is now: from the cache, or built (and then cached)."""
    current = key(root)
    data = _store(root).read(ZIP_NAME, current) if current else None
    if data is None:
        data = build_offline(root)
        if current:
            _store(root).write(ZIP_NAME, current, data)
    return data


@dataclass
class _Running:
    """An offline build started by on_files, and where its zip goes."""

    build: _Build
    file: File
    root: Path
    key: str | None


def on_startup(command: str, dirty: bool) -> None:
    global _command
    _command = command


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Publish the zip: from the cache, or start building it beside this build's pages.

    The figure and notebook hooks have filled the cache by now (their on_files come
    first), so the offline build takes them from there; it runs on the second core while
    this build renders its pages, and on_env waits for it.
    """
    global _running
    if is_offline(config):
        return files
    zip_file = File.generated(config, ZIP_URI, content=ON_REQUEST)
    files.append(zip_file)
    if _command == "serve":
        return files  # on_serve answers the zip's address
    root = Path(config.config_file_path).resolve().parent
    current = key(root)
    data = _store(root).read(ZIP_NAME, current) if current else None
    if data is not None:
        zip_file.content_bytes = data
    else:
        _running = _Running(start_offline(root), zip_file, root, current)
    return files


def on_env(env, config: MkDocsConfig, files: Files):
    """Wait for the offline build started by on_files, before the files are written."""
    global _running
    if _running is not None:
        running, _running = _running, None
        data = finish_offline(running.build)
        if running.key:
            _store(running.root).write(ZIP_NAME, running.key, data)
        running.file.content_bytes = data
    return env


def on_build_error(error: Exception) -> None:
    """A failed build stops the offline build it started."""
    global _running
    if _running is not None:
        _running.build.stop()
        _running = None


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
