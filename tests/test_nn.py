"""Unit tests of scalargrad.nn: shapes, parameter order, initialization, activations,
gradients through a network, and every rejected input."""

from __future__ import annotations

import math
import random

import pytest

from scalargrad import Value
from scalargrad.nn import ACTIVATIONS, MLP, Layer, Module, Neuron


def seeded(seed, *args, **kwargs):
    """``MLP(*args, **kwargs)`` drawn after ``random.seed(seed)``, as the book builds it."""
    random.seed(seed)
    return MLP(*args, **kwargs)

# ---------------------------------------------------------------------------
# Shapes and parameter counts
# ---------------------------------------------------------------------------


def test_lecture_mlp_has_41_parameters():
    model = MLP(3, [4, 4, 1])
    assert len(model.parameters()) == 41  # (3+1)*4 + (4+1)*4 + (4+1)*1


def test_micrograd_demo_mlp_has_337_parameters():
    model = MLP(2, [16, 16, 1], activation="relu", output_activation="linear")
    assert len(model.parameters()) == 337


@pytest.mark.parametrize(("nin", "nout"), [(1, 1), (3, 4), (5, 2)])
def test_layer_has_nout_neurons_of_nin_weights(nin, nout):
    layer = Layer(nin, nout)
    assert len(layer.neurons) == nout
    assert all(len(n.w) == nin for n in layer.neurons)
    assert len(layer.parameters()) == (nin + 1) * nout


def test_mlp_layers_chain_their_sizes():
    model = MLP(3, [4, 5, 2])
    assert [(len(layer.neurons[0].w), len(layer.neurons)) for layer in model.layers] == [
        (3, 4),
        (4, 5),
        (5, 2),
    ]


def test_layer_returns_one_value_when_nout_is_1_and_a_list_otherwise():
    x = [1.0, -2.0]
    one = Layer(2, 1)(x)
    many = Layer(2, 3)(x)
    assert isinstance(one, Value)
    assert isinstance(many, list)
    assert len(many) == 3
    assert all(isinstance(v, Value) for v in many)


def test_mlp_with_several_outputs_returns_a_list():
    out = MLP(2, [3, 2])([1.0, 1.0])
    assert isinstance(out, list)
    assert len(out) == 2


# ---------------------------------------------------------------------------
# Parameter order and initialization
# ---------------------------------------------------------------------------


def test_parameters_are_per_neuron_weights_then_bias_in_layer_order():
    model = MLP(3, [4, 4, 1])
    expected = [p for layer in model.layers for n in layer.neurons for p in [*n.w, n.b]]
    got = model.parameters()
    assert len(got) == len(expected)
    assert all(a is b for a, b in zip(got, expected, strict=True))


def test_neuron_parameters_are_its_weights_then_its_bias():
    n = Neuron(3)
    params = n.parameters()
    assert params[:3] == n.w
    assert params[3] is n.b


def test_parameters_are_drawn_uniform_in_order_from_the_random_module():
    # as in the lecture: random.seed(n) first makes the network the same every time
    random.seed(5)
    expected = [random.uniform(-1, 1) for _ in range(41)]
    random.seed(5)
    model = MLP(3, [4, 4, 1])
    assert [p.data for p in model.parameters()] == expected
    assert all(-1.0 <= p.data <= 1.0 for p in model.parameters())


def test_same_seed_same_model_different_seed_different_model():
    def data(seed):
        random.seed(seed)
        return [p.data for p in MLP(3, [4, 4, 1]).parameters()]

    assert data(1) == data(1)
    assert data(1) != data(2)


def test_a_layer_draws_as_its_neurons_do_one_after_the_other():
    random.seed(0)
    layer = Layer(3, 4)
    random.seed(0)
    neurons = [Neuron(3) for _ in range(4)]
    assert [p.data for p in layer.parameters()] == [
        p.data for n in neurons for p in n.parameters()
    ]


def test_parameters_are_fresh_leaf_values():
    for p in MLP(2, [3, 1]).parameters():
        assert p._prev == ()
        assert p.grad == 0.0


# ---------------------------------------------------------------------------
# Forward pass and activations
# ---------------------------------------------------------------------------


def _pre_activation(n: Neuron, x: list[float]) -> float:
    """w · x + b in the order the neuron sums it: b first, then each w_i x_i."""
    total = n.b.data
    for wi, xi in zip(n.w, x, strict=True):
        total += wi.data * xi
    return total


