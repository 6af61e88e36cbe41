"""MkDocs hook: every chapter as an executed Jupyter notebook, and the lecture notebook.

For each ``docs/chapters/NN-slug.md`` the hook collects the code of the chapter's
``pycon`` blocks, top to bottom, exactly what the doctests run: the ``>>>``/``...``
source lines, not the outputs. A cell ends where the book shows an output; an example
whose expected output is a traceback gets a cell of its own tagged ``raises-exception``
(the cell must raise, and nothing else may). Section headings and exercise titles
become markdown cells, and a first markdown cell names the chapter and links back to it.
The first code cell (of the lecture notebook too) installs the wheel the site publishes
(docs/hooks/package_wheel.py) unless that version of scalargrad is installed: in the build it
is, so executing the notebooks never reaches outside.
``docs/notebooks/lecture.py`` (a jupytext percent file) is the whole-lecture notebook.

Every notebook is executed here, in a fresh kernel, and a cell that raises fails the
build. The executed notebook is published twice:

* ``notebooks/NN-slug.ipynb``: the download, valid nbformat 4 JSON with its outputs;
* ``notebooks/NN-slug/``: the same notebook rendered as a page by mkdocs-jupyter.

Executed notebooks are deterministic (fixed cell ids, no timing metadata). They are
cached in the system temp directory under a key made of the notebook, the package
source and the versions of Python and the kernel libraries, so ``mkdocs serve``
rebuilds stay quick; ``SCALARGRAD_NOTEBOOK_CACHE=0`` turns the cache off.

Chapter pages and notebook pages get ``sg_notebook`` in their context: the relative
URL of the download, which ``docs/overrides/main.html`` shows as a button. The build
fails if ``docs/notebooks/index.md`` does not link every notebook page and download.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import importlib.metadata
import os
import re
import shutil
import sys
import sysconfig
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import install_line  # docs/hooks/install_line.py: the requirement the pages install
import jupytext
import nbformat

# docs/hooks/pycon_blocks.py and notebook_assets.py: MkDocs puts a hook's folder on sys.path
# while it loads the hook.
import notebook_assets
import package_wheel  # docs/hooks/package_wheel.py: the package's version
import pycon_blocks
from listings import CHAPTER_FILE
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

CHAPTERS_DIR = "chapters"
LECTURE = "notebooks/lecture.py"
INDEX = "notebooks/index.md"
# Where executed notebooks are written for mkdocs-jupyter to render. The include pattern
# in mkdocs.yml ("scalargrad-notebooks/notebooks/*/index.ipynb") matches these paths only.
PAGE_DIR_NAME = "scalargrad-notebooks"
KERNEL = "python3"
TIMEOUT = 600  # seconds per cell
PARALLEL = 2  # kernels at a time: the machine has two cores
_CHAPTER = CHAPTER_FILE  # one pattern for a chapter's file name, in listings.py


@dataclass
class Notebook:
    """One notebook: where it comes from and what it becomes."""

    slug: str  # "01-slope" or "lecture"
    title: str
    source_uri: str  # the chapter page (or lecture file) it is made from
    nb: nbformat.NotebookNode
    executed: nbformat.NotebookNode | None = None
    page_uri: str = ""  # "notebooks/01-slope/index.ipynb"
    download_uri: str = ""  # "notebooks/01-slope.ipynb"
    extra: dict = field(default_factory=dict)


def install_cell(requirement: str, version: str) -> nbformat.NotebookNode:
    """The first code cell: install the site's wheel unless that version is installed.

    ``requirement`` is the pages' (docs/hooks/install_line.py). In any hosted notebook
    service it installs the wheel the book was built with; in the build, where the
    package is installed, it does nothing and reaches nowhere. ``%matplotlib inline``
    makes a cell that ends in a matplotlib figure (chapter 17's) show it.
    """
    return nbformat.v4.new_code_cell(
        "# scalargrad from the book's site: the wheel this notebook was built with.\n"
        "# (The `scalargrad` on the package index is an unrelated project.)\n"
        "%matplotlib inline\n"
        "import importlib.metadata as _metadata\n"
        "\n"
        "try:\n"
        '    _installed = _metadata.version("scalargrad")\n'
        "except _metadata.PackageNotFoundError:\n"
        "    _installed = None\n"
        f'if _installed != "{version}":\n'
        f'    %pip install --quiet "{requirement}"'
    )


def chapter_notebook(
    markdown: str, title: str, page_url: str, install: nbformat.NotebookNode
) -> nbformat.NotebookNode:
    """Build the (unexecuted) notebook of one chapter; ``install`` is its first code cell."""
    v4 = nbformat.v4
    cells = [
        v4.new_markdown_cell(
            f"# {title}\n\n"
            f"The code of the chapter [{title}]({page_url}) of the *scalargrad* book, "
            "in the order the chapter runs it. Run the cells from the top: like the "
            "chapter, they share one namespace.\n\n"
            "The first cell installs the `scalargrad` package from the book's site "
            "(the wheel this notebook was built with), unless it is already installed."
        ),
        copy.deepcopy(install),
    ]
    pending: list[str] = []
    heading: str | None = None

    def flush(tags: tuple[str, ...] = ()) -> None:
        nonlocal pending
        if pending:
            metadata = {"tags": list(tags)} if tags else {}
            cells.append(v4.new_code_cell("\n".join(pending), metadata=metadata))
            pending = []

    for item in pycon_blocks.read(markdown):
        if isinstance(item, pycon_blocks.Heading):
            flush()
            heading = item.text  # shown only if code follows before the next heading
            continue
        for example in item.examples:
            if example.skip:
                continue
            if heading is not None:
                flush()
                cells.append(v4.new_markdown_cell(heading))
                heading = None
            if example.raises:
                flush()
                pending.extend(example.source)
                flush(("raises-exception",))
                continue
            pending.extend(example.source)
            if example.want:
                flush()
        flush()
    for index, cell in enumerate(cells):
        cell["id"] = f"cell-{index:03d}"
    nb = v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": KERNEL,
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    return nb


def lecture_notebook(path: Path, install: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = jupytext.read(path, fmt="py:percent")
    nb.metadata.pop("jupytext", None)
    first_code = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), 0)
    nb.cells.insert(first_code, copy.deepcopy(install))
    nb.metadata["kernelspec"] = {
        "name": KERNEL,
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index:03d}"
        cell.get("metadata", {}).pop("lines_to_next_cell", None)
    return nbformat.from_dict(nb)


# --- execution --------------------------------------------------------------------------


def _package_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted((root / "scalargrad").rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    versions = []
    for dist in ("ipykernel", "ipython", "torch", "matplotlib", "graphviz", "nbclient"):
        try:
            versions.append(f"{dist}={importlib.metadata.version(dist)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{dist}=absent")
    digest.update(f"{sys.version}|{'|'.join(versions)}".encode())
    digest.update(Path(__file__).read_bytes())  # a change to this hook invalidates the cache
    return digest.hexdigest()


def _cache_dir() -> Path | None:
    if os.environ.get("SCALARGRAD_NOTEBOOK_CACHE", "1") == "0":
        return None
    return Path(tempfile.gettempdir()) / "scalargrad-notebook-cache"


_DEFAULT_REPR = re.compile(r"^<[\w.]+ (object )?at 0x[0-9a-f]+>$")
_RICH = ("image/svg+xml", "image/png", "text/html")


def _clean(
    nb: nbformat.NotebookNode, root: str = "", site_packages: str | None = None
) -> nbformat.NotebookNode:
    """Drop what differs between two runs of the same notebook.

    Timing metadata goes; consecutive pieces of one output stream are joined (how
    print output is chunked depends on timing); tracebacks name files relative to the
    repository, not by where it happens to be checked out; and the plain-text fallback
    of a rich output (a graphviz drawing) goes when it is only Python's default repr
    with a memory address.
    """
    prefix = root.rstrip("/") + "/" if root else ""
    # where the kernel's libraries live differs between environments (a traceback through
    # micrograd names it): such paths start at "site-packages/"
    packages = (site_packages or sysconfig.get_paths()["purelib"]).rstrip("/") + "/"
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        outputs = []
        for output in cell.get("outputs", []):
            previous = outputs[-1] if outputs else None
            if (
                output.output_type == "stream"
                and previous is not None
                and previous.output_type == "stream"
                and previous.name == output.name
            ):
                previous.text += output.text
                continue
            if output.output_type == "error":
                output.traceback = [
                    line.replace(packages, "site-packages/").replace(prefix or "\0", "")
                    for line in output.traceback
                ]
            data = output.get("data", {})
            text = data.get("text/plain", "")
            if any(m in data for m in _RICH) and _DEFAULT_REPR.match(str(text).strip()):
                del data["text/plain"]
            outputs.append(output)
        if cell.cell_type == "code":
            cell.outputs = outputs
    return nb


def _check_raises(nb: nbformat.NotebookNode, name: str) -> None:
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        tagged = "raises-exception" in cell.metadata.get("tags", [])
        raised = any(o.output_type == "error" for o in cell.outputs)
        if tagged and not raised:
            raise PluginError(
                f"notebooks: {name}: cell {index} shows a traceback in the book but ran "
                f"without raising:\n{cell.source}"
            )


async def _execute_one(item: Notebook, cwd: str, sem: asyncio.Semaphore) -> None:
    async with sem:
        nb = copy.deepcopy(item.nb)
        client = NotebookClient(
            nb,
            timeout=TIMEOUT,
            kernel_name=KERNEL,
            allow_errors=False,
            record_timing=False,
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
            resources={"metadata": {"path": cwd}},
        )
        try:
            await client.async_execute()
        except CellExecutionError as exc:
            raise PluginError(f"notebooks: executing {item.slug} failed:\n{exc}") from exc
        item.executed = _clean(nb, cwd)
        _check_raises(item.executed, item.slug)


async def _execute_all(items: list[Notebook], cwd: str) -> None:
    sem = asyncio.Semaphore(PARALLEL)
    await asyncio.gather(*(_execute_one(item, cwd, sem) for item in items))


def execute(items: list[Notebook], root: Path) -> None:
    """Execute every notebook (or take it from the cache); fill ``item.executed``."""
    cache = _cache_dir()
    package = _package_digest(root)
    todo: list[Notebook] = []
    keys: dict[str, Path] = {}
    for item in items:
        key = hashlib.sha256((package + nbformat.writes(item.nb)).encode()).hexdigest()
        if cache is not None:
            path = cache / f"{item.slug}-{key[:32]}.ipynb"
            keys[item.slug] = path
            if path.is_file():
                item.executed = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
                continue
        todo.append(item)
    if todo:
        asyncio.run(_execute_all(todo, str(root)))
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        for item in todo:
            target = keys[item.slug]
            tmp = target.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(_dumps(item.executed), encoding="utf-8")
            tmp.replace(target)


def _dumps(nb: nbformat.NotebookNode | None) -> str:
    assert nb is not None
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"


# --- MkDocs events -----------------------------------------------------------------------

_state: dict = {}


def _nav_titles(config: MkDocsConfig) -> dict[str, str]:
    titles: dict[str, str] = {}

    def walk(entries) -> None:
        for entry in entries or []:
            if isinstance(entry, dict):
                for title, value in entry.items():
                    if isinstance(value, str):
                        titles[value] = title
                    else:
                        walk(value)

    walk(config.nav)
    return titles


def collect(config: MkDocsConfig) -> list[Notebook]:
    docs = Path(config.docs_dir)
    site_url = (config.site_url or "").rstrip("/") + "/"
    titles = _nav_titles(config)
    project = package_wheel.project(Path(config.config_file_path).resolve().parent)
    install = install_cell(install_line.requirement(config), project["version"])
    items: list[Notebook] = []
    for path in sorted((docs / CHAPTERS_DIR).glob("*.md")):
        if not _CHAPTER.match(path.name):
            continue
        uri = f"{CHAPTERS_DIR}/{path.name}"
        markdown = path.read_text(encoding="utf-8")
        title = titles.get(uri)
        if title is None:
            h1 = re.search(r"^#\s+(.+)$", markdown, re.M)
            title = h1.group(1).strip() if h1 else path.stem
        page_url = f"{site_url}{CHAPTERS_DIR}/{path.stem}/"
        try:
            nb = chapter_notebook(markdown, title, page_url, install)
        except ValueError as exc:  # an unclosed fence
            raise PluginError(f"notebooks: {uri}: {exc}") from None
        items.append(Notebook(slug=path.stem, title=title, source_uri=uri, nb=nb))
    lecture = docs / LECTURE
    if lecture.is_file():
        items.append(
            Notebook(
                slug="lecture",
                title=titles.get("notebooks/lecture/index.ipynb", "The whole lecture"),
                source_uri=LECTURE,
                nb=lecture_notebook(lecture, install),
            )
        )
    return items


@event_priority(100)  # before mkdocs-jupyter's on_files, which claims the notebook pages
def on_files(files: Files, config: MkDocsConfig) -> Files:
    root = Path(config.config_file_path).resolve().parent
    items = collect(config)
    execute(items, root)
    build_dir = tempfile.mkdtemp(prefix="scalargrad-build-")
    _state.clear()
    _state["items"] = items
    _state["files"] = files
    _state["build_dir"] = build_dir
    _state["by_uri"] = {}
    for item in items:
        text = _dumps(item.executed)
        item.download_uri = f"notebooks/{item.slug}.ipynb"
        item.page_uri = f"notebooks/{item.slug}/index.ipynb"
        src_dir = Path(build_dir) / PAGE_DIR_NAME
        page_path = src_dir / item.page_uri
        page_path.parent.mkdir(parents=True)
        page_path.write_text(text, encoding="utf-8")
        files.append(File.generated(config, item.download_uri, content=text.encode("utf-8")))
        # A real file in a docs-like folder: mkdocs-jupyter wraps it and reads it from disk.
        page = File(
            item.page_uri,
            src_dir=str(src_dir),
            dest_dir=config.site_dir,
            use_directory_urls=config.use_directory_urls,
        )
        page.generated_by = "docs/hooks/notebooks.py"
        files.append(page)
        _state["by_uri"][item.source_uri] = item
        _state["by_uri"][item.page_uri] = item
    lecture_source = files.get_file_from_path(LECTURE)
    if lecture_source is not None:
        files.remove(lecture_source)  # published as notebooks/lecture.ipynb instead
    return files


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    missing = [
        item.source_uri
        for item in _state.get("items", [])
        if files.get_file_from_path(item.download_uri) is None
    ]
    if missing:
        raise PluginError(f"notebooks: no download published for {missing}")
    return nav


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri == INDEX:
        links = set(re.findall(r"\]\(([^)\s]+)", markdown))
        wanted = []
        for item in _state.get("items", []):
            page_link = f"{item.slug}/index.ipynb"
            download_link = f"{item.slug}.ipynb"
            for link in (page_link, download_link):
                if link not in links:
                    wanted.append(link)
        if wanted:
            raise PluginError(
                f"notebooks: {INDEX} must link every notebook page and download; "
                f"missing links: {', '.join(wanted)}"
            )
    return markdown


def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
    item = _state.get("by_uri", {}).get(page.file.src_uri)
    if item is not None:
        files = _state.get("files")
        download = files.get_file_from_path(item.download_uri) if files else None
        if download is not None:
            context["sg_notebook"] = download.url_relative_to(page.file)
    return context


def on_post_build(config: MkDocsConfig) -> None:
    build_dir = _state.get("build_dir")
    if build_dir:
        shutil.rmtree(build_dir, ignore_errors=True)


_HEADING_ID = re.compile(r'<h[1-6] id="([^"]+)"')


def _is_notebook_page(page: Page) -> bool:
    return page.file.src_uri.startswith("notebooks/") and page.file.src_uri.endswith(".ipynb")


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Point the notebook page's table of contents at the headings' real ids.

    mkdocs-jupyter slugs the TOC with Python-Markdown but nbconvert gives the headings
    their own ids; they differ for a heading with code in it, which breaks its TOC link.
    """
    if not _is_notebook_page(page):
        return html
    ids = _HEADING_ID.findall(html)
    items = []

    def walk(entries) -> None:
        for entry in entries:
            items.append(entry)
            walk(entry.children)

    walk(page.toc)
    if len(items) != len(ids):
        raise PluginError(
            f"notebooks: {page.file.src_uri}: {len(items)} TOC entries but {len(ids)} headings"
        )
    for item, heading_id in zip(items, ids, strict=True):
        item.id = heading_id
    return html


# mkdocs-jupyter's template always emits a MathJax loader (with no MathJax URL: an empty
# <script src="">) and a Mermaid loader that imports Mermaid from a CDN when a notebook
# has a diagram. The book typesets math with KaTeX and loads nothing from outside: both go.
_JUPYTER_LOADERS = re.compile(
    r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->"
    r'|<script type="module">\s*document\.addEventListener\("DOMContentLoaded", async \(\) => \{'
    r'\s*const diagrams = document\.querySelectorAll\("\.jp-Mermaid.*?</script>',
    re.S,
)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    if _is_notebook_page(page):
        output = _JUPYTER_LOADERS.sub("", output)
        return notebook_assets.externalize(output, page.file.dest_uri, Path(config.site_dir))
    return output
