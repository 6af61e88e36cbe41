"""The one zip writer of the build: the same files give the same bytes on every build.

Used by ``page_runtime.py`` (the graphviz package for the page's Python) and
``offline_edition.py``. Names are sorted; every entry gets the same date (the earliest a
zip can hold), Unix permissions rw-r--r-- and the same compression level, so that
nothing about the machine or the moment of the build reaches the archive.

>>> a = zip_bytes({"b.txt": b"2", "a.txt": b"1"})
>>> a == zip_bytes({"a.txt": b"1", "b.txt": b"2"})
True
>>> import io, zipfile
>>> zipfile.ZipFile(io.BytesIO(a)).namelist()
['a.txt', 'b.txt']
"""

from __future__ import annotations

import io
import zipfile

__all__ = ["ZIP_TIME", "zip_bytes"]

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can hold


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    """A zip of ``entries`` (name: content), sorted, with fixed dates and permissions."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so that the permissions below are read
            info.external_attr = 0o644 << 16
            archive.writestr(info, entries[name], compresslevel=9)
    return buffer.getvalue()
