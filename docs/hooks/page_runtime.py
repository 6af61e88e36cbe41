"""MkDocs hook: the page's Python runtime, copied into the site for the in-page runner.

Only the files the runner needs are copied from ``node_modules`` (installed by ``npm ci``
from package-lock.json) into ``runtime/``: Pyodide's core and its lock file trimmed of
its package list, viz-js (Graphviz as WebAssembly), the Python ``graphviz`` package from
the build's environment (as a zip, with its licence), ``runner_core.py``
(docs/hooks/runner_core.py), and NOTICE.txt naming each one's licence. Nothing is written
into docs/.

A page with runnable blocks (``#sg-runner-blocks``, docs/hooks/runnable_blocks.py) also
gets ``#sg-runner-facts``: the facts runner.js needs from the package, so that no chapter
number is typed into JavaScript: the chapters the checker knows (``FIRST`` and ``LAST`` of
scalargrad.check.chapters) and this page's chapter number (from the nav), if it is one.
"""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path
from typing import Any

# docs/hooks/: MkDocs puts a hook's folder on sys.path while it loads the hook.
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from package_wheel import root_of
from reproducible_zip import zip_bytes

from scalargrad import chapters as book_chapters
from scalargrad.check import chapters

HERE = Path(__file__).resolve().parent
RUNTIME = "runtime"
# From node_modules into runtime/: only what the worker loads.
NODE_FILES = {
    "pyodide/pyodide.mjs": "pyodide/pyodide.mjs",
    "pyodide/pyodide.asm.mjs": "pyodide/pyodide.asm.mjs",
    "pyodide/pyodide.asm.wasm": "pyodide/pyodide.asm.wasm",
    "pyodide/python_stdlib.zip": "pyodide/python_stdlib.zip",
    "@viz-js/viz/dist/viz.js": "viz/viz.js",
}
NODE_PACKAGES = ("pyodide", "@viz-js/viz")


def _node_modules(root: Path) -> Path:
    node = root / "node_modules"
    missing = [name for name in NODE_FILES if not (node / name).is_file()]
    if missing:
        raise PluginError(
            "page_runtime: the page's Python (Pyodide) and Graphviz (viz-js) are not "
            f"installed: missing node_modules/{missing[0]}. Run `npm ci` in the repository "
            "(or `make build`, which runs it)."
        )
    return node


def graphviz_zip() -> tuple[bytes, str]:
    """The installed Python ``graphviz`` package (sources and licence) as a zip; its version."""
    dist = importlib.metadata.distribution("graphviz")
    entries: dict[str, bytes] = {}
    for file in dist.files or []:
        path = str(file)
        source = path.startswith("graphviz/") and path.endswith(".py")
        if source or "LICENSE" in path.upper() or path.endswith("/METADATA"):
            entries[path] = Path(dist.locate_file(file)).read_bytes()
    if "graphviz/__init__.py" not in entries:
        raise PluginError(
            "page_runtime: the installed graphviz package has no graphviz/__init__.py"
        )
    return zip_bytes(entries), dist.version


def _npm_license(node: Path, package: str) -> tuple[str, str]:
    meta = json.loads((node / package / "package.json").read_text(encoding="utf-8"))
    return meta["version"], meta.get("license", "see the package")


def notice(node: Path, graphviz_version: str) -> str:
    """NOTICE.txt: where each file of runtime/ comes from, and its licence."""
    lines = [
        "Files in this folder come from these projects, unchanged:",
        "",
    ]
    for package in NODE_PACKAGES:
        version, licence = _npm_license(node, package)
        lines.append(f"- {package} {version} (npm registry), licence {licence}")
    lines.append(
        f"- graphviz {graphviz_version} (Python package, PyPI), licence MIT: "
        "graphviz.zip holds its LICENSE"
    )
    lines += [
        "",
        "viz-js bundles Graphviz (Eclipse Public License 2.0). Pyodide bundles CPython",
        "(PSF licence). runner_core.py is scalargrad's own (MIT).",
        "",
    ]
    return "\n".join(lines)


def _trimmed_lock(node: Path) -> bytes:
    """Pyodide's lock file without its package list: the page loads no Pyodide packages,
    so nothing can be fetched from a CDN, and 119 KB are saved."""
    lock = json.loads((node / "pyodide/pyodide-lock.json").read_text(encoding="utf-8"))
    return json.dumps({"info": lock["info"], "packages": {}}, sort_keys=True).encode()


def on_files(files: Files, config: MkDocsConfig) -> Files:
    node = _node_modules(root_of(config))
    for source, target in NODE_FILES.items():
        files.append(
            File.generated(config, f"{RUNTIME}/{target}", abs_src_path=str(node / source))
        )
    archive, version = graphviz_zip()
    generated = {
        "pyodide/pyodide-lock.json": _trimmed_lock(node),
        "graphviz.zip": archive,
        "NOTICE.txt": notice(node, version).encode(),
        "runner_core.py": (HERE / "runner_core.py").read_bytes(),
    }
    for name, content in generated.items():
        files.append(File.generated(config, f"{RUNTIME}/{name}", content=content))
    return files


def runner_facts(src_uri: str) -> dict[str, Any]:
    """What runner.js needs to know about chapters: this page's number (its slug's place
    in scalargrad.chapters), every chapter's slug, and the chapters the checker knows
    (scalargrad.check.chapters).

    >>> facts = runner_facts("chapters/mlp.md")
    >>> facts["slugs"][facts["chapter"] - 1]
    'mlp'
    >>> facts["first_checked"] == chapters.FIRST
    True
    >>> runner_facts("index.md")["chapter"] is None
    True
    """
    stem = src_uri.removeprefix("chapters/").removesuffix(".md")
    inside = src_uri.startswith("chapters/") and stem in book_chapters.CHAPTERS
    return {
        "chapter": book_chapters.number(stem) if inside else None,
        "first_checked": chapters.FIRST,
        "last_checked": chapters.LAST,
        "slugs": list(book_chapters.CHAPTERS),
    }


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if 'id="sg-runner-blocks"' not in html:
        return html
    facts = json.dumps(runner_facts(page.file.src_uri), sort_keys=True)
    return f'{html}<script type="application/json" id="sg-runner-facts">{facts}</script>\n'
