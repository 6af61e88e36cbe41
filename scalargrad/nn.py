"""Neural networks out of Values: a :class:`Neuron`, a :class:`Layer`, an :class:`MLP`.

Nothing here is new mathematics: a neuron is ``w · x + b`` squashed by an
activation, written with :class:`~scalargrad.engine.Value` operations, so
``backward()`` already knows how to differentiate it. The book builds this file
in the chapter "Neurons, layers and an MLP".

A :class:`Neuron` computes ``activation(w · x + b)`` with ``nin`` weights and a
bias, all drawn uniform in [-1, 1] from Python's ``random`` module, as in the
lecture: call ``random.seed(n)`` first and the network is the same every time.
The activation is ``"tanh"`` (the lecture's), ``"relu"`` or ``"linear"`` (none).
A :class:`Layer` returns a list of ``nout`` Values, or a single Value when
``nout == 1``. An :class:`MLP` uses ``activation`` in its hidden layers and
``output_activation`` (by default the same) in the last.

>>> import random
>>> from scalargrad.nn import MLP
>>> random.seed(0)
>>> model = MLP(3, [4, 4, 1])
>>> len(model.parameters())
41
>>> model([2.0, 3.0, -1.0])
Value(data=-0.9119817024497697)
"""

# --8<-- [start:imports]
from __future__ import annotations

import random
from collections.abc import Sequence

from scalargrad.engine import Value

# --8<-- [end:imports]

__all__ = ["ACTIVATIONS", "MLP", "Layer", "Module", "Neuron"]

# --8<-- [start:module]
class Module:
    """The base class of everything with parameters."""

    def zero_grad(self) -> None:
        """Set every parameter's ``grad`` back to 0."""
        for p in self.parameters():
            p.grad = 0.0

    def parameters(self) -> list[Value]:
        """Every Value that gradient descent should adjust."""
        return []
# --8<-- [end:module]


# --8<-- [start:neuron]
class Neuron(Module):
    """One neuron: ``activation(w · x + b)``, ``nin`` weights and a bias."""

    def __init__(self, nin: int, activation: str = "tanh") -> None:
        _check_neuron_args(nin, activation)  # guard
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(random.uniform(-1, 1))
        self.activation = activation

    def __call__(self, x: Sequence[Value | float]) -> Value:
        """The forward pass: ``w · x + b``, then the activation."""
        _check_inputs(x, len(self.w), "Neuron")  # guard
        act = sum((wi * xi for wi, xi in zip(self.w, x, strict=True)), self.b)
        if self.activation == "linear":
            return act
        return getattr(act, self.activation)()  # "tanh": act.tanh()

    def parameters(self) -> list[Value]:
        """The weights, then the bias."""
        return [*self.w, self.b]
# --8<-- [end:neuron]


# --8<-- [start:layer]
class Layer(Module):
    """``nout`` neurons, each looking at the same ``nin`` inputs."""

    def __init__(self, nin: int, nout: int, activation: str = "tanh") -> None:
        _check_count(nout, "nout")  # guard
        self.neurons = [Neuron(nin, activation) for _ in range(nout)]

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        """Every neuron on the same input; one Value if there is one neuron."""
        _check_inputs(x, len(self.neurons[0].w), "Layer")  # guard
        outs = [n(x) for n in self.neurons]
        return outs[0] if len(outs) == 1 else outs

    def parameters(self) -> list[Value]:
        """Each neuron's parameters, neuron by neuron."""
        return [p for neuron in self.neurons for p in neuron.parameters()]
# --8<-- [end:layer]


# --8<-- [start:mlp]
class MLP(Module):
    """A multi-layer perceptron: layers of sizes ``nouts`` in a row."""

    def __init__(self, nin: int, nouts: Sequence[int], activation: str = "tanh",
                 output_activation: str | None = None) -> None:
        _check_mlp_args(nin, nouts, activation, output_activation)  # guard
        sizes = [nin, *nouts]
        last = output_activation or activation
        acts = [activation] * (len(nouts) - 1) + [last]
        self.layers = [Layer(sizes[i], sizes[i + 1], acts[i])
                       for i in range(len(nouts))]

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        """The forward pass: each layer's output is the next layer's input."""
        _check_inputs(x, len(self.layers[0].neurons[0].w), "MLP")  # guard
        for layer in self.layers:
            if isinstance(x, Value):  # guard: corner: a one-neuron middle layer
                x = [x]
            x = layer(x)
        return x

    def parameters(self) -> list[Value]:
        """Each layer's parameters, layer by layer."""
        return [p for layer in self.layers for p in layer.parameters()]
# --8<-- [end:mlp]


# The guard rails: the checks that the lines tagged "# guard" call. The book's
# listings leave those lines out (a toggle shows them), and so do the reader's
# files: for good input the results are the same.

#: The activations a neuron can apply to ``w · x + b``.
ACTIVATIONS = ("tanh", "relu", "linear")


def _check_count(n: object, name: str) -> None:
    """Raise unless ``n`` is a positive int (a number of inputs or neurons)."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"{name} must be an int, got {type(n).__name__}: {n!r}")
    if n < 1:
        raise ValueError(f"{name} must be at least 1, got {n}")


def _check_activation(activation: object, name: str = "activation") -> None:
    """Raise unless ``activation`` is one of :data:`ACTIVATIONS`."""
    if activation not in ACTIVATIONS:
        allowed = ", ".join(repr(a) for a in ACTIVATIONS)
        raise ValueError(f"unknown {name} {activation!r}; allowed: {allowed}")


def _check_neuron_args(nin: object, activation: object) -> None:
    """Raise unless the arguments of a Neuron are valid."""
    _check_count(nin, "nin")
    _check_activation(activation)


def _check_inputs(x: object, nin: int, what: str) -> None:
    """Raise unless ``x`` holds exactly ``nin`` inputs (``what`` takes them)."""
    try:
        n = len(x)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(
            f"this {what} takes a list of {nin} numbers or Values, "
            f"got {type(x).__name__}: {x!r}"
        ) from None
    if n != nin:
        raise ValueError(f"this {what} takes {nin} inputs, got {n}")


def _check_sizes(nouts: object) -> None:
    """Raise unless ``nouts`` is a non-empty list or tuple of positive ints."""
    if not isinstance(nouts, (list, tuple)):
        raise TypeError(
            "nouts must be a list of layer sizes such as [4, 4, 1], "
            f"got {type(nouts).__name__}"
        )
    if not nouts:
        raise ValueError(
            "nouts must list at least one layer size, such as [4, 4, 1]; got []"
        )
    for i, n in enumerate(nouts):
        _check_count(n, f"nouts[{i}]")


def _check_mlp_args(
    nin: object, nouts: object, activation: object, output_activation: object
) -> None:
    """Raise unless the arguments of an MLP are valid."""
    _check_count(nin, "nin")
    _check_sizes(nouts)
    _check_activation(activation)
    if output_activation is not None:
        _check_activation(output_activation, "output_activation")
