"""Checks of the book as a whole: snippet markers, the figure and notebook hooks, the
built site's links, and that two builds of the same tree are byte-identical.

The link and notebook checks read ``site/``, which ``make test`` builds with
``mkdocs build --strict`` before running pytest; without it they fail and say so.
"""

from __future__ import annotations

import json
import os
import re
import textwrap
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from repotools import load_module

from scalargrad.chapters import CHAPTERS

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
# The site is published under the path of site_url (mkdocs.yml); absolute links carry it.
SITE_PATH = "/scalargrad/"


def load_hook(name: str):
    """Import ``docs/hooks/NAME.py`` as MkDocs does: with its folder on sys.path while it loads."""
    return load_module(DOCS / "hooks" / f"{name}.py", f"_test_hook_{name}", folder_on_path=True)


# --- snippet markers: the parser of docs/hooks/listings.py, the one the build uses ---------

_REFERENCE = re.compile(r"""^\s*--8<--\s+(["'])(?P<target>[^"']+)\1\s*$""", re.M)
_listings = load_hook("listings")
marker_problems = _listings.marker_problems
sections = _listings.sections


def test_marker_checker_catches_mistakes() -> None:
    good = "# --8<-- [start:a]\nx = 1\n# --8<-- [start:b]\n# --8<-- [end:b]\n# --8<-- [end:a]\n"
    assert marker_problems(good, "good.py") == []
    assert "never ended" in marker_problems("# --8<-- [start:a]\nx = 1\n", "f.py")[0]
    assert "without a [start:a]" in marker_problems("# --8<-- [end:a]\n", "f.py")[0]
    twice = "# --8<-- [start:a]\n# --8<-- [end:a]\n# --8<-- [start:a]\n# --8<-- [end:a]\n"
    assert "second time" in marker_problems(twice, "f.py")[0]
    ends_first = "# --8<-- [end:a]\n# --8<-- [start:a]\n"
    assert len(marker_problems(ends_first, "f.py")) == 2


def source_files() -> list[Path]:
    return sorted([*(ROOT / "scalargrad").rglob("*.py"), *(ROOT / "tests").rglob("*.py")])


