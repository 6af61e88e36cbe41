"""One install command, written once (docs/hooks/install_line.py), shown on every page that
installs the package, in the README and in the notebooks' first cell."""

from __future__ import annotations

import html
import importlib.util
import json
import re
import sys
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
# The pages that show the command: the home page, chapter 1, the chapters that need an
# extra, the notebooks and the API pages.
PAGES = {
    "index.md": "index.html",
    "chapters/slope.md": "chapters/slope/index.html",
    "chapters/testing.md": "chapters/testing/index.html",
    "chapters/performance.md": "chapters/performance/index.html",
    "chapters/tensors.md": "chapters/tensors/index.html",
    "notebooks/index.md": "notebooks/index.html",
    "reference/api.md": "reference/api/index.html",
}
# Pages that need Graphviz's dot for draw_dot, or install for the whole book.
GRAPHVIZ_PAGES = ("index.md", "chapters/slope.md", "notebooks/index.md", "reference/api.md")


@pytest.fixture(scope="module")
def hook():
    """docs/hooks/install_line.py, imported as MkDocs does: its folder on sys.path."""
    path = DOCS / "hooks" / "install_line.py"
    spec = importlib.util.spec_from_file_location("_test_install_line", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    saved = sys.path.copy()
    sys.path.insert(0, str(path.parent))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path[:] = saved
    return module


@pytest.fixture(scope="module")
def config() -> SimpleNamespace:
    """The two settings the command is made from: site_url and the config's location."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    site_url = re.search(r"^site_url: (\S+)$", text, re.M).group(1)
    return SimpleNamespace(site_url=site_url, config_file_path=str(ROOT / "mkdocs.yml"))


def published(config: SimpleNamespace) -> str:
    """The command, built here without the hook: pyproject's version under site_url."""
    with open(ROOT / "pyproject.toml", "rb") as f:
        meta = tomllib.load(f)
    init = (ROOT / "scalargrad" / "__init__.py").read_text(encoding="utf-8")
    version = re.search(r'^__version__ = "([^"]+)"$', init, re.M).group(1)
    assert {"viz", "tensor"} <= set(meta["project"]["optional-dependencies"])
    folder = f"{config.site_url.rstrip('/')}/wheels/"
    wheel = f"scalargrad-{version}-py3-none-any.whl"
    return f'pip install "scalargrad[viz,tensor] @ \\\n{folder}\\\n{wheel}"'


def test_the_command_is_the_wheel_with_both_extras_in_80_columns(hook, config) -> None:
    command = hook.command(config)
    assert command == published(config)
    assert all(len(line) <= 80 for line in command.splitlines())
    # a shell joins the lines: one requirement, the one the notebooks install
    joined = command.replace("\\\n", "")
    assert joined == f'pip install "{hook.requirement(config)}"'


def test_every_page_that_installs_uses_the_token_once_in_a_sh_block() -> None:
    for page in PAGES:
        text = (DOCS / page).read_text(encoding="utf-8")
        assert text.count("```sh\n{{ install_command }}\n```") == 1, page
        assert text.count("{{ install_command }}") == 1, page
    for page in GRAPHVIZ_PAGES:
        assert (DOCS / page).read_text(encoding="utf-8").count("{{ install_graphviz }}") == 1


def test_no_page_writes_its_own_install_line() -> None:
    """No other wheel URL, extras or editable install (which needs a clone) in the pages."""
    problems = []
    for path in sorted(DOCS.rglob("*.md")) + sorted(DOCS.rglob("*.py")):
        if "hooks" in path.parts or "_figures" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"pip install -e|scalargrad\[|pip install[^`\n]*\{\{ wheel_url", line):
                problems.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not problems, "\n".join(problems)


def test_the_readme_shows_the_published_command_and_the_graphviz_sentence(hook, config) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"```sh\n{published(config)}\n```" in readme
    assert hook.GRAPHVIZ in " ".join(readme.split())


def _code_texts(page: str) -> list[str]:
    blocks = re.findall(r"<pre[^>]*>(.*?)</pre>", page, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", block)) for block in blocks]


def test_every_built_page_shows_exactly_the_command(site: Path, hook, config) -> None:
    command = published(config)
    for page, built in PAGES.items():
        text = (site / built).read_text(encoding="utf-8")
        shown = [t for t in _code_texts(text) if "pip install" in t and "scalargrad" in t]
        assert [t.strip() for t in shown] == [command], page
    for page in GRAPHVIZ_PAGES:
        text = html.unescape(re.sub(r"<[^>]+>", "", (site / PAGES[page]).read_text("utf-8")))
        assert "choco install graphviz" in text and "ExecutableNotFound" in text, page


def test_every_notebook_installs_the_same_requirement(site: Path, hook, config) -> None:
    notebooks = sorted((site / "notebooks").glob("*.ipynb"))
    assert len(notebooks) > 10
    for path in notebooks:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        first = next(c for c in cells if c["cell_type"] == "code")
        assert f'%pip install --quiet "{hook.requirement(config)}"' in "".join(first["source"])
