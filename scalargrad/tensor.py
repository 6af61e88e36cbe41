"""From scalars to arrays: the chapter-10 MLP with one matrix product per layer.

A layer of ``nout`` neurons with ``nin`` inputs each is a weight matrix ``W``
(``nin`` rows, ``nout`` columns) and a bias row ``b``: for a batch of inputs ``x``
(one sample per row), ``x @ W + b`` computes every neuron's weighted sum for
every sample at once. The backward pass is written by hand, one rule per
operation: the gradient of a matrix product, of ``tanh`` element by element, and
of a sum. The book builds this file in the chapter "From scalars to tensors".

This module needs NumPy (``pip install "scalargrad[tensor]"``); ``import
scalargrad`` does not import it.

>>> import random
>>> import numpy as np
>>> from scalargrad.nn import MLP
>>> from scalargrad.tensor import ArrayMLP
>>> random.seed(0)
>>> net = ArrayMLP.from_mlp(MLP(3, [4, 4, 1]))
>>> net
ArrayMLP(3, [4, 4, 1], activation='tanh')
>>> net(np.array([[2.0, 3.0, -1.0]]))
array([[-0.9119817]])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

try:
    import numpy as np
except ImportError as exc:  # NumPy is an optional extra
    raise ImportError(
        'scalargrad.tensor needs NumPy: pip install "scalargrad[tensor]" (or numpy>=2)'
    ) from exc

from scalargrad.nn import ACTIVATIONS, MLP

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

    Array = NDArray[np.float64]

__all__ = [
    "ArrayMLP",
    "linear",
    "matmul_backward",
    "sum_of_squares",
    "tanh_backward",
    "to_torch",
]


def _as_array(x: object, name: str, ndim: int) -> Array:
    """``x`` as a float64 array with ``ndim`` dimensions, or a clear error."""
    try:
        a = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{name} must be an array of numbers, got {type(x).__name__}: {exc}"
        ) from None
    if a.ndim != ndim:
        shape = "(batch, nin)" if ndim == 2 else "(n,)"
        raise ValueError(f"{name} must have {ndim} dimension(s), {shape}; got shape {a.shape}")
    return a


# --8<-- [start:linear]
def linear(x: Array, W: Array, b: Array) -> Array:
    """Every neuron's weighted sum for every sample: ``x @ W + b``."""
    _check_linear(x, W, b)
    return x @ W + b
# --8<-- [end:linear]


def _check_linear(x: Array, W: Array, b: Array) -> None:
    """Raise unless ``x @ W + b`` fits: x's columns are W's rows, one bias per column."""
    for name, a, ndim in (("x", x, 2), ("W", W, 2), ("b", b, 1)):
        if not isinstance(a, np.ndarray) or a.ndim != ndim:
            raise ValueError(f"{name} must be a {ndim}-D NumPy array, got {a!r}")
    if x.shape[1] != W.shape[0]:
        raise ValueError(f"x of shape {x.shape} @ W of shape {W.shape}: "
                         f"{x.shape[1]} columns but {W.shape[0]} rows")
    if b.shape != (W.shape[1],):
        raise ValueError(f"W of shape {W.shape} needs a bias of shape {(W.shape[1],)}, "
                         f"got b of shape {b.shape}")


# --8<-- [start:backward-rules]
def matmul_backward(x: Array, W: Array, dout: Array) -> tuple[Array, Array]:
    """The gradients of ``out = x @ W``: ``dout @ W.T`` and ``x.T @ dout``."""
    _check_matmul_grad(x, W, dout)
    return dout @ W.T, x.T @ dout


def tanh_backward(t: Array, dout: Array) -> Array:
    """The gradient of ``t = tanh(a)``, element by element."""
    _check_same_shape(t, dout, "tanh's output t", "its gradient dout")
    return dout * (1.0 - t * t)


def sum_of_squares(ypred: Array, ys: Array) -> tuple[float, Array]:
    """The loss ``Σ (ypred - ys)²`` and its gradient along ``ypred``."""
    _check_same_shape(ypred, ys, "ypred", "ys")
    diff = ypred - ys
    # the sum passes 1 to every term; each square turns it into 2·diff
    return float((diff * diff).sum()), 2.0 * diff
