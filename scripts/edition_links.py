"""Follow every link of the book's other editions and check it lands where the chapter's does.

The book is published three ways: the site (one page per chapter), the whole-book page
(``print_page/``, every page of the book in one) and the offline edition (the site built
again for ``file://``, zipped as ``downloads/scalargrad-offline.zip``, with its own
whole-book page). A link is the same link in two editions when it is the same ``<a>``
of the same page's content; it lands in the same place when it reaches

* the same element: in the same page of the book (its title), under the same headings,
  the same tag with the same text. An API reference lands on the entry of the object it
  names (``API › scalargrad.engine › Value``), a section link on the heading, a footnote
  link on the note;
* the same page (a link with no fragment), or the same file (a figure, a download);
* the same address outside the book. A link into the published site (the offline
  edition's link to the zip) lands where that path lands on the site.

Links are paired by order within a page: the content of a page starts at its title (its
``<h1>``; what the theme puts before it, such as the edit buttons, is not the page's) and
on the whole-book page each page is a ``<section class="print-page">``.

Usage: ``python scripts/edition_links.py [SITE]`` (default ``site/``) prints the links of
each edition per kind and every link that lands elsewhere; it exits with 1 if there is one.
``tests/test_edition_links.py`` runs the same checks.
"""

from __future__ import annotations

import posixpath
import sys
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

SITE_URL = "https://scalargrad.github.io/scalargrad/"
PRINT_PAGE = {True: "print_page/index.html", False: "print_page.html"}  # by directory URLs
OFFLINE_ZIP = "downloads/scalargrad-offline.zip"
OFFLINE_FOLDER = "scalargrad-offline/"

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
NOT_TEXT = {"script", "style", "template"}
TEXT_SHOWN = 80  # characters of an element's text that identify it


# --- a small HTML tree ---------------------------------------------------------------------


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    children: list[Element | str] = field(default_factory=list)
    # the headings above this element in its page, outermost first (itself, for a heading)
    outline: tuple[str, ...] = ()
    region: Element | None = None  # the page it belongs to: an <article> or a print section

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        """The text a reader sees, one space between words; an image counts as its alt."""
        parts: list[str] = []

        def walk(node: Element | str) -> None:
            if isinstance(node, str):
                parts.append(node)
            elif node.tag == "img":
                parts.append(f" [{node.attrs.get('alt', 'image')}] ")
            elif node.tag not in NOT_TEXT and "headerlink" not in node.classes:
                for child in node.children:
                    walk(child)

        walk(self)
        return " ".join("".join(parts).split())

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, parent=self.stack[-1])
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(
            Element(tag, {k: v or "" for k, v in attrs}, parent=self.stack[-1])
        )

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def is_print_section(element: Element) -> bool:
    """A page of the book on the whole-book page (not a section of the nav)."""
    return element.tag == "section" and element.classes == {"print-page"}


@dataclass(eq=False)
class Document:
    """One HTML file: its elements by id, and the regions that are pages of the book."""

    path: str
    root: Element
    ids: dict[str, Element] = field(default_factory=dict)
    duplicate_ids: list[str] = field(default_factory=list)
    regions: list[Element] = field(default_factory=list)

    @classmethod
    def parse(cls, path: str, html: str) -> Document:
        builder = _TreeBuilder()
        builder.feed(html)
        builder.close()
        doc = cls(path, builder.root)
        doc._index()
        return doc

    def _index(self) -> None:
        def walk(element: Element, region: Element | None, outline: list[tuple[int, str]]) -> None:
            if element.tag == "article" or is_print_section(element):
                region, outline = element, []  # a page of the book starts here
                self.regions.append(element)
            if element.tag in HEADINGS:
                level = int(element.tag[1])
                outline[:] = [(lv, t) for lv, t in outline if lv < level]
                outline.append((level, element.text()))
            element.outline = tuple(t for _, t in outline)
            element.region = region
            if "id" in element.attrs:
                name = element.attrs["id"]
                if name in self.ids:
                    self.duplicate_ids.append(name)
                else:
                    self.ids[name] = element
            for child in element.children:
                if isinstance(child, Element):
                    walk(child, region, outline)

        walk(self.root, None, [])

    def title(self, region: Element | None) -> str:
        """The page's title: the first heading of its region (or of the document)."""
        for element in (region or self.root).iter():
            if element.tag == "h1":
                return element.text()
        return self.path


