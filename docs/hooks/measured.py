"""MkDocs hook: numbers measured once, on another machine, printed from their data file.

``{{ h200 NAME }}`` in a page's Markdown becomes ``scalargrad.scaling.fact(rows, NAME)``
for the rows of ``scalargrad/data/tensor-scaling-h200.jsonl``: a time such as
``b4.w16.numpy`` (milliseconds), a ratio such as ``b4.w16.scalar/numpy``, a crossing such
as ``b4.cross.numpy.width``, or the date, machine and versions of the measurement. So the
prose of the chapter "tensors" cites the file, never a number typed by hand. An unknown name, or a
``{{ h200`` that is not a well-formed token, fails the build.

The data file and its provenance are also published beside the "tensors" chapter's other data, as
``_data/tensor-scaling-h200.jsonl`` and ``.json``, from the package's copy (their one
source in the repository), so the chapter can link them.
"""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

TOKEN = re.compile(r"\{\{ h200 ([A-Za-z0-9_./]+) \}\}")
OPENING = "{{ h200"


def substitute(markdown: str, where: str) -> str:
    """``markdown`` with every ``{{ h200 NAME }}`` replaced by that fact of the data."""
    if OPENING not in markdown:
        return markdown
    from scalargrad.scaling import fact, load_scaling

    rows = load_scaling()

    def one(match: re.Match[str]) -> str:
        try:
            return fact(rows, match.group(1))
        except ValueError as exc:
            raise PluginError(f"measured: {where}: {exc}") from None

    result = TOKEN.sub(one, markdown)
    if OPENING in result:
        bad = result[result.index(OPENING) :][:40]
        raise PluginError(f"measured: {where}: malformed token {bad!r}: write {{{{ h200 NAME }}}}")
    return result


def on_files(files: Files, config: MkDocsConfig) -> Files:
    from importlib import resources

    from scalargrad.scaling import DATA, PROVENANCE

    for name in (DATA, PROVENANCE):
        content = resources.files("scalargrad").joinpath("data", name).read_bytes()
        files.append(File.generated(config, f"_data/{name}", content=content))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    return substitute(markdown, page.file.src_uri)
