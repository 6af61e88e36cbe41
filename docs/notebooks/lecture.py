# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The whole lecture, on scalargrad
#
# This notebook walks the path of Karpathy's micrograd lecture in one sitting: from the
# slope of a parabola, through a value that remembers how it was made and
# backpropagation, to a neural network that learns. Every step uses the `scalargrad`
# package that the book builds, so each cell is short; the chapters explain what the
# cells only show. Everything random is seeded: running it again gives the same numbers.
#
# The first code cell installs the package from the book's site, as the book's install
# command does; the graph drawings also need Graphviz's `dot` program (the home page
# says how to install it).

# %%
import random

from IPython.display import SVG

from scalargrad import Value
from scalargrad.datasets import lecture_dataset, make_moons
from scalargrad.nn import MLP, Layer, Neuron
from scalargrad.numeric import forward_difference, gradient_check, partial_derivatives
from scalargrad.pitfalls import train_without_zero_grad
from scalargrad.training import (
    accuracy,
    linear_decay,
    sgd_step,
    sum_of_squares,
    train,
    train_classifier,
)
from scalargrad.viz import (
    draw_dot,
    draw_mlp,
    figure_to_svg,
    plot_decision_boundary,
    plot_function,
    plot_loss,
)

# %% [markdown]
# ## 1. The slope of a function
#
# A function of one number, and its graph with the tangent at x = 3
# ({{ chapter slope }}).
# Figures are shown as SVG, the way the book draws them.


# %%
def f(x):
    return 3 * x**2 - 4 * x + 5


SVG(figure_to_svg(plot_function(f, -5, 5, tangent_at=3.0)))

# %% [markdown]
# The slope is "rise over run" for a tiny run h. Calculus says f′(x) = 6x − 4,
# so 14 at x = 3, and −22 at x = −3:

# %%
h = 0.0001
print((f(3.0 + h) - f(3.0)) / h)
print(forward_difference(f, 3.0), forward_difference(f, -3.0))

# %% [markdown]
# ## 2. Many inputs
#
# d = a·b + c has three inputs, so three slopes: nudge one input at a time
# ({{ chapter many-inputs }}).


# %%
def d_of(a, b, c):
    return a * b + c


[round(s, 4) for s in partial_derivatives(d_of, [2.0, -3.0, 10.0])]

# %% [markdown]
# ## 3. A value that remembers
#
# A [`Value`](https://scalargrad.github.io/scalargrad/reference/api/#scalargrad.engine.Value)
# holds a number, and remembers the operation and the inputs that made it
# ({{ chapter value }}).
# Here is the lecture's expression L, with every node labelled.

# %%
a = Value(2.0, label="a")
b = Value(-3.0, label="b")
c = Value(10.0, label="c")
e = a * b
e.label = "e"
d = e + c
d.label = "d"
f_ = Value(-2.0, label="f")
L = d * f_
L.label = "L"
L, L._prev, L._op

# %%
draw_dot(L, rankdir="TB")

# %% [markdown]
# ## 4. Backpropagation
#
# `L.backward()` fills in every node's `grad`, ∂L/∂node,
# from the output back to the inputs with the chain rule
# ({{ chapters backprop-by-hand and automating-backward }}).

# %%
L.backward()
[(v.label, v.grad) for v in (a, b, c, e, d, f_)]

# %%
draw_dot(L, rankdir="TB")

# %% [markdown]
# Each gradient says which way to nudge an input to raise L. Nudging all four leaves
# a little in the direction of their gradients does raise it:

# %%
for leaf in (a, b, c, f_):
    leaf.data += 0.01 * leaf.grad
print(L.data, "->", ((a * b + c) * f_).data)

# %% [markdown]
# ## 5. A neuron
#
# Two inputs, two weights, a bias, and tanh
# ({{ chapter neuron }}).
# The bias is chosen so that the output is 1/√2.

# %%
x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
bias = Value(6.8813735870195432, label="b")
x1w1 = x1 * w1
x1w1.label = "x1*w1"
x2w2 = x2 * w2
x2w2.label = "x2*w2"
n = x1w1 + x2w2 + bias
n.label = "n"
o = n.tanh()
o.label = "o"
o.backward()
draw_dot(o, rankdir="TB")

# %% [markdown]
# The same gradients, estimated numerically with
# [`gradient_check`](https://scalargrad.github.io/scalargrad/reference/api/#scalargrad.numeric.gradient_check),
# which nudges each input and compares:


# %%
def neuron(x1, x2, w1, w2, b):
    return (x1 * w1 + x2 * w2 + b).tanh()


check = gradient_check(neuron, [2.0, 0.0, -3.0, 1.0, 6.8813735870195432])
check.ok, [round(g, 4) for g in check.analytic]

# %% [markdown]
# ## 6. The accumulation bug, fixed
#
# A value used twice must collect a gradient from both uses
# ({{ chapter accumulation-bug }}):
# `backward` adds with `+=`.

# %%
a = Value(3.0, label="a")
b = a + a
b.backward()
a.grad

