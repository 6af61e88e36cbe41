"""Unit tests of scalargrad.engine: every operator's value and gradient, the
graph bookkeeping, every rejected input, and two structural guards (nodes are
freed by reference counting alone; a million-deep chain backpropagates)."""

from __future__ import annotations

import gc
import math

import pytest

from scalargrad import Value, build_topo
from scalargrad.ops import NUMBER, OPS, VALUE, samples

# ---------------------------------------------------------------------------
# Forward values and gradients, operator by operator
# ---------------------------------------------------------------------------


def grads_of(f, *xs: float) -> tuple[float, list[float]]:
    """Run f on fresh leaves, backpropagate, return (output data, leaf grads)."""
    leaves = [Value(x) for x in xs]
    out = f(*leaves)
    out.backward()
    return out.data, [leaf.grad for leaf in leaves]


# Every operation's value and gradients at every point of its sample grid are checked
# against the registry (scalargrad/ops.py) in tests/test_ops.py. Here: points off that
# grid where an operation has a special case, worked out by hand.
# (id, f, inputs, expected value, expected gradients)
EDGE_CASES = [
    ("div-negative-divisor", lambda a, b: a / b, (3.0, -4.0), -0.75, [-0.25, -3.0 / 16.0]),
    ("pow-negative", lambda a: a**-2, (2.0,), 0.25, [-0.25]),
    ("pow-zero", lambda a: a**0, (5.0,), 1.0, [0.0]),
    ("pow-zero-at-zero", lambda a: a**0, (0.0,), 1.0, [0.0]),
    ("relu-at-zero", lambda a: a.relu(), (0.0,), 0.0, [0.0]),
    ("sigmoid-at-zero", lambda a: a.sigmoid(), (0.0,), 0.5, [0.25]),
    ("sigmoid-negative", lambda a: a.sigmoid(), (-2.0,), 1 / (1 + math.exp(2.0)),
     [math.exp(-2.0) / (1 + math.exp(-2.0)) ** 2]),
]


@pytest.mark.parametrize(
    ("f", "inputs", "value", "grads"),
    [case[1:] for case in EDGE_CASES],
    ids=[case[0] for case in EDGE_CASES],
)
def test_operator_value_and_gradient(f, inputs, value, grads):
    data, leaf_grads = grads_of(f, *inputs)
    assert data == pytest.approx(value, rel=1e-15, abs=1e-15)
    assert leaf_grads == pytest.approx(grads, rel=1e-15, abs=1e-15)


# A plain number on the left is an operation of its own (2 + v calls v.__radd__), a row
# of the registry; on the right it becomes a constant leaf. Every operation of two
# Values, with a plain number for its second operand:
BINARY = [op for op in OPS.values() if op.operands == (VALUE, VALUE)]
MIXED_CASES = [
    pytest.param(op, args, id=f"{op.name}-with-number-{args[1]}")
    for op in BINARY for args in samples(op)[::4]
]


@pytest.mark.parametrize(("op", "args"), MIXED_CASES)
def test_plain_number_on_the_right(op, args):
    x, number = args
    v = Value(x)
    out = op.call(v, number)
    out.backward()
    assert isinstance(out, Value)
    assert out.data == op.forward(x, number)
    assert v.grad == pytest.approx(op.local(x, number)[0], rel=1e-15, abs=1e-15)


def test_every_binary_operation_takes_a_number_on_the_left_too():
    with_number_left = {op.method for op in OPS.values() if op.operands == (NUMBER, VALUE)}
    for op in BINARY:
        assert op.method.replace("__", "__r", 1) in with_number_left, op.name


def test_ops_record_children_op_and_local_derivatives():
    a, b = Value(2.0), Value(-3.0)
    cases = [
        (a + b, (a, b), "+", (1.0, 1.0)),
        (a - b, (a, b), "-", (1.0, -1.0)),
        (a * b, (a, b), "*", (-3.0, 2.0)),
        (-a, (a,), "neg", (-1.0,)),
        (a**2, (a,), "**2", (4.0,)),
        (a.relu(), (a,), "ReLU", (1.0,)),
    ]
    for out, children, op, local in cases:
        assert out._prev == children
        assert out._op == op
        assert out._local == local
        assert out.grad == 0.0


def test_int_data_is_stored_as_float():
    v = Value(3)
    assert type(v.data) is float
    assert v.data == 3.0


# ---------------------------------------------------------------------------
# repr, labels, and a node's own backward step
# ---------------------------------------------------------------------------


def test_repr_is_the_lectures():
    assert repr(Value(2.0)) == "Value(data=2.0)"
    assert repr(Value(-3)) == "Value(data=-3.0)"
    assert repr(Value(2.0) * Value(-3.0) + Value(10.0)) == "Value(data=4.0)"


def test_label_is_kept():
    assert Value(1.0, label="x1").label == "x1"
    assert Value(1.0).label == ""


