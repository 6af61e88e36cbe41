"""Structural guards for performance: what a node costs, counted, never timed.

Chapter 15 explains these numbers. tests/test_engine.py already checks that an engine
graph is freed with the cycle collector off and that a million-deep chain works; here:
slots, bytes per node, collector-tracked objects per node, shared local-derivative
tuples, and that a whole training step (nn + training) leaves no cyclic garbage.
"""

from __future__ import annotations

import gc
import sys
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager

from scalargrad import Value
from scalargrad.datasets import make_moons
from scalargrad.ops import NUMBER, OPS, Op
from scalargrad.training import train_classifier
from tests.test_nn import seeded

# The benchmark's memory target (benchmarks/run.py, W3); micrograd needs about 690.
BYTES_PER_NODE = 190


@contextmanager
def collector_off() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def chain(n: int) -> tuple[Value, Value]:
    x = Value(1.0)
    y = x
    for _ in range(n):
        y = y + x
    return x, y


def owned_bytes(node: Value, shared_local: bool) -> int:
    """sys.getsizeof of the node and of every object that only it holds."""
    owned = [node, node._prev, node.data, node.grad]
    if not shared_local:
        owned.append(node._local)
        children_data = {id(child.data) for child in node._prev}
        owned += [v for v in node._local if id(v) not in children_data]
    return sum(sys.getsizeof(o) for o in owned)


def test_value_has_slots_and_no_instance_dict():
    assert set(Value.__slots__) == {"data", "grad", "label", "_prev", "_op", "_local"}
    v = Value(1.0)
    assert not hasattr(v, "__dict__")
    try:
        v.extra = 1  # type: ignore[attr-defined]
    except AttributeError:
        pass
    else:
        raise AssertionError("a Value accepted an attribute outside __slots__")


def make_node(op: Op, x: float, y: float) -> Value:
    """``op`` applied to new leaves x (and y), with 2 for a number operand."""
    args = [2 if kind == NUMBER else v for kind, v in zip(op.operands, (x, y), strict=False)]
    f, xs = op.bind(tuple(args))
    return f(*(Value(v) for v in xs))


def test_bytes_a_node_owns():
    sizes, shared = {}, {}
    for op in OPS.values():  # every operation of the registry, scalargrad/ops.py
        node = make_node(op, 2.0, 3.0)
        node.backward()
        shared[op.name] = node._local is make_node(op, 5.0, 7.0)._local
        sizes[op.name] = owned_bytes(node, shared[op.name])
    # Sums, differences and negations share one constant tuple of local derivatives.
    assert shared["add"] and shared["sub"] and shared["neg"]
    for name in ("add", "sub", "neg"):
        assert sizes[name] <= BYTES_PER_NODE, sizes
    # The others need a tuple of their own (56 bytes), holding at most two new floats.
    tuple_and_two_floats = sys.getsizeof((0.5, 0.25)) + 2 * sys.getsizeof(0.5)
    assert max(sizes.values()) <= BYTES_PER_NODE + tuple_and_two_floats, sizes


def test_a_product_reuses_its_childrens_floats():
    a, b = Value(2.0), Value(3.0)
    node = a * b
    assert node._local[0] is b.data and node._local[1] is a.data


def test_bytes_per_node_of_a_chain_after_backward():
    """tracemalloc counts allocated bytes: the same on every run of the same Python."""
    n = 20_000
    with collector_off():
        tracemalloc.start()
        try:
            base = tracemalloc.get_traced_memory()[0]
            x, y = chain(n)
            y.backward()
            used = tracemalloc.get_traced_memory()[0] - base
        finally:
            tracemalloc.stop()
    assert x.grad == n + 1
    assert used / n <= BYTES_PER_NODE, f"{used / n:.1f} bytes per node"


def test_two_collector_tracked_objects_per_node():
    """The node and its children tuple; floats and shared tuples are not tracked."""
    n = 1_000
    with collector_off():
        before = len(gc.get_objects())
        _, y = chain(n)
        y.backward()
        gc.collect()  # frees nothing (no cycles); untracks tuples of plain numbers
        after = len(gc.get_objects())
    assert after - before == 2 * n + 1  # + the leaf x, whose children tuple is ()
    assert gc.is_tracked(y) and gc.is_tracked(y._prev)
    assert not gc.is_tracked(y.data) and not gc.is_tracked(y._local)


def test_a_training_step_leaves_no_cyclic_garbage():
    X, y = make_moons(n_samples=20, noise=0.1, seed=0)
    model = seeded(0, 2, [8, 8, 1], activation="relu", output_activation="linear")
    with collector_off():
        history = train_classifier(model, X, y, steps=3, lr=lambda k: 0.1)
        del history
        leftover = gc.collect()
    assert leftover == 0, f"{leftover} objects were only reachable through cycles"