def test_snippet_markers_are_balanced() -> None:
    files = source_files()
    assert any("[start:" in p.read_text(encoding="utf-8") for p in files), "no markers found"
    problems = []
    for path in files:
        if path == Path(__file__).resolve():
            continue  # this file holds markers as test data
        problems += marker_problems(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert not problems, "\n".join(problems)


def test_every_snippet_reference_exists() -> None:
    references = []
    for md in sorted(DOCS.rglob("*.md")):
        for match in _REFERENCE.finditer(md.read_text(encoding="utf-8")):
            references.append((md, match.group("target")))
    problems = []
    for md, target in references:
        path, _, section = target.partition(":")
        file = ROOT / path
        where = f"{md.relative_to(ROOT)}: --8<-- {target!r}"
        if not file.is_file():
            problems.append(f"{where}: no file {path}")
        elif (
            section
            and not section[0].isdigit()
            and section not in sections(file.read_text(encoding="utf-8"))
        ):
            problems.append(f"{where}: {path} has no section {section!r}")
    assert not problems, "\n".join(problems)


# --- the hooks ----------------------------------------------------------------------------


def test_figure_hook_fails_on_duplicates_and_errors(tmp_path: Path) -> None:
    from mkdocs.exceptions import PluginError

    figures = load_hook("figures")
    (tmp_path / "slope.py").write_text(
        'FIGURES = {"slope-a.svg": lambda: "<svg></svg>", "slope-b.svg": lambda: 1 / 0}\n'
    )
    found = figures.collect_figures(tmp_path)
    assert sorted(found) == ["slope-a.svg", "slope-b.svg"]
    assert figures.render("slope-a.svg", *found["slope-a.svg"]) == "<svg></svg>"
    with pytest.raises(PluginError, match=r"drawing 'slope-b\.svg' failed"):
        figures.render("slope-b.svg", *found["slope-b.svg"])
    (tmp_path / "many-inputs.py").write_text('FIGURES = {"slope-c.svg": lambda: "<svg></svg>"}\n')
    with pytest.raises(PluginError, match=r"many-inputs\.py: figure name 'slope-c\.svg' must "
                       r"start with the chapter's slug"):
        figures.collect_figures(tmp_path)
    (tmp_path / "many-inputs.py").unlink()
    (tmp_path / "ch01.py").write_text('FIGURES = {}\n')
    with pytest.raises(PluginError, match=r"_figures/ch01\.py is not named after a chapter"):
        figures.collect_figures(tmp_path)


def test_figure_links_open_full_size() -> None:
    figures = load_hook("figures")
    html = (
        '<p><img alt="x" src="../figures/slope-a.svg" /></p>'
        '<a href="y"><img src="../figures/b.svg"></a>'
    )
    out = figures.on_page_content(html, page=None, config=None, files=None)
    assert '<a class="sg-figure" href="../figures/slope-a.svg"' in out
    assert out.count("sg-figure") == 1, "an image the author linked is left alone"


CHAPTER = textwrap.dedent(
    """\
    # A chapter

    ```pycon
    >>> import math

    ```

    ## Numbers

    ```pycon
    >>> x = 2  # doctest: +NORMALIZE_WHITESPACE
    >>> y = x * 3
    >>> y
    6
    >>> def f(t):
    ...     return t + 1
    >>> f(y)
    7
    >>> f("a")
    Traceback (most recent call last):
    ...
    TypeError: can only concatenate str (not "int") to str
    >>> z = 1

    ```

    ??? question "Exercise 1: More"

        ??? success "Solution"

            ```pycon
            >>> math.sqrt(y + 3)
            3.0

            ```
    """
)


def test_chapter_notebook_cells() -> None:
    notebooks = load_hook("notebook_making")
    requirement = "scalargrad[viz,tensor] @ https://example.org/wheels/scalargrad-9.9-py3-none-any.whl"
    install = notebooks.install_cell(requirement, "9.9")
    nb = notebooks.chapter_notebook(CHAPTER, "1. A chapter", "https://example.org/ch/", install)
    cells = [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in nb.cells]
    assert cells[0][0] == "markdown" and "[1. A chapter](https://example.org/ch/)" in cells[0][1]
    assert "pip install -e" not in cells[0][1]
    # the first code cell installs the site's wheel, only when that version is missing
    assert cells[1][0] == "code" and cells[1][1] == install.source
    assert f'if _installed != "9.9":\n    %pip install --quiet "{requirement}"' in cells[1][1]
    assert cells[2:] == [
        ("code", "import math", []),
        ("markdown", "## Numbers", []),
        ("code", "x = 2\ny = x * 3\ny", []),
        ("code", "def f(t):\n    return t + 1\nf(y)", []),
        ("code", 'f("a")', ["raises-exception"]),
        ("code", "z = 1", []),
        ("markdown", "### Exercise 1: More", []),
        ("code", "math.sqrt(y + 3)", []),
    ]
    assert [c.id for c in nb.cells] == [f"cell-{i:03d}" for i in range(len(nb.cells))]


def test_pycon_blocks_reader() -> None:
    import doctest

    reader = load_hook("pycon_blocks")
    assert doctest.testmod(reader).failed == 0
    items = reader.read(CHAPTER)
    assert [type(item).__name__ for item in items] == [
        "Block",
        "Heading",
        "Block",
        "Heading",
        "Block",
    ]
    block = items[2]
    assert [e.source for e in block.examples][3] == ["def f(t):", "    return t + 1"]
    assert block.examples[0].skip is False and "NORMALIZE" in block.examples[0].directives
    assert [e.raises for e in block.examples] == [False, False, False, False, False, True, False]
    assert block.raises and not items[0].raises
    for example in block.examples:  # offsets point at the example's own text
        assert CHAPTER[example.start : example.end].lstrip().startswith(">>> ")
        assert CHAPTER.count("\n", 0, example.start) + 1 == example.lineno
    solution = items[4].examples[0]
    assert solution.source == ["math.sqrt(y + 3)"] and solution.want == ["3.0"]
    with pytest.raises(ValueError, match="line 1: code fence never closed"):
        reader.read("```pycon\n>>> 1\n")


def test_a_traceback_that_does_not_happen_is_caught() -> None:
    import nbformat
    from mkdocs.exceptions import PluginError

    notebooks = load_hook("notebook_running")
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("1 + 1", metadata={"tags": ["raises-exception"]})]
    )
    nb.cells[0].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"})]
    with pytest.raises(PluginError, match="without raising"):
        notebooks._check_raises(nb, "test")


