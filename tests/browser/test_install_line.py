"""In a local copy of the book the install command names that copy's own wheel
(docs/assets/javascripts/install-line.js): served from 127.0.0.1, and the offline
edition unzipped and opened from disk."""

from __future__ import annotations

import re
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pytest

ZIP = "downloads/scalargrad-offline.zip"
PUBLISHED = "https://scalargrad.github.io/scalargrad/wheels/"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def _commands(page) -> list[str]:
    """The text of every shown command that installs scalargrad, as the copy button reads it."""
    return page.eval_on_selector_all(
        "pre > code",
        """codes => codes.map(c => c.innerText)
                 .filter(t => t.includes("pip install") && t.includes("scalargrad["))""",
    )


def _wheel_url(command: str) -> str:
    """The URL a shell passes to pip: the quoted text after '@', lines joined."""
    joined = command.replace("\\\n", "")
    found = re.search(r'"scalargrad\[viz,tensor\] @ ([^"]+)"', joined)
    assert found, command
    return found.group(1)


def test_a_served_copy_installs_its_own_wheel(base_url: str, page) -> None:
    for path in ("", "chapters/slope/", "chapters/tensors/", "notebooks/"):
        page.goto(base_url + path, wait_until="load")
        page.wait_for_function(
            "() => [...document.querySelectorAll('pre > code')]"
            f".some(c => c.innerText.includes('{base_url}wheels/'))"
        )
        (command,) = _commands(page)
        url = _wheel_url(command)
        assert url.startswith(base_url + "wheels/scalargrad-") and PUBLISHED not in command
        with urllib.request.urlopen(url) as response:  # the wheel is there
            assert response.status == 200 and response.read(2) == b"PK"
        assert all(len(line) <= 80 for line in command.splitlines()), command


def test_the_offline_edition_installs_the_wheel_inside_its_folder(
    site: Path, tmp_path: Path, page
) -> None:
    with zipfile.ZipFile(site / ZIP) as archive:
        archive.extractall(tmp_path)
    folder = tmp_path / "scalargrad-offline"
    page.goto((folder / "chapters" / "slope.html").as_uri(), wait_until="load")
    page.wait_for_function(
        "() => [...document.querySelectorAll('pre > code')]"
        ".some(c => c.innerText.includes('file:///'))"
    )
    (command,) = _commands(page)
    url = _wheel_url(command)
    assert url.startswith("file:///")
    wheel = Path(urllib.parse.unquote(urllib.parse.urlsplit(url).path))
    assert wheel.parent == folder / "wheels" and wheel.is_file()
