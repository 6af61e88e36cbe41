"""Every operator's gradient against central differences (scalargrad.numeric),
at several points each, negative inputs included."""

from __future__ import annotations

import pytest

from scalargrad import Value
from scalargrad.numeric import gradient_check

# --8<-- [start:operator-cases]
# (name, f, points): f takes one Value per input; each point is one call.
OPERATOR_CASES = [
    ("add", lambda a, b: a + b, [(2.0, -3.0), (-0.5, -1.25), (0.0, 4.0)]),
    ("sub", lambda a, b: a - b, [(2.0, -3.0), (-0.5, -1.25), (0.0, 4.0)]),
    ("mul", lambda a, b: a * b, [(2.0, -3.0), (-0.5, -1.25), (0.0, 4.0)]),
    ("div", lambda a, b: a / b, [(3.0, -4.0), (-0.5, -1.25), (0.0, 0.3)]),
    ("neg", lambda a: -a, [(2.5,), (-1.0,), (0.0,)]),
    ("pow-2", lambda a: a**2, [(3.0,), (-1.5,), (0.0,)]),
    ("pow-3", lambda a: a**3, [(1.2,), (-2.0,), (0.1,)]),
    ("pow-minus-1", lambda a: a**-1, [(2.0,), (-0.7,), (5.0,)]),
    ("pow-half", lambda a: a**0.5, [(4.0,), (0.3,), (9.0,)]),
    ("pow-1.5", lambda a: a**1.5, [(2.0,), (0.5,), (3.3,)]),
    ("tanh", lambda a: a.tanh(), [(0.5,), (-1.3,), (0.0,), (3.0,)]),
    ("exp", lambda a: a.exp(), [(1.0,), (-2.0,), (0.0,), (5.0,)]),
    ("log", lambda a: a.log(), [(1.0,), (0.2,), (7.5,)]),
    ("relu", lambda a: a.relu(), [(2.0,), (-2.0,), (0.5,)]),
    ("sigmoid", lambda a: a.sigmoid(), [(0.0,), (-3.0,), (2.5,)]),
]
# --8<-- [end:operator-cases]

# Plain numbers on either side of an operator.
MIXED_CASES = [
    ("number+v", lambda a: 2 + a, [(-1.5,), (3.0,)]),
    ("v+number", lambda a: a + 2, [(-1.5,), (3.0,)]),
    ("number-v", lambda a: 1 - a, [(-1.5,), (3.0,)]),
    ("v-number", lambda a: a - 1, [(-1.5,), (3.0,)]),
    ("number*v", lambda a: 2 * a, [(-1.5,), (3.0,)]),
    ("v*number", lambda a: a * -0.5, [(-1.5,), (3.0,)]),
    ("number/v", lambda a: 2 / a, [(-1.5,), (3.0,)]),
    ("v/number", lambda a: a / 4, [(-1.5,), (3.0,)]),
]

# Operators composed, shared subexpressions and reused inputs included.
COMPOSITE_CASES = [
    (
        "lecture-neuron",
        lambda x1, x2, w1, w2, b: (x1 * w1 + x2 * w2 + b).tanh(),
        [(2.0, 0.0, -3.0, 1.0, 6.8813735870195432), (-1.0, 0.5, 0.3, -0.8, 0.1)],
    ),
    (
        "tanh-from-exp",
        lambda x: ((2 * x).exp() - 1) / ((2 * x).exp() + 1),
        [(0.8813735870195432,), (-0.4,)],
    ),
    (
        "shared-subexpression",
        lambda a, b: (a * b) * (a + b) + (a * b).sigmoid(),
        [(-2.0, 3.0), (0.4, -0.9)],
    ),
    (
        "reused-input",
        lambda x: x * x.exp() + (x**2 + 1).log() - x.relu() * x.tanh(),
        [(-1.2,), (0.7,), (2.0,)],
    ),
]


def expand(cases):
    params = []
    for name, f, points in cases:
        for point in points:
            params.append(pytest.param(f, point, id=f"{name}-at-{','.join(map(str, point))}"))
    return params


# --8<-- [start:operator-test]
ALL_CASES = OPERATOR_CASES + MIXED_CASES + COMPOSITE_CASES


@pytest.mark.parametrize(("f", "point"), expand(ALL_CASES))
def test_backward_agrees_with_central_differences(f, point):
    check = gradient_check(f, point)
    assert check.ok, str(check)  # on failure, pytest prints the check's table
    assert len(check.analytic) == len(point)
# --8<-- [end:operator-test]


@pytest.mark.parametrize("name", [case[0] for case in OPERATOR_CASES])
def test_every_operator_case_has_a_negative_or_zero_point_or_a_restricted_domain(name):
    """Guard against a case list that only probes positive inputs by accident."""
    points = {case[0]: case[2] for case in OPERATOR_CASES}[name]
    restricted = {"log", "pow-half", "pow-1.5"}  # only defined for x > 0 (or x >= 0)
    assert name in restricted or any(x <= 0 for point in points for x in point)


def square_with_a_wrong_derivative(a: Value) -> Value:
    """a², but with the local derivative a instead of 2a: a bug to be caught."""
    return Value(a.data**2, (a,), "square", _local=(a.data,))


def test_gradient_check_catches_a_wrong_local_derivative():
    check = gradient_check(lambda x, y: square_with_a_wrong_derivative(x) + y, [3.0, 1.0])
    assert not check.ok
    assert check.mismatches == [0]
    assert check.analytic[0] == 3.0
    assert check.numeric[0] == pytest.approx(6.0, rel=1e-6)
    assert "MISMATCH" in str(check)


def test_the_numbers_chapter_14_quotes_from_its_figure():
    """docs/chapters/14-testing.md describes its figure in numbers; they must stay true."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "docs" / "_figures" / "ch14.py"
    spec = importlib.util.spec_from_file_location("_ch14_figures", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    right = module.disagreements(lambda a: a.tanh())
    assert len(right) == 188
    assert max(right) <= 1e-5
    assert (f"{min(right):.0e}", f"{max(right):.0e}") == ("5e-14", "3e-10")

    buggy = module.disagreements(module.buggy_tanh)
    failed = [e for e in buggy if e > 1e-5]
    assert (len(buggy), len(failed)) == (188, 93)
    assert (f"{min(failed):.0e}", round(max(failed))) == ("2e-04", 9)
