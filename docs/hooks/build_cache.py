"""The build's one cache: what costs time to derive is made once per version of its inputs.

Figures, executed notebooks, the notebook pages' HTML, the wheel and the offline edition
are kept under ``.build-cache/`` in the repository (git ignores it, ``make clean``
removes it), each named by a SHA-256 of everything it is made from. The keys take whole
sets of inputs, not clever partial ones:

* every file of the package (``scalargrad/``, its data files too) for whatever is drawn
  or run with it, since a figure module that imports ``scalargrad.plots`` also runs
  ``scalargrad.engine``;
* the tools (:func:`environment`): the Python version, every installed distribution
  with its version, Graphviz's ``dot -V`` and ``PYTHONHASHSEED``;
* the code that makes the thing (a figure module, the hook and its helpers) and what
  it is made from (a notebook, a chapter).

A changed input gives a new key, so an entry made from other inputs is never read; old
entries are only left behind, and the few of each artifact used last are kept.
``SCALARGRAD_BUILD_CACHE=0`` turns the cache off: everything is derived afresh and
nothing is stored.

Under ``mkdocs serve`` (``make book``) the hook ``serving.py`` gives this module a
:class:`Background`: a figure or notebook that is not in the cache is then made after
the pages are served, and the page shows a note saying so until it is ready
(:func:`deferring`, :func:`defer`).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import subprocess
import sys
import sysconfig
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.exceptions import PluginError

FOLDER = ".build-cache"
READY = "serve-ready"  # a folder of FOLDER that `make book` watches (serving.py)
VARIABLE = "SCALARGRAD_BUILD_CACHE"
KEEP = 4  # entries kept for each artifact: the last used, and a few to undo to
PACKAGE = "scalargrad"

log = logging.getLogger("mkdocs.hooks.build_cache")


def enabled() -> bool:
    """False when ``SCALARGRAD_BUILD_CACHE=0``: derive everything, store nothing."""
    return os.environ.get(VARIABLE, "1") != "0"


def digest(*parts: str | bytes) -> str:
    """The SHA-256 of ``parts``, each length-prefixed so that no two lists collide."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(f"{len(data)}:".encode())
        h.update(data)
    return h.hexdigest()


def folder_files(folder: Path) -> list[Path]:
    """Every file under ``folder``, sorted, without Python's bytecode caches."""
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    )


def files_digest(root: Path, paths: Iterable[Path]) -> str:
    """The digest of the files ``paths`` (their names relative to ``root``, their bytes)."""
    parts: list[str | bytes] = []
    for path in paths:
        parts += [path.relative_to(root).as_posix(), path.read_bytes()]
    return digest(*parts)


