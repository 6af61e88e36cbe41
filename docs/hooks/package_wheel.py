"""MkDocs hook: the package's wheel, built with the site; its version, name and address.

The pure-Python wheel of ``scalargrad`` is built from this source tree (setuptools'
PEP 517 backend, in a fresh copy of the package, no network; a fixed
``SOURCE_DATE_EPOCH`` fixes its timestamps, so two builds give the same bytes), or taken
from the build cache (docs/hooks/build_cache.py) when none of what it is built from has
changed: the package's files, the book's examples it carries (docs/hooks/walk.py),
``pyproject.toml``, ``README.md``, ``LICENSE``, this hook and the tools (setuptools among
them). It is published twice, with the same bytes:

* ``wheels/scalargrad-<version>-py3-none-any.whl``, the name pip needs;
* ``wheels/scalargrad.whl``, a stable name for the page's runner.

``{{ wheel_url }}`` in a page's Markdown becomes the wheel's address under ``site_url``,
and ``{{ wheel_name }}`` its file name; ``wheel_url(config)`` gives the notebooks and the
install line the same, and ``project(root)`` the version.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

# docs/hooks/: MkDocs puts a hook's folder on sys.path while it loads the hook.
import build_cache

# docs/hooks/walk.py: the book's examples, which the wheel carries for `--examples`.
import walk  # imports this module (through runnable_blocks.py): its names at run time
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

WHEELS = "wheels"
STABLE_WHEEL = f"{WHEELS}/scalargrad.whl"
_TOKENS = re.compile(r"\{\{ (wheel_url|wheel_name) \}\}")


def root_of(config: MkDocsConfig) -> Path:
    """The repository: the folder of mkdocs.yml."""
    return Path(config.config_file_path).resolve().parent


def project(root: Path) -> dict:
    """pyproject.toml's ``[project]`` table, with the version filled in.

    The version's one source is ``scalargrad.__version__`` (pyproject.toml declares it
    dynamic); it is read from the source tree, not from whatever is installed.
    """
    with open(root / "pyproject.toml", "rb") as f:
        meta = dict(tomllib.load(f)["project"])
    if "version" not in meta:
        init = (root / meta["name"] / "__init__.py").read_text(encoding="utf-8")
        found = re.search(r'^__version__ = "([^"]+)"$', init, re.M)
        if found is None:
            where = f"{meta['name']}/__init__.py"
            raise PluginError(f'package_wheel: {where} has no line __version__ = "..."')
        meta["version"] = found.group(1)
    return meta


def wheel_name(config: MkDocsConfig) -> str:
    """The wheel's file name, from pyproject.toml's name and version."""
    meta = project(root_of(config))
    return f"{meta['name']}-{meta['version']}-py3-none-any.whl"


def wheel_url(config: MkDocsConfig) -> str:
    """The published wheel's absolute address, under ``site_url``."""
    if not config.site_url:
        raise PluginError(
            "package_wheel: site_url must be set: the install line is built from it"
        )
    return f"{config.site_url.rstrip('/')}/{WHEELS}/{wheel_name(config)}"


TOP_FILES = ("pyproject.toml", "README.md", "LICENSE")  # what the wheel holds or reads


def wheel(root: Path) -> bytes:
    """The package's wheel: from the cache, or built (and then cached)."""
    extra = walk.wheel_files()  # the book's examples, from the chapters (docs/hooks/walk.py)
    key = build_cache.digest(
        build_cache.package(root),
        *(name.encode() + b"\0" + data for name, data in sorted(extra.items())),
        build_cache.files_digest(root, [root / n for n in TOP_FILES if (root / n).is_file()]),
        Path(__file__).read_bytes(),
        build_cache.environment(),
    )
    store = build_cache.Store(root, "wheel", ".whl")
    data = store.read("scalargrad", key)
    if data is None:
        data = build_wheel(root, extra)
        store.write("scalargrad", key, data)
    return data


def build_wheel(root: Path, extra: dict[str, bytes]) -> bytes:
    """The package's wheel, from a fresh copy of its sources and ``extra`` files; its bytes."""
    with tempfile.TemporaryDirectory(prefix="scalargrad-wheel-") as tmp:
        src = Path(tmp) / "src"
        out = Path(tmp) / "out"
        src.mkdir()
        for name in TOP_FILES:
            if (root / name).is_file():
                shutil.copy2(root / name, src / name)
        shutil.copytree(
            root / "scalargrad",
            src / "scalargrad",
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
        for name, data in extra.items():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            (src / name).write_bytes(data)
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        env["SOURCE_DATE_EPOCH"] = "315532800"  # 1980-01-01: the bytes depend on the sources only
        code = (
            "import sys; from setuptools import build_meta; "
            "print(build_meta.build_wheel(sys.argv[1]))"
        )
        proc = subprocess.run(
            [sys.executable, "-c", code, str(out)],
            cwd=src, env=env, capture_output=True, text=True, check=False,
        )
        if proc.returncode != 0:
            raise PluginError(
                f"package_wheel: building the wheel failed:\n{proc.stderr[-3000:]}"
            )
        built = out / proc.stdout.strip().splitlines()[-1]
        return built.read_bytes()


def on_files(files: Files, config: MkDocsConfig) -> Files:
    data = wheel(root_of(config))
    for uri in (f"{WHEELS}/{wheel_name(config)}", STABLE_WHEEL):
        files.append(File.generated(config, uri, content=data))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    values = {"wheel_url": wheel_url(config), "wheel_name": wheel_name(config)}
    return _TOKENS.sub(lambda m: values[m.group(1)], markdown)
