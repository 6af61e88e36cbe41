"""MkDocs hook: the package's wheel, built with the site, and the in-page runner's files.

The wheel. On every build the pure-Python wheel of ``scalargrad`` is built from this
source tree (setuptools' PEP 517 backend, in a fresh copy of the package, no network;
``SOURCE_DATE_EPOCH`` fixes its timestamps, so two builds give the same bytes). It is
published twice, with the same bytes:

* ``wheels/scalargrad-<version>-py3-none-any.whl``, the name pip needs;
* ``wheels/scalargrad.whl``, a stable name for the page's runner.

``{{ wheel_url }}`` in a page's Markdown becomes the wheel's address under ``site_url``,
and ``{{ wheel_name }}`` its file name; ``wheel_url(config)`` gives the notebooks the same.

The runtime. Only the files the runner needs are copied from ``node_modules`` (installed
by ``npm ci`` from package-lock.json) into ``runtime/``: Pyodide's core, viz-js (Graphviz
as WebAssembly), the Python ``graphviz`` package from the build's environment (as a zip,
with its licence), ``runner_core.py`` (docs/hooks/runner_core.py), and NOTICE.txt naming
each one's licence. Nothing is written into docs/.

The blocks. Every ``pycon`` block of a chapter page and of the home page gets an entry
in a JSON script at the end of the page (``#sg-runner-blocks``), in page order: what the
block needs that the page cannot load (PyTorch, Hypothesis, micrograd, numpy, matplotlib),
derived from its imports and names and from the names it takes from such examples before
it, and the examples of it that can run (run before a later block, so their names exist).
docs/assets/javascripts/runner.js reads it and puts Run buttons on the other blocks.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

# docs/hooks/pycon_blocks.py: MkDocs puts a hook's folder on sys.path while it loads the hook.
import pycon_blocks
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from reproducible_zip import zip_bytes

HERE = Path(__file__).resolve().parent
WHEELS = "wheels"
STABLE_WHEEL = f"{WHEELS}/scalargrad.whl"
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
# What a block may import in the page: the package and the standard library.
UNAVAILABLE = {
    "torch": "PyTorch",
    "hypothesis": "Hypothesis",
    "micrograd": "micrograd",
    "numpy": "numpy",
    "matplotlib": "matplotlib",
}
# Modules of the package that do not work in the page (none today: the checker's depth
# note uses a shorter chain there, see scalargrad/check/notes.py).
UNAVAILABLE_MODULES: dict[str, str] = {}
# scalargrad functions that import matplotlib when called.
NEEDS_MATPLOTLIB = {
    "book_style", "new_figure", "figure_to_svg", "plot_function", "plot_loss",
    "plot_decision_boundary",
}
_TOKENS = re.compile(r"\{\{ (wheel_url|wheel_name) \}\}")
_PYCON_DIV = re.compile(r'<div class="language-pycon highlight[" ]')


def _root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def project(root: Path) -> dict:
    """pyproject.toml's ``[project]`` table, with the version filled in.

    The version's one source is ``scalargrad.__version__`` (pyproject.toml declares it
    dynamic); it is read from the source tree, not from whatever is installed.
    """
    with open(root / "pyproject.toml", "rb") as f:
        meta = dict(tomllib.load(f)["project"])
    if "version" not in meta:
        init = (root / meta["name"] / "__init__.py").read_text(encoding="utf-8")
        found = re.search(r'^__version__ = "([^"]+)"$', init, re.M)
        if found is None:
            where = f"{meta['name']}/__init__.py"
            raise PluginError(f'runtime: {where} has no line __version__ = "..."')
        meta["version"] = found.group(1)
    return meta


def wheel_name(config: MkDocsConfig) -> str:
    """The wheel's file name, from pyproject.toml's name and version."""
    meta = project(_root(config))
    return f"{meta['name']}-{meta['version']}-py3-none-any.whl"


def wheel_url(config: MkDocsConfig) -> str:
    """The published wheel's absolute address, under ``site_url``."""
    if not config.site_url:
        raise PluginError("runtime: site_url must be set: the install line is built from it")
    return f"{config.site_url.rstrip('/')}/{WHEELS}/{wheel_name(config)}"