# --8<-- [end:backward-rules]


def _check_matmul_grad(x: Array, W: Array, dout: Array) -> None:
    """Raise unless ``dout`` has the shape of ``x @ W``."""
    expected = (x.shape[0], W.shape[1])
    if dout.shape != expected:
        raise ValueError(f"x of shape {x.shape} @ W of shape {W.shape} has shape {expected}, "
                         f"but its gradient dout has shape {dout.shape}")


def _check_same_shape(a: Array, b: Array, a_name: str, b_name: str) -> None:
    """Raise unless ``a`` and ``b`` have one shape (NumPy would broadcast them)."""
    if a.shape != b.shape:
        raise ValueError(f"{a_name} has shape {a.shape} but {b_name} has shape {b.shape}; "
                         "they must be equal")


def _activate(a: Array, activation: str) -> Array:
    if activation == "tanh":
        return np.tanh(a)
    if activation == "relu":
        return np.maximum(a, 0.0)
    return a


def _activation_backward(out: Array, dout: Array, activation: str) -> Array:
    if activation == "tanh":
        return tanh_backward(out, dout)
    if activation == "relu":
        return dout * (out > 0.0)
    return dout


# --8<-- [start:array-mlp]
class ArrayMLP:
    """The chapter-10 MLP on arrays: a matrix ``W`` and a bias row per layer."""

    def __init__(
        self,
        weights: Sequence[Array],
        biases: Sequence[Array],
        activation: str = "tanh",
        output_activation: str | None = None,
    ) -> None:
        self.W = [_as_array(W, f"weights[{k}]", 2)
                  for k, W in enumerate(weights)]
        self.b = [_as_array(b, f"biases[{k}]", 1)
                  for k, b in enumerate(biases)]
        _check_layers(self.W, self.b)
        self.activations = _activations(len(self.W), activation,
                                        output_activation)
        self.grad_W = [np.zeros_like(W) for W in self.W]
        self.grad_b = [np.zeros_like(b) for b in self.b]
        self._seen: list[tuple[Array, Array]] = []  # each layer's (in, out)

    def __call__(self, x: ArrayLike) -> Array:
        """The forward pass for a batch ``x`` of shape (samples, nin)."""
        x = _as_array(x, "x", 2)
        self._seen = []
        for W, b, act in zip(self.W, self.b, self.activations, strict=True):
            out = _activate(linear(x, W, b), act)
            self._seen.append((x, out))
            x = out
        return x

    def backward(self, dout: ArrayLike) -> None:
        """From dL/d(output), fill every layer's ``grad_W`` and ``grad_b``."""
        dout = _check_dout(dout, self._seen)
        for k in reversed(range(len(self.W))):
            x, out = self._seen[k]
            da = _activation_backward(out, dout, self.activations[k])
            dout, self.grad_W[k] = matmul_backward(x, self.W[k], da)
            self.grad_b[k] = da.sum(axis=0)  # b was added to every row
    # --8<-- [end:array-mlp]

    @classmethod
    def from_mlp(cls, model: MLP) -> ArrayMLP:
        """The same network as a scalargrad ``MLP``, its weights copied into arrays.

        Column ``j`` of a layer's ``W`` holds the weights of that layer's neuron ``j``.

        >>> small = MLP(2, [3, 1])
        >>> net = ArrayMLP.from_mlp(small)
        >>> [W.shape for W in net.W], [b.shape for b in net.b]
        ([(2, 3), (3, 1)], [(3,), (1,)])
        >>> float(net.W[0][1, 2]) == small.layers[0].neurons[2].w[1].data
        True
        """
        if not isinstance(model, MLP):
            raise TypeError(f"from_mlp needs a scalargrad MLP, got {type(model).__name__}")
        weights, biases = [], []
        for layer in model.layers:
            weights.append([[n.w[i].data for n in layer.neurons]
                            for i in range(len(layer.neurons[0].w))])
            biases.append([n.b.data for n in layer.neurons])
        first, last = model.layers[0].neurons[0], model.layers[-1].neurons[0]
        return cls(weights, biases, first.activation, last.activation)

    def parameters(self) -> list[Array]:
        """Every weight and bias, in scalargrad's order: neuron by neuron, weights then bias.

        >>> net = ArrayMLP.from_mlp(MLP(3, [4, 4, 1]))
        >>> len(net.parameters())
        41
        """
        return _flat(self.W, self.b)

    def gradients(self) -> list[float]:
        """Every gradient after :meth:`backward`, in the order of :meth:`parameters`.

        >>> net = ArrayMLP.from_mlp(MLP(1, [1], activation="linear"))
        >>> net([[3.0]]).shape
        (1, 1)
        >>> net.backward([[1.0]])
        >>> net.gradients()  # d(w·x + b)/dw = x, d/db = 1
        [3.0, 1.0]
        """
        return _flat(self.grad_W, self.grad_b)

    def __repr__(self) -> str:
        sizes = [W.shape[1] for W in self.W]
        text = f"ArrayMLP({self.W[0].shape[0]}, {sizes}, activation={self.activations[0]!r}"
        if self.activations[-1] != self.activations[0] and len(self.W) > 1:
            text += f", output_activation={self.activations[-1]!r}"
        return text + ")"


