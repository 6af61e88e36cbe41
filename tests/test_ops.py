"""The registry of operations (scalargrad/ops.py) against the engine it describes.

Every list of operations the tests use is derived from the registry, so the registry
itself must be right and complete:

* complete: ``Value`` has no public operation (method or arithmetic dunder) that the
  registry lacks, and no row names a method ``Value`` lacks;
* right: each row's local derivatives agree with central differences of its own
  ``forward`` on floats (a wrong row fails), and the engine's ``backward`` gives each
  row's local derivatives (a wrong engine fails), at every point of the sample grid.

The last test adds an operation with a wrong derivative (``sin`` whose local derivative
is ``sin``) and shows that these checks catch it, whichever of the two is wrong.
"""

from __future__ import annotations

import math

import pytest

from scalargrad import Value
from scalargrad.numeric import central_difference
from scalargrad.ops import NUMBER, OPS, SAMPLE_VALUES, VALUE, Op, samples

# Python's arithmetic protocol: any of these that Value defines is an operation.
ARITHMETIC_DUNDERS = {
    f"__{prefix}{name}__"
    for name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul",
                 "divmod", "lshift", "rshift", "and", "or", "xor")
    for prefix in ("", "r", "i")
} | {"__neg__", "__pos__", "__abs__", "__invert__", "__round__", "__trunc__",
     "__floor__", "__ceil__"}
NOT_OPERATIONS = {"backward"}  # public methods of Value that compute no new Value


def public_operations(cls: type) -> set[str]:
    """The methods of ``cls`` that a user calls to make a new node."""
    return {
        name for name, attr in vars(cls).items()
        if callable(attr) and name not in NOT_OPERATIONS
        and (not name.startswith("_") or name in ARITHMETIC_DUNDERS)
    }


def cases():
    """One pytest param per operation and sample point, named like ``div(0.3,2.0)``."""
    return [
        pytest.param(op, args, id=f"{op.name}({','.join(map(str, args))})")
        for op in OPS.values() for args in samples(op)
    ]


def engine_disagreement(op: Op, args: tuple[float, ...]) -> str | None:
    """What differs between the engine's forward value and gradients and the row's."""
    f, xs = op.bind(args)
    leaves = [Value(x) for x in xs]
    out = f(*leaves)
    out.backward()
    if out.data != pytest.approx(op.forward(*args), rel=1e-15, abs=1e-15):
        return f"{op.example}: data {out.data!r}, the registry says {op.forward(*args)!r}"
    expected = [d for kind, d in zip(op.operands, op.local(*args), strict=True)
                if kind == VALUE]
    got = [leaf.grad for leaf in leaves]
    if got != pytest.approx(expected, rel=1e-12, abs=1e-12):
        return f"{op.example} at {args}: backward gives {got}, its rule ({op.rule}) {expected}"
    return None


def row_disagreement(op: Op, args: tuple[float, ...]) -> str | None:
    """Where the row's local derivatives differ from central differences of its forward."""
    for i, kind in enumerate(op.operands):
        if kind == NUMBER:
            continue  # a plain number is a constant: nothing is differentiated by it

        def along(t: float, i: int = i) -> float:
            return op.forward(*args[:i], t, *args[i + 1 :])

        numeric = central_difference(along, args[i])
        analytic = op.local(*args)[i]
        if not math.isclose(analytic, numeric, rel_tol=1e-5, abs_tol=1e-7):
            return (f"row {op.name!r} at {args}: local derivative {i} is {analytic!r}, "
                    f"central differences of its forward give {numeric!r}")
    return None


def test_value_has_no_operation_the_registry_lacks():
    missing = public_operations(Value) - {op.method for op in OPS.values()}
    assert not missing, (
        f"Value has operations that scalargrad/ops.py does not list: {sorted(missing)}; "
        "add a row for each (see .github/CONTRIBUTING.md, 'Add an operation')"
    )


def test_every_row_names_a_method_of_value():
    absent = [op.name for op in OPS.values() if not callable(getattr(Value, op.method, None))]
    assert not absent, f"rows whose method Value lacks: {absent}"


@pytest.mark.parametrize(("op", "args"), cases())
def test_each_rows_derivative_matches_central_differences_of_its_forward(op, args):
    assert row_disagreement(op, args) is None, row_disagreement(op, args)


@pytest.mark.parametrize(("op", "args"), cases())
def test_backward_gives_each_rows_local_derivatives(op, args):
    assert engine_disagreement(op, args) is None, engine_disagreement(op, args)


@pytest.mark.parametrize("op", OPS.values(), ids=lambda op: op.name)
def test_each_row_is_written_the_way_it_is_called(op):
    """``form`` and ``example`` are Python that computes the same as ``call``."""
    args = samples(op)[-1]
    names = [f"x{i}" for i in range(op.arity)]
    env = {name: Value(a) if kind == VALUE else a
           for name, a, kind in zip(names, args, op.operands, strict=True)}
    expected = op.call(*env.values()).data
    assert eval(op.form.format(*names), dict(env)).data == expected
    assert isinstance(eval(op.example, {"a": Value(0.3), "b": Value(2.0)}), Value)


@pytest.mark.parametrize("op", OPS.values(), ids=lambda op: op.name)
def test_samples_include_a_non_positive_operand_unless_the_domain_forbids_it(op):
    """A grid that only probed positive inputs would miss sign bugs such as 2|x| for 2x."""
    points = samples(op)
    assert points, f"{op.name}: no sample point is in its domain"
    value_operands = [a for args in points
                      for a, kind in zip(args, op.operands, strict=True) if kind == VALUE]
    restricted = not all(op.differentiable(*(x if k == VALUE else 2 for k in op.operands))
                         for x in SAMPLE_VALUES)
    assert restricted or min(value_operands) <= 0


def test_a_new_operation_with_a_wrong_derivative_is_caught(monkeypatch):
    """A sine added to Value with ``math.sin`` where ``math.cos`` belongs."""

    def wrong_sin(self: Value) -> Value:
        return Value(math.sin(self.data), (self,), "sin", _local=(math.sin(self.data),))

    monkeypatch.setattr(Value, "wrong_sin", wrong_sin, raising=False)
    assert "wrong_sin" in public_operations(Value) - {op.method for op in OPS.values()}

    def row(local) -> Op:
        return Op("sin", "wrong_sin", "{0}.wrong_sin()", (VALUE,), "more-operations",
                  "d/dx sin(x) = cos(x)",
                  "a.wrong_sin()", lambda a: a.wrong_sin(), math.sin, local)

    right_row = row(lambda x: (math.cos(x),))
    wrong_row = row(lambda x: (math.sin(x),))  # the same mistake in the registry
    caught_in_engine = [engine_disagreement(right_row, args) for args in samples(right_row)]
    assert all(caught_in_engine), caught_in_engine
    caught_in_row = [row_disagreement(wrong_row, args) for args in samples(wrong_row)]
    assert all(caught_in_row), caught_in_row
    assert all(row_disagreement(right_row, args) is None for args in samples(right_row))
