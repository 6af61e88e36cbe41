"""Property-based tests: random expression graphs over every operator.

Hypothesis draws a *program*: a few leaves, then a list of steps, each applying
one operation of the registry (scalargrad/ops.py) to nodes picked from everything
built so far, so leaves get reused and subexpressions get shared. Operands are
picked only where the registry says the operation is defined and smooth, with a
margin (log of positive numbers, division away from zero, relu away from its
kink), so that finite differences are a fair referee.

The budget comes from the hypothesis profile (tests/conftest.py): ``ci`` by
default, ``HYPOTHESIS_PROFILE=thorough`` (``make proptest``) for 2000 programs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from scalargrad import Value, build_topo
from scalargrad.numeric import gradient_check
from scalargrad.ops import NUMBER, OPS, SAMPLE_NUMBERS, VALUE, Op

# --8<-- [start:operators]
OPERATORS = list(OPS.values())  # every operation of scalargrad/ops.py
MARGIN = 0.1  # how far operands stay from where an operation breaks or bends
LIMIT = 1000.0  # how large a step's result may grow


def fair(op: Op, args: tuple[float, ...]) -> bool:
    """Whether finite differences are a fair referee for ``op`` at ``args``:
    differentiable within MARGIN of each Value operand, result within LIMIT."""
    for i, kind in enumerate(op.operands):
        if kind == VALUE:
            x = args[i]
            near = [x + MARGIN * k / 5 for k in range(-5, 6)]
            near += [0.0] if abs(x) <= MARGIN else []  # every edge is at zero
            for t in near:
                if not op.differentiable(*args[:i], t, *args[i + 1 :]):
                    return False
    return abs(op.forward(*args)) <= LIMIT
# --8<-- [end:operators]

BOUND = 10.0  # operands stay within ±BOUND


@dataclass(frozen=True)
class Step:
    op: Op
    args: tuple[int | float, ...]  # per operand: an earlier node's index, or a number

    def apply(self, nodes: Sequence) -> object:
        """The operation on its nodes (Values, tensors or Duals) and numbers."""
        return self.op.call(*(nodes[a] if kind == VALUE else a
                              for kind, a in zip(self.op.operands, self.args, strict=True)))


@dataclass(frozen=True)
class Program:
    """Leaves and steps; ``run`` replays them on Values or on torch tensors."""

    leaves: tuple[float, ...]
    steps: tuple[Step, ...]

    def run(self, inputs: Sequence) -> list:
        """Every node, leaves first; the inputs stand in for the leaves."""
        nodes = list(inputs)
        for step in self.steps:
            nodes.append(step.apply(nodes))
        return nodes

    def sinks(self) -> list[int]:
        """The nodes no step uses: their sum is the program's output."""
        used = {a for step in self.steps
                for kind, a in zip(step.op.operands, step.args, strict=True) if kind == VALUE}
        n = len(self.leaves) + len(self.steps)
        return [i for i in range(len(self.leaves), n) if i not in used] or [0]

    def output(self, *inputs):
        nodes = self.run(inputs)
        out = nodes[self.sinks()[0]]
        for i in self.sinks()[1:]:
            out = out + nodes[i]
        return out

    def __repr__(self) -> str:
        lines = [f"v{i} = {x!r}" for i, x in enumerate(self.leaves)]
        for k, step in enumerate(self.steps, start=len(self.leaves)):
            operands = [f"v{a}" if kind == VALUE else repr(a)
                        for kind, a in zip(step.op.operands, step.args, strict=True)]
            lines.append(f"v{k} = " + step.op.form.format(*operands))
        lines.append("out = " + " + ".join(f"v{i}" for i in self.sinks()))
        return "Program:\n    " + "\n    ".join(lines)