# --- the wheel ---------------------------------------------------------------------------


def build_wheel(root: Path) -> bytes:
    """The package's wheel, built from a fresh copy of its sources; its bytes."""
    with tempfile.TemporaryDirectory(prefix="scalargrad-wheel-") as tmp:
        src = Path(tmp) / "src"
        out = Path(tmp) / "out"
        src.mkdir()
        for name in ("pyproject.toml", "README.md", "LICENSE"):
            if (root / name).is_file():
                shutil.copy2(root / name, src / name)
        shutil.copytree(
            root / "scalargrad",
            src / "scalargrad",
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        env["SOURCE_DATE_EPOCH"] = "315532800"  # 1980-01-01: the bytes depend on the sources only
        code = (
            "import sys; from setuptools import build_meta; "
            "print(build_meta.build_wheel(sys.argv[1]))"
        )
        proc = subprocess.run(
            [sys.executable, "-c", code, str(out)],
            cwd=src, env=env, capture_output=True, text=True, check=False,
        )
        if proc.returncode != 0:
            raise PluginError(f"runtime: building the wheel failed:\n{proc.stderr[-3000:]}")
        built = out / proc.stdout.strip().splitlines()[-1]
        return built.read_bytes()


# --- the runtime -------------------------------------------------------------------------


def _node_modules(root: Path) -> Path:
    node = root / "node_modules"
    missing = [name for name in NODE_FILES if not (node / name).is_file()]
    if missing:
        raise PluginError(
            "runtime: the page's Python (Pyodide) and Graphviz (viz-js) are not installed: "
            f"missing node_modules/{missing[0]}. Run `npm ci` in the repository "
            "(or `make build`, which runs it)."
        )
    return node


def _zip(entries: dict[str, bytes]) -> bytes:
    """A zip of ``entries`` with fixed dates and order: the same bytes every build."""
    return zip_bytes(entries)


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
        raise PluginError("runtime: the installed graphviz package has no graphviz/__init__.py")
    return _zip(entries), dist.version


def _npm_license(node: Path, package: str) -> tuple[str, str]:
    meta = json.loads((node / package / "package.json").read_text(encoding="utf-8"))
    return meta["version"], meta.get("license", "see the package")


def notice(node: Path, graphviz_version: str) -> str:
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


def _generated(config: MkDocsConfig, uri: str, content: bytes) -> File:
    return File.generated(config, uri, content=content)


# --- which blocks can run ----------------------------------------------------------------


@dataclass
class _Names:
    imports: set[str]  # modules imported: top-level names and full dotted names
    loads: set[str]  # names read
    stores: set[str]  # names bound


def _names(code: str) -> _Names:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return _Names(set(), set(), set())
    names = _Names(set(), set(), set())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names.imports |= {alias.name, alias.name.split(".")[0]}
                names.stores.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            names.imports |= {node.module or "", (node.module or "").split(".")[0]}
            for alias in node.names:
                names.stores.add(alias.asname or alias.name)
        elif isinstance(node, ast.Name):
            (names.loads if isinstance(node.ctx, ast.Load) else names.stores).add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.stores.add(node.name)
        elif isinstance(node, ast.Attribute) and node.attr in NEEDS_MATPLOTLIB:
            names.loads.add(node.attr)
    return names


def _doctest_text(example: pycon_blocks.Example) -> str:
    """The example as a prompt shows it: ``>>>``/``...`` lines, then its output."""
    first, *rest = example.source
    lines = [f">>> {first}{example.directives}".rstrip()]
    lines += [f"... {line}".rstrip() for line in rest]
    return "\n".join([*lines, *example.want]) + "\n"


def block_needs(markdown: str) -> list[dict]:
    """For each pycon block, top to bottom: ``{}`` if it runs in the page, else what it needs.

    An example needs what it imports from outside the package and the standard library
    (:data:`UNAVAILABLE`), a scalargrad function that draws with matplotlib, or a name
    that only such an example has bound. A block needs what any of its examples needs;
    its other examples are its ``setup``: what the page runs of it before a later block,
    so that a later block which needs only scalargrad still finds its names.
    """
    tainted: dict[str, str] = {}  # name -> what the example that bound it needed
    result = []
    for block in pycon_blocks.pycon_blocks(markdown):
        needs: set[str] = set()
        setup: list[str] = []
        for example in block.examples:
            if example.skip:
                continue
            names = _names(example.code)
            reasons = {UNAVAILABLE[m] for m in names.imports if m in UNAVAILABLE}
            reasons |= {UNAVAILABLE_MODULES[m] for m in names.imports if m in UNAVAILABLE_MODULES}
            if names.loads & NEEDS_MATPLOTLIB:
                reasons.add("matplotlib")
            reasons |= {tainted[n] for n in names.loads - names.stores if n in tainted}
            if reasons:
                needs |= reasons
                for name in names.stores:
                    tainted[name] = ", ".join(sorted(reasons))
            else:
                for name in names.stores:
                    tainted.pop(name, None)
                setup.append(_doctest_text(example))
        if needs:
            parts = sorted({part for reason in needs for part in reason.split(", ")})
            entry = {"needs": ", ".join(parts)}
            if setup:
                entry["setup"] = "".join(setup)
            result.append(entry)
        else:
            result.append({})
    return result


def _runs_here(page: Page) -> bool:
    uri = page.file.src_uri
    return uri == "index.md" or (uri.startswith("chapters/") and uri.endswith(".md"))


# --- MkDocs events -----------------------------------------------------------------------

_state: dict = {}


def on_files(files: Files, config: MkDocsConfig) -> Files:
    root = _root(config)
    node = _node_modules(root)
    wheel = build_wheel(root)
    _state["wheel_sha256"] = hashlib.sha256(wheel).hexdigest()
    files.append(_generated(config, f"{WHEELS}/{wheel_name(config)}", wheel))
    files.append(_generated(config, STABLE_WHEEL, wheel))
    for source, target in NODE_FILES.items():
        files.append(
            File.generated(config, f"{RUNTIME}/{target}", abs_src_path=str(node / source))
        )
    files.append(_generated(config, f"{RUNTIME}/pyodide/pyodide-lock.json", _trimmed_lock(node)))
    archive, version = graphviz_zip()
    files.append(_generated(config, f"{RUNTIME}/graphviz.zip", archive))
    files.append(_generated(config, f"{RUNTIME}/NOTICE.txt", notice(node, version).encode()))
    core = (HERE / "runner_core.py").read_bytes()
    files.append(_generated(config, f"{RUNTIME}/runner_core.py", core))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    values = {"wheel_url": wheel_url(config), "wheel_name": wheel_name(config)}
    if _runs_here(page):
        try:
            _state.setdefault("blocks", {})[page.file.src_uri] = block_needs(markdown)
        except ValueError as exc:  # an unclosed fence
            raise PluginError(f"runtime: {page.file.src_uri}: {exc}") from None
    return _TOKENS.sub(lambda m: values[m.group(1)], markdown)


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if not _runs_here(page):
        return html
    blocks = _state.get("blocks", {}).get(page.file.src_uri, [])
    shown = len(_PYCON_DIV.findall(html))
    if shown != len(blocks):
        raise PluginError(
            f"runtime: {page.file.src_uri}: {len(blocks)} pycon blocks in the Markdown but "
            f"{shown} in the page; the runner pairs them by order"
        )
    if not blocks:
        return html
    data = json.dumps(blocks, separators=(",", ":")).replace("</", "<\\/")
    # The book's version keys what the page saves for the reader (edits, their files):
    # a new edition starts from its own text, not from edits made to another one.
    version = project(_root(config))["version"]
    return html + (
        f'\n<script type="application/json" id="sg-runner-blocks" data-version="{version}">'
        f"{data}</script>\n"
    )
