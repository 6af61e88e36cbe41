"""Mistakes a learner's network can make that the checker once let pass.

Each engine below is a whole learner's file, written here in the lecture's style, with
one mistake in ``nn``: parameters() that lists a weight twice (and leaves the bias out),
parameters() that appends the bias to ``self.w`` itself (so the list grows on every
call), and zero_grad() that resets the data too. The
checker runs them as files, in its child process, as it runs a reader's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scalargrad.chapters import number
from scalargrad.check import check_file

ENGINE = '''\
import math
import random


class Value:
    def __init__(self, data, _children=(), _op=""):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, other):
        out = Value(self.data ** other, (self,), f"**{other}")

        def _backward():
            self.grad += other * self.data ** (other - 1) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        t = (math.exp(2 * self.data) - 1) / (math.exp(2 * self.data) + 1)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t ** 2) * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(max(0.0, self.data), (self,), "ReLU")

        def _backward():
            self.grad += (out.data > 0) * out.grad
        out._backward = _backward
        return out

    def backward(self):
        topo, visited = [], set()

        def build(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build(child)
                topo.append(v)
        build(self)
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()

    def __neg__(self):
        return self * -1

    def __radd__(self, other):
        return self + other

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return other + (-self)

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        return self * other ** -1

    def __rtruediv__(self, other):
        return other * self ** -1


class Neuron:
    def __init__(self, nin):
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(random.uniform(-1, 1))

    def __call__(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.tanh()

    def parameters(self):
        PARAMETERS


class Layer:
    def __init__(self, nin, nout):
        self.neurons = [Neuron(nin) for _ in range(nout)]

    def __call__(self, x):
        outs = [n(x) for n in self.neurons]
        return outs[0] if len(outs) == 1 else outs

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]


class MLP:
    def __init__(self, nin, nouts):
        sz = [nin] + nouts
        self.layers = [Layer(sz[i], sz[i + 1]) for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def zero_grad(self):
        for p in self.parameters():
            ZERO_GRAD
'''

RIGHT = ("return self.w + [self.b]", "p.grad = 0.0")


def engine(tmp_path: Path, name: str, parameters: str, zero_grad: str) -> Path:
    """The learner's file with its Neuron.parameters() and MLP.zero_grad() bodies."""
    path = tmp_path / f"{name}.py"
    path.write_text(ENGINE.replace("PARAMETERS", parameters).replace("ZERO_GRAD", zero_grad))
    return path


def test_the_right_network_passes(tmp_path):
    report = check_file(engine(tmp_path, "right", *RIGHT), chapter="zero-grad-bug")
    assert report.passed, report.text()


@pytest.mark.parametrize(("name", "parameters", "zero_grad", "chapter", "says"), [
    ("weight_twice", "return self.w + [self.w[-1]]", RIGHT[1], "mlp",
     "parameters() lists 9 Value(s) more than once"),
    ("appends_to_w", "params = self.w\n        params.append(self.b)\n        return params",
     RIGHT[1], "mlp", "gave 41 Values, then 50 when called again"),
    ("resets_data", RIGHT[0], "p.grad = 0.0; p.data = 0.0", "zero-grad-bug",
     "zero_grad() changed the data of 41 of 41 parameters"),
])
def test_each_mistake_fails_with_its_message(tmp_path, name, parameters, zero_grad, chapter,
                                             says):
    report = check_file(engine(tmp_path, name, parameters, zero_grad), chapter=chapter)
    text = " ".join(report.text().split())
    assert not report.passed and says in text, text
    assert f"See chapter {number(chapter)}." in text
