"""Unit tests of scalargrad.pitfalls: the lecture's two bugs give the wrong answers,
and the real code gives the right ones on the same examples."""

from __future__ import annotations

import math

import pytest

from scalargrad import Value, build_topo
from scalargrad.datasets import lecture_dataset
from scalargrad.pitfalls import OverwritingValue, train_without_zero_grad
from scalargrad.training import train
from tests.test_nn import seeded

# ---------------------------------------------------------------------------
# OverwritingValue: the += bug
# ---------------------------------------------------------------------------


def test_a_plus_a_loses_a_gradient_with_the_bug():
    a = OverwritingValue(3.0, label="a")
    b = a + a
    b.backward()
    assert b.data == 6.0
    assert a.grad == 1.0  # wrong


def test_a_plus_a_gets_both_gradients_with_value():
    a = Value(3.0, label="a")
    b = a + a
    b.backward()
    assert b.data == 6.0
    assert a.grad == 2.0  # right


def _lecture_example(cls):
    a = cls(-2.0, label="a")
    b = cls(3.0, label="b")
    d = a * b
    d.label = "d"
    e = a + b
    e.label = "e"
    f = d * e
    f.label = "f"
    f.backward()
    return a, b, d, e, f


def test_lecture_example_gives_wrong_grads_with_the_bug():
    a, b, d, e, f = _lecture_example(OverwritingValue)
    assert f.data == -6.0
    assert (a.grad, b.grad) == (-6.0, -6.0)  # the right answer is (-3.0, -8.0)
    assert (d.grad, e.grad) == (1.0, -6.0)  # d and e are used once: still right


def test_lecture_example_gives_right_grads_with_value():
    a, b, d, e, f = _lecture_example(Value)
    assert f.data == -6.0
    # f = (a*b)*(a+b): df/da = b(a+b) + ab = -3, df/db = a(a+b) + ab = -8
    assert (a.grad, b.grad) == (-3.0, -8.0)
    assert (d.grad, e.grad) == (1.0, -6.0)


def test_overwriting_value_mul_and_tanh_are_correct():
    x = OverwritingValue(0.5)
    y = (x * x).tanh()
    y.backward()
    expected = (1 - math.tanh(0.25) ** 2) * 2 * 0.5
    assert y.data == pytest.approx(math.tanh(0.25))
    assert x.grad == pytest.approx(expected)
    v = Value(0.5)
    w = (v * v).tanh()
    w.backward()
    assert x.grad == pytest.approx(v.grad)


def test_overwriting_value_agrees_with_value_when_nothing_is_reused():
    def forward(cls):
        a, b, c = cls(2.0), cls(-3.0), cls(10.0)
        out = (a * b + c).tanh() * cls(-2.0)
        out.backward()
        return out.data, [a.grad, b.grad, c.grad]

    bug_out, bug_grads = forward(OverwritingValue)
    out, grads = forward(Value)
    assert bug_out == pytest.approx(out)
    assert bug_grads == pytest.approx(grads)


def test_overwriting_value_wraps_plain_numbers_on_the_right():
    a = OverwritingValue(2.0)
    assert (a + 3).data == 5.0
    assert (a * 3).data == 6.0


def test_overwriting_value_quacks_like_a_value():
    a = OverwritingValue(2, label="a")
    b = OverwritingValue(-3.0, label="b")
    c = a * b
    for node in (a, c):
        assert isinstance(node.data, float)
        assert node.grad == 0.0
        assert isinstance(node._prev, tuple)
    assert a.label == "a"
    assert a._op == ""
    assert c._op == "*"
    assert c._prev == (a, b)
    assert (a + b)._op == "+"
    assert a.tanh()._op == "tanh"
    topo = build_topo(c)
    assert len(topo) == 3
    assert set(topo) == {a, b, c}
    assert topo[-1] is c
    assert repr(c) == "OverwritingValue(data=-6.0)"


def test_overwriting_value_can_be_drawn():
    viz = pytest.importorskip("scalargrad.viz")
    pytest.importorskip("graphviz")
    a = OverwritingValue(3.0, label="a")
    b = a + a
    b.label = "b"
    b.backward()
    nodes, edges = viz.trace(b)
    assert set(nodes) == {a, b}
    assert edges == [(a, b), (a, b)]
    source = viz.draw_dot(b).source
    assert "grad 1.0000" in source  # the wrong gradient, drawn


@pytest.mark.parametrize("bad", ["3", None, True, Value(1.0)])
def test_overwriting_value_data_must_be_a_number(bad):
    with pytest.raises(TypeError, match="OverwritingValue data must be an int or float, got"):
        OverwritingValue(bad)


# ---------------------------------------------------------------------------
# train_without_zero_grad: the forgotten zero_grad
# ---------------------------------------------------------------------------


