"""The parent's view of a learner's objects that live in another process.

The checker's judging code runs in the parent; the learner's code runs in a child
(:mod:`scalargrad.check.child`). A :class:`Proxy` stands for one of the child's
objects: ``a + b``, ``a.grad``, ``Value(2.0)`` and ``a.backward()`` each send one
request and get back plain numbers, lists, or other proxies. So the child only
answers "what is this number?" for expressions the parent chose, and the parent
compares: nothing the child writes is taken as a verdict.
"""

from __future__ import annotations

import builtins
import json
import os
import queue
import time
from collections.abc import Callable
from typing import Any

__all__ = ["LOADING", "OK", "RAISED", "TOO_MUCH", "CheckTimeout", "ChildGone", "ChildSet",
           "Connection", "FileDeadline", "Lines", "Proxy", "RemoteError", "TooMuchOutput",
           "attributes", "describe_remote", "is_class", "is_set", "overrides", "type_name"]


FORGED = "not an answer"  # how ChildGone starts when the child broke the protocol


class RemoteError(Exception):
    """An exception raised in the learner's code; ``text`` describes it with its lines."""

    text = ""


class CheckTimeout(BaseException):
    """A request ran past the time limit of the current check (not caught by the checks)."""


class ChildGone(BaseException):
    """The child ended, or broke the protocol (not caught by the checks)."""


class TooMuchOutput(BaseException):
    """The learner's code printed more than the child keeps (not caught by the checks)."""


class FileDeadline(BaseException):
    """The whole file ran past its overall deadline (not caught by the checks)."""


#: The kinds of answer line the child sends: a learner's exception is always "raised",
#: whatever its class is called, so no name the learner chooses becomes a signal.
OK, RAISED, TOO_MUCH, LOADING = "ok", "raised", "too much output", "loading"


_ERRORS: dict[str, type[RemoteError]] = {}


def _error(name: str, text: str) -> RemoteError:
    """An exception of a class named like the learner's, a subclass of the builtin if any."""
    if name not in _ERRORS:
        base = getattr(builtins, name, None)
        if not (isinstance(base, type) and issubclass(base, Exception)):
            base = Exception
        _ERRORS[name] = type(name, (RemoteError, base), {})
    exc = _ERRORS[name](text.partition("\n")[0])
    exc.text = text
    return exc


def describe_remote(exc: BaseException) -> str | None:
    """The child's description of an exception from the learner's code, or None."""
    return exc.text if isinstance(exc, RemoteError) else None


class Lines:
    """The child's answers, one line at a time, waiting at most until a deadline."""

    def __init__(self, fd: int) -> None:
        self.fd, self.buffer, self.ended = fd, b"", False

    def get(self, timeout: float) -> bytes | None:
        """The next line; None when the child closed its end; queue.Empty on timeout."""
        import select  # here, not above: the page's Python (Pyodide) checks in-process only

        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer and not self.ended:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                raise queue.Empty
            chunk = os.read(self.fd, 1 << 16)
            self.buffer += chunk
            self.ended = not chunk
        if b"\n" not in self.buffer:
            return None
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line


class Connection:
    """Requests to the child, one JSON line each, and its answers, with a time limit."""

    def __init__(self, send: Callable[[str], None], lines: Lines | queue.Queue[bytes | None],
                 time_limit: float) -> None:
        self._send, self._lines, self.time_limit = send, lines, time_limit
        self.check, self.deadline, self._next = "loading the file", 0.0, 0
        self.until = float("inf")  # the file's overall deadline (time.monotonic())
        self.loaded: list[str] = []  # the submission's modules, in the order they loaded
        self._proxies: dict[int, Proxy] = {}

    def starting(self, check: str, extra: float = 0.0) -> None:
        """A new check begins: its own time limit starts now."""
        self.check, self.deadline = check, time.monotonic() + self.time_limit + extra

    def request(self, op: str, *args: Any) -> Any:
        """Send one request; return its decoded answer, or raise what the learner's code raised."""
        self._next += 1
        try:
            self._send(json.dumps([self._next, op, *[self.encode(a) for a in args]]) + "\n")
        except (OSError, ValueError):
            raise ChildGone("the child closed its input") from None
        while True:
            line = self._next_line()
            try:
                answer = json.loads(line)
                number, kind, value = answer
            except (ValueError, TypeError):
                raise ChildGone(f"{FORGED}: a line that is not an answer") from None
            if number != self._next:
                raise ChildGone(f"{FORGED}: an answer to a question that was not asked")
            if kind == LOADING and isinstance(value, str):  # a module of the submission starts
                self.loaded.append(value)
                self.starting(f"loading {value}")
                continue
            return self._answer(kind, value)

    def _next_line(self) -> bytes:
        """The child's next line, within the check's time limit and the file's deadline."""
        now = time.monotonic()
        try:
            line = self._lines.get(timeout=max(0.0, min(self.deadline, self.until) - now))
        except queue.Empty:
            if time.monotonic() >= self.until:
                raise FileDeadline(self.check) from None
            raise CheckTimeout(self.check) from None
        if line is None:
            raise ChildGone("the child ended")
        return line

    def _answer(self, kind: Any, value: Any) -> Any:
        """The value of an answer line, or the exception it reports."""
        if kind == OK:
            return self.decode(value)
        if kind == TOO_MUCH and isinstance(value, int):
            raise TooMuchOutput(value)
        if kind != RAISED or not isinstance(value, list) or len(value) != 2:
            raise ChildGone(f"{FORGED}: an answer of an unknown kind")
        raise _error(str(value[0]), str(value[1]))

    def encode(self, x: Any) -> Any:
        """An argument for the child: numbers, strings, lists, or one of its own objects."""
        if isinstance(x, Proxy):
            return {"h": object.__getattribute__(x, "_h")}
        if x is None or isinstance(x, (bool, int, float, str)):
            return x
        if isinstance(x, (list, tuple)):
            return {"l" if isinstance(x, list) else "t": [self.encode(v) for v in x]}
        raise TypeError(f"cannot send a {type(x).__name__} to the learner's process")

    def decode(self, x: Any) -> Any:
        """An answer from the child: plain data, or a proxy for one of its objects."""
        if not isinstance(x, dict):
            return x
        if "h" in x:
            handle = x["h"]
            if handle not in self._proxies:
                cls = CallableProxy if x.get("c") else Proxy
                self._proxies[handle] = cls(self, handle, bool(x.get("k")))
            return self._proxies[handle]
        kind, items = next(iter(x.items()))
        if kind == "d":
            return {k: self.decode(v) for k, v in items.items()}
        values = [self.decode(v) for v in items]
        return {"l": list, "t": tuple, "s": ChildSet}.get(kind, list)(values)


