"""The examples that lived in the docstrings of listed regions, kept as tests.

Listings show one-line docstrings (issue 9); these examples moved here so that
nothing lost coverage. The chapters doctest the same behaviour in context.
"""

from __future__ import annotations

import gc
import random

import pytest

from scalargrad import Value, build_topo
from scalargrad.datasets import lecture_dataset, make_moons
from scalargrad.nn import Layer, Module, Neuron
from scalargrad.training import (
    _collector_paused,
    accuracy,
    hinge_loss,
    linear_decay,
    sgd_step,
    sum_of_squares,
    train,
)
from tests.test_nn import seeded


def test_value_fields_and_operators() -> None:
    x = Value(3, label="x")
    assert repr(x) == "Value(data=3.0)"
    assert (x.data, x.grad, x.label, x._prev, x._op) == (3.0, 0.0, "x", (), "")
    y = x * x
    assert y._prev == (x, x) and y._op == "*" and y._local == (3.0, 3.0)
    assert [repr(v) for v in (Value(2.0) + 3, Value(2.0) * 3, Value(2.0) - 3,
                              Value(3.0) / 4, -Value(2.0), Value(3.0) ** 2)] == [
        "Value(data=5.0)", "Value(data=6.0)", "Value(data=-1.0)",
        "Value(data=0.75)", "Value(data=-2.0)", "Value(data=9.0)"]
    assert [(1 + Value(2.0)).data, (2 * Value(3.0)).data, (1 - Value(3.0)).data,
            (2 / Value(4.0)).data] == [3.0, 6.0, -2.0, 0.5]
    assert Value(0.8813735870195432).tanh().data == 0.7071067811865477
    assert Value(1000.0).tanh().data == 1.0
    assert Value(0.0).exp().data == 1.0 and Value(1.0).log().data == 0.0
    assert (Value(-2.0).relu().data, Value(3.0).relu().data) == (0.0, 3.0)
    assert Value(0.0).sigmoid().data == 0.5


def test_backward_step_and_backward_accumulate_on_leaves() -> None:
    a, b = Value(2.0), Value(-3.0)
    c = a * b
    c.grad = 1.0
    c._backward()
    assert (a.grad, b.grad) == (-3.0, 2.0)
    x = Value(3.0)
    y = x * x + x
    y.backward()
    assert x.grad == 7.0
    y.backward()
    assert x.grad == 14.0


def test_build_topo_places_children_first() -> None:
    a = Value(1.0, label="a")
    b = a + a
    b.label = "b"
    c = b * a
    c.label = "c"
    assert [n.label for n in build_topo(c)] == ["a", "b", "c"]


def test_module_neuron_layer_mlp() -> None:
    assert Module().parameters() == []
    random.seed(0)
    n = Neuron(2)
    assert [w.data for w in n.w] == [0.6888437030500962, 0.515908805880605]
    assert n.b.data == -0.15885683833831
    assert n([2.0, 3.0]).data == 0.9921238230652343
    n([1.0, 2.0]).backward()
    n.zero_grad()
    assert [p.grad for p in n.parameters()] == [0.0, 0.0, 0.0]
    lin = Neuron(2, activation="linear")
    assert lin([1.0, 0.0]).data == lin.w[0].data + lin.b.data
    assert len(Neuron(3).parameters()) == 4
    layer = Layer(2, 3)
    assert (len(layer([1.0, -1.0])), len(layer.parameters())) == (3, 9)
    random.seed(0)
    assert Layer(2, 1)([1.0, -1.0]).data == 0.014077128853246147
    random.seed(0)
    assert [v.data for v in Layer(2, 2)([1.0, -1.0])] == [
        0.014077128853246147, -0.6010872011713209]
    assert len(Layer(3, 4).parameters()) == 16
    model = seeded(1337, 2, [16, 16, 1], activation="relu", output_activation="linear")
    assert [layer.neurons[0].activation for layer in model.layers] == ["relu", "relu", "linear"]
    assert len(model.parameters()) == 337
    assert seeded(0, 3, [4, 4, 1])([2.0, 3.0, -1.0]).data == -0.9119817024497697


def test_losses_steps_and_schedules() -> None:
    assert sum_of_squares([Value(0.5), Value(-1.0)], [1.0, -1.0]).data == 0.25
    assert hinge_loss([Value(2.0), Value(0.5)], [1, 1]).data == 0.25
    assert hinge_loss([Value(2.0)], [1], [Value(3.0)], alpha=0.1).data == 0.9
    assert accuracy([Value(0.3), Value(-2.0), Value(1.0)], [1, 1, -1]) == 1 / 3
    p = Value(1.0)
    p.grad = 2.0
    sgd_step([p], lr=0.1)
    assert p.data == 0.8
    schedule = linear_decay(1.0, 0.1, 100)
    assert (schedule(0), schedule(50), schedule(100), schedule(500)) == (1.0, 0.55, 0.1, 0.1)
    assert all(schedule(k) == 1.0 - 0.9 * k / 100 for k in range(100))
    xs, ys = lecture_dataset()
    losses = train(seeded(0, 3, [4, 4, 1]), xs, ys, steps=50, lr=0.1)
    assert (losses[0], losses[-1]) == (7.729794845790028, 0.0059477317047005075)


def test_collector_paused_restores_the_collector() -> None:
    seen = []

    @_collector_paused
    def work(x: int) -> int:
        """A stand-in for train."""
        seen.append(gc.isenabled())
        if x < 0:
            raise ValueError("negative")
        return 2 * x

    assert gc.isenabled()
    assert work(3) == 6 and seen == [False] and gc.isenabled()
    with pytest.raises(ValueError, match="negative"):
        work(-1)
    assert seen == [False, False] and gc.isenabled()  # restored after an error too
    assert work.__name__ == "work" and work.__doc__ == "A stand-in for train."


def test_datasets() -> None:
    xs, ys = lecture_dataset()
    assert xs == [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    assert ys == [1.0, -1.0, -1.0, 1.0]
    X, y = make_moons(n_samples=4, noise=0.0)
    assert [[round(c, 3) for c in point] for point in X] == [
        [0.0, 0.5], [1.0, 0.0], [-1.0, 0.0], [2.0, 0.5]]
    assert y == [1, -1, -1, 1]
