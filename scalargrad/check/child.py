"""The child's side: load the learner's file, then answer the parent's questions about it.

The parent (:mod:`scalargrad.check.sandbox`) sends one JSON request per line on
stdin, ``[number, op, args...]``; the child answers on its own copy of stdout,
``[number, "ok", value]`` or ``[number, "raised", [name, description]]``. A value
is plain data (numbers, strings, lists) or a handle for one of the child's objects.
The child judges nothing: the parent chooses every expression and compares the
numbers itself (:mod:`scalargrad.check.remote`). Before the learner's code runs,
the child caps its memory, CPU time and file sizes (``resource.setrlimit``).
"""

from __future__ import annotations

import io
import json
import operator
import os
import random
import resource
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scalargrad.check import examples
from scalargrad.check.imports import SubmissionFinder, import_file
from scalargrad.check.learner import (
    NN_NAMES,
    LoadError,
    describe_exception,
    find_value,
    load_file,
    syntax_message,
    with_nn_beside,
)
from scalargrad.check.notes import chain, seconds
from scalargrad.check.ownership import borrowed, extends
from scalargrad.check.remote import LOADING, OK, RAISED, TOO_MUCH, attributes, is_class

__all__ = ["main"]

OUTPUT_LIMIT = 1 << 20  # the learner may print this much; the rest is dropped and counted


def limit(memory_mb: int, cpu_seconds: int, processes: int) -> None:
    """Cap this process's memory, CPU time, file sizes and processes."""
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (16 << 20, 16 << 20))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))


class Capped(io.TextIOBase):
    """The learner's print(): kept up to :data:`OUTPUT_LIMIT` characters, then counted."""

    def __init__(self, stream: Any) -> None:
        self.stream, self.written = stream, 0

    def write(self, text: str) -> int:
        room = OUTPUT_LIMIT - self.written
        self.written += len(text)
        if room > 0:
            self.stream.write(text[:room])
            self.stream.flush()
        return len(text)


class Server:
    """The child's objects, by handle, and the operations the parent may ask for."""

    def __init__(self) -> None:
        self.objects: dict[int, Any] = {}
        self.handles: dict[int, int] = {}  # id(obj) -> handle: the same object, the same handle

    def encode(self, x: Any) -> Any:
        """Plain data as it is; any other object as a handle."""
        if x is None or isinstance(x, (bool, str)):
            return x
        if isinstance(x, int) and type(x) is not bool:
            return int(x)
        if isinstance(x, float):
            return float(x)
        if type(x) is dict and all(isinstance(k, str) for k in x):
            return {"d": {k: self.encode(v) for k, v in x.items()}}
        kind = {list: "l", tuple: "t", set: "s", frozenset: "s"}.get(type(x))
        if kind:
            return {kind: [self.encode(v) for v in x]}
        if id(x) not in self.handles:
            self.handles[id(x)] = len(self.objects)
            self.objects[len(self.objects)] = x
        return {"h": self.handles[id(x)], "c": callable(x), "k": isinstance(x, type)}

    def decode(self, x: Any) -> Any:
        """The parent's argument: plain data, or one of this process's objects."""
        if not isinstance(x, dict):
            return x
        if "h" in x:
            return self.objects[x["h"]]
        kind, items = next(iter(x.items()))
        values = [self.decode(v) for v in items]
        return tuple(values) if kind == "t" else values

    def answer(self, op: str, args: list[Any]) -> Any:
        """Carry out one request."""
        if op == "getattr":
            return getattr(args[0], args[1])
        if op == "setattr":
            setattr(args[0], args[1], args[2])
            return None
        if op == "call":
            return args[0](*args[1])
        return APPLY[op.removeprefix("apply_")](*args)


def _overrides(cls: type, name: str) -> bool:
    """True when ``cls`` has its own ``name`` (not object's)."""
    return getattr(cls, name, None) is not getattr(object, name, None)


APPLY: dict[str, Callable[..., Any]] = {
    **{name: getattr(operator, name) for name in (
        "add", "sub", "mul", "truediv", "pow", "lt", "le", "gt", "ge", "eq", "ne",
        "neg", "pos", "abs", "getitem")},
    "repr": repr, "hash": hash, "bool": bool, "len": len, "list": list,
    "isinstance": isinstance, "overrides": _overrides,
    "typename": lambda x: type(x).__name__, "seed": random.seed,
    "attributes": attributes, "seconds": seconds, "chain": chain,
    "has": lambda cls, name: callable(getattr(cls, name, None)),
}