def test_backward_step_pushes_only_to_the_nodes_children():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    d = c + a
    d.grad = 1.0
    d._backward()
    assert (c.grad, a.grad) == (1.0, 1.0)  # d's children
    assert b.grad == 0.0  # a grandchild through c: untouched until c._backward()
    c._backward()
    assert (a.grad, b.grad) == (1.0 + -3.0, 2.0)


def test_backward_step_of_a_leaf_does_nothing():
    a = Value(2.0)
    a.grad = 5.0
    a._backward()
    assert a.grad == 5.0


# ---------------------------------------------------------------------------
# Accumulation: a node used twice collects both contributions
# ---------------------------------------------------------------------------


def test_a_plus_a_gives_two():
    a = Value(3.0)
    b = a + a
    b.backward()
    assert a.grad == 2.0


def test_a_times_a_gives_two_a():
    a = Value(3.0)
    b = a * a
    b.backward()
    assert a.grad == 6.0


def test_shared_subexpression():
    a, b = Value(-2.0), Value(3.0)
    d = a * b
    e = a + b
    f = d * e  # f = (ab)(a + b): df/da = b(a + b) + ab, df/db = a(a + b) + ab
    f.backward()
    assert a.grad == 3.0 * 1.0 + -6.0
    assert b.grad == -2.0 * 1.0 + -6.0


def test_backward_twice_accumulates_leaf_gradients():
    a, b, c = Value(2.0), Value(-3.0), Value(10.0)
    out = (a * b + c).tanh() * 2.0
    out.backward()
    once = (a.grad, b.grad, c.grad)
    out.backward()
    assert (a.grad, b.grad, c.grad) == pytest.approx([2 * g for g in once], rel=1e-15)
    assert out.grad == 1.0


# ---------------------------------------------------------------------------
# build_topo
# ---------------------------------------------------------------------------


def diamond_graph() -> tuple[Value, list[Value]]:
    """A graph with shared subexpressions and a leaf used four times."""
    x = Value(0.5, label="x")
    y = Value(-1.5, label="y")
    a = x * y
    b = a + x
    c = a.tanh() * b
    d = (c + x) * (b - x) + x.exp()
    return d, [x, y, a, b, c, d]


def assert_topological(topo: list[Value], root: Value) -> None:
    position = {id(node): i for i, node in enumerate(topo)}
    assert len(position) == len(topo), "a node appears more than once"
    assert topo[-1] is root
    for node in topo:
        for child in node._prev:
            assert position[id(child)] < position[id(node)], "a child comes after its parent"


def reachable(root: Value) -> set[int]:
    seen, stack = set(), [root]
    while stack:
        node = stack.pop()
        if id(node) not in seen:
            seen.add(id(node))
            stack.extend(node._prev)
    return seen


def test_build_topo_children_before_parents_each_node_once():
    root, named = diamond_graph()
    topo = build_topo(root)
    assert_topological(topo, root)
    assert {id(n) for n in topo} == reachable(root)
    assert all(id(n) in {id(t) for t in topo} for n in named)


def test_build_topo_of_a_leaf():
    leaf = Value(1.0)
    assert build_topo(leaf) == [leaf]


def test_build_topo_ignores_nodes_outside_the_graph():
    a, b = Value(1.0), Value(2.0)
    c = a + a
    _unrelated = b * a
    assert build_topo(c) == [a, c]


def test_backward_on_the_diamond_matches_hand_derivatives():
    x, y = Value(0.5), Value(-1.5)
    a = x * y
    b = a + x
    out = a.tanh() * b
    out.backward()
    t = math.tanh(0.5 * -1.5)
    bb = 0.5 * -1.5 + 0.5
    # out = tanh(xy) * (xy + x)
    assert x.grad == pytest.approx((1 - t * t) * y.data * bb + t * (y.data + 1), rel=1e-14)
    assert y.grad == pytest.approx((1 - t * t) * x.data * bb + t * x.data, rel=1e-14)


# ---------------------------------------------------------------------------
# Numerically extreme inputs
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("x", [1000.0, -1000.0, 1e308, -1e308], ids=str)
def test_tanh_of_huge_inputs_does_not_overflow(x):
    v = Value(x)
    out = v.tanh()
    out.backward()
    assert out.data == math.copysign(1.0, x)
    assert v.grad == 0.0


@pytest.mark.parametrize("x", [1000.0, -1000.0, 1e308, -1e308], ids=str)
def test_sigmoid_of_huge_inputs_does_not_overflow(x):
    v = Value(x)
    out = v.sigmoid()
    out.backward()
    assert out.data == (1.0 if x > 0 else 0.0)
    assert v.grad == 0.0


def test_exp_just_below_overflow():
    assert Value(709.0).exp().data == math.exp(709.0)


def test_tiny_base_negative_power_has_an_infinite_slope():
    v = Value(1e-200)
    out = v**-1
    out.backward()
    assert out.data == pytest.approx(1e200)
    assert v.grad == -math.inf


def test_pow_of_zero_base():
    v = Value(0.0)
    out = v**0.5
    out.backward()
    assert out.data == 0.0
    assert v.grad == math.inf  # the slope of sqrt at 0, as in PyTorch


