"""MkDocs hook: make every output line of a ``pycon`` block one hideable element.

The copy button should give bare, runnable code: no ``>>>``/``...`` prompts and no
output. ``docs/assets/stylesheets/scalargrad.css`` hides the prompt (``.gp``) and output
(``.go``) spans while Material copies, but Pygments leaves each line's newline outside
its span, and marks traceback lines with other classes (``.gt``, ``.gr``, plain text).
Hiding the spans would leave blank lines and bits of tracebacks in the copied code.

So, in every ``pycon`` block, each line that does not start with a prompt (output,
traceback, blank) is wrapped whole, newline included, in ``<span class="go">``.
"""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

_BLOCK = re.compile(
    r'(<div class="language-pycon highlight"><pre>(?:<span></span>)?<code>)(.*?)(</code></pre>)',
    re.S,
)
_PROMPT = '<span class="gp">'


def wrap_outputs(code: str) -> str:
    """Wrap each non-prompt line of highlighted pycon HTML in an output span.

    >>> wrap_outputs('<span class="gp">&gt;&gt;&gt; </span>1\\n<span class="go">1</span>\\n')
    '<span class="gp">&gt;&gt;&gt; </span>1\\n<span class="go"><span class="go">1</span>\\n</span>'
    """
    lines = code.split("\n")
    last = lines.pop()  # what follows the final newline (normally nothing)
    out = []
    for line in lines:
        if line.startswith(_PROMPT):
            out.append(line + "\n")
        else:
            out.append(f'<span class="go">{line}\n</span>')
    return "".join(out) + last


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    return _BLOCK.sub(lambda m: m.group(1) + wrap_outputs(m.group(2)) + m.group(3), html)