def content_links(region: Element) -> list[Element]:
    """The ``<a>`` elements of a page's content, from its title on, in order.

    A link that lost its ``href`` is kept: it lands nowhere, and the check says so.
    """
    links: list[Element] = []
    started = False
    for element in region.iter():
        if element.tag == "h1":
            started = True
        if started and element.tag == "a" and ("href" in element.attrs or not element.attrs):
            links.append(element)
    return links


# --- editions: a folder or a zip -----------------------------------------------------------


class Edition:
    """The files of one edition, read and parsed on demand."""

    def __init__(
        self, name: str, files: dict[str, Callable[[], bytes]], *, directory_urls: bool
    ) -> None:
        self.name = name
        self._files = files  # path -> a function returning the bytes
        self.directory_urls = directory_urls
        self._docs: dict[str, Document] = {}

    @classmethod
    def folder(cls, root: Path, name: str = "site", *, directory_urls: bool = True) -> Edition:
        root = Path(root)
        files = {
            p.relative_to(root).as_posix(): p.read_bytes for p in root.rglob("*") if p.is_file()
        }
        return cls(name, files, directory_urls=directory_urls)

    @classmethod
    def zipped(
        cls,
        data: Path,
        prefix: str = OFFLINE_FOLDER,
        name: str = "offline edition",
        *,
        directory_urls: bool = False,
    ) -> Edition:
        archive = zipfile.ZipFile(data)
        files = {
            n[len(prefix) :]: (lambda n=n: archive.read(n))
            for n in archive.namelist()
            if n.startswith(prefix) and not n.endswith("/")
        }
        return cls(name, files, directory_urls=directory_urls)

    def has(self, path: str) -> bool:
        return path in self._files

    def bytes(self, path: str) -> bytes:
        return self._files[path]()

    def document(self, path: str) -> Document:
        if path not in self._docs:
            self._docs[path] = Document.parse(path, self.bytes(path).decode("utf-8"))
        return self._docs[path]

    def pages(self) -> list[str]:
        """Every HTML page with content (an <article>), the whole-book page left out."""
        skip = PRINT_PAGE[self.directory_urls]
        return sorted(
            p
            for p in self._files
            if p.endswith(".html") and p != skip and b"<article" in self.bytes(p)
        )

    def page_of(self, path: str) -> str | None:
        """This edition's file of the site's page ``path`` (with directory URLs), if any.

        ``chapters/slope/index.html`` is ``chapters/slope.html`` without directory
        URLs, but ``notebooks/index.html`` (from ``notebooks/index.md``) stays itself.
        """
        candidates = [path]
        if not self.directory_urls and path.endswith("/index.html"):
            candidates.insert(0, path.removesuffix("/index.html") + ".html")
        return next((c for c in candidates if self.has(c)), None)


# --- where a link lands --------------------------------------------------------------------


@dataclass(frozen=True)
class Landing:
    """Where a link takes the reader, in terms that do not depend on the edition."""

    kind: str  # "element", "page", "file", "outside" or "nowhere"
    where: str  # the page's title, the file's path, the address, or what went wrong
    outline: tuple[str, ...] = ()  # the headings above the element
    what: str = ""  # the element: its tag and text

    def __str__(self) -> str:
        if self.kind == "element":
            outline = self.outline[1:] if self.outline[:1] == (self.where,) else self.outline
            return f"{' › '.join((self.where, *outline))} ({self.what})"
        if self.kind == "page":
            return f'page "{self.where}"'
        return f"{self.kind} {self.where}"

    def same_place(self, other: Landing) -> bool:
        return (self.kind, self.where, self.outline, self.what) == (
            other.kind,
            other.where,
            other.outline,
            other.what,
        )


