"""MkDocs hook: what ``make book`` (``mkdocs serve``) does between two saves.

**A prose edit rebuilds one page.** MkDocs rebuilds the whole book on every save. Here,
when the only files that changed since the last build are pages' Markdown sources, just
those pages go through MkDocs' page steps again (read, hooks, Markdown, template), with
the last build's files, navigation and plugins; then what lists every page is made
again as usual (the search index, the whole-book page). Anything else that changed (the
package, a figure module, a hook, ``mkdocs.yml``, the tools, a file that was added or
removed) means a full build. So does an edit that would change more than its page:

* a new title, or headings and anchors that others may link to;
* a change to the chapter's examples or headings (its notebook is made from them), or
  to its listings (they make the reader's files and later chapters' titles);
* a page that renders API docs (``:::``), or that another page includes;
* any warning on the way (a full build then reports it, strictly).

What changed is found by comparing every file of the working tree (``git ls-files``)
with the start of the last build, so a save that changes nothing (bytecode, a touch)
rebuilds nothing. The page steps are MkDocs' own (``_populate_page``, ``_build_page``
of ``mkdocs.commands.build``; MkDocs 1.x is frozen at 1.6.1).

**What a writer does not look at is made when asked for.** The whole-book page (made
by the print-site plugin, then finished by docs/hooks/whole_book_page.py) costs more
than the rest of a one-page rebuild, and nobody reads it while writing: under ``make
book`` those two steps leave the builds and run when the page is requested, on the book
as it is then. The stylesheets and script print-site copies in that step, which every
page links, are published with the other files instead. The offline edition is built
on request too (docs/hooks/offline_edition.py).

**What is not cached is made behind the served pages.** After the first build (which
makes everything before serving), a figure or notebook that is not in the build cache is
made in the background (docs/hooks/build_cache.py, :class:`Background`): the page shows
a note until it is ready, and the server rebuilds when it is, since it watches
``.build-cache/serve-ready/``.

Each full rebuild reads the package as it is on disk: the ``scalargrad`` modules an
earlier build imported are forgotten first. When nothing is left to redo, the log says
so (:data:`IDLE`).
"""

from __future__ import annotations

import hashlib
import inspect
import logging
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

# docs/hooks/: MkDocs puts a hook's folder on sys.path while it loads the hook.
import build_cache
import listings
import nbformat
import notebook_making
from mkdocs.commands.build import _build_page, _populate_page
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.utils import CountHandler

IDLE = "make book: the served book is up to date"
# The steps that make the whole-book page (print_page/), in order: under make book, run
# when the page is asked for.
WHOLE_BOOK = ("print-site", "docs/hooks/whole_book_page.py")
WHOLE_BOOK_PAGE = "print_page/"
# The plugins that act on on_env, which a one-page rebuild knows what to do with: it
# applies autorefs' cross-references; mkdocstrings' part is for API pages, which get a
# full build; offline_edition.py only waits for the offline build of `mkdocs build`;
# whole_book_refs.py resolves the cross-references of the HTML the whole-book page keeps,
# after autorefs, and is applied after it.
ON_ENV = {"autorefs", "mkdocstrings", "docs/hooks/serving.py", "docs/hooks/offline_edition.py",
          "docs/hooks/whole_book_refs.py"}
#: The on_env steps a one-page rebuild applies, in the order a full build runs them.
REBUILD_ON_ENV = ("autorefs", "docs/hooks/whole_book_refs.py")

log = logging.getLogger("mkdocs.hooks.serving")


@dataclass
class _Build:
    """The last build under ``make book``: what a one-page rebuild reuses."""

    root: Path
    inputs: dict[str, str] | None  # every working-tree file -> digest, as the build began
    background_done: int  # background jobs finished when it began
    config: MkDocsConfig | None = None
    files: Files | None = None
    nav: Navigation | None = None
    env: object = None  # the theme's Jinja environment
    texts: dict[str, str] = field(default_factory=dict)  # page source -> its text then
    warnings: CountHandler = field(default_factory=CountHandler)
    complete: bool = False  # set when the build went through to the end, with no warning
    whole_book_behind: bool = True  # pages were built since the whole-book page was made


_serving = False
_last: _Build | None = None
_lock = threading.Lock()  # held while building, and while making the whole-book page


def on_startup(command: str, dirty: bool) -> None:
    global _serving
    _serving = command == "serve"