def load(config: dict[str, Any], progress: Callable[[str], None]) -> Any:
    """Load the learner's files: their classes by name, notes and whose engine it is.

    Returns ``{"error": why}`` when they cannot be loaded.
    """
    root = Path(config.get("root") or Path(config["path"]).parent)
    sub = config.get("submission") or {"main": Path(config["path"]).name, "nn": "",
                                       "aliases": {}, "package": ""}
    sys.meta_path.insert(0, SubmissionFinder(root, sub["aliases"], progress))
    try:
        namespace = _import(root, sub["main"], sub["package"], progress)
        find_value(namespace, config["name"])
        modules, beside = [namespace], ""
        if "MLP" not in namespace and sub["nn"]:
            nn = _import(root, sub["nn"], sub["package"], progress)
            modules.append(nn)
            beside = _take_nn(namespace, nn, sub["nn"], sub["main"])
        elif "MLP" not in namespace:
            beside = with_nn_beside(namespace, root / sub["main"])
    except LoadError as exc:
        return {"error": str(exc)}
    found = {n: namespace[n] for n in ("Value", *NN_NAMES) if n in namespace}
    value = namespace["Value"]
    mro = [f"{c.__module__}.{c.__qualname__}" for c in value.__mro__]
    return {"classes": found, "notes": [beside] if beside else [], "mro": mro,
            "extends": extends(value, root), "borrowed": borrowed(value, modules, root)}


def _take_nn(namespace: dict[str, Any], nn: dict[str, Any], nn_file: str, main: str) -> str:
    """Take Neuron, Layer and MLP (and the Value they use) from the nn file; a note."""
    found = [name for name in NN_NAMES if name in nn]
    namespace.update({name: nn[name] for name in found})
    if found and is_class(nn.get("Value")):
        namespace["Value"] = nn["Value"]
    return (f"{', '.join(found)} come from {Path(nn_file).name}, beside "
            f"{Path(main).name}." if found else "")


def _import(root: Path, relative: str, package: str,
            progress: Callable[[str], None]) -> dict[str, Any]:
    """One file of the submission, imported by its module name (by path when that is taken)."""
    name = Path(relative).name
    try:
        namespace = import_file(root, relative, package)
    except SyntaxError as exc:
        raise LoadError(syntax_message(Path(exc.filename or name).name, exc)) from None
    except ImportError as exc:
        raise LoadError(f"{_failing(exc, root) or name} could not import what it needs: "
                        f"{describe_exception(exc)}") from None
    except (Exception, SystemExit) as exc:
        raise LoadError(f"loading {_failing(exc, root) or name} "
                        f"{describe_exception(exc)}") from None
    if namespace is None:
        progress(relative)
        namespace = load_file(root / relative)
    return namespace


def _failing(exc: BaseException, root: Path) -> str:
    """The name of the submission's file where ``exc`` was raised (its innermost frame)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if Path(f.filename).resolve().is_relative_to(root.resolve())]
    return Path(frames[-1].filename).name if frames else ""


def described(exc: BaseException) -> list[str]:
    """The name of an exception and its description, also when its own str() raises."""
    try:
        return [type(exc).__name__, describe_exception(exc)]
    except BaseException:
        return [type(exc).__name__, f"raised {type(exc).__name__} (its message cannot be shown)"]


def main(config_json: str) -> None:
    """Answer the parent's requests until it closes stdin (config: path, name, limits)."""
    config = json.loads(config_json)
    if config.get("drop_to") is not None:  # started as root in a sandbox: become nobody
        os.setgroups([])
        os.setgid(config["drop_to"])
        os.setuid(config["drop_to"])
    limit(config["memory_mb"], config["cpu_seconds"], config["processes"])
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    requests = os.fdopen(os.dup(0), "r", encoding="utf-8")
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)  # the learner's input() reads nothing
    os.dup2(2, 1)  # the learner's print() goes to stderr from now on
    sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - for the process's life
    sys.stdout = sys.stderr = Capped(sys.__stderr__)
    # the submission first on the import path, as `python engine.py` has its own folder
    sys.path.insert(0, config.get("root") or str(Path(config["path"]).parent))
    server = Server()
    number = 0

    def progress(module: str) -> None:
        """Tell the parent that a module of the submission starts to load."""
        answers.write(json.dumps([number, LOADING, module]) + "\n")
        answers.flush()

    for line in requests:
        number, op, *raw = json.loads(line)
        try:
            if op == "hello":
                value = None
            elif op == "load":
                value = load(config, progress)
            elif op == "examples_use_files":  # --examples (scalargrad.check.examples)
                value = examples.child_use_files(config["path"])
            elif op == "examples_missing":
                value = examples.child_missing(server.decode(raw[0]))
            elif op == "examples_run":
                value = examples.child_run(*[server.decode(a) for a in raw])
            else:
                value = server.answer(op, [server.decode(a) for a in raw])
            reply = [number, OK, server.encode(value)]
        except (Exception, SystemExit) as exc:
            reply = [number, RAISED, described(exc)]
        if isinstance(sys.stdout, Capped) and sys.stdout.written > OUTPUT_LIMIT:
            reply = [number, TOO_MUCH, sys.stdout.written]
        answers.write(json.dumps(reply) + "\n")
        answers.flush()