# --8<-- [start:expression-strategy]
@st.composite
def programs(draw, max_leaves: int = 4, max_steps: int = 12) -> Program:
    """A random expression graph. Each step applies one operation to nodes drawn
    from all the nodes so far, so leaves are reused and subexpressions shared.
    Operands are picked only where finite differences are fair (``fair``)."""
    n_leaves = draw(st.integers(1, max_leaves))
    leaf = st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False)
    leaves = tuple(draw(leaf) for _ in range(n_leaves))
    values = [Value(x) for x in leaves]  # running the program as we draw it
    steps = []
    for _ in range(draw(st.integers(1, max_steps))):
        op = draw(st.sampled_from(OPERATORS))
        # numbers first (an exponent, a constant), 1.0 for Values not yet picked
        args = [1.0 if kind == VALUE else draw(st.sampled_from(SAMPLE_NUMBERS))
                for kind in op.operands]
        data = list(args)
        for i, kind in enumerate(op.operands):
            if kind == NUMBER:
                continue
            fits = [j for j, v in enumerate(values) if abs(v.data) <= BOUND
                    and fair(op, (*data[:i], v.data, *data[i + 1 :]))]
            if not fits:
                break
            deepen = draw(st.booleans())  # half the time, build on the newest
            args[i] = fits[-1] if deepen else draw(st.sampled_from(fits))
            data[i] = values[args[i]].data
        else:
            if fair(op, tuple(data)):
                step = Step(op, tuple(args))
                steps.append(step)
                values.append(step.apply(values))
    return Program(leaves, tuple(steps))
# --8<-- [end:expression-strategy]


def max_magnitude(program: Program) -> float:
    """The largest |data| of any node: the scale of the rounding in the output."""
    return max(abs(v.data) for v in program.run([Value(x) for x in program.leaves]))


# --8<-- [start:property-finite-differences]
@given(programs())
def test_gradients_match_finite_differences(program):
    # Rounding in f is about 1e-16 * scale; a central difference divides it
    # by h = 1e-6.
    atol = 1e-8 * (1.0 + max_magnitude(program))
    check = gradient_check(program.output, program.leaves, rtol=1e-5, atol=atol)
    assert check.ok, f"{program}\n{check}"
# --8<-- [end:property-finite-differences]


def contribution_scale(out: Value) -> float:
    """The largest single term ``local * grad`` pushed during backward: sums of such
    terms in a different order (PyTorch's) differ by a few ulps of this."""
    return max(
        (abs(local * node.grad) for node in build_topo(out) for local in node._local),
        default=1.0,
    )


@given(programs())
def test_gradients_match_pytorch(torch, program):
    values = [Value(x) for x in program.leaves]
    out = program.output(*values)
    out.backward()
    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in program.leaves]
    t_out = program.output(*tensors)
    if t_out.requires_grad:  # False only when the output ignores every leaf (x ** 0)
        t_out.backward()
    theirs = [0.0 if t.grad is None else t.grad.item() for t in tensors]
    ours = [v.grad for v in values]
    scale = 1.0 + contribution_scale(out)
    assert out.data == pytest.approx(t_out.item(), rel=1e-9, abs=1e-12 * (1.0 + abs(out.data)))
    assert ours == pytest.approx(theirs, rel=1e-9, abs=1e-12 * scale), str(program)


@given(programs())
def test_build_topo_puts_children_first_and_each_node_once(program):
    out = program.output(*(Value(x) for x in program.leaves))
    topo = build_topo(out)
    position = {id(node): i for i, node in enumerate(topo)}
    assert len(position) == len(topo)
    assert topo[-1] is out
    for node in topo:
        assert all(position[id(child)] < position[id(node)] for child in node._prev)
    reachable, stack = set(), [out]
    while stack:
        node = stack.pop()
        if id(node) not in reachable:
            reachable.add(id(node))
            stack.extend(node._prev)
    assert reachable == set(position)


@given(programs())
def test_backward_twice_doubles_the_leaf_gradients(program):
    values = [Value(x) for x in program.leaves]
    out = program.output(*values)
    assume(out._prev)  # backward() on a bare leaf sets its grad to 1 rather than adding 1
    out.backward()
    once = [v.grad for v in values]
    out.backward()
    twice = [v.grad for v in values]
    # The second pass adds the same terms onto a non-zero start: equal up to rounding.
    expected = [2 * g for g in once]
    assert twice == pytest.approx(expected, rel=1e-12, abs=1e-15 * contribution_scale(out))
