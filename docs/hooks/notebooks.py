"""MkDocs hook: every chapter as an executed Jupyter notebook, and the lecture notebook.

The notebooks are made by docs/hooks/notebook_making.py and executed (or taken from the
cache) by docs/hooks/notebook_running.py. This hook publishes each executed notebook
twice:

* ``notebooks/SLUG.ipynb``: the download, valid nbformat 4 JSON with its outputs;
* ``notebooks/SLUG/``: the same notebook rendered as a page by mkdocs-jupyter.

Chapter pages and notebook pages get ``sg_notebook`` in their context: the relative
URL of the download, which ``docs/overrides/main.html`` shows as a button. The build
fails if ``docs/notebooks/index.md`` does not link every notebook page and download.
A notebook page's table of contents is pointed at its headings' real ids, and the
loaders mkdocs-jupyter adds (MathJax, Mermaid from a CDN) are removed.

mkdocs-jupyter's own cache of the pages' HTML is kept in the build cache
(docs/hooks/build_cache.py): it keys an entry by the executed notebook and its options,
and the folder it is given is named by the tools' digest (nbconvert, Pygments,
mkdocs-jupyter and the rest), so a page is converted again when either changes.
"""

from __future__ import annotations

import html
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

# docs/hooks/: MkDocs puts a hook's folder on sys.path while it loads the hook.
import build_cache
import notebook_assets
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from notebook_making import LECTURE, Notebook, collect
from notebook_running import PLACEHOLDER_NOTE, dumps, execute, is_placeholder

INDEX = "notebooks/index.md"
# Where executed notebooks are written for mkdocs-jupyter to render. The include pattern
# in mkdocs.yml ("scalargrad-notebooks/notebooks/*/index.ipynb") matches these paths only.
PAGE_DIR_NAME = "scalargrad-notebooks"



@dataclass
class _Build:
    """What on_files makes and the later events of the same build read."""

    items: list[Notebook] = field(default_factory=list)
    files: Files | None = None
    build_dir: str = ""  # where the notebook pages are written; removed after the build
    by_uri: dict[str, Notebook] = field(default_factory=dict)  # by chapter or page src_uri
    placeholders: set[str] = field(default_factory=set)  # pages of notebooks still running


# Replaced by on_files at the start of every build (each rebuild of `mkdocs serve` too).
_build = _Build()


PAGES_CACHE = "notebook-pages"


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Give mkdocs-jupyter's cache a folder in the build cache, named by the tools.

    The site's address and the configuration file are in the name too: ``make book``
    serves the book under another address, which the notebooks' first cell names, and
    the offline edition is built beside the site; each would otherwise evict the other's
    pages (mkdocs-jupyter drops the entries a build did not use) or read an entry the
    other is still writing.
    """
    plugin = config.plugins.get("mkdocs-jupyter")
    if plugin is None:
        return config
    root = Path(config.config_file_path).resolve().parent
    name = build_cache.digest(build_cache.environment(), config.site_url or "",
                              Path(config.config_file_path).name)[:32]
    plugin.config["cache"] = build_cache.enabled()
    plugin.config["cache_dir"] = str(root / build_cache.FOLDER / PAGES_CACHE / name)
    return config


@event_priority(100)  # before mkdocs-jupyter's on_files, which claims the notebook pages
def on_files(files: Files, config: MkDocsConfig) -> Files:
    global _build
    root = Path(config.config_file_path).resolve().parent
    items = collect(config)
    execute(items, root)
    build_dir = tempfile.mkdtemp(prefix="scalargrad-build-")
    _build = _Build(items=items, files=files, build_dir=build_dir)
    for item in items:
        text = dumps(item.executed)
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
        _build.by_uri[item.source_uri] = item
        _build.by_uri[item.page_uri] = item
        if is_placeholder(item.executed):
            _build.placeholders.add(item.page_uri)
    lecture_source = files.get_file_from_path(LECTURE)
    if lecture_source is not None:
        files.remove(lecture_source)  # published as notebooks/lecture.ipynb instead
    return files


@event_priority(-100)  # after mkdocs-jupyter's on_pre_page, which sets the page's render
def on_pre_page(page: Page, config: MkDocsConfig, files: Files) -> Page:
    """A notebook still running behind ``make book``'s pages shows its note, rendered
    here: nbconvert would take a good part of a second for each one."""
    if page.file.src_uri not in _build.placeholders:
        return page
    item = _build.by_uri[page.file.src_uri]

    def render(self: Page, config: MkDocsConfig, files: Files) -> None:
        heading = re.sub(r"[^a-z0-9]+", "-", item.title.lower()).strip("-")
        note = html.escape(PLACEHOLDER_NOTE).replace("`make book`", "<code>make book</code>")
        self.content = f'<h1 id="{heading}">{html.escape(item.title)}</h1>\n<p>{note}</p>\n'
        self.toc = get_toc([{"level": 1, "id": heading, "name": item.title, "children": []}])
        self.title = item.title  # as mkdocs-jupyter takes it from the notebook's heading

    page.render = render.__get__(page, Page)
    return page


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    missing = [
        item.source_uri
        for item in _build.items
        if files.get_file_from_path(item.download_uri) is None
    ]
    if missing:
        raise PluginError(f"notebooks: no download published for {missing}")
    return nav


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri == INDEX:
        links = set(re.findall(r"\]\(([^)\s]+)", markdown))
        wanted = []
        for item in _build.items:
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
    item = _build.by_uri.get(page.file.src_uri)
    if item is not None:
        files = _build.files
        download = files.get_file_from_path(item.download_uri) if files else None
        if download is not None:
            context["sg_notebook"] = download.url_relative_to(page.file)
    return context


def on_post_build(config: MkDocsConfig) -> None:
    if _build.build_dir:
        shutil.rmtree(_build.build_dir, ignore_errors=True)


_HEADING_ID = re.compile(r'<h[1-6] id="([^"]+)"')


def _is_notebook_page(page: Page) -> bool:
    return page.file.src_uri.startswith("notebooks/") and page.file.src_uri.endswith(".ipynb")


# mkdocs-jupyter's template always emits a MathJax loader (with no MathJax URL: an empty
# <script src="">) and a Mermaid loader that imports Mermaid from a CDN when a notebook
# has a diagram. The book typesets math with KaTeX and loads nothing from outside: both go.
_JUPYTER_LOADERS = re.compile(
    r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->"
    r'|<script type="module">\s*document\.addEventListener\("DOMContentLoaded", async \(\) => \{'
    r'\s*const diagrams = document\.querySelectorAll\("\.jp-Mermaid.*?</script>',
    re.S,
)


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Point the notebook page's table of contents at the headings' real ids; lighten it.

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
    # Before the search plugin parses the page (in on_page_context): without its 580 KB of
    # inline styles and base64 images, a notebook page parses in a tenth of the time.
    html = _JUPYTER_LOADERS.sub("", html)
    return notebook_assets.externalize(html, page.file.dest_uri, Path(config.site_dir))
