"""MkDocs hook: the one command that installs the package, the same on every page.

``{{ install_command }}`` in a page's Markdown (inside a ``sh`` block) becomes

    pip install "scalargrad[viz,tensor] @ \\
    https://scalargrad.github.io/scalargrad/wheels/\\
    scalargrad-0.1.0-py3-none-any.whl"

(the wheel this site publishes, from ``site_url`` and the version), split so that no
line is wider than 80 columns: inside double quotes a POSIX shell drops each
backslash-newline. ``{{ install_graphviz }}`` becomes the one sentence on Graphviz's
``dot``.

The extras are the chapters' needs: ``viz`` for the drawings (graphviz and
matplotlib), ``tensor`` for the chapter "tensors" (NumPy, one wheel with no dependencies
of its own). PyTorch, which the chapters "pytorch", "testing" and "tensors" also run,
stays out: it is a download of
hundreds of megabytes that differs by platform, and the pages that need it say so.
The notebooks' first cell installs the same requirement (``requirement``).

In a local copy of the site (``make book``, the offline edition opened from disk),
docs/assets/javascripts/install-line.js points the shown command, and so the copy
button, at that copy's own wheel.
"""

from __future__ import annotations

# docs/hooks/package_wheel.py: the wheel's address. MkDocs puts a hook's folder on sys.path.
import package_wheel
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

EXTRAS = ("viz", "tensor")
TOKEN = "{{ install_command }}"
# {{ install_graphviz }}: the one sentence on Graphviz's `dot`, which `draw_dot` runs.
GRAPHVIZ_TOKEN = "{{ install_graphviz }}"
GRAPHVIZ = (
    "The graph drawings (`draw_dot`) also need Graphviz's `dot` program, or they stop "
    "with `ExecutableNotFound`: `sudo apt install graphviz` on Debian or Ubuntu, "
    "`brew install graphviz` on macOS, `choco install graphviz` (or the installer from "
    "graphviz.org) on Windows. PowerShell and cmd do not join lines that end in `\\`: "
    "there, type the install command on one line, without the backslashes."
)


def requirement(config: MkDocsConfig) -> str:
    """``scalargrad[viz,tensor] @ <wheel URL>``: what pip is given."""
    return f"scalargrad[{','.join(EXTRAS)}] @ {package_wheel.wheel_url(config)}"


def command(config: MkDocsConfig) -> str:
    """The shell command as the pages show it, over three lines."""
    name, url = requirement(config).split(" @ ")
    folder, wheel = url.rsplit("/", 1)
    return f'pip install "{name} @ \\\n{folder}/\\\n{wheel}"'


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    return markdown.replace(TOKEN, command(config)).replace(GRAPHVIZ_TOKEN, GRAPHVIZ)