class ChildSet(list):  # type: ignore[type-arg]
    """A set of the child's, its members in the child's order (not hashed here)."""


def is_set(x: Any) -> bool:
    """True for a set, here or in the learner's process."""
    return isinstance(x, (set, frozenset, ChildSet))


class Proxy:
    """One of the learner's objects, in the child: every use is a request."""

    __slots__ = ("__weakref__", "_c", "_h", "_k")

    def __init__(self, connection: Connection, handle: int, is_class: bool) -> None:
        object.__setattr__(self, "_c", connection)
        object.__setattr__(self, "_h", handle)
        object.__setattr__(self, "_k", is_class)

    def _ask(self, op: str, *args: Any) -> Any:
        """One request about this object."""
        return object.__getattribute__(self, "_c").request(op, self, *args)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self._ask("getattr", name)

    def __setattr__(self, name: str, value: Any) -> None:
        self._ask("setattr", name, value)

    def __repr__(self) -> str:
        try:
            return str(self._ask("apply_repr"))
        except (Exception, ChildGone):
            return "<the learner's object>"

    def __hash__(self) -> int:
        return int(self._ask("apply_hash"))

    def __eq__(self, other: object) -> Any:  # type: ignore[override]
        return self._ask("apply_eq", other)

    def __bool__(self) -> bool:
        return bool(self._ask("apply_bool"))

    def __len__(self) -> int:
        return int(self._ask("apply_len"))

    def __iter__(self) -> Any:
        return iter(self._ask("apply_list"))

    def __getitem__(self, key: Any) -> Any:
        return self._ask("apply_getitem", key)

    def __instancecheck__(self, obj: Any) -> bool:
        return isinstance(obj, Proxy) and bool(
            object.__getattribute__(self, "_c").request("apply_isinstance", obj, self))


def _binary(name: str, reflected: bool = False) -> Callable[..., Any]:
    """A method that applies the operator ``name`` in the child."""
    def method(self: Proxy, other: Any) -> Any:
        a, b = (other, self) if reflected else (self, other)
        return object.__getattribute__(self, "_c").request("apply_" + name, a, b)
    return method


def _unary(name: str) -> Callable[..., Any]:
    """A method that applies the unary operator ``name`` in the child."""
    def method(self: Proxy) -> Any:
        return self._ask("apply_" + name)
    return method


for _name in ("add", "sub", "mul", "truediv", "pow", "lt", "le", "gt", "ge", "ne"):
    setattr(Proxy, f"__{_name}__", _binary(_name))
    if _name in ("add", "sub", "mul", "truediv", "pow"):
        setattr(Proxy, f"__r{_name}__", _binary(_name, reflected=True))
for _name in ("neg", "pos", "abs"):
    setattr(Proxy, f"__{_name}__", _unary(_name))


class CallableProxy(Proxy):
    """A class, function or method of the learner's: calling it is a request."""

    __slots__ = ()

    def __call__(self, *args: Any) -> Any:
        return self._ask("call", list(args))


def is_class(x: Any) -> bool:
    """True for a class, here or in the learner's process."""
    return isinstance(x, type) or (isinstance(x, Proxy) and object.__getattribute__(x, "_k"))


def overrides(cls: Any, name: str) -> bool:
    """True when the class defines ``name`` itself or through a base other than ``object``."""
    if isinstance(cls, Proxy):
        return bool(cls._ask("apply_overrides", name))
    return getattr(cls, name, None) is not getattr(object, name, None)


def attributes(node: Any) -> dict[str, Any]:
    """A node's attributes, from its ``__dict__`` and its ``__slots__``, here or in the child."""
    if isinstance(node, Proxy):
        return dict(node._ask("apply_attributes"))
    found = dict(getattr(node, "__dict__", {}))
    for cls in type(node).__mro__:
        slots = getattr(cls, "__slots__", ())
        for slot in [slots] if isinstance(slots, str) else slots:
            if isinstance(slot, str) and not slot.startswith("__") and hasattr(node, slot):
                found[slot] = getattr(node, slot)
    return {k: v for k, v in found.items() if isinstance(k, str)}


def type_name(x: Any) -> str:
    """The name of the object's class, here or in the learner's process."""
    if isinstance(x, Proxy):
        return str(x._ask("apply_typename"))
    return type(x).__name__
