"""Every operator's gradient against central differences (scalargrad.numeric),
at several points each, negative inputs included."""

from __future__ import annotations

import pytest

from scalargrad import Value
from scalargrad.numeric import gradient_check
from scalargrad.ops import OPS, VALUE, samples

# --8<-- [start:operator-cases]
# (name, f, points) for every operation of the registry, scalargrad/ops.py, at
# every point of its sample grid where it is differentiable (negative numbers
# and zero included). f takes one Value per Value operand; plain numbers, such
# as the exponent of pow, are fixed.
OPERATOR_CASES = []
for op in OPS.values():
    for args in samples(op):
        f, point = op.bind(args)
        name = f"{op.name}({','.join(map(str, args))})"  # div(-0.5,-1.5)
        OPERATOR_CASES.append((name, f, [point]))
# --8<-- [end:operator-cases]

# A plain number on the right of every operation of two Values.
MIXED_CASES = [
    (f"{op.name}-number-{k}", lambda a, op=op, k=k: op.call(a, k), [(-1.5,), (3.0,)])
    for op in OPS.values() if op.operands == (VALUE, VALUE)
    for k in (2, -0.5)
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
            at = f"-at-{','.join(map(str, point))}" if len(points) > 1 else ""
            params.append(pytest.param(f, point, id=name + at))
    return params


# --8<-- [start:operator-test]
ALL_CASES = OPERATOR_CASES + MIXED_CASES + COMPOSITE_CASES


@pytest.mark.parametrize(("f", "point"), expand(ALL_CASES))
def test_backward_agrees_with_central_differences(f, point):
    check = gradient_check(f, point)
    assert check.ok, str(check)  # on failure, pytest prints the check's table
    assert len(check.analytic) == len(point)
# --8<-- [end:operator-test]


def test_every_operation_is_checked():
    """The guard against a grid that only probes positive inputs is in test_ops.py."""
    checked = {name.partition("(")[0] for name, _, _ in OPERATOR_CASES}
    assert checked == set(OPS)


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


def test_the_numbers_the_testing_chapter_quotes_from_its_figure():
    """docs/chapters/testing.md describes its figure in numbers; they must stay true."""

    from repotools import ROOT, load_module

    module = load_module(ROOT / "docs" / "_figures" / "testing.py")

    right = module.disagreements(lambda a: a.tanh())
    assert len(right) == 188
    assert max(right) <= 1e-5
    assert (f"{min(right):.0e}", f"{max(right):.0e}") == ("5e-14", "3e-10")

    buggy = module.disagreements(module.buggy_tanh)
    failed = [e for e in buggy if e > 1e-5]
    assert (len(buggy), len(failed)) == (188, 93)
    assert (f"{min(failed):.0e}", round(max(failed))) == ("2e-04", 9)
