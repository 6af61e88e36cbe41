"""scalargrad: a tiny scalar autograd engine, and the book that builds it.

``import scalargrad`` needs nothing outside the standard library; graphviz and
matplotlib are imported only by the functions that draw (:mod:`scalargrad.viz`).

>>> from scalargrad import Value
>>> x = Value(2.0)
>>> y = x * x * x
>>> y.backward()
>>> x.grad
12.0
"""

from scalargrad.datasets import lecture_dataset, make_moons
from scalargrad.engine import Value, build_topo
from scalargrad.nn import MLP, Layer, Module, Neuron
from scalargrad.training import (
    accuracy,
    hinge_loss,
    linear_decay,
    sgd_step,
    sum_of_squares,
    train,
    train_classifier,
    train_minibatches,
)

__all__ = [
    "MLP",
    "Layer",
    "Module",
    "Neuron",
    "Value",
    "accuracy",
    "build_topo",
    "hinge_loss",
    "lecture_dataset",
    "linear_decay",
    "make_moons",
    "sgd_step",
    "sum_of_squares",
    "train",
    "train_classifier",
    "train_minibatches",
]
__version__ = "0.1.0"
