"""Making the book's Jupyter notebooks: each chapter's from its ``pycon`` blocks, and the lecture's.

For each ``docs/chapters/SLUG.md`` the code of the chapter's ``pycon`` blocks is
collected, top to bottom, exactly what the doctests run: the ``>>>``/``...`` source
lines, not the outputs. A cell ends where the book shows an output; an example whose
expected output is a traceback gets a cell of its own tagged ``raises-exception`` (the
cell must raise, and nothing else may). Section headings and exercise titles become
markdown cells, and a first markdown cell names the chapter and links back to it. The
first code cell (of the lecture notebook too) installs the wheel the site publishes
(docs/hooks/package_wheel.py) unless that version of scalargrad is installed: in the
build it is, so executing the notebooks never reaches outside.
``docs/notebooks/lecture.py`` (a jupytext percent file) is the whole-lecture notebook.

The notebooks made here are not executed: docs/hooks/notebook_running.py runs them.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

# docs/hooks/: MkDocs puts a hook's folder on sys.path while it loads the hook.
import chapter_refs  # {{ chapter SLUG }} in the headings the notebook keeps
import install_line  # the requirement the pages install
import jupytext
import listings  # which files are chapters
import nbformat
import package_wheel  # the package's version
import pycon_blocks
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.utils.meta import get_data

CHAPTERS_DIR = "chapters"
LECTURE = "notebooks/lecture.py"
KERNEL = "python3"


@dataclass
class Notebook:
    """One notebook: where it comes from and what it becomes."""

    slug: str  # "slope" or "lecture"
    title: str
    source_uri: str  # the chapter page (or lecture file) it is made from
    nb: nbformat.NotebookNode
    executed: nbformat.NotebookNode | None = None
    page_uri: str = ""  # "notebooks/slope/index.ipynb"
    download_uri: str = ""  # "notebooks/slope.ipynb"
    extra: dict = field(default_factory=dict)


def install_cell(requirement: str, version: str) -> nbformat.NotebookNode:
    """The first code cell: install the site's wheel unless that version is installed.

    ``requirement`` is the pages' (docs/hooks/install_line.py). In any hosted notebook
    service it installs the wheel the book was built with; in the build, where the
    package is installed, it does nothing and reaches nowhere. ``%matplotlib inline``
    makes a cell that ends in a matplotlib figure (the "tensors" chapter's) show it.
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


def lecture_notebook(path: Path, install: nbformat.NotebookNode,
                     site_url: str) -> nbformat.NotebookNode:
    """The whole lecture as a notebook: ``{{ chapter SLUG }}`` links to the hosted book."""
    nb = jupytext.read(path, fmt="py:percent")
    nb.metadata.pop("jupytext", None)
    targets = {slug: f"{site_url}{CHAPTERS_DIR}/{slug}/" for slug in chapter_refs.CHAPTERS}
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = chapter_refs.substitute(cell.source, LECTURE, targets)
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
    targets = chapter_refs.files_by_slug()
    items: list[Notebook] = []
    for path in sorted((docs / CHAPTERS_DIR).glob("*.md")):
        if listings.chapter_number(path.name) is None:
            continue
        uri = f"{CHAPTERS_DIR}/{path.name}"
        text, _ = get_data(path.read_text(encoding="utf-8"))  # without its front matter
        markdown = chapter_refs.substitute(text, uri, targets)
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
                nb=lecture_notebook(lecture, install, site_url),
            )
        )
    return items

