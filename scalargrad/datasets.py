"""Data to train on: the lecture's four samples, and two interleaving moons.

Both are plain Python lists, so they go straight into a model:
``[model(x) for x in xs]``. :func:`make_moons` is a pure-Python version of
scikit-learn's function: the outer moon is labelled -1 and the inner moon +1;
points are shuffled, then Gaussian noise of standard deviation ``noise`` is
added to each coordinate, all drawn from ``random.Random(seed)``.
:func:`lecture_dataset` returns fresh lists on every call.

Also the lecture's two example expressions, ready built, for figures and tests
that need them again.

>>> from scalargrad.datasets import lecture_dataset, make_moons
>>> xs, ys = lecture_dataset()
>>> len(xs), ys
(4, [1.0, -1.0, -1.0, 1.0])
>>> X, y = make_moons(10, seed=0)
>>> len(X), sorted(set(y))
(10, [-1, 1])
"""

# --8<-- [start:imports]
from __future__ import annotations

import math
import random

# --8<-- [end:imports]
from scalargrad.engine import Value

__all__ = ["lecture_dataset", "lecture_expression", "lecture_neuron", "make_moons"]


def lecture_expression() -> Value:
    """The lecture's first expression, ``L = (a*b + c) * f``, every node labelled.

    >>> L = lecture_expression()
    >>> L, [child.label for child in L._prev]
    (Value(data=-8.0), ['d', 'f'])
    """
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = Value(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    f = Value(-2.0, label="f")
    L = d * f
    L.label = "L"
    return L


def lecture_neuron() -> Value:
    """The lecture's neuron, ``o = tanh(x1*w1 + x2*w2 + b)``, every node labelled.

    The bias 6.8813735870195432 makes the output about 0.7071.

    >>> o = lecture_neuron()
    >>> o.label, round(o.data, 4)
    ('o', 0.7071)
    """
    x1 = Value(2.0, label="x1")
    x2 = Value(0.0, label="x2")
    w1 = Value(-3.0, label="w1")
    w2 = Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    s = x1w1 + x2w2
    s.label = "x1*w1 + x2*w2"
    n = s + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o


# --8<-- [start:lecture-dataset]
def lecture_dataset() -> tuple[list[list[float]], list[float]]:
    """The lecture's four inputs of three numbers each, and their targets."""
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]  # desired targets
    return xs, ys
# --8<-- [end:lecture-dataset]


# --8<-- [start:moons]
def _linspace(start: float, stop: float, n: int) -> list[float]:
    """``n`` evenly spaced numbers from ``start`` to ``stop`` inclusive."""
    if n == 1:  # guard: corner: one point per moon
        return [start]
    step = (stop - start) / (n - 1)
    return [start + i * step for i in range(n - 1)] + [stop]


def make_moons(n_samples: int = 100, noise: float = 0.1,
               seed: int = 0) -> tuple[list[list[float]], list[int]]:
    """Two interleaving half circles, labelled -1 (outer) and +1 (inner)."""
    _check_moons_args(n_samples, noise, seed)  # guard
    n_out, n_in = n_samples // 2, n_samples - n_samples // 2
    X = [[math.cos(t), math.sin(t)] for t in _linspace(0.0, math.pi, n_out)]
    X += [[1.0 - math.cos(t), 0.5 - math.sin(t)]
          for t in _linspace(0.0, math.pi, n_in)]
    y = [-1] * n_out + [1] * n_in
    rng = random.Random(seed)
    order = list(range(n_samples))
    rng.shuffle(order)
    X = [[X[i][0] + rng.gauss(0.0, noise), X[i][1] + rng.gauss(0.0, noise)]
         for i in order]
    return X, [y[i] for i in order]
# --8<-- [end:moons]


# The guard rail that the line tagged "# guard" calls; the book's listing and the
# reader's file leave that line out.


def _check_moons_args(n_samples: object, noise: object, seed: object) -> None:
    """Raise unless the arguments of :func:`make_moons` make sense."""
    if isinstance(n_samples, bool) or not isinstance(n_samples, int):
        raise TypeError(
            "n_samples must be an int, "
            f"got {type(n_samples).__name__}: {n_samples!r}"
        )
    if n_samples < 2:
        raise ValueError(
            "n_samples must be at least 2 (one point per moon), "
            f"got {n_samples}"
        )
    if isinstance(noise, bool) or not isinstance(noise, (int, float)):
        raise TypeError(
            f"noise must be a number, got {type(noise).__name__}: {noise!r}"
        )
    if not noise >= 0 or math.isinf(noise):
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(
            f"seed must be an int, got {type(seed).__name__}: {seed!r}"
        )