def land(
    edition: Edition, doc: Document, href: str | None, published: Edition | None = None
) -> Landing:
    """Where the link ``href`` of the page ``doc`` of ``edition`` lands."""
    if href is None:
        return Landing("nowhere", "the link has no href")
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        if published is not None and href.startswith(SITE_URL):  # into the published site
            return land(published, published.document("index.html"), href[len(SITE_URL) :] or "./")
        return Landing("outside", href)
    path = unquote(parts.path)
    if not path:
        target = doc.path
    else:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(doc.path), path))
        if target == ".":
            target = ""
        if path.endswith("/") or edition.has(posixpath.join(target, "index.html")):
            target = posixpath.join(target, "index.html") if target else "index.html"
    if not edition.has(target):
        return Landing("nowhere", f"{target} is not in the {edition.name}")
    if not target.endswith(".html"):
        return Landing("file", target)
    page = edition.document(target)
    fragment = unquote(parts.fragment)
    if not fragment:
        return Landing("page", page.title(page.regions[0] if page.regions else None))
    element = page.ids.get(fragment)
    if element is None:
        return Landing("nowhere", f"{target} has no id {fragment!r}")
    if is_print_section(element) or element.tag == "article":
        return Landing("page", page.title(element))
    return Landing(
        "element",
        page.title(element.region),
        element.outline,
        f"{element.tag}: {element.text()[:TEXT_SHOWN]}",
    )


# --- kinds of links ------------------------------------------------------------------------


def kind(link: Element, landing: Landing) -> str:
    """What a reader would call this link (from the chapter page's link and its landing)."""
    classes = link.classes
    if "autorefs" in classes:
        return "API reference"
    if "headerlink" in classes:
        return "permalink (¶)"
    if classes & {"footnote-ref", "footnote-backref"}:
        return "footnote"
    if landing.kind == "outside":
        return "outside the book"
    if landing.kind == "file":
        return "figure" if landing.where.startswith("figures/") else "download"
    if landing.kind == "page":
        return "page"
    if landing.kind == "element":
        tag = landing.what.partition(":")[0]
        if tag in HEADINGS:
            return "section"
        return f"anchor on <{tag}>"
    return "broken"


# --- the checks ----------------------------------------------------------------------------


@dataclass
class Report:
    """What a check found: links counted per kind, and every problem, in words."""

    counts: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def extend(self, other: Report) -> None:
        self.counts.update(other.counts)
        self.problems += other.problems


def _label(link: Element) -> str:
    """How a reader names a link: its text; a permalink by its heading; shortened."""
    text = link.text()
    if "headerlink" in link.classes and link.parent is not None:
        text = f"¶ {link.parent.text()}"
    text = text or "(no text)"
    return text if len(text) <= TEXT_SHOWN else text[: TEXT_SHOWN - 1] + "…"