@pytest.mark.parametrize(
    ("activation", "f"),
    [("tanh", math.tanh), ("relu", lambda z: max(0.0, z)), ("linear", lambda z: z)],
)
def test_neuron_computes_activation_of_w_dot_x_plus_b(activation, f):
    x = [0.5, -1.5, 2.0]
    for seed in range(10):
        random.seed(seed)
        n = Neuron(3, activation)
        assert n(x).data == pytest.approx(f(_pre_activation(n, x)), abs=1e-15)


def test_neuron_output_op_names_its_activation():
    x = [1.0, 2.0]
    assert Neuron(2, "tanh")(x)._op == "tanh"
    assert Neuron(2, "relu")(x)._op == "ReLU"
    assert Neuron(2, "linear")(x)._op == "+"


def test_relu_neuron_outputs_zero_for_negative_pre_activation():
    n = Neuron(1, "relu")
    n.w[0].data, n.b.data = 1.0, 0.0
    assert n([-3.0]).data == 0.0
    assert n([3.0]).data == 3.0


def test_neuron_accepts_values_as_inputs_and_backpropagates_to_them():
    n = Neuron(2, "linear")
    x = [Value(1.0), Value(-2.0)]
    n(x).backward()
    assert [xi.grad for xi in x] == [wi.data for wi in n.w]
    assert [wi.grad for wi in n.w] == [1.0, -2.0]
    assert n.b.grad == 1.0


def test_tanh_neuron_gradient_is_one_minus_out_squared_times_input():
    n = Neuron(2)
    x = [0.3, -0.7]
    out = n(x)
    out.backward()
    local = 1.0 - out.data**2
    assert [wi.grad for wi in n.w] == pytest.approx([local * xi for xi in x])
    assert n.b.grad == pytest.approx(local)


def test_output_activation_defaults_to_activation():
    model = MLP(2, [3, 1], activation="relu")
    assert [layer.neurons[0].activation for layer in model.layers] == ["relu", "relu"]


def test_output_activation_applies_to_the_last_layer_only():
    model = MLP(2, [3, 3, 1], activation="relu", output_activation="linear")
    acts = [{n.activation for n in layer.neurons} for layer in model.layers]
    assert acts == [{"relu"}, {"relu"}, {"linear"}]


def test_mlp_forward_is_layers_applied_in_turn():
    model = MLP(3, [4, 4, 1])
    x = [2.0, 3.0, -1.0]
    h = x
    for layer in model.layers:
        h = layer(h)
    assert model(x).data == h.data


def test_mlp_tanh_output_stays_in_minus_one_one():
    model = MLP(3, [4, 4, 1])
    for x in ([2.0, 3.0, -1.0], [100.0, -100.0, 50.0], [0.0, 0.0, 0.0]):
        assert -1.0 <= model(x).data <= 1.0


def test_mlp_gradient_matches_central_differences():
    random.seed(4)
    model = MLP(2, [3, 1])
    x = [0.7, -1.2]
    model(x).backward()
    h = 1e-6
    for p in model.parameters():
        analytic = p.grad
        old = p.data
        p.data = old + h
        up = model(x).data
        p.data = old - h
        down = model(x).data
        p.data = old
        assert analytic == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-8)


def test_mlp_agrees_with_micrograd_given_the_same_weights():
    mg_nn = pytest.importorskip("micrograd.nn")
    ours = MLP(2, [16, 16, 1], activation="relu", output_activation="linear")
    theirs = mg_nn.MLP(2, [16, 16, 1])
    for p, q in zip(ours.parameters(), theirs.parameters(), strict=True):
        q.data = p.data
    x = [0.4, -0.9]
    out, ref = ours(x), theirs(x)
    assert out.data == pytest.approx(ref.data, rel=1e-12)
    out.backward()
    ref.backward()
    for p, q in zip(ours.parameters(), theirs.parameters(), strict=True):
        assert p.grad == pytest.approx(q.grad, rel=1e-12, abs=1e-15)


# ---------------------------------------------------------------------------
# Module and zero_grad
# ---------------------------------------------------------------------------


def test_module_base_has_no_parameters_and_zero_grad_is_harmless():
    m = Module()
    assert m.parameters() == []
    m.zero_grad()
    assert m.parameters() == []


@pytest.mark.parametrize("make", [lambda: Neuron(3), lambda: Layer(3, 2), lambda: MLP(3, [2, 1])])
def test_zero_grad_resets_every_parameter(make):
    module = make()
    out = module([1.0, 2.0, 3.0])
    total = out if isinstance(out, Value) else sum(out)
    total.backward()
    assert any(p.grad != 0.0 for p in module.parameters())
    module.zero_grad()
    assert all(p.grad == 0.0 for p in module.parameters())


