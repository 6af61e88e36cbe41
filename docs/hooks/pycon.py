"""MkDocs hook: pycon blocks copy as bare code, and blocks that raise say so.

The copy button should give bare, runnable code: no ``>>>``/``...`` prompts and no
output. ``docs/assets/stylesheets/scalargrad.css`` hides the prompt (``.gp``) and output
(``.go``) spans while Material copies, but Pygments leaves each line's newline outside
its span, and marks traceback lines with other classes (``.gt``, ``.gr``, ``.c``, plain
text). Hiding the spans would leave blank lines and bits of tracebacks in the copied code.

So, in every ``pycon`` block, each line that does not start with a prompt (output,
traceback, blank) is wrapped whole, newline included, in ``<span class="go">``. A bare
``...`` line is a prompt: it copies as the empty line that closes a compound statement.

A block whose example expects a traceback raises on purpose. The hook reads the
block's text as the page shows it (with ``pycon_blocks``, the project's one reader of
pycon blocks), takes the exception name from the traceback, and marks the block: a
title bar "raises TypeError" (added to the block's own title if it has one; a dotted
name shows its last part) and ``data-raises="TypeError"`` on the block's container, the
name as the traceback writes it, for scripts. The mark is derived
from the traceback the doctest checks, so it cannot name the wrong exception. A block
may hold one raising example only: a second one fails the build.

Material's copy button trims the end of what it copies, so a block whose last statement
is closed by a bare ``...`` line would lose that empty line, and the prompt would wait
for it. Such a block gets ``data-copy-closes``; ``docs/assets/javascripts/pycon-copy.js``
then puts the closing empty line back into the clipboard.
"""

from __future__ import annotations

import html
import re

# docs/hooks/pycon_blocks.py: MkDocs puts a hook's folder on sys.path while it loads the hook.
import pycon_blocks
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

_BLOCK = re.compile(
    r'<div class="language-pycon highlight">'
    r'(?P<title><span class="filename">(?P<name>.*?)</span>)?'
    r"(?P<open><pre>(?:<span></span>)?<code>)(?P<code>.*?)(?P<close></code></pre>)",
    re.S,
)
_PROMPT = '<span class="gp">'
_TAG = re.compile(r"<[^>]+>")


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


def shown_text(code: str) -> str:
    """The text of highlighted HTML as the page shows it: tags removed, entities decoded.

    >>> shown_text('<span class="gp">&gt;&gt;&gt; </span>f(<span>"a"</span>)\\n')
    '>>> f("a")\\n'
    """
    return html.unescape(_TAG.sub("", code))


def raised(code: str) -> list[str]:
    """The exceptions a highlighted pycon block's examples expect, in order.

    >>> raised('&gt;&gt;&gt; 1/0\\nTraceback (most recent call last):\\n'
    ...        '...\\nZeroDivisionError: division by zero\\n')
    ['ZeroDivisionError']
    """
    text = f"```pycon\n{shown_text(code)}\n```\n"
    [block] = pycon_blocks.pycon_blocks(text)
    names = []
    for example in block.examples:
        if example.raises:
            if example.exception is None:
                raise ValueError(f"a traceback that names no exception: {example.want!r}")
            names.append(example.exception)
    return names


def ends_open(code: str) -> bool:
    """True if the block's last code line is a bare ``...``: the empty line that closes
    a compound statement, which Material's copy button trims off the copied text.

    >>> ends_open('<span class="gp">... </span>  f(i)\\n<span class="gp">...</span>\\n0\\n')
    True
    >>> ends_open('<span class="gp">&gt;&gt;&gt; </span>f(1)\\n1\\n')
    False
    """
    prompts = [line for line in code.split("\n") if line.startswith(_PROMPT)]
    return bool(prompts) and shown_text(prompts[-1]).strip() == "..."


def mark(match: re.Match[str], where: str) -> str:
    """One pycon block, its outputs wrapped, and marked if it raises."""
    code = match.group("code")
    names = raised(code)
    body = match.group("open") + wrap_outputs(code) + match.group("close")
    closes = ' data-copy-closes=""' if ends_open(code) else ""
    if not names:
        return (
            f'<div class="language-pycon highlight"{closes}>'
            + (match.group("title") or "")
            + body
        )
    if len(names) > 1:
        first = shown_text(code).splitlines()[0]
        raise PluginError(
            f"{where}: the pycon block starting {first!r} holds {len(names)} examples that "
            f"raise ({', '.join(names)}); a block may hold one: split it, so that each "
            "block's 'raises' mark names its one exception"
        )
    name = html.escape(names[0])  # as the traceback writes it: "scalargrad.numeric.X"
    short = name.rpartition(".")[2]
    label = (
        f'<span class="sg-raises" title="This example raises {name} on purpose. '
        f'The copy button copies the code only.">raises {short}</span>'
    )
    title = match.group("name")
    bar = f'<span class="filename">{title + " " if title else ""}{label}</span>'
    return (
        f'<div class="language-pycon highlight sg-raising" data-raises="{name}"{closes}>'
        + bar
        + body
    )


# Before mkdocs-print-site-plugin (priority 0) keeps each page's HTML for the whole-book
# page, so that page's blocks carry the same marks.
@event_priority(50)
def on_page_content(html_text: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    where = page.file.src_uri
    return _BLOCK.sub(lambda m: mark(m, where), html_text)
