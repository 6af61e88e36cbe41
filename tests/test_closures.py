"""scalargrad/closures.py, the lecture's shape of Value, against the book's engine.

Chapter 6 shows both and says they compute the same gradients. Only a graph that uses
a node twice can tell ``+=`` from ``=`` in a closure (the accumulation bug), so every
comparison here reuses nodes: each operation the closure Value has, applied to a node
and itself, and a neuron whose input feeds two of its terms.
"""

from __future__ import annotations

import math

import pytest

from scalargrad import Value
from scalargrad.closures import Value as ClosureValue
from scalargrad.ops import OPS, VALUE

# The registry's operations that the lecture's shape defines (add, mul, tanh, ...).
SHARED_OPS = [op for op in OPS.values() if op.method in vars(ClosureValue)]


def grads(V, f, xs):
    leaves = [V(x) for x in xs]
    out = f(*leaves)
    out.backward()
    return out.data, [leaf.grad for leaf in leaves]


def reused(op):
    """``op`` applied to one leaf in every Value position, then added to itself."""
    def f(a, b):
        args = [a if kind == VALUE else 2 for kind in op.operands]
        node = op.call(*args)
        return node * b + node  # the node is used twice too
    return f


def test_the_closure_value_has_the_lectures_operations():
    assert {op.name for op in SHARED_OPS} == {"add", "mul", "tanh", "radd", "rmul"}


def shared_leaf(op, op_first):
    """``op`` of leaf a, and a * b beside it: a gets two contributions, in either order."""
    def f(a, b):
        node = op.call(*[a if kind == VALUE else 2 for kind in op.operands])
        return node * b + a * b if op_first else a * b + node * b
    return f


@pytest.mark.parametrize("op", SHARED_OPS, ids=lambda op: op.name)
@pytest.mark.parametrize("xs", [(0.5, -1.5), (-2.0, 3.0)], ids=str)
def test_a_reused_node_gets_every_contribution(op, xs):
    ours = grads(ClosureValue, reused(op), xs)
    assert ours == grads(Value, reused(op), xs)


@pytest.mark.parametrize("op", SHARED_OPS, ids=lambda op: op.name)
@pytest.mark.parametrize("op_first", [True, False], ids=["op-first", "op-second"])
def test_a_leaf_shared_by_two_operations_gets_both_contributions(op, op_first):
    f = shared_leaf(op, op_first)
    assert grads(ClosureValue, f, (0.5, -1.5)) == grads(Value, f, (0.5, -1.5))


def test_the_neuron_with_a_shared_input_equals_the_engines():
    def neuron(x, w1, w2, b):
        return (x * w1 + x * w2 + b).tanh() * x

    xs = (0.7, -3.0, 1.0, 0.88)
    data, closure_grads = grads(ClosureValue, neuron, xs)
    assert (data, closure_grads) == grads(Value, neuron, xs)
    # by hand: d/dx of tanh(x(w1 + w2) + b) * x
    t = math.tanh(0.7 * (-3.0 + 1.0) + 0.88)
    assert closure_grads[0] == pytest.approx((1 - t * t) * (-2.0) * 0.7 + t, rel=1e-12)