def test_executed_notebooks_drop_memory_addresses() -> None:
    import nbformat

    notebooks = load_hook("notebook_running")
    cell = nbformat.v4.new_code_cell("draw_dot(x)")
    cell.outputs = [
        nbformat.v4.new_output(
            "execute_result",
            {"image/svg+xml": "<svg/>", "text/plain": "<graphviz.graphs.Digraph at 0x7fb553>"},
        ),
        nbformat.v4.new_output("execute_result", {"text/plain": "Value(data=2.0)"}),
    ]
    cell.metadata["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00Z"}
    printed = nbformat.v4.new_code_cell("print(1); print(2); 1 / 0")
    printed.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="1\n"),
        nbformat.v4.new_output("stream", name="stdout", text="2\n"),
        nbformat.v4.new_output(
            "error",
            ename="ZeroDivisionError",
            evalue="division by zero",
            traceback=[
                "File /src/repo/scalargrad/engine.py:3, in f",
                "File /env/lib/site-packages/micrograd/engine.py:65, in backward",
            ],
        ),
    ]
    nb = notebooks._clean(
        nbformat.v4.new_notebook(cells=[cell, printed]), "/src/repo", "/env/lib/site-packages"
    )
    assert nb.cells[0].outputs[0]["data"] == {"image/svg+xml": "<svg/>"}
    assert nb.cells[0].outputs[1]["data"] == {"text/plain": "Value(data=2.0)"}
    assert "execution" not in nb.cells[0].metadata
    assert [o.output_type for o in nb.cells[1].outputs] == ["stream", "error"]
    assert nb.cells[1].outputs[0].text == "1\n2\n"
    assert nb.cells[1].outputs[1].traceback == [
        "File scalargrad/engine.py:3, in f",
        "File site-packages/micrograd/engine.py:65, in backward",
    ]


# --- the built site -------------------------------------------------------------------------


class _Page(HTMLParser):
    """Collect ids, links and loaded resources of one HTML page."""

    NOT_LOADED: ClassVar[set[str]] = {
        "canonical",
        "alternate",
        "prev",
        "next",
        "author",
        "license",
        "help",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []  # href of <a>: followed by the reader
        self.loads: list[str] = []  # fetched by the browser when the page is shown

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "name" in a:
            self.ids.add(a["name"])
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        elif tag == "link" and "href" in a:
            rels = set(a.get("rel", "").lower().split())
            (self.links if rels and rels <= self.NOT_LOADED else self.loads).append(a["href"])
        for attr in ("src", "data", "poster"):
            if attr in a and tag in {
                "img",
                "script",
                "iframe",
                "source",
                "embed",
                "object",
                "video",
                "audio",
                "track",
                "input",
            }:
                self.loads.append(a[attr])
        if "srcset" in a:
            self.loads += [part.split()[0] for part in a["srcset"].split(",") if part.strip()]


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _target(site: Path, page: Path, ref: str) -> tuple[Path, str] | None:
    """The file and fragment an internal reference points at, or None if external."""
    parts = urlsplit(ref)
    if parts.scheme or parts.netloc:
        return None
    base = "/" + page.relative_to(site).as_posix()
    url = urlsplit(urljoin(base, ref))
    path = unquote(url.path)
    if path.startswith(SITE_PATH):  # absolute links (404.html) carry the site's path
        path = "/" + path[len(SITE_PATH) :]
    file = site / path.lstrip("/")
    if path.endswith("/") or file.is_dir():
        file = file / "index.html"
    return file, url.fragment


def link_problems(site: Path) -> list[str]:
    pages = sorted(site.rglob("*.html"))
    parsed = {p: _parse(p) for p in pages}
    problems: list[str] = []
    for page, info in parsed.items():
        where = page.relative_to(site).as_posix()
        for ref in info.loads:
            if ref.startswith(("data:", "blob:")):
                continue
            if urlsplit(ref).scheme or ref.startswith("//"):
                problems.append(f"{where}: loads an external resource {ref}")
                continue
            if not ref:
                problems.append(f"{where}: an element loads an empty URL")
                continue
        for ref in info.links + info.loads:
            if not ref or ref.startswith(("data:", "blob:", "mailto:", "javascript:")):
                continue
            target = _target(site, page, ref)
            if target is None:
                continue
            file, fragment = target
            if not file.is_file():
                problems.append(f"{where}: {ref} -> {file.relative_to(site)} does not exist")
            elif fragment and file.suffix == ".html":
                ids = parsed[file].ids if file in parsed else _parse(file).ids
                if unquote(fragment) not in ids:
                    problems.append(f"{where}: {ref} -> no id {fragment!r} in {file.name}")
    return problems


def test_link_checker_finds_broken_links(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(
        '<h1 id="top">A</h1><a href="../b.html#nope">b</a><a href="#top">top</a>'
        '<img src="https://cdn.example.org/x.png"><a href="https://example.org/">ok</a>'
        '<script src="missing.js"></script><link rel="canonical" href="https://example.org/a/">'
    )
    (tmp_path / "b.html").write_text('<p id="yes">B</p><a href="a/#top">a</a>')
    problems = link_problems(tmp_path)
    assert len(problems) == 3, problems
    assert any("no id 'nope'" in p for p in problems)
    assert any("external resource https://cdn.example.org/x.png" in p for p in problems)
    assert any("missing.js" in p for p in problems)


def test_site_links_resolve_and_nothing_loads_from_outside(site: Path) -> None:
    problems = link_problems(site)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:60])


