"""The NumPy MLP (scalargrad/tensor.py) against scalargrad, PyTorch and nudging;
its shape errors; and the shape of the tensors chapter's timings file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from scalargrad.datasets import lecture_dataset, make_moons
from scalargrad.tensor import (
    ArrayMLP,
    linear,
    matmul_backward,
    sum_of_squares,
    tanh_backward,
    to_torch,
)
from scalargrad.training import sum_of_squares as scalar_sum_of_squares
from tests.test_nn import seeded

ROOT = Path(__file__).resolve().parents[1]
TIMINGS = ROOT / "docs" / "_data" / "tensors-timings.json"

CASES = [
    (3, [4, 4, 1], "tanh", None),
    (2, [16, 16, 1], "relu", "linear"),
    (2, [5, 3], "tanh", "linear"),
    (1, [1], "linear", None),
]


def data_for(nin: int, nout: int):
    if nin == 3:
        xs, ys = lecture_dataset()
        return xs, [[y] for y in ys]
    X, y = make_moons(n_samples=12, noise=0.1, seed=3)
    xs = [[float(v) for v in row][:nin] for row in X]
    return xs, [[float(t) * (k + 1) for k in range(nout)] for t in y]


@pytest.mark.parametrize(("nin", "nouts", "activation", "output_activation"), CASES)
def test_gradients_equal_scalargrads_on_the_same_weights(nin, nouts, activation,
                                                         output_activation):
    model = seeded(7, nin, nouts, activation, output_activation)
    xs, ys = data_for(nin, nouts[-1])
    # scalargrad: one expression for the whole batch, one backward
    outs = [model(x) for x in xs]
    outs = [o if isinstance(o, list) else [o] for o in outs]
    loss = scalar_sum_of_squares([o for row in outs for o in row],
                                 [y for row in ys for y in row])
    loss.backward()
    # the arrays
    net = ArrayMLP.from_mlp(model)
    ypred = net(xs)
    array_loss, dout = sum_of_squares(ypred, np.array(ys))
    net.backward(dout)
    assert np.abs(ypred - [[o.data for o in row] for row in outs]).max() <= 1e-12
    assert array_loss == pytest.approx(loss.data, rel=1e-12, abs=1e-12)
    ours = [p.grad for p in model.parameters()]
    assert len(net.gradients()) == len(ours) == len(net.parameters())
    assert net.parameters() == [p.data for p in model.parameters()]
    assert np.abs(np.array(net.gradients()) - ours).max() <= 1e-12


def test_gradients_equal_pytorchs(torch):
    model = seeded(2, 3, [8, 8, 1])
    net = ArrayMLP.from_mlp(model)
    xs, ys = lecture_dataset()
    X, Y = np.array(xs), np.array(ys).reshape(-1, 1)
    loss, dout = sum_of_squares(net(X), Y)
    net.backward(dout)
    tmodel = to_torch(net)
    layers = list(tmodel)
    tloss = ((tmodel(torch.from_numpy(X)) - torch.from_numpy(Y)) ** 2).sum()
    tloss.backward()
    assert tloss.item() == pytest.approx(loss, rel=1e-12)
    for k, lin in enumerate(layers[::2]):
        assert np.abs(lin.weight.grad.numpy().T - net.grad_W[k]).max() <= 1e-12
        assert np.abs(lin.bias.grad.numpy() - net.grad_b[k]).max() <= 1e-12


def test_the_backward_rules_against_central_differences():
    rng = np.random.default_rng(0)
    x, W = rng.normal(size=(5, 3)), rng.normal(size=(3, 4))
    b = rng.normal(size=4)
    h = 1e-6

    def loss(x, W, b):
        t = np.tanh(linear(x, W, b))
        return sum_of_squares(t, np.ones_like(t))[0]

    t = np.tanh(linear(x, W, b))
    _, dt = sum_of_squares(t, np.ones_like(t))
    da = tanh_backward(t, dt)
    dx, dW = matmul_backward(x, W, da)
    db = da.sum(axis=0)
    for array, grad in ((x, dx), (W, dW), (b, db)):
        numeric = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            saved = array[index]
            array[index] = saved + h
            up = loss(x, W, b)
            array[index] = saved - h
            down = loss(x, W, b)
            array[index] = saved
            numeric[index] = (up - down) / (2 * h)
        assert np.abs(numeric - grad).max() <= 1e-6 * (1 + np.abs(grad).max())


def test_shape_mismatches_name_both_shapes():
    net = ArrayMLP.from_mlp(seeded(0, 3, [4, 4, 1]))
    X = np.ones((4, 3))
    with pytest.raises(ValueError, match=r"x of shape \(4, 3\) @ W of shape \(4, 4\): "
                                         r"3 columns but 4 rows"):
        linear(X, net.W[1], net.b[1])
    with pytest.raises(ValueError, match=r"W of shape \(3, 4\) needs a bias of shape \(4,\), "
                                         r"got b of shape \(3,\)"):
        linear(X, net.W[0], np.ones(3))
    with pytest.raises(ValueError, match=r"x of shape \(4, 2\) @ W of shape \(3, 4\)"):
        net(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"ypred has shape \(4, 1\) but ys has shape \(4,\)"):
        sum_of_squares(net(X), np.ones(4))
    with pytest.raises(ValueError, match=r"the output has shape \(4, 1\), but dout has shape "
                                         r"\(4,\)"):
        net.backward(np.ones(4))
    with pytest.raises(ValueError, match=r"has shape \(4, 4\), but its gradient dout has "
                                         r"shape \(4, 3\)"):
        matmul_backward(np.ones((4, 3)), np.ones((3, 4)), np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"tanh's output t has shape \(2, 2\) but its "
                                         r"gradient dout has shape \(2,\)"):
        tanh_backward(np.ones((2, 2)), np.ones(2))


def test_bad_networks_and_inputs_are_refused_clearly():
    with pytest.raises(ValueError, match=r"weights\[0\] \(3, 4\) gives 4 outputs; "
                                         r"weights\[1\] \(5, 1\) takes 5 inputs"):
        ArrayMLP([np.ones((3, 4)), np.ones((5, 1))], [np.ones(4), np.ones(1)])
    with pytest.raises(ValueError, match=r"biases\[0\] must have shape \(4,\); got \(3,\)"):
        ArrayMLP([np.ones((3, 4))], [np.ones(3)])
    with pytest.raises(ValueError, match="got 1 weight matrices but 2 bias vectors"):
        ArrayMLP([np.ones((3, 4))], [np.ones(4), np.ones(4)])
    with pytest.raises(ValueError, match="at least one layer"):
        ArrayMLP([], [])
    with pytest.raises(ValueError, match="unknown activation 'sigmoid'; allowed: 'tanh'"):
        ArrayMLP([np.ones((3, 4))], [np.ones(4)], activation="sigmoid")
    with pytest.raises(ValueError, match=r"x must have 2 dimension\(s\), \(batch, nin\); "
                                         r"got shape \(3,\)"):
        ArrayMLP([np.ones((3, 4))], [np.ones(4)])([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="x must be an array of numbers, got list"):
        ArrayMLP([np.ones((3, 4))], [np.ones(4)])([["a", "b", "c"]])
    with pytest.raises(RuntimeError, match="call the network on a batch before backward"):
        ArrayMLP([np.ones((3, 4))], [np.ones(4)]).backward(np.ones((1, 4)))
    with pytest.raises(TypeError, match="from_mlp needs a scalargrad MLP, got Layer"):
        from scalargrad.nn import Layer

        ArrayMLP.from_mlp(Layer(2, 2))
    with pytest.raises(ValueError, match="x must be a 2-D NumPy array"):
        linear([[1.0]], np.ones((1, 1)), np.ones(1))


def test_import_scalargrad_does_not_import_numpy():
    code = ("import sys, scalargrad, scalargrad.forward; "
            "print('numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


# --- the tensors chapter's timings ------------------------------------------------------


def test_the_timings_file_has_the_shape_the_chapter_draws():
    data = json.loads(TIMINGS.read_text(encoding="utf-8"))
    assert data["made_by"].startswith("make bench")
    assert data["widths"] == [16, 32, 64, 128, 256]
    assert set(data["seconds"]) == {"scalargrad", "numpy", "torch"}
    for engine, seconds in data["seconds"].items():
        assert len(seconds) == 5, engine
        assert all(isinstance(s, float) and s > 0 for s in seconds), engine
    machine = data["machine"]
    assert {"date", "python", "cpus"} <= set(machine)
    assert set(data["versions"]) == {"numpy", "torch"}
    assert data["largest_loss_difference"] < 1e-9  # all three engines computed one loss


def test_the_timings_support_what_the_chapter_says():
    """Chapter 17's sentences about the figure; a new `make bench` must still fit them."""
    data = json.loads(TIMINGS.read_text(encoding="utf-8"))
    s = data["seconds"]
    numpy_speedup = [a / b for a, b in zip(s["scalargrad"], s["numpy"], strict=True)]
    torch_speedup = [a / b for a, b in zip(s["scalargrad"], s["torch"], strict=True)]
    # "the scalar engine's time grows with the square of the width"
    assert s["scalargrad"][-1] / s["scalargrad"][0] > 50
    # "the arrays are faster at every width, and the gap grows with the width"
    assert min(numpy_speedup) > 10 and min(torch_speedup) > 1
    assert numpy_speedup[-1] > 10 * numpy_speedup[0]
    assert torch_speedup[-1] > 10 * torch_speedup[0]
    # "on batches this small, PyTorch's bookkeeping makes it slower than plain NumPy"
    assert all(t > n for t, n in zip(s["torch"], s["numpy"], strict=True))


def test_to_torch_keeps_weights_and_activations(torch):
    model = seeded(3, 2, [8, 8, 1], activation="relu", output_activation="linear")
    net = ArrayMLP.from_mlp(model)
    X = np.array(make_moons(10, noise=0.1, seed=0)[0])
    tmodel = to_torch(net)
    assert [type(m).__name__ for m in tmodel] == ["Linear", "ReLU", "Linear", "ReLU", "Linear"]
    assert np.abs(tmodel(torch.from_numpy(X)).detach().numpy() - net(X)).max() <= 1e-12