# ---------------------------------------------------------------------------
# Bad input: the exception type and what its message says
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "type_name"),
    [("3", "str"), (None, "NoneType"), ([1], "list"), (1j, "complex"), (True, "bool")],
    ids=["str", "None", "list", "complex", "bool"],
)
def test_value_rejects_non_real_data(data, type_name):
    with pytest.raises(
        TypeError, match=rf"Value data must be a real number \(int or float\), got {type_name}: "
    ):
        Value(data)


@pytest.mark.parametrize(
    "exponent", [Value(2.0), "2", None, True], ids=["Value", "str", "None", "bool"]
)
def test_pow_accepts_only_int_or_float_exponents(exponent):
    with pytest.raises(TypeError, match=r"only int/float exponents are supported, got "):
        Value(2.0) ** exponent


def test_pow_exponent_message_names_the_type():
    with pytest.raises(TypeError, match=r"got Value: Value\(data=2\.0\)"):
        Value(3.0) ** Value(2.0)
    with pytest.raises(TypeError, match=r"got str: '2'"):
        Value(3.0) ** "2"


def test_pow_of_negative_base_with_fractional_exponent():
    with pytest.raises(ValueError, match=r"-8\.0 \*\* 0\.5 is not a real number"):
        Value(-8.0) ** 0.5


def test_pow_of_zero_to_a_negative_power():
    with pytest.raises(ZeroDivisionError, match=r"0\.0 cannot be raised to the negative power -1"):
        Value(0.0) ** -1


def test_pow_overflow_names_the_inputs():
    with pytest.raises(OverflowError, match=r"1e\+200 \*\* 2 overflows a float"):
        Value(1e200) ** 2


@pytest.mark.parametrize("x", [0.0, -1.0, -1e-300], ids=str)
def test_log_of_non_positive(x):
    with pytest.raises(ValueError, match=rf"log is only defined for positive numbers, got {x!r}"):
        Value(x).log()


@pytest.mark.parametrize(
    "divide",
    [lambda v: v / Value(0.0), lambda v: v / 0, lambda v: v / 0.0, lambda v: v / Value(-0.0)],
    ids=["by-zero-Value", "by-int-0", "by-float-0", "by-negative-zero"],
)
def test_division_by_zero(divide):
    message = r"cannot divide 3\.0 by a Value whose data is zero"
    with pytest.raises(ZeroDivisionError, match=message):
        divide(Value(3.0))


def test_plain_number_divided_by_zero_valued_value():
    message = r"cannot divide 2\.0 by a Value whose data is zero"
    with pytest.raises(ZeroDivisionError, match=message):
        2 / Value(0.0)


def test_exp_overflow_names_the_input():
    with pytest.raises(OverflowError, match=r"exp\(1000\.0\) overflows a float"):
        Value(1000.0).exp()


@pytest.mark.parametrize(
    "op",
    [
        lambda v: v + "a",
        lambda v: "a" + v,
        lambda v: v * "a",
        lambda v: v - None,
        lambda v: [1] / v,
    ],
    ids=["v+str", "str+v", "v*str", "v-None", "list/v"],
)
def test_arithmetic_with_a_non_number(op):
    with pytest.raises(TypeError, match=r"Value data must be a real number \(int or float\), got "):
        op(Value(1.0))


def test_wrong_number_of_local_derivatives():
    a, b = Value(1.0), Value(2.0)
    with pytest.raises(ValueError, match=r"one local derivative per child: got 2 children and 1"):
        Value(3.0, (a, b), "+", _local=(1.0,))


# ---------------------------------------------------------------------------
# Structural guards
# ---------------------------------------------------------------------------


def count_values() -> int:
    return sum(1 for obj in gc.get_objects() if type(obj) is Value)


def test_a_graph_is_freed_by_reference_counting_alone():
    """No node refers back to its parents (no closures, no cycles): with the
    cycle collector switched off, deleting the output frees the whole graph."""
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        before = count_values()
        root, _ = diamond_graph()
        for _ in range(50):
            root = (root * 0.5 + Value(1.0)).tanh()
        root.backward()
        assert count_values() > before + 100
        del root, _
        assert count_values() == before
        assert gc.collect() == 0  # nothing was left for the cycle collector
    finally:
        if was_enabled:
            gc.enable()


def test_a_million_deep_chain_backpropagates():
    """build_topo is iterative and freeing a deep chain does not recurse
    without bound: depth is not limited by Python's recursion limit."""
    depth = 1_000_000
    x0 = Value(0.0)
    one = Value(1.0)
    x = x0
    was_enabled = gc.isenabled()
    gc.disable()  # the graph has no cycles; scanning it a hundred times only costs time
    try:
        for _ in range(depth):
            x = x + one
        x.backward()
        assert x.data == float(depth)
        assert x0.grad == 1.0
        assert one.grad == float(depth)
        del x
    finally:
        if was_enabled:
            gc.enable()