def test_no_inline_script_imports_from_outside(site: Path) -> None:
    pattern = re.compile(r"""(import\(|importScripts\(|fetch\()\s*["'`]https?://""")
    offenders = [
        p.relative_to(site).as_posix()
        for p in sorted(site.rglob("*.html"))
        if pattern.search(p.read_text(encoding="utf-8"))
    ]
    assert not offenders, f"pages with scripts that fetch from outside: {offenders}"


def chapters() -> list[Path]:
    return [DOCS / "chapters" / f"{slug}.md" for slug in CHAPTERS]


def test_every_chapter_has_an_executed_notebook_and_a_download_button(site: Path) -> None:
    import nbformat

    found = chapters()
    assert found, "no chapters in docs/chapters"
    for chapter in found:
        download = site / "notebooks" / f"{chapter.stem}.ipynb"
        assert download.is_file(), f"no notebook for {chapter.name}"
        nb = nbformat.reads(download.read_text(encoding="utf-8"), as_version=4)
        nbformat.validate(nb)
        code = [c for c in nb.cells if c.cell_type == "code"]
        has_pycon = "```pycon" in chapter.read_text(encoding="utf-8")
        assert bool(code) == has_pycon, f"{download.name}: code cells do not match the chapter"
        if has_pycon:
            assert all(c.execution_count for c in code), f"{download.name} is not executed"
        page = (site / "chapters" / chapter.stem / "index.html").read_text(encoding="utf-8")
        assert f'href="../../notebooks/{chapter.stem}.ipynb"' in page, (
            f"chapter page {chapter.stem} has no download-notebook link"
        )
        rendered = site / "notebooks" / chapter.stem / "index.html"
        assert rendered.is_file(), f"no rendered notebook page for {chapter.name}"
    lecture = site / "notebooks" / "lecture.ipynb"
    assert lecture.is_file()
    assert json.loads(lecture.read_text(encoding="utf-8"))["nbformat"] == 4


def _nav_pages(entries: list) -> list[str]:
    """Every page a nav lists, at any depth, in order."""
    pages = []
    for entry in entries:
        for value in entry.values() if isinstance(entry, dict) else [entry]:
            pages += _nav_pages(value) if isinstance(value, list) else [str(value)]
    return pages


