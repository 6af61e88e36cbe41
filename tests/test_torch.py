"""scalargrad against PyTorch in float64: every operator, the lecture's neuron,
and small MLPs with a loss, values and gradients to 1e-12.

PyTorch is optional for a quick local run: without it these tests skip, unless
SCALARGRAD_REQUIRE_TORCH=1 (make test, CI) makes them fail (see conftest.py)."""

from __future__ import annotations

import pytest

from scalargrad import Value
from scalargrad.datasets import lecture_dataset, make_moons
from scalargrad.nn import MLP
from scalargrad.ops import OPS, samples
from scalargrad.training import hinge_loss, sgd_step, sum_of_squares
from tests.test_nn import seeded

TOL = {"rel": 1e-12, "abs": 1e-12}


def leaf(torch, x: float):
    """A float64 PyTorch scalar that collects a gradient, like a Value leaf."""
    return torch.tensor(x, dtype=torch.float64, requires_grad=True)


# --8<-- [start:both-engines]
def run_both(torch, f, inputs):
    """Run f on scalargrad Values and on float64 torch tensors; backward both.

    f is written once and works on both, because a Value and a tensor share
    + - * / ** and the methods .tanh() .exp() .log() .relu() .sigmoid().
    """
    values = [Value(x) for x in inputs]
    out = f(*values)
    out.backward()
    tensors = [leaf(torch, x) for x in inputs]
    t_out = f(*tensors)
    t_out.backward()
    ours = (out.data, [v.grad for v in values])
    theirs = (t_out.item(), [t.grad.item() for t in tensors])
    return ours, theirs
# --8<-- [end:both-engines]


# Every operation of the registry (scalargrad/ops.py) at every point of its sample grid,
# and a few far-out points where a careless formula would overflow or lose digits.
EXTREME_POINTS = {
    "tanh": [(20.0,), (-20.0,)], "exp": [(30.0,)], "log": [(1e6,)],
    "sigmoid": [(-40.0,), (40.0,)], "div": [(1e-3, 1e3)],
}
OPERATOR_CASES = [
    (f"{op.name}({','.join(map(str, args))})", *op.bind(args))
    for op in OPS.values()
    for args in samples(op) + EXTREME_POINTS.get(op.name, [])
]


def test_extreme_points_name_registry_operations():
    assert set(EXTREME_POINTS) <= set(OPS)


@pytest.mark.parametrize(
    ("f", "inputs"), [pytest.param(f, xs, id=name) for name, f, xs in OPERATOR_CASES]
)
def test_operator_agrees_with_pytorch(torch, f, inputs):
    (data, grads), (t_data, t_grads) = run_both(torch, f, inputs)
    assert data == pytest.approx(t_data, **TOL)
    assert grads == pytest.approx(t_grads, **TOL)


def test_the_lectures_neuron(torch):
    def neuron(x1, x2, w1, w2, b):
        n = x1 * w1 + x2 * w2 + b
        return n.tanh()

    inputs = [2.0, 0.0, -3.0, 1.0, 6.8813735870195432]
    (o, grads), (t_o, t_grads) = run_both(torch, neuron, inputs)
    assert o == pytest.approx(0.7071067811865476, rel=1e-15)
    assert o == pytest.approx(t_o, **TOL)
    assert grads == pytest.approx(t_grads, **TOL)
    # x1, x2, w1, w2, b: the numbers the lecture reads off its graph
    assert grads == pytest.approx([-1.5, 0.5, 1.0, 0.0, 0.5], rel=1e-12, abs=1e-12)


def test_composite_expression_with_shared_nodes(torch):
    def f(a, b, c):
        d = a * b + c.exp()
        e = (d / (a**2 + 1)).tanh()
        return e * d - (b - c).sigmoid() + (e + 2).log() * d.relu()

    for inputs in [(0.3, -1.2, 0.5), (-2.0, 0.7, -0.1)]:
        (data, grads), (t_data, t_grads) = run_both(torch, f, inputs)
        assert data == pytest.approx(t_data, **TOL)
        assert grads == pytest.approx(t_grads, **TOL)


