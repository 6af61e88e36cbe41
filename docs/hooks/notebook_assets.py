"""Lighter notebook pages: what mkdocs-jupyter inlines, moved into files of their own.

Used by ``docs/hooks/notebooks.py`` in ``on_page_content``, before the search plugin
parses the page. Kept apart from the notebook code: how a page is post-processed does
not change what a notebook computes.
"""

from __future__ import annotations

import base64
import hashlib
import posixpath
import re
from pathlib import Path

# mkdocs-jupyter inlines JupyterLab's stylesheets (about 580 KB, the same on every notebook
# page) and every image output as base64. Both are moved to files of their own, named by their
# content: the styles to one stylesheet all notebook pages share (the browser loads it once),
# the images (PNG, JPEG, SVG) beside the page. A notebook page then weighs what its cells do.
_INLINE_STYLE = re.compile(r'<style type="text/css">(.*?)</style>', re.S)
_INLINE_IMAGE = re.compile(r'src="data:image/(?P<kind>png|jpeg|svg\+xml);base64,(?P<data>[^"]+)"')
STYLESHEET_DIR = "assets/stylesheets"
_SUFFIX = {"png": "png", "jpeg": "jpg", "svg+xml": "svg"}


def _content_name(data: bytes, stem: str, suffix: str) -> str:
    return f"{stem}{hashlib.sha256(data).hexdigest()[:16]}.{suffix}"


def externalize(output: str, page_dest: str, site_dir: Path) -> str:
    """Move a notebook page's inline stylesheets and images into files under ``site_dir``.

    ``page_dest`` is the page's path in the site (``notebooks/slope/index.html``).
    The styles become one stylesheet, linked where the first style block stood.
    """
    styles = _INLINE_STYLE.findall(output)
    if styles:
        css = "\n".join(s.strip() for s in styles).encode("utf-8") + b"\n"
        name = f"{STYLESHEET_DIR}/{_content_name(css, 'jupyter-', 'css')}"
        target = site_dir / name
        if not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(css)
        href = posixpath.relpath(name, posixpath.dirname(page_dest))
        parts = _INLINE_STYLE.split(output)  # text, style, text, style, ..., text
        output = parts[0] + f'<link rel="stylesheet" href="{href}">' + "".join(parts[2::2])
    page_dir = site_dir / posixpath.dirname(page_dest)

    def image(match: re.Match) -> str:
        kind = match.group("kind")
        data = base64.b64decode(match.group("data"))
        name = _content_name(data, "output-", _SUFFIX[kind])
        (page_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (page_dir / name).write_bytes(data)
        return f'src="{name}"'

    return _INLINE_IMAGE.sub(image, output)
