"""Running the book's notebooks: each in a fresh kernel, cached, with deterministic outputs.

Every notebook is executed in a fresh kernel (two at a time), and a cell that raises fails
the build; so does a cell tagged ``raises-exception`` that does not raise. Executed
notebooks are deterministic (fixed cell ids, no timing metadata, no memory addresses,
tracebacks naming files relative to the repository). They are cached in the build cache
(docs/hooks/build_cache.py), keyed by the notebook itself, every file of the package and
of ``docs/_data/``, this module, and the tools (Python, every installed distribution,
Graphviz). Under ``make book`` a notebook that is not cached is run after the pages are
served; meanwhile its page says so, and reloads when it is ready.
"""

from __future__ import annotations

import asyncio
import copy
import re
import sysconfig
import threading
from pathlib import Path

# docs/hooks/: MkDocs puts a hook's folder on sys.path while it loads the hook.
import build_cache
import nbformat
from mkdocs.exceptions import PluginError
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from notebook_making import KERNEL, Notebook

TIMEOUT = 600  # seconds per cell
PARALLEL = 2  # kernels at a time: the machine has two cores


DATA_DIR = "docs/_data"  # data a chapter's code may read besides the package's own


def _inputs_digest(root: Path) -> str:
    """What every notebook's result depends on besides the notebook itself."""
    return build_cache.digest(
        build_cache.package(root),
        build_cache.files_digest(root, build_cache.folder_files(root / DATA_DIR)),
        Path(__file__).read_bytes(),  # a change to this module invalidates the cache
        build_cache.environment(),
    )


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


def _run_all(items: list[Notebook], cwd: str) -> None:
    """Run the notebooks in an event loop of their own.

    A thread that already runs a loop (a test process driving Chromium with Playwright's
    synchronous API) cannot start another, so the notebooks then run in a new thread.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(_execute_all(items, cwd))
        return
    failure: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(_execute_all(items, cwd))
        except BaseException as error:  # handed to the caller's thread below
            failure.append(error)

    thread = threading.Thread(target=target, name="notebooks")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


PLACEHOLDER_NOTE = (
    "This notebook is being run again with the changed source: `make book` runs it "
    "behind the served pages, and this page reloads when it is ready."
)


def placeholder(item: Notebook) -> nbformat.NotebookNode:
    """What a notebook shows under ``make book`` while it runs again: a note, marked
    ``is_placeholder`` (docs/hooks/notebooks.py renders its page without nbconvert)."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        f"# {item.title}\n\n{PLACEHOLDER_NOTE}"
    )])
    nb.cells[0]["id"] = "cell-000"
    nb.metadata["kernelspec"] = item.nb.metadata.get("kernelspec", {})
    nb.metadata["scalargrad"] = {"placeholder": True}
    return nb


def is_placeholder(nb: nbformat.NotebookNode | None) -> bool:
    return nb is not None and nb.metadata.get("scalargrad", {}).get("placeholder", False)


def execute(items: list[Notebook], root: Path) -> None:
    """Fill ``item.executed`` for every notebook: from the cache, or run.

    Under ``make book`` the notebooks that are not cached are run in the background and
    get :func:`placeholder` meanwhile.
    """
    store = build_cache.Store(root, "notebooks", ".ipynb")
    inputs = _inputs_digest(root)
    keys = {item.slug: build_cache.digest(inputs, nbformat.writes(item.nb)) for item in items}
    todo: list[Notebook] = []
    for item in items:
        data = store.read(item.slug, keys[item.slug])
        if data is not None:
            item.executed = nbformat.reads(data.decode("utf-8"), as_version=4)
        else:
            todo.append(item)
    if not todo:
        return

    def run(todo: list[Notebook] = todo) -> None:
        _run_all(todo, str(root))
        for item in todo:
            store.write(item.slug, keys[item.slug], dumps(item.executed).encode("utf-8"))

    if build_cache.deferring():
        later = [copy.copy(item) for item in todo]  # the background fills its own copies
        build_cache.defer(1, [keys[i.slug] for i in todo], f"running {len(todo)} notebooks",
                          lambda: run(later))
        for item in todo:
            item.executed = placeholder(item)
    else:
        run()


def dumps(nb: nbformat.NotebookNode | None) -> str:
    assert nb is not None
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"