def _flat(Ws: Sequence[Array], bs: Sequence[Array]) -> list[float]:
    """Layer by layer, neuron by neuron (column by column): its weights, then its bias."""
    out: list[float] = []
    for W, b in zip(Ws, bs, strict=True):
        for j in range(W.shape[1]):
            out.extend(float(v) for v in W[:, j])
            out.append(float(b[j]))
    return out


def _check_layers(Ws: Sequence[Array], bs: Sequence[Array]) -> None:
    """Raise unless the layers chain: one bias per weight matrix, sizes that match."""
    if not Ws:
        raise ValueError("an ArrayMLP needs at least one layer (one weight matrix)")
    if len(Ws) != len(bs):
        raise ValueError(f"got {len(Ws)} weight matrices but {len(bs)} bias vectors")
    for k, (W, b) in enumerate(zip(Ws, bs, strict=True)):
        if b.shape != (W.shape[1],):
            raise ValueError(f"weights[{k}] has shape {W.shape}, so biases[{k}] must have "
                             f"shape {(W.shape[1],)}; got {b.shape}")
        if k and Ws[k - 1].shape[1] != W.shape[0]:
            raise ValueError(
                f"weights[{k - 1}] {Ws[k - 1].shape} gives {Ws[k - 1].shape[1]} outputs; "
                f"weights[{k}] {W.shape} takes {W.shape[0]} inputs"
            )


def _activations(n: int, activation: str, output_activation: str | None) -> list[str]:
    """One activation per layer: ``activation``, and ``output_activation`` for the last."""
    if output_activation is None:
        output_activation = activation
    for name, act in (("activation", activation), ("output_activation", output_activation)):
        if act not in ACTIVATIONS:
            allowed = ", ".join(repr(a) for a in ACTIVATIONS)
            raise ValueError(f"unknown {name} {act!r}; allowed: {allowed}")
    return [activation] * (n - 1) + [output_activation]


def _check_dout(dout: ArrayLike, seen: list[tuple[Array, Array]]) -> Array:
    """``dout`` as an array shaped like the last forward pass's output."""
    if not seen:
        raise RuntimeError("call the network on a batch before backward()")
    dout = np.asarray(dout, dtype=np.float64)
    out = seen[-1][1]
    if dout.shape != out.shape:
        raise ValueError(f"the output has shape {out.shape}, but dout has shape {dout.shape}")
    return dout


def to_torch(net: ArrayMLP) -> Any:
    """The same network as a float64 ``torch.nn.Sequential``, weights copied (needs PyTorch)."""
    import torch  # only the comparisons with PyTorch need it

    modules = {"tanh": torch.nn.Tanh, "relu": torch.nn.ReLU}
    layers: list[Any] = []
    for W, b, act in zip(net.W, net.b, net.activations, strict=True):
        linear = torch.nn.Linear(*W.shape, dtype=torch.float64)
        with torch.no_grad():  # torch keeps W transposed: one row per neuron
            linear.weight.copy_(torch.from_numpy(W.T))
            linear.bias.copy_(torch.from_numpy(b))
        layers.append(linear)
        if act in modules:
            layers.append(modules[act]())
    return torch.nn.Sequential(*layers)
