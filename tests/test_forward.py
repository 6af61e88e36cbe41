"""Forward mode (scalargrad/forward.py): dual numbers against reverse mode and nudging.

The property tests reuse the random programs of tests/test_properties.py: each one
runs on Duals (one pass per input), on Values (one backward) and through central
differences, and all three must agree.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest
from hypothesis import given
from repotools import load_module

from scalargrad import Value
from scalargrad import forward as forward_module
from scalargrad.forward import Dual, derivative, gradient, operations
from scalargrad.numeric import partial_derivatives

properties = load_module(Path(__file__).with_name("test_properties.py"))


def chapter4(a, b, c, f):
    return (a * b + c) * f


# --- the rules, one operation at a time ------------------------------------------------


@pytest.mark.parametrize(
    ("f", "x", "expected"),
    [
        (lambda d: d + 2.0, 3.0, 1.0),
        (lambda d: 2.0 + d, 3.0, 1.0),
        (lambda d: d - 2.0, 3.0, 1.0),
        (lambda d: 2.0 - d, 3.0, -1.0),
        (lambda d: d * 5.0, 3.0, 5.0),
        (lambda d: 5.0 * d, 3.0, 5.0),
        (lambda d: d * d, 3.0, 6.0),
        (lambda d: d / 4.0, 3.0, 0.25),
        (lambda d: 6.0 / d, 3.0, -6.0 / 9.0),
        (lambda d: d / d, 3.0, 0.0),
        (lambda d: -d, 3.0, -1.0),
        (lambda d: d**3, 2.0, 12.0),
        (lambda d: d**0.5, 4.0, 0.25),
        (lambda d: d**0, 4.0, 0.0),
        (lambda d: d.tanh(), 0.5, 1.0 - math.tanh(0.5) ** 2),
        (lambda d: d.exp(), 1.0, math.e),
        (lambda d: d.log(), 4.0, 0.25),
        (lambda d: d.relu(), 2.0, 1.0),
        (lambda d: d.relu(), -2.0, 0.0),
        (lambda d: d.sigmoid(), -1.0, math.exp(-1.0) / (1.0 + math.exp(-1.0)) ** 2),
    ],
)
def test_each_rule_gives_the_derivative(f, x, expected):
    out = f(Dual(x, 1.0))
    value = f(Value(x))
    assert out.data == value.data  # the same arithmetic on the value side
    assert out.deriv == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_a_constant_has_derivative_zero_even_where_the_slope_is_infinite():
    assert (Dual(0.0) ** 0.5).deriv == 0.0
    assert (Dual(0.0, 1.0) ** 0.5).deriv == math.inf  # as Value (and PyTorch) give


def test_chapter_4_expression_one_pass_per_input():
    inputs = [2.0, -3.0, 10.0, -2.0]
    outs = [derivative(chapter4, inputs, i) for i in range(4)]
    assert [o.data for o in outs] == [-8.0] * 4
    assert [o.deriv for o in outs] == [6.0, -4.0, -2.0, 4.0]
    assert gradient(chapter4, inputs) == [6.0, -4.0, -2.0, 4.0]


def test_one_pass_gives_every_output_of_a_one_input_function():
    def powers(x):
        out, p = [], x
        for _ in range(4):
            out.append(p)
            p = p * x
        return out

    outs = derivative(powers, [2.0], 0)
    assert [o.data for o in outs] == [2.0, 4.0, 8.0, 16.0]
    assert [o.deriv for o in outs] == [1.0, 4.0, 12.0, 32.0]  # k·x^(k-1)


# --- counting the work -----------------------------------------------------------------


def test_operations_counts_the_inner_nodes_once():
    a, b = Value(2.0), Value(3.0)
    c = a * b
    d = c + a
    e = c * 2.0  # the constant 2.0 becomes a leaf: not an operation
    assert operations(d) == 2
    assert operations([d, e]) == 3  # c is shared and counted once
    assert operations(a) == 0


def test_a_dual_pass_does_one_operation_per_node_of_the_value_graph():
    """What the forward-mode chapter relies on: the same program, on Duals, runs the same
    operations."""
    methods = {
        getattr(Dual, name).__code__
        for name in dir(Dual)
        if name.startswith("__") and callable(getattr(Dual, name, None))
        and hasattr(getattr(Dual, name), "__code__") and name not in ("__init__", "__repr__")
    } | {Dual.tanh.__code__, Dual.exp.__code__, Dual.log.__code__}
    calls = [0]

    def profile(frame, event, arg):
        # count calls made from outside forward.py: __radd__ calling __add__ is one operation
        if (event == "call" and frame.f_code in methods
                and frame.f_back.f_code.co_filename != forward_module.__file__):
            calls[0] += 1

    def f(a, b, c):
        t = (a * b + c).tanh()
        return (t * t + 2.0 / a - (b - 1.0) ** 2).exp() + c.log() * t

    sys.setprofile(profile)
    try:
        derivative(f, [0.5, -1.5, 2.0], 0)
    finally:
        sys.setprofile(None)
    assert calls[0] == operations(f(Value(0.5), Value(-1.5), Value(2.0))) == 13


# --- bad input --------------------------------------------------------------------------


def test_bad_data_is_refused_like_value_refuses_it():
    with pytest.raises(TypeError, match=r"Dual data must be a real number \(int or float\), "
                       r"got str: 'x'"):
        Dual("x")
    with pytest.raises(TypeError, match=r"Dual data must be a real number.*got bool"):
        Dual(True)
    with pytest.raises(TypeError, match=r"Dual deriv must be a real number.*got NoneType"):
        Dual(1.0, None)
    with pytest.raises(TypeError, match=r"combines only with Duals and real numbers, got str: '2'"):
        Dual(1.0) + "2"
    with pytest.raises(TypeError, match=r"combines only with Duals and real numbers, got list"):
        [1.0] * Dual(1.0)
    with pytest.raises(TypeError, match="cannot be combined with a Value"):
        Dual(1.0) * Value(2.0)


def test_undefined_operations_raise_the_same_errors_as_value():
    cases = [
        (lambda v: v / 0, ZeroDivisionError, "by a .* whose data is zero"),
        (lambda v: (v - 3.0).log(), ValueError, "only defined for positive numbers, got -1.0"),
        (lambda v: (v * 1000.0).exp(), OverflowError, r"exp\(2000.0\) overflows"),
        (lambda v: (v - 3.0) ** 0.5, ValueError, r"-1.0 \*\* 0.5 is not a real number"),
        (lambda v: (v - 2.0) ** -1, ZeroDivisionError, "negative power -1"),
        (lambda v: v ** Dual(2.0), TypeError, "only int/float exponents"),
    ]
    for f, error, message in cases:
        for x in (Dual(2.0, 1.0), Value(2.0)):
            with pytest.raises(error, match=message):
                f(x)


def test_derivative_and_gradient_say_what_was_wrong():
    with pytest.raises(ValueError, match="wrt must be an input's index, 0 to 3, got 4"):
        derivative(chapter4, [2.0, -3.0, 10.0, -2.0], 4)
    with pytest.raises(TypeError, match=r"inputs\[1\] must be a real number.*got str"):
        gradient(chapter4, [2.0, "b", 10.0, -2.0])
    with pytest.raises(TypeError, match="inputs must be a list of numbers"):
        gradient(chapter4, 2.0)
    with pytest.raises(TypeError, match="f must return a Dual or a list of Duals, got float"):
        gradient(lambda x: x.data, [1.0])
    with pytest.raises(TypeError, match=r"f's output \[1\] is float, not a Dual"):
        derivative(lambda x: [x, 2.0], [1.0], 0)
    with pytest.raises(TypeError, match="gradient needs f to return one Dual, got 2 outputs"):
        gradient(lambda x: [x, x * x], [1.0])
    with pytest.raises(TypeError, match=r"operations counts Values, got Dual at \[0\]"):
        operations([Dual(1.0)])
    with pytest.raises(TypeError, match="operations needs a Value or a list of Values, got float"):
        operations(2.0)


# --- both modes against each other and against nudging --------------------------------


def reverse_gradient(program) -> tuple[float, list[float]]:
    values = [Value(x) for x in program.leaves]
    out = program.output(*values)
    if out._prev:
        out.backward()
    else:  # the output is a leaf itself
        out.grad = 1.0
    return out, [v.grad for v in values]


@given(properties.programs())
def test_forward_mode_equals_reverse_mode(program):
    out, reverse = reverse_gradient(program)
    forward = gradient(program.output, list(program.leaves))
    dual = derivative(program.output, list(program.leaves), 0)
    assert dual.data == out.data  # bit for bit: the same float operations
    scale = 1.0 + properties.contribution_scale(out)
    assert forward == pytest.approx(reverse, rel=1e-9, abs=1e-12 * scale), str(program)


@given(properties.programs())
def test_forward_mode_equals_central_differences(program):
    forward = gradient(program.output, list(program.leaves))

    def f(*xs: float) -> float:
        return program.output(*(Value(x) for x in xs)).data

    numeric = partial_derivatives(f, list(program.leaves))
    atol = 1e-8 * (1.0 + properties.max_magnitude(program))
    assert forward == pytest.approx(numeric, rel=1e-5, abs=atol), str(program)
