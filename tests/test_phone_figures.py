"""docs/hooks/phone_figures.py: a figure with a phone variant is offered in a <picture>.

What a phone then shows is measured in the page by tests/browser/test_phone.py.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError

from tests.test_site import load_hook

phone_figures = load_hook("phone_figures")


def _files(*names: str):
    """A stand-in for MkDocs' Files holding generated files at ``names``."""
    files = [SimpleNamespace(src_uri=name) for name in names]

    class Files(list):
        def get_file_from_path(self, path: str):
            return next((f for f in self if f.src_uri == path), None)

    return Files(files)


def test_a_figure_with_a_phone_variant_is_offered_in_a_picture() -> None:
    files = _files("figures/slope-a.svg", "figures/slope-a-phone.svg", "figures/slope-b.svg")
    html = (
        '<p><a class="sg-figure" href="../figures/slope-a.svg">'
        '<img alt="a" src="../figures/slope-a.svg" /></a></p>'
        '<p><a class="sg-figure" href="../figures/slope-b.svg">'
        '<img alt="b" src="../figures/slope-b.svg" /></a></p>'
        '<p><img alt="the variant itself" src="../figures/slope-a-phone.svg" /></p>'
    )
    out = phone_figures.on_page_content(html, page=None, config=None, files=files)
    assert out.count("<picture>") == 1
    assert (
        '<a class="sg-figure" href="../figures/slope-a.svg"><picture>'
        f'<source media="{phone_figures.PHONE_MEDIA}" srcset="../figures/slope-a-phone.svg" '
        'type="image/svg+xml"><img alt="a" src="../figures/slope-a.svg" /></picture></a>'
    ) in out
    assert '<img alt="b" src="../figures/slope-b.svg" /></a>' in out
    assert '<p><img alt="the variant itself" src="../figures/slope-a-phone.svg" /></p>' in out


def test_a_phone_variant_without_its_figure_fails_the_build() -> None:
    files = _files("figures/slope-a.svg", "figures/slope-b-phone.svg")
    said = r"slope-b-phone\.svg is a phone variant of figures/slope-b\.svg"
    with pytest.raises(PluginError, match=said):
        phone_figures.on_files(files, config=None)
    assert phone_figures.on_files(_files("figures/slope-a.svg", "figures/slope-a-phone.svg"),
                                  config=None)


def test_the_phone_media_is_a_breakpoint_of_material() -> None:
    """Below 45em Material lays the page out in one column, as on a phone."""
    import material

    styles = Path(material.__file__).parent / "templates" / "assets" / "stylesheets"
    (css,) = styles.glob("main.*.min.css")
    assert f"@media screen and {phone_figures.PHONE_MEDIA.replace(': ', ':')}" in css.read_text(
        encoding="utf-8"
    )