def test_nav_lists_every_chapter() -> None:
    """mkdocs.yml lists no chapter: the build writes them into the nav (the hook
    chapter_table.py, which mkdocs.yml registers), every file of docs/chapters once,
    in the order of scalargrad/chapters.py."""
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"))
    assert [p for p in _nav_pages(config.nav) if p.startswith("chapters/")] == []
    config = config.plugins.on_config(config)  # as `mkdocs build` does, every hook
    listed = [p for p in _nav_pages(config.nav) if p.startswith("chapters/")]
    assert listed == [f"chapters/{c.name}" for c in chapters()]
    files = sorted(f"chapters/{p.name}" for p in (DOCS / "chapters").glob("*.md"))
    assert sorted(listed) == files, "a chapter file that the nav does not list, or one twice"


def test_api_reference_fences_docstring_doctests() -> None:
    griffe_doctests = load_hook("griffe_doctests")
    text = "Add.\n\n>>> [1, 2]\n[1, 2]\n\nExamples:\n    >>> 1\n    1\n\n```python\n>>> x\n```"
    out = griffe_doctests.fence_doctests(text).splitlines()
    assert out[:6] == ["Add.", "", "```pycon", ">>> [1, 2]", "[1, 2]", "```"]
    assert out[7:] == ["Examples:", "    >>> 1", "    1", "", "```python", ">>> x", "```"]
    rst = "See :func:`central_difference` and :class:`~scalargrad.engine.Value`::"
    assert (
        griffe_doctests.fence_doctests(rst)
        == "See `central_difference` and `scalargrad.engine.Value`:"
    )


# --- the publication: links, the whole-book page, the offline zip, page weight -------------

NOTEBOOK_PAGE_LIMIT = 250 * 1024
REPO_URL = "https://github.com/scalargrad/scalargrad"


def test_notebook_pages_are_light_and_share_one_stylesheet(site: Path) -> None:
    pages = [site / "notebooks" / name / "index.html" for name in [*CHAPTERS, "lecture"]]
    assert all(p.is_file() for p in pages), "a chapter or the lecture has no notebook page"
    sheets = set()
    for page in pages:
        html = page.read_text(encoding="utf-8")
        size = len(html.encode("utf-8"))
        where = page.relative_to(site).as_posix()
        assert size <= NOTEBOOK_PAGE_LIMIT, f"{where} weighs {size // 1024} KB"
        assert '<style type="text/css">' not in html, f"{where} still inlines JupyterLab CSS"
        assert "data:image/" not in html, f"{where} still inlines an image"
        sheets |= set(re.findall(r'href="[./]*(assets/stylesheets/jupyter-[0-9a-f]+\.css)"', html))
    assert len(sheets) == 1, f"notebook pages should share one stylesheet, found {sheets}"
    assert (site / sheets.pop()).stat().st_size > 100_000, "the shared JupyterLab styles are gone"


def test_notebook_assets_are_moved_out_by_content(tmp_path: Path) -> None:
    assets = load_hook("notebook_assets")
    page = (
        '<style type="text/css">.a{}</style><p>x</p><style type="text/css">.b{}</style>'
        '<img src="data:image/png;base64,iVBORw0K"><img src="data:image/svg+xml;base64,PHN2Zy8+">'
    )
    out = assets.externalize(page, "notebooks/01-x/index.html", tmp_path)
    css = re.search(r'href="(\.\./\.\./assets/stylesheets/jupyter-[0-9a-f]{16}\.css)"', out)
    assert css and out.count("<link") == 1 and "<style" not in out and "<p>x</p>" in out
    sheet = tmp_path / "notebooks/01-x" / css.group(1)
    assert sheet.read_text() == ".a{}\n.b{}\n"
    names = re.findall(r'src="(output-[0-9a-f]{16}\.(?:png|svg))"', out)
    assert len(names) == 2
    assert (tmp_path / "notebooks/01-x" / names[1]).read_bytes() == b"<svg/>"