def test_all_network_classes_are_modules():
    assert issubclass(Neuron, Module)
    assert issubclass(Layer, Module)
    assert issubclass(MLP, Module)


# ---------------------------------------------------------------------------
# Rejected input
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [[1.0, 2.0], [1.0, 2.0, 3.0, 4.0], []])
def test_mlp_called_with_the_wrong_number_of_inputs(bad):
    # micrograd's zip would silently use the first three inputs, or fewer
    model = MLP(3, [4, 4, 1])
    with pytest.raises(ValueError, match=rf"this MLP takes 3 inputs, got {len(bad)}"):
        model(bad)


def test_layer_and_neuron_called_with_the_wrong_number_of_inputs():
    with pytest.raises(ValueError, match=r"this Layer takes 2 inputs, got 1"):
        Layer(2, 3)([1.0])
    with pytest.raises(ValueError, match=r"this Neuron takes 2 inputs, got 3"):
        Neuron(2)([1.0, 2.0, 3.0])


@pytest.mark.parametrize("bad", [2.0, Value(2.0), None])
def test_calling_with_something_that_is_not_a_list(bad):
    with pytest.raises(TypeError, match=r"takes a list of 1 numbers or Values, got"):
        MLP(1, [1])(bad)


def test_calling_with_inputs_that_are_not_numbers():
    with pytest.raises(TypeError, match="must be a real number"):
        MLP(2, [1])([1.0, "two"])


@pytest.mark.parametrize("make", [Neuron, lambda n: Layer(n, 2), lambda n: MLP(n, [2])])
def test_nin_must_be_at_least_one(make):
    with pytest.raises(ValueError, match="nin must be at least 1, got 0"):
        make(0)
    with pytest.raises(ValueError, match="nin must be at least 1, got -3"):
        make(-3)


@pytest.mark.parametrize("bad", [2.0, "3", None, True])
@pytest.mark.parametrize("make", [Neuron, lambda n: Layer(n, 2), lambda n: MLP(n, [2])])
def test_nin_must_be_an_int(make, bad):
    with pytest.raises(TypeError, match=r"nin must be an int, got"):
        make(bad)


def test_nout_must_be_a_positive_int():
    with pytest.raises(ValueError, match="nout must be at least 1, got 0"):
        Layer(2, 0)
    with pytest.raises(TypeError, match=r"nout must be an int, got float: 2\.0"):
        Layer(2, 2.0)


def test_mlp_needs_at_least_one_layer():
    with pytest.raises(ValueError, match=r"nouts must list at least one layer size"):
        MLP(2, [])


@pytest.mark.parametrize("bad", [4, "441", None, {4: 1}])
def test_mlp_nouts_must_be_a_list(bad):
    with pytest.raises(TypeError, match=r"nouts must be a list of layer sizes"):
        MLP(2, bad)


def test_mlp_nouts_entries_must_be_positive_ints():
    with pytest.raises(ValueError, match=r"nouts\[1\] must be at least 1, got 0"):
        MLP(2, [4, 0, 1])
    with pytest.raises(TypeError, match=r"nouts\[0\] must be an int, got float: 4.0"):
        MLP(2, [4.0, 1])


@pytest.mark.parametrize("bad", ["sigmoid", "Tanh", None, ""])
def test_unknown_activation_lists_the_allowed_ones(bad):
    allowed = r"allowed: 'tanh', 'relu', 'linear'"
    with pytest.raises(ValueError, match=rf"unknown activation {bad!r}; {allowed}"):
        Neuron(2, bad)
    with pytest.raises(ValueError, match=rf"unknown activation {bad!r}; {allowed}"):
        Layer(2, 2, bad)
    with pytest.raises(ValueError, match=rf"unknown activation {bad!r}; {allowed}"):
        MLP(2, [2], bad)


def test_unknown_output_activation_lists_the_allowed_ones():
    with pytest.raises(ValueError, match=r"unknown output_activation 'softmax'; allowed: 'tanh'"):
        MLP(2, [2, 1], output_activation="softmax")


def test_activations_constant_lists_the_three():
    assert ACTIVATIONS == ("tanh", "relu", "linear")


def test_mlp_with_a_one_neuron_hidden_layer():
    # Layer returns a bare Value when it has one neuron (as in the lecture);
    # the next layer must still receive it as a one-element input.
    model = MLP(2, [1, 3])
    out = model([0.5, -1.0])
    assert isinstance(out, list) and len(out) == 3
    hidden = model.layers[0]([0.5, -1.0])
    expected = [n([hidden]).data for n in model.layers[1].neurons]
    assert [v.data for v in out] == expected