def working_tree(root: Path) -> list[Path] | None:
    """Every file of the working tree that git tracks or would track (not ignored),
    sorted; None outside a git checkout."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=root, capture_output=True, check=True,
        ).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        return None
    paths = sorted(root / name for name in listed.split("\0") if name)
    return [p for p in paths if p.is_file()]  # not a file git lists but that was deleted


def package(root: Path) -> str:
    """The digest of every file of the package, data files included."""
    return files_digest(root, folder_files(root / PACKAGE))


def _dot_version() -> str:
    try:
        result = subprocess.run(["dot", "-V"], capture_output=True, text=True, check=False)
    except OSError:
        return "dot: absent"
    return (result.stdout + result.stderr).strip()


def environment() -> str:
    """The digest of the tools: Python, every installed distribution, ``dot``, the hash seed.

    The distributions are read from the names of the ``*.dist-info`` folders where pip
    installs (``site-packages``), which carry their versions: a millisecond, where
    reading every distribution's metadata takes a tenth of a second.
    """
    paths = sysconfig.get_paths()
    installed: set[str] = set()
    for folder in {paths["purelib"], paths["platlib"]}:
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        installed.update(n for n in names if n.endswith((".dist-info", ".egg-info")))
    return digest(
        sys.version,
        sys.executable,
        *sorted(installed),
        _dot_version(),
        "PYTHONHASHSEED=" + os.environ.get("PYTHONHASHSEED", "random"),
    )


class Store:
    """One kind of artifact in the cache: ``.build-cache/KIND/NAME-KEY.SUFFIX``."""

    def __init__(self, root: Path, kind: str, suffix: str) -> None:
        self.folder = root / FOLDER / kind
        self.suffix = suffix

    def path(self, name: str, key: str) -> Path:
        return self.folder / f"{name}-{key[:32]}{self.suffix}"

    def read(self, name: str, key: str) -> bytes | None:
        """The bytes stored for ``name`` under ``key``, or None."""
        if not enabled():
            return None
        path = self.path(name, key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        with contextlib.suppress(FileNotFoundError):
            os.utime(path)  # used now: pruning keeps what is used, not what is new
        return data

    def write(self, name: str, key: str, data: bytes) -> None:
        """Store ``data``; readers see the whole file or none (a rename, not a rewrite)."""
        if not enabled():
            return
        target = self.path(name, key)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}")
        tmp.write_bytes(data)
        tmp.replace(target)
        self._prune(name)

    def _prune(self, name: str) -> None:
        """Keep the :data:`KEEP` entries of ``name`` written or read last."""
        entries = []
        for path in self.folder.glob(f"{name}-*{self.suffix}"):
            rest = path.name[len(name) + 1 : len(path.name) - len(self.suffix)]
            if len(rest) == 32 and all(c in "0123456789abcdef" for c in rest):
                with contextlib.suppress(FileNotFoundError):  # another build pruned it
                    entries.append((path.stat().st_mtime, path))
        for _, path in sorted(entries, reverse=True)[KEEP:]:
            path.unlink(missing_ok=True)


# --- make book: what is not cached is made after the pages are served --------------------


@dataclass
class _Job:
    order: int  # jobs of a lower order run first
    keys: frozenset[str]
    label: str
    work: Callable[[], None]


@dataclass
class Background:
    """Work that ``make book`` does behind the served pages, one job at a time.

    Jobs wait until the build that asked for them is over (:meth:`start`), so that the
    page comes first, and run in their order (figures before notebooks). When a job is
    done, a file in ``ready`` changes; the server watches that folder (``serving.py``)
    and rebuilds, and the rebuild finds the job's results in the cache. A job that fails
    leaves its error here, and the rebuild raises it.
    """

    ready: Path
    lock: threading.Lock = field(default_factory=threading.Lock)
    queue: list[_Job] = field(default_factory=list)
    busy: set[str] = field(default_factory=set)  # keys queued or being made
    wanted: set[str] = field(default_factory=set)  # keys the latest build asked for
    errors: dict[str, str] = field(default_factory=dict)
    thread: threading.Thread | None = None
    done: int = 0

    def new_build(self) -> None:
        """Forget what earlier builds asked for: queued work no build wants is dropped."""
        with self.lock:
            self.wanted.clear()

    def submit(self, order: int, keys: frozenset[str], label: str,
               work: Callable[[], None]) -> None:
        with self.lock:
            self.wanted |= keys
            if keys <= self.busy:
                return
            self.busy |= keys
            self.queue.append(_Job(order, keys, label, work))
            self.queue.sort(key=lambda job: job.order)

    def start(self) -> None:
        """Run the queued jobs, in a thread of their own."""
        with self.lock:
            if self.queue and (self.thread is None or not self.thread.is_alive()):
                self.thread = threading.Thread(target=self._run, name="build-cache", daemon=True)
                self.thread.start()

    def pending(self) -> bool:
        with self.lock:
            return bool(self.busy)

    def _run(self) -> None:
        while True:
            with self.lock:
                if not self.queue:
                    self.thread = None
                    return
                job = self.queue.pop(0)
                if not job.keys & self.wanted:
                    self.busy -= job.keys
                    continue
            log.info(f"make book: {job.label}, behind the served pages")
            try:
                job.work()
            except Exception as exc:  # shown by the next build, which raises it
                message = str(exc) if isinstance(exc, PluginError) else repr(exc)
                with self.lock:
                    self.errors.update(dict.fromkeys(job.keys, message))
            with self.lock:
                self.busy -= job.keys
                self.done += 1
            self.ready.mkdir(parents=True, exist_ok=True)
            (self.ready / "done").write_text(f"{self.done}\n", encoding="utf-8")

    def raise_error(self, keys: Iterable[str]) -> None:
        """Raise the error of a failed job that made one of ``keys``, if any."""
        with self.lock:
            for key in keys:
                if key in self.errors:
                    raise PluginError(self.errors[key])


# Set by serving.py under `mkdocs serve`; None in `mkdocs build`.
background: Background | None = None


def deferring() -> bool:
    """True under ``mkdocs serve``: what is not cached may be made after the pages."""
    return background is not None and enabled()


def defer(order: int, keys: Iterable[str], label: str, work: Callable[[], None]) -> None:
    """Make ``keys`` in the background after this build (serve only), jobs of a lower
    ``order`` first; raise the error of an earlier attempt that failed."""
    if background is None:
        raise RuntimeError("build_cache.defer: nothing is deferred outside `mkdocs serve`")
    keys = frozenset(keys)
    background.raise_error(keys)
    background.submit(order, keys, label, work)