def test_repository_link_without_api_requests_and_edit_links(site: Path) -> None:
    home = (site / "index.html").read_text(encoding="utf-8")
    assert f'href="{REPO_URL}"' in home and 'class="md-source"' in home
    for page in sorted(site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        # Material's script fetches repository facts from the code host for this element
        assert 'data-md-component="source"' not in html, page.relative_to(site).as_posix()
    for chapter in chapters():
        html = (site / "chapters" / chapter.stem / "index.html").read_text(encoding="utf-8")
        notebook = (site / "notebooks" / chapter.stem / "index.html").read_text(encoding="utf-8")
        for action in ("edit", "raw"):
            link = f'href="{REPO_URL}/{action}/main/docs/chapters/{chapter.name}"'
            assert link in html, f"{chapter.stem}: no {action} link"
            # the notebook page's buttons lead to the chapter it is made from
            assert link in notebook, f"notebooks/{chapter.stem}: no {action} link to the chapter"
    lecture = (site / "notebooks" / "lecture" / "index.html").read_text(encoding="utf-8")
    assert f'href="{REPO_URL}/edit/main/docs/notebooks/lecture.py"' in lecture
    assert "index.ipynb" not in " ".join(re.findall(rf'href="{REPO_URL}[^"]*"', lecture))


@pytest.mark.parametrize("hook", ["whole_book_page", "notebook_edit_links"])
def test_edition_hooks_doctests(hook: str) -> None:
    import doctest

    assert doctest.testmod(load_hook(hook)).failed == 0


def test_whole_book_page_has_every_chapter_in_order(site: Path) -> None:
    html = (site / "print_page" / "index.html").read_text(encoding="utf-8")
    positions = []
    for chapter in chapters():
        # print-site gives each page a section whose id is the page's URL path
        match = re.search(rf'<section class="print-page" id="chapters-{chapter.stem}', html)
        assert match, f"the whole-book page lacks {chapter.stem}"
        positions.append(match.start())
    assert positions == sorted(positions), "chapters are out of order on the whole-book page"
    assert 'src="../figures/' in html, "figures are missing from the whole-book page"
    assert 'class="arithmatex"' in html, "math is missing from the whole-book page"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="print_page/"' in home and 'href="downloads/scalargrad-offline.zip"' in home


def test_offline_zip_is_reproducible_and_complete(site: Path) -> None:
    import zipfile

    with zipfile.ZipFile(site / "downloads" / "scalargrad-offline.zip") as archive:
        infos = archive.infolist()
        names = [i.filename for i in infos]
        assert names == sorted(names), "zip entries are not sorted"
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert all(n.startswith("scalargrad-offline/") for n in names)
        for page in (
            "index.html",
            "chapters/slope.html",
            "print_page.html",
            "search/search_index.js",
            "assets/iframe-worker/shim.js",
        ):
            assert f"scalargrad-offline/{page}" in names, f"the offline edition lacks {page}"
        home = archive.read("scalargrad-offline/index.html").decode("utf-8")
    assert "https://unpkg.com" not in home and "assets/iframe-worker/shim.js" in home
    assert 'href="print_page.html"' in home
    # inside the offline edition, the download link points at the published zip
    assert 'href="https://scalargrad.github.io/scalargrad/downloads/scalargrad-offline.zip"' in home


def test_zip_folder_is_deterministic(tmp_path: Path) -> None:
    offline_edition = load_hook("offline_edition")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x.html").write_text("x")
    (tmp_path / "a.html").write_text("a")
    first = offline_edition.zip_folder(tmp_path)
    os.utime(tmp_path / "a.html", (0, 0))
    assert offline_edition.zip_folder(tmp_path) == first
    from mkdocs.exceptions import PluginError

    with pytest.raises(PluginError, match="nothing to zip"):
        offline_edition.zip_folder(tmp_path / "b" / "empty-none")


def test_offline_config_keeps_the_features_but_instant_navigation() -> None:
    import yaml

    def features(name: str) -> list[str]:
        text = (ROOT / name).read_text(encoding="utf-8")
        text = re.sub(r"!!python/\S+", "", text)  # tags PyYAML's safe loader refuses
        return yaml.safe_load(text)["theme"]["features"]

    main, offline = features("mkdocs.yml"), features("mkdocs-offline.yml")
    assert "navigation.instant" in main and "navigation.instant" not in offline
    assert offline == [f for f in main if f != "navigation.instant"]
