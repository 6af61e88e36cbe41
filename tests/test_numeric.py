"""Finite differences and the gradient check."""

import math

import pytest

from scalargrad import Value
from scalargrad.numeric import (
    GradientCheck,
    GradientMismatch,
    central_difference,
    forward_difference,
    gradient_check,
    partial_derivatives,
)


def parabola(x):
    return 3 * x**2 - 4 * x + 5


def test_slope_of_the_lecture_parabola():
    assert central_difference(parabola, 2 / 3) == pytest.approx(0.0, abs=1e-6)
    assert central_difference(parabola, 3.0) == pytest.approx(14.0, rel=1e-8)
    assert forward_difference(parabola, 3.0) == pytest.approx(14.0, rel=1e-5)


def test_central_is_more_accurate_than_forward():
    h = 1e-3
    forward_error = abs(forward_difference(math.exp, 1.0, h) - math.e)
    central_error = abs(central_difference(math.exp, 1.0, h) - math.e)
    assert forward_error == pytest.approx(h / 2 * math.e, rel=0.01)  # error ~ h
    assert central_error < forward_error / 100  # error ~ h²


@pytest.mark.parametrize("h", [0, -1e-6, math.inf, math.nan])
def test_step_must_be_positive_and_finite(h):
    with pytest.raises(ValueError, match="positive finite"):
        central_difference(parabola, 1.0, h)
    with pytest.raises(ValueError, match="positive finite"):
        forward_difference(parabola, 1.0, h=h)


@pytest.mark.parametrize("bad", ["1e-6", None, True])
def test_step_must_be_a_number(bad):
    with pytest.raises(TypeError, match="the step h must be a real number"):
        central_difference(parabola, 1.0, bad)


def test_x_must_be_a_number():
    with pytest.raises(TypeError, match="x must be a real number"):
        central_difference(parabola, "3")


def test_f_returning_a_value_is_explained():
    with pytest.raises(TypeError, match=r"return result\.data"):
        central_difference(lambda x: Value(x) * 2, 1.0)


def test_partial_derivatives_of_the_lecture_expression():
    def L(a, b, c, f):
        return (a * b + c) * f

    grads = partial_derivatives(L, [2.0, -3.0, 10.0, -2.0])
    assert grads == pytest.approx([6.0, -4.0, -2.0, 4.0], rel=1e-7)


def test_partial_derivatives_rejects_non_numbers():
    with pytest.raises(TypeError, match=r"inputs\[1\] must be a real number"):
        partial_derivatives(lambda a, b: a * b, [1.0, "2"])


def test_gradient_check_agrees_on_correct_ops():
    def f(a, b, c):
        return (a * b + c.exp() - a / b).tanh() + (c**2).log() + (a - c).sigmoid() + b.relu()

    check = gradient_check(f, [0.3, -1.2, 0.7])
    assert check.ok
    assert check.mismatches == []
    assert check.names == ["a", "b", "c"]
    assert check.analytic == pytest.approx(check.numeric, rel=1e-6)
    check.raise_for_mismatch()  # does not raise
    assert str(check).startswith("gradient check passed")


def wrong_square(x):
    """x², with the wrong local derivative 1 instead of 2x."""
    return Value(x.data**2, (x,), "sq", _local=(1.0,))


def test_gradient_check_catches_a_wrong_derivative_and_names_the_input():
    def f(a, b):
        return wrong_square(a) * b

    check = gradient_check(f, [3.0, 2.0])
    assert not check.ok
    assert check.mismatches == [0]
    assert check.analytic == pytest.approx([2.0, 9.0])  # 1 * b, then a²
    assert check.numeric == pytest.approx([12.0, 9.0])  # 2a * b, then a²
    report = str(check)
    assert "FAILED for a" in report
    assert "MISMATCH" in report and "12" in report
    with pytest.raises(GradientMismatch, match=r"for a: backward gave 2, numeric 12"):
        check.raise_for_mismatch()
    with pytest.raises(ValueError):  # GradientMismatch is a ValueError
        check.raise_for_mismatch()


def test_gradient_check_names_inputs_of_a_star_args_function_by_index():
    check = gradient_check(lambda *xs: wrong_square(xs[1]) + xs[0], [1.0, 5.0])
    assert check.names == ["inputs[0]", "inputs[1]"]
    with pytest.raises(GradientMismatch, match=r"inputs\[1\]"):
        check.raise_for_mismatch()


def test_gradient_check_evaluates_on_fresh_values():
    seen = []

    def f(x):
        seen.append(x)
        return x * x

    check = gradient_check(f, [3.0])
    assert check.ok
    assert len(seen) == 3  # one backward pass, two nudges
    assert len({id(x) for x in seen}) == 3
    assert [x.data for x in seen[1:]] == [3.0 + 1e-6, 3.0 - 1e-6]


def test_gradient_check_tolerances():
    check = GradientCheck([1.0, 1.0], [1.0, 1.0], [], ["a", "b"], 1e-5, 1e-8)
    assert check.ok
    # |analytic - numeric| <= atol + rtol * |numeric|
    near = gradient_check(lambda x: x * 1.0, [1.0], rtol=0.0, atol=1e-6)
    assert near.ok
    with pytest.raises(ValueError, match="rtol must be a finite number >= 0"):
        gradient_check(lambda x: x, [1.0], rtol=-1.0)
    with pytest.raises(ValueError, match="atol must be a finite number >= 0"):
        gradient_check(lambda x: x, [1.0], atol=math.inf)


def test_gradient_check_nan_is_a_mismatch():
    def f(x):
        return Value(x.data, (x,), "nan", _local=(math.nan,))

    check = gradient_check(f, [1.0])
    assert check.mismatches == [0]


def test_gradient_check_bad_input():
    with pytest.raises(ValueError, match="at least one input"):
        gradient_check(lambda: Value(1.0), [])
    with pytest.raises(TypeError, match="must return a Value"):
        gradient_check(lambda x: x.data * 2, [1.0])
    with pytest.raises(TypeError, match=r"inputs\[0\] must be a real number"):
        gradient_check(lambda x: x, [None])
    with pytest.raises(ValueError, match="positive finite"):
        gradient_check(lambda x: x, [1.0], h=0.0)