# ---------------------------------------------------------------------------
# An MLP with a loss: the same weights in PyTorch
# ---------------------------------------------------------------------------


def torch_layers(torch, model: MLP):
    """One (W, b, activation) per layer, copied from the scalargrad model."""
    layers = []
    for layer in model.layers:
        W = torch.tensor(
            [[w.data for w in n.w] for n in layer.neurons], dtype=torch.float64, requires_grad=True
        )
        b = torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64, requires_grad=True)
        layers.append((W, b, layer.neurons[0].activation))
    return layers


def torch_forward(torch, layers, x):
    h = torch.tensor(x, dtype=torch.float64)
    for W, b, activation in layers:
        h = W @ h + b
        if activation == "tanh":
            h = torch.tanh(h)
        elif activation == "relu":
            h = torch.relu(h)
    return h.squeeze()


def torch_grads_in_parameter_order(layers) -> list[float]:
    """Per neuron its weights, then its bias: the order of MLP.parameters()."""
    grads = []
    for W, b, _ in layers:
        for i in range(W.shape[0]):
            grads.extend(W.grad[i].tolist())
            grads.append(b.grad[i].item())
    return grads


def test_mlp_with_sum_of_squares_loss(torch):
    xs, ys = lecture_dataset()
    model = seeded(0, 3, [4, 4, 1])
    loss = sum_of_squares([model(x) for x in xs], ys)
    loss.backward()

    layers = torch_layers(torch, model)
    t_pred = torch.stack([torch_forward(torch, layers, x) for x in xs])
    t_loss = ((t_pred - torch.tensor(ys, dtype=torch.float64)) ** 2).sum()
    t_loss.backward()

    assert loss.data == pytest.approx(t_loss.item(), **TOL)
    grads = [p.grad for p in model.parameters()]
    assert len(grads) == 41
    assert grads == pytest.approx(torch_grads_in_parameter_order(layers), **TOL)


def test_relu_mlp_with_hinge_loss_and_l2(torch):
    X, y = make_moons(20, noise=0.1, seed=0)
    model = seeded(1, 2, [8, 8, 1], activation="relu", output_activation="linear")
    alpha = 1e-4
    loss = hinge_loss([model(x) for x in X], y, model.parameters(), alpha=alpha)
    loss.backward()

    layers = torch_layers(torch, model)
    scores = torch.stack([torch_forward(torch, layers, x) for x in X])
    labels = torch.tensor(y, dtype=torch.float64)
    penalty = sum((W**2).sum() + (b**2).sum() for W, b, _ in layers)
    t_loss = torch.relu(1 - labels * scores).mean() + alpha * penalty
    t_loss.backward()

    assert loss.data == pytest.approx(t_loss.item(), **TOL)
    grads = [p.grad for p in model.parameters()]
    assert grads == pytest.approx(torch_grads_in_parameter_order(layers), **TOL)


def test_five_steps_of_gradient_descent_agree(torch):
    xs, ys = lecture_dataset()
    model = seeded(0, 3, [4, 4, 1])
    layers = torch_layers(torch, model)
    target = torch.tensor(ys, dtype=torch.float64)
    lr = 0.05
    for _ in range(5):
        model.zero_grad()
        loss = sum_of_squares([model(x) for x in xs], ys)
        loss.backward()
        sgd_step(model.parameters(), lr)

        for W, b, _ in layers:
            W.grad, b.grad = None, None
        t_loss = ((torch.stack([torch_forward(torch, layers, x) for x in xs]) - target) ** 2).sum()
        t_loss.backward()
        with torch.no_grad():
            for W, b, _ in layers:
                W -= lr * W.grad
                b -= lr * b.grad
        assert loss.data == pytest.approx(t_loss.item(), **TOL)

    ours = [p.data for p in model.parameters()]
    theirs = []
    for W, b, _ in layers:
        for i in range(W.shape[0]):
            theirs.extend(W[i].tolist())
            theirs.append(b[i].item())
    assert ours == pytest.approx(theirs, **TOL)
