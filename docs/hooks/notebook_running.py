"""Running the book's notebooks: each in a fresh kernel, cached, with deterministic outputs.

Every notebook is executed in a fresh kernel (two at a time), and a cell that raises fails
the build; so does a cell tagged ``raises-exception`` that does not raise. Executed
notebooks are deterministic (fixed cell ids, no timing metadata, no memory addresses,
tracebacks naming files relative to the repository). They are cached in the system temp
directory under a key made of the notebook, the package source and the versions of
Python and the kernel libraries, so ``mkdocs serve`` rebuilds stay quick;
``SCALARGRAD_NOTEBOOK_CACHE=0`` turns the cache off.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import importlib.metadata
import os
import re
import sys
import sysconfig
import tempfile
from pathlib import Path

import nbformat
from mkdocs.exceptions import PluginError
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

# docs/hooks/notebook_making.py: MkDocs puts a hook's folder on sys.path while it loads the hook.
from notebook_making import KERNEL, Notebook

TIMEOUT = 600  # seconds per cell
PARALLEL = 2  # kernels at a time: the machine has two cores


def _package_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted((root / "scalargrad").rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    versions = []
    for dist in ("ipykernel", "ipython", "torch", "matplotlib", "graphviz", "nbclient"):
        try:
            versions.append(f"{dist}={importlib.metadata.version(dist)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{dist}=absent")
    digest.update(f"{sys.version}|{'|'.join(versions)}".encode())
    digest.update(Path(__file__).read_bytes())  # a change to this module invalidates the cache
    return digest.hexdigest()


def _cache_dir() -> Path | None:
    if os.environ.get("SCALARGRAD_NOTEBOOK_CACHE", "1") == "0":
        return None
    return Path(tempfile.gettempdir()) / "scalargrad-notebook-cache"


_DEFAULT_REPR = re.compile(r"^<[\w.]+ (object )?at 0x[0-9a-f]+>$")
_RICH = ("image/svg+xml", "image/png", "text/html")


def _clean(
    nb: nbformat.NotebookNode, root: str = "", site_packages: str | None = None
) -> nbformat.NotebookNode:
    """Drop what differs between two runs of the same notebook.

    Timing metadata goes; consecutive pieces of one output stream are joined (how
    print output is chunked depends on timing); tracebacks name files relative to the
    repository, not by where it happens to be checked out; and the plain-text fallback
    of a rich output (a graphviz drawing) goes when it is only Python's default repr
    with a memory address.
    """
    prefix = root.rstrip("/") + "/" if root else ""
    # where the kernel's libraries live differs between environments (a traceback through
    # micrograd names it): such paths start at "site-packages/"
    packages = (site_packages or sysconfig.get_paths()["purelib"]).rstrip("/") + "/"
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        outputs = []
        for output in cell.get("outputs", []):
            previous = outputs[-1] if outputs else None
            if (
                output.output_type == "stream"
                and previous is not None
                and previous.output_type == "stream"
                and previous.name == output.name
            ):
                previous.text += output.text
                continue
            if output.output_type == "error":
                output.traceback = [
                    line.replace(packages, "site-packages/").replace(prefix or "\0", "")
                    for line in output.traceback
                ]
            data = output.get("data", {})
            text = data.get("text/plain", "")
            if any(m in data for m in _RICH) and _DEFAULT_REPR.match(str(text).strip()):
                del data["text/plain"]
            outputs.append(output)
        if cell.cell_type == "code":
            cell.outputs = outputs
    return nb


def _check_raises(nb: nbformat.NotebookNode, name: str) -> None:
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        tagged = "raises-exception" in cell.metadata.get("tags", [])
        raised = any(o.output_type == "error" for o in cell.outputs)
        if tagged and not raised:
            raise PluginError(
                f"notebooks: {name}: cell {index} shows a traceback in the book but ran "
                f"without raising:\n{cell.source}"
            )


async def _execute_one(item: Notebook, cwd: str, sem: asyncio.Semaphore) -> None:
    async with sem:
        nb = copy.deepcopy(item.nb)
        client = NotebookClient(
            nb,
            timeout=TIMEOUT,
            kernel_name=KERNEL,
            allow_errors=False,
            record_timing=False,
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
            resources={"metadata": {"path": cwd}},
        )
        try:
            await client.async_execute()
        except CellExecutionError as exc:
            raise PluginError(f"notebooks: executing {item.slug} failed:\n{exc}") from exc
        item.executed = _clean(nb, cwd)
        _check_raises(item.executed, item.slug)


async def _execute_all(items: list[Notebook], cwd: str) -> None:
    sem = asyncio.Semaphore(PARALLEL)
    await asyncio.gather(*(_execute_one(item, cwd, sem) for item in items))


def execute(items: list[Notebook], root: Path) -> None:
    """Execute every notebook (or take it from the cache); fill ``item.executed``."""
    cache = _cache_dir()
    package = _package_digest(root)
    todo: list[Notebook] = []
    keys: dict[str, Path] = {}
    for item in items:
        key = hashlib.sha256((package + nbformat.writes(item.nb)).encode()).hexdigest()
        if cache is not None:
            path = cache / f"{item.slug}-{key[:32]}.ipynb"
            keys[item.slug] = path
            if path.is_file():
                item.executed = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
                continue
        todo.append(item)
    if todo:
        asyncio.run(_execute_all(todo, str(root)))
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        for item in todo:
            target = keys[item.slug]
            tmp = target.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(dumps(item.executed), encoding="utf-8")
            tmp.replace(target)


def dumps(nb: nbformat.NotebookNode | None) -> str:
    assert nb is not None
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"