def compare_links(
    reference: Edition,
    ref_doc: Document,
    ref_region: Element,
    edition: Edition,
    doc: Document,
    region: Element,
    where: str,
    name: str,
    published: Edition | None = None,
) -> Report:
    """Pair the links of one page in two editions and compare where each lands.

    ``where`` names the page in messages, ``name`` the edition ("the whole-book page").
    """
    report = Report()
    ours, theirs = content_links(ref_region), content_links(region)
    matcher = SequenceMatcher(
        None, [_label(a) for a in ours], [_label(a) for a in theirs], autojunk=False
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for a, b in zip(ours[i1:i2], theirs[j1:j2], strict=True):
                expected = land(reference, ref_doc, a.attrs.get("href"), reference)
                got = land(edition, doc, b.attrs.get("href"), published)
                report.counts[kind(a, expected)] += 1
                if not got.same_place(expected):
                    report.problems.append(
                        f"{where}: link {_label(a)!r}: on {ref_doc.path} it lands on "
                        f"{expected} ({a.attrs.get('href')}); on {name} on "
                        f"{got} ({b.attrs.get('href')})"
                    )
            continue
        for a in ours[i1:i2]:
            report.problems.append(
                f"{where}: link {_label(a)!r} ({a.attrs.get('href')}) of {ref_doc.path} "
                f"is missing from {name}"
            )
        for b in theirs[j1:j2]:
            report.problems.append(
                f"{where}: link {_label(b)!r} ({b.attrs.get('href')}) is on {name} "
                f"but not on {ref_doc.path}"
            )
    return report


def page_key(path: str) -> str:
    """The id print-site gives a page's section: its URL path, '/' as '-' ('' is index)."""
    url = path.removesuffix("index.html").removesuffix(".html").strip("/")
    return url.lower().replace("/", "-") or "index"


def check_whole_book_page(
    site: Edition, edition: Edition, published: Edition | None = None
) -> Report:
    """Every link of ``edition``'s whole-book page against the same link on ``site``'s page.

    The sections of the pages are compared; the cover page (a section with no id) is the
    whole-book page's own.
    """
    report = Report()
    book = edition.document(PRINT_PAGE[edition.directory_urls])
    where_name = "the whole-book page"
    if edition is not site:
        where_name = f"the {edition.name}'s whole-book page"
    sections = [r for r in book.regions if is_print_section(r) and r.attrs.get("id")]
    if not sections:
        report.problems.append(f"{where_name} has no page sections")
    pages = {page_key(p): p for p in site.pages()}
    for section in sections:
        key = section.attrs.get("id", "")
        if key not in pages:
            report.problems.append(f"{where_name}: section {key!r} is no page of the site")
            continue
        chapter = site.document(pages[key])
        region = chapter.regions[0]
        if chapter.title(region) != book.title(section):
            report.problems.append(
                f"{where_name}: section {key!r} is titled {book.title(section)!r}, its page "
                f"{chapter.title(region)!r}"
            )
        report.extend(
            compare_links(
                site,
                chapter,
                region,
                edition,
                book,
                section,
                f"{where_name}, {pages[key]}",
                where_name,
                published,
            )
        )
    return report


def check_pages(site: Edition, edition: Edition) -> Report:
    """Every page of ``edition`` against the same page of ``site``, link by link."""
    report = Report()
    for path in site.pages():
        other = edition.page_of(path)
        if other is None:
            report.problems.append(f"the {edition.name} lacks the page {path}")
            continue
        ref_doc, doc = site.document(path), edition.document(other)
        report.extend(
            compare_links(
                site,
                ref_doc,
                ref_doc.regions[0],
                edition,
                doc,
                doc.regions[0],
                f"{edition.name}, {other}",
                f"the {edition.name}",
                site,
            )
        )
    return report


def whole_book_ids(edition: Edition) -> list[str]:
    """Problems with the ids of the whole-book page: shared, or not derived from a page's.

    Inside the section of a page (id ``KEY``), every id is ``KEY-`` followed by the id of
    the same element on the page itself, so ids stay the same while the pages do.
    """
    problems: list[str] = []
    book = edition.document(PRINT_PAGE[edition.directory_urls])
    problems += [f"id {name!r} is used more than once" for name in sorted(set(book.duplicate_ids))]
    site_pages = {page_key(p): p for p in edition.pages()}
    for section in (r for r in book.regions if is_print_section(r) and r.attrs.get("id")):
        key = section.attrs["id"]
        page = edition.document(site_pages[key]) if key in site_pages else None
        for element in section.iter():
            name = element.attrs.get("id")
            if name is None or element is section:
                continue
            own = name.removeprefix(f"{key}-")
            if own == name:
                problems.append(f"{key}: id {name!r} does not start with the page's key")
            elif page is not None and own not in page.ids:
                problems.append(f"{key}: id {name!r} is not {key}- and an id of {page.path}")
    return problems


def check_site(site_dir: Path) -> dict[str, Report]:
    """The whole-book page and the offline edition (its pages, its whole-book page)."""
    site = Edition.folder(site_dir)
    offline = Edition.zipped(Path(site_dir) / OFFLINE_ZIP)
    return {
        "whole-book page": check_whole_book_page(site, site),
        "offline edition, pages": check_pages(site, offline),
        "offline edition, whole-book page": check_whole_book_page(site, offline, site),
    }


def main(argv: list[str]) -> int:
    site_dir = Path(argv[0] if argv else "site")
    failed = False
    for name, report in check_site(site_dir).items():
        total = sum(report.counts.values())
        print(f"{name}: {total} links, {len(report.problems)} landing elsewhere")
        for what, count in sorted(report.counts.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"  {count:5d}  {what}")
        for problem in report.problems:
            print(f"  ! {problem}")
        failed |= bool(report.problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
