"""MkDocs hook: the offline edition, built with the site and published as one zip.

The offline edition is the site built again with ``mkdocs-offline.yml`` (which inherits
``mkdocs.yml`` and adds Material's offline plugin), zipped reproducibly and published as
``downloads/scalargrad-offline.zip``: entries sorted, every timestamp and permission
fixed, so two builds give the same bytes. That build runs in a subprocess after the
notebook hook has executed (and cached) the notebooks, so it takes them from the cache.
Inside the offline edition itself, the link to the zip points at the published one.

Under ``mkdocs serve`` the zip is built once, on the first build, and kept.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

# docs/hooks/reproducible_zip.py: MkDocs puts a hook's folder on sys.path while it loads the hook.
from reproducible_zip import zip_bytes

OFFLINE_CONFIG = "mkdocs-offline.yml"
ZIP_URI = "downloads/scalargrad-offline.zip"
ZIP_FOLDER = "scalargrad-offline"  # every entry sits in this folder
TIMEOUT = 900  # seconds for the offline build

# The MkDocs command of this process ("build", "serve", ...): set once, by on_startup.
_command: str | None = None
# The zip, kept for the life of the process; reused only by the rebuilds of `mkdocs serve`.
_zip: bytes | None = None


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
    env = {**os.environ, "SCALARGRAD_NOTEBOOK_CACHE": "1"}  # keyed by content: never stale
    with tempfile.TemporaryDirectory(prefix="scalargrad-offline-") as tmp:
        site = Path(tmp) / "site"
        # Not --quiet: under it, strict mode would not count the warnings it hides.
        command = [sys.executable, "-m", "mkdocs", "build", "--strict"]
        command += ["-f", OFFLINE_CONFIG, "-d", str(site)]
        result = subprocess.run(
            command, cwd=root, env=env, capture_output=True, text=True, timeout=TIMEOUT
        )
        if result.returncode != 0:
            raise PluginError(
                f"offline_edition: the offline edition ({OFFLINE_CONFIG}) failed to build:\n"
                f"{result.stdout}\n{result.stderr}"
            )
        return zip_folder(site)


def on_startup(command: str, dirty: bool) -> None:
    global _command
    _command = command


def on_files(files: Files, config: MkDocsConfig) -> Files:
    global _zip
    if is_offline(config):
        return files
    if _command != "serve" or _zip is None:
        _zip = build_offline(Path(config.config_file_path).resolve().parent)
    files.append(File.generated(config, ZIP_URI, content=_zip))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Inside the offline edition, point the download link at the published zip."""
    if is_offline(config) and ZIP_URI in markdown:
        published = (config.site_url or "").rstrip("/") + "/" + ZIP_URI
        markdown = re.sub(rf"\]\((\.\./)*{re.escape(ZIP_URI)}\)", f"]({published})", markdown)
    return markdown