def inputs(root: Path) -> dict[str, str] | None:
    """Every file of the working tree (not ignored) -> its digest, and the tools' digest;
    None outside a git checkout."""
    paths = build_cache.working_tree(root)
    if paths is None:
        return None
    found = {"(tools)": build_cache.environment()}
    for path in paths:
        found[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def _whole_book_steps(config: MkDocsConfig) -> list:
    return [config.plugins[name].on_post_build for name in WHOLE_BOOK if name in config.plugins]


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Under ``make book``, the whole-book page's steps leave the builds."""
    if _serving:
        steps = _whole_book_steps(config)
        events = config.plugins.events["post_build"]
        events[:] = [step for step in events if step not in steps]
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Under ``make book``, publish the files print-site copies in its step, which every
    page links: those of ``extra_css`` and ``extra_javascript`` found in its package."""
    plugin = config.plugins.get("print-site")
    if not _serving or plugin is None:
        return files
    folder = Path(inspect.getfile(type(plugin))).parent
    for uri in [*config.extra_css, *(str(s) for s in config.extra_javascript)]:
        if (folder / uri).is_file() and files.get_file_from_path(uri) is None:
            files.append(File.generated(config, uri, abs_src_path=str(folder / uri)))
    return files


def _forget_package() -> None:
    """Forget imported ``scalargrad`` modules, so that this build imports them afresh."""
    for name in [m for m in sys.modules if m == "scalargrad" or m.startswith("scalargrad.")]:
        del sys.modules[name]


def _done() -> int:
    return build_cache.background.done if build_cache.background else 0


def on_pre_build(config: MkDocsConfig) -> None:
    global _last
    if not _serving:
        return
    root = Path(config.config_file_path).resolve().parent
    _last = _Build(root, inputs(root), _done())
    _last.warnings.setLevel(logging.WARNING)
    logging.getLogger("mkdocs").addHandler(_last.warnings)  # strict: a warning fails it
    _forget_package()
    if build_cache.background is not None:
        build_cache.background.new_build()


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    if _serving and _last is not None:
        _last.config, _last.files, _last.nav = config, files, nav
        for file in files.documentation_pages():
            if file.abs_src_path and file.src_uri.endswith(".md"):
                _last.texts[file.src_uri] = Path(file.abs_src_path).read_text(encoding="utf-8")
    return nav


def on_env(env, config: MkDocsConfig, files: Files):
    if _serving and _last is not None:
        _last.env = env
    return env


def on_serve(server, config: MkDocsConfig, builder):
    """From now on: one-page rebuilds, the whole-book page made when asked for, and
    what is not cached made behind the pages."""
    root = Path(config.config_file_path).resolve().parent
    ready = root / build_cache.FOLDER / build_cache.READY
    ready.mkdir(parents=True, exist_ok=True)
    build_cache.background = build_cache.Background(ready)
    server.watch(str(ready))

    def rebuild() -> None:
        with _lock:
            if not _rebuild_pages():
                builder()

    server.builder = rebuild
    app = server.get_app()
    mount = urlsplit(config.site_url or "/").path.rstrip("/") + "/"

    def with_whole_book_page(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path in (mount + WHOLE_BOOK_PAGE, mount + WHOLE_BOOK_PAGE + "index.html"):
            with _lock:
                if _last is not None and _last.complete and _last.whole_book_behind:
                    start = time.monotonic()
                    for step in _whole_book_steps(_last.config):
                        step(config=_last.config)
                    _last.whole_book_behind = False
                    log.info(f"make book: made the whole-book page, asked for "
                             f"({time.monotonic() - start:.1f} s)")
        return app(environ, start_response)

    server.set_app(with_whole_book_page)
    return server


def on_post_build(config: MkDocsConfig) -> None:
    if not _serving:
        return
    if _last is not None:
        logging.getLogger("mkdocs").removeHandler(_last.warnings)
        _last.complete = not _last.warnings.get_counts()
    if build_cache.background is not None:
        build_cache.background.start()  # what this build left to the background
    if not (build_cache.background and build_cache.background.pending()):
        log.info(IDLE)


def on_build_error(error: Exception) -> None:
    if _serving and _last is not None:
        logging.getLogger("mkdocs").removeHandler(_last.warnings)


# --- one-page rebuilds ----------------------------------------------------------------


def _source_path(build: _Build, uri: str) -> str:
    """A page's source, relative to the repository (a key of ``inputs``)."""
    docs = Path(build.config.docs_dir).resolve()
    return (docs / uri).relative_to(build.root).as_posix()


def _rebuild_pages() -> bool:
    """Rebuild only the pages whose sources changed, if that is all that changed.

    False when a full build is needed; the caller then runs it.
    """
    last = _last
    if last is None or not last.complete or last.inputs is None or _done() != last.background_done:
        return False
    now = inputs(last.root)
    if now is None:
        return False
    changed = {p for p in now.keys() | last.inputs.keys() if now.get(p) != last.inputs.get(p)}
    if not changed:
        log.info("make book: no file changed, nothing to rebuild")
        return True
    pages = {_source_path(last, uri): uri for uri in last.texts}
    if not changed <= pages.keys():
        hooks = sorted(p for p in changed if p.startswith("docs/hooks/") and p.endswith(".py"))
        if hooks:  # MkDocs imports a hook once per process
            log.warning(f"make book: {', '.join(hooks)} changed; MkDocs loads hooks once: "
                        "stop make book and start it again to build with the new code")
        return False
    uris = sorted(pages[p] for p in changed)
    start = time.monotonic()
    counter = CountHandler()
    counter.setLevel(logging.WARNING)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(counter)
    try:
        done = _rebuild(last, uris)
    except Exception as exc:  # the full build reports it properly
        log.info(f"make book: a full build, since rebuilding {', '.join(uris)} alone "
                 f"failed: {exc!r}")
        return False
    finally:
        logger.removeHandler(counter)
    if not done or counter.get_counts():
        return False
    last.inputs = now
    log.info(f"make book: rebuilt {', '.join(uris)} and what lists every page in "
             f"{time.monotonic() - start:.2f} s")
    return True


def _reason_for_full_build(last: _Build, uri: str, old: str, new: str) -> str | None:
    """Why a change from ``old`` to ``new`` in page ``uri`` is more than that page's."""
    if ":::" in old or ":::" in new:
        return "it renders API docs"
    if any(uri in text and "--8<--" in text for other, text in last.texts.items() if other != uri):
        return "another page may include it"
    name = uri.removeprefix(f"{notebook_making.CHAPTERS_DIR}/")
    chapter = listings.chapter_number(name)
    if chapter is not None:
        if listings.listings_in(old, chapter) != listings.listings_in(new, chapter):
            return "its listings changed"
        install = nbformat.v4.new_code_cell("")
        made = [nbformat.writes(notebook_making.chapter_notebook(t, "", "", install))
                for t in (old, new)]
        if made[0] != made[1]:
            return "its notebook changed"
    return None


def _anchors(page) -> tuple:
    ids = []

    def walk(items) -> None:
        for item in items:
            ids.append(item.id)
            walk(item.children)

    walk(page.toc)
    return page.title, tuple(ids), frozenset(page.present_anchor_ids or ())


def _rebuild(last: _Build, uris: list[str]) -> bool:
    """Run MkDocs' page steps on ``uris`` again, then the steps that list every page."""
    config, files, nav = last.config, last.files, last.nav
    others = {n for n, p in config.plugins.items() if hasattr(p, "on_env")} - ON_ENV
    if others:
        log.info(f"make book: a full build, since {', '.join(sorted(others))} acts on on_env")
        return False
    texts = {}
    for uri in uris:
        texts[uri] = (Path(config.docs_dir) / uri).read_text(encoding="utf-8")
        reason = _reason_for_full_build(last, uri, last.texts[uri], texts[uri])
        if reason:
            log.info(f"make book: a full build, since {uri} changed and {reason}")
            return False
    pages = [files.get_file_from_path(uri).page for uri in uris]
    for page in pages:
        before = _anchors(page)
        _populate_page(page, config, files)
        if _anchors(page) != before:
            log.info(f"make book: a full build, since {page.file.src_uri} changed its "
                     "title or headings")
            return False
    # Cross-references: autorefs resolves them in on_env, for every page with content (the
    # others are resolved already), then whole_book_refs.py in the HTML the whole-book page
    # keeps. mkdocstrings' part of on_env writes files that only pages with API docs need,
    # and those pages always get a full build.
    for name in REBUILD_ON_ENV:
        if name in config.plugins:
            config.plugins[name].on_env(last.env, config=config, files=files)
    doc_files = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
    search = config.plugins.get("material/search") or config.plugins.get("search")
    for page in pages:
        entries = search.search_index.entries if search is not None else []
        mine = [i for i, e in enumerate(entries) if _on_page(e["location"], page.url)]
        at = mine[0] if mine else len(entries)
        kept = [e for e in entries if not _on_page(e["location"], page.url)]
        entries[:] = kept
        _build_page(page, config, doc_files, nav, last.env,
                    excluded=page.file.inclusion.is_excluded())
        added = entries[len(kept):]
        entries[:] = kept[:at] + added + kept[at:]  # where a full build puts them
        page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
    config.plugins.on_post_build(config=config)  # the search index, among others
    last.whole_book_behind = True
    last.texts.update(texts)
    return True


def _on_page(location: str, url: str) -> bool:
    """True if a search entry's location is on the page at ``url``."""
    return location == url or location.startswith(url + "#")