def lecture_buggy_loop(model, xs, ys, steps, lr):
    """The lecture's first loop, as in the notebook: no zero_grad."""
    losses = []
    for _ in range(steps):
        ypred = [model(x) for x in xs]
        loss = sum([(yout - ygt) ** 2 for ygt, yout in zip(ys, ypred, strict=True)])
        loss.backward()
        for p in model.parameters():
            p.data += -lr * p.grad
        losses.append(loss.data)
    return losses


def test_train_without_zero_grad_is_the_lectures_buggy_loop_bit_for_bit():
    xs, ys = lecture_dataset()
    ours = train_without_zero_grad(seeded(2, 3, [4, 4, 1]), xs, ys, steps=15, lr=0.05)
    lecture = lecture_buggy_loop(seeded(2, 3, [4, 4, 1]), xs, ys, steps=15, lr=0.05)
    assert ours == lecture


def test_first_step_is_the_same_as_train():
    # grads start at zero, so the first update cannot tell the difference; the second can
    xs, ys = lecture_dataset()
    buggy = train_without_zero_grad(seeded(0, 3, [4, 4, 1]), xs, ys, steps=3, lr=0.05)
    fixed = train(seeded(0, 3, [4, 4, 1]), xs, ys, steps=3, lr=0.05)
    assert buggy[:2] == fixed[:2]
    assert buggy[2] != fixed[2]


def test_grads_pile_up_across_steps():
    xs, ys = lecture_dataset()
    buggy_model = seeded(0, 3, [4, 4, 1])
    train_without_zero_grad(buggy_model, xs, ys, steps=2, lr=0.05)
    # replay the same two steps by hand, keeping each step's own gradient
    model = seeded(0, 3, [4, 4, 1])
    summed = [0.0] * len(model.parameters())
    for _ in range(2):
        model.zero_grad()
        sum((y - t) ** 2 for t, y in zip(ys, [model(x) for x in xs], strict=True)).backward()
        summed = [s + p.grad for s, p in zip(summed, model.parameters(), strict=True)]
        for p, s in zip(model.parameters(), summed, strict=True):
            p.data -= 0.05 * s
    got = [p.grad for p in buggy_model.parameters()]
    assert got == pytest.approx(summed, rel=1e-12, abs=1e-15)


def test_the_bug_hurts_seed_9_at_the_lectures_learning_rate():
    # the case the zero_grad bug's chapter shows: the fixed loop trains, the buggy one ends
    # stuck at 8
    xs, ys = lecture_dataset()
    fixed_model = seeded(9, 3, [4, 4, 1])
    fixed = train(fixed_model, xs, ys, steps=50, lr=0.05)
    buggy_model = seeded(9, 3, [4, 4, 1])
    buggy = train_without_zero_grad(buggy_model, xs, ys, steps=50, lr=0.05)
    assert fixed[0] == buggy[0] == pytest.approx(10.5968, abs=1e-4)
    assert fixed[-1] < 0.013
    assert all(loss == pytest.approx(8.0, abs=1e-4) for loss in buggy[-15:])
    assert buggy[-10:] == [8.0] * 10
    assert [fixed_model(x).data > 0 for x in xs] == [True, False, False, True]
    assert [buggy_model(x).data for x in xs] == [1.0, 1.0, 1.0, 1.0]


def test_the_bug_hurts_seed_3_with_a_larger_learning_rate():
    # another case: the buggy loop reaches a loss of 0, then overshoots and sticks at 8
    xs, ys = lecture_dataset()
    fixed = train(seeded(3, 3, [4, 4, 1]), xs, ys, steps=50, lr=0.1)
    buggy = train_without_zero_grad(seeded(3, 3, [4, 4, 1]), xs, ys, steps=50, lr=0.1)
    assert fixed[-1] < 0.006
    assert min(buggy) < 1e-6
    assert buggy[-1] == pytest.approx(8.0)


def test_train_without_zero_grad_rejects_bad_input():
    xs, ys = lecture_dataset()
    model = seeded(0, 3, [4, 4, 1])
    with pytest.raises(ValueError, match="steps must be at least 1, got 0"):
        train_without_zero_grad(model, xs, ys, steps=0, lr=0.05)
    with pytest.raises(ValueError, match=r"lr must be a finite number > 0, got -0\.05"):
        train_without_zero_grad(model, xs, ys, steps=1, lr=-0.05)
    with pytest.raises(ValueError, match="xs and ys must have the same length, got 4 and 2"):
        train_without_zero_grad(model, xs, ys[:2], steps=1, lr=0.05)
    with pytest.raises(TypeError, match=r"model must be callable and have parameters\(\)"):
        train_without_zero_grad(None, xs, ys, steps=1, lr=0.05)