# %% [markdown]
# ## 7. tanh from smaller pieces
#
# tanh(n) = (e²ⁿ − 1)/(e²ⁿ + 1), built from `exp`, `-`, `+` and `/`, gives the
# same output and the same gradient ({{ chapter more-operations }}).

# %%
n2 = Value(0.8813735870195432)
e2 = (2 * n2).exp()
o2 = (e2 - 1) / (e2 + 1)
o2.backward()
round(o2.data, 6), round(n2.grad, 6)

# %% [markdown]
# ## 8. Neurons, layers and an MLP
#
# The package's [`Neuron`](https://scalargrad.github.io/scalargrad/reference/api/#scalargrad.nn.Neuron),
# [`Layer`](https://scalargrad.github.io/scalargrad/reference/api/#scalargrad.nn.Layer) and
# [`MLP`](https://scalargrad.github.io/scalargrad/reference/api/#scalargrad.nn.MLP)
# build such expressions for us ({{ chapter mlp }}).
# Their weights come from Python's `random`; `random.seed(0)` first makes them the book's.

# %%
x = [2.0, 3.0, -1.0]
random.seed(0)
model = MLP(3, [4, 4, 1])
model(x), len(model.parameters())

# %%
draw_mlp(model)

# %% [markdown]
# A layer returns one output per neuron; a neuron returns one Value:

# %%
layer = Layer(3, 4)
single = Neuron(3)
len(layer(x)), type(single(x)).__name__

# %% [markdown]
# ## 9. A loss
#
# The four samples and their targets; the sum of squared errors says how wrong the
# network is ({{ chapter gradient-descent }}).

# %%
xs, ys = lecture_dataset()
ypred = [model(x) for x in xs]
loss = sum_of_squares(ypred, ys)
[round(p.data, 4) for p in ypred], loss

# %% [markdown]
# One backward pass gives all 41 parameters a gradient; the first weight of the first
# neuron, for example:

# %%
loss.backward()
w = model.layers[0].neurons[0].w[0]
w.data, w.grad

# %% [markdown]
# ## 10. One step of gradient descent
#
# Move every parameter a little *against* its gradient, then measure again:

# %%
sgd_step(model.parameters(), lr=0.05)
print(loss.data, "->", sum_of_squares([model(x) for x in xs], ys).data)

# %% [markdown]
# ## 11. The training loop
#
# Forward, loss, `zero_grad`, backward, update, twenty times:
# [`train`](https://scalargrad.github.io/scalargrad/reference/api/#scalargrad.training.train).

# %%
random.seed(0)
model = MLP(3, [4, 4, 1])
losses = train(model, xs, ys, steps=20, lr=0.05)
SVG(figure_to_svg(plot_loss({"learning rate 0.05": losses})))

# %%
[round(model(x).data, 4) for x in xs]

# %% [markdown]
# ## 12. The zero_grad bug
#
# The lecture's first loop forgot to reset the gradients. On these four samples it
# even looks faster; with targets ±0.5 it never settles
# ({{ chapter zero-grad-bug }}).

# %%
def fresh():
    """The seed-0 network, the same every time."""
    random.seed(0)
    return MLP(3, [4, 4, 1])


half = [y / 2 for y in ys]
runs = {
    "targets ±1, with zero_grad": train(fresh(), xs, ys, steps=60, lr=0.05),
    "targets ±1, without": train_without_zero_grad(fresh(), xs, ys, steps=60, lr=0.05),
    "targets ±0.5, with zero_grad": train(fresh(), xs, half, steps=60, lr=0.05),
    "targets ±0.5, without": train_without_zero_grad(fresh(), xs, half, steps=60, lr=0.05),
}
SVG(figure_to_svg(plot_loss({k: [v + 1e-12 for v in losses] for k, losses in runs.items()},
                            log_y=True)))

# %% [markdown]
# (`1e-12` is added only so that a loss of exactly 0.0 can sit on the log axis.)
#
# ## 13. A real classifier
#
# micrograd's demo: two moons, ReLU hidden layers, a linear output score, the hinge
# loss with L2 regularization and a decaying learning rate
# ({{ chapter classifier }}).
# As in {{ chapter classifier }}: 50 points, all of them at every step, for 50 steps (micrograd's
# demo takes 100 points and 100 steps).

# %%
X, y = make_moons(n_samples=50, noise=0.1, seed=0)
random.seed(0)
clf = MLP(2, [8, 8, 1], activation="relu", output_activation="linear")
losses, accuracies = train_classifier(clf, X, y, steps=50, lr=linear_decay(1.0, 0.1, 50))
accuracy([clf(p) for p in X], y)

# %%
SVG(figure_to_svg(plot_decision_boundary(clf, X, y, resolution=30)))

# %% [markdown]
# From the slope of a parabola to a trained classifier, with nothing hidden: every
# number above was computed by the few hundred lines of `scalargrad`. The book's last
# chapters test the engine against PyTorch and measure its speed.
