"""The checks of Neuron, Layer and MLP: parameters, output shape, training, zero_grad."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from scalargrad.check import chapters
from scalargrad.check.context import Context, close
from scalargrad.check.engine_checks import failed, passed
from scalargrad.check.report import Result

__all__ = ["NN_CHECKS"]

XS = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]  # the lecture's
YS = [1.0, -1.0, -1.0, 1.0]
STEPS, RATE = 20, 0.05


@contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Seed the global ``random`` (the lecture's Neuron draws from it), then restore it."""
    state = random.getstate()
    random.seed(seed)
    try:
        yield
    finally:
        random.setstate(state)


def mlp(ctx: Context, seed: int = 0) -> Any:
    """The learner's MLP(3, [4, 4, 1]), its weights drawn from a seeded ``random``."""
    with seeded(seed):
        return ctx.namespace["MLP"](3, [4, 4, 1])


def single(out: Any) -> Any:
    """The network's output as one Value, also when it came as a list of one."""
    return out[0] if isinstance(out, list) and len(out) == 1 else out


def loss_of(model: Any) -> Any:
    """The lecture's loss: the sum of squared errors on the four samples."""
    total = None
    for x, y in zip(XS, YS, strict=True):
        diff = single(model(x)) + (-y)
        total = diff * diff if total is None else total + diff * diff
    return total


def zeroer(ctx: Context, model: Any) -> Callable[[], None]:
    """How the loop resets gradients: zero_grad() from chapter 12, by hand before it."""
    if ctx.wants(chapters.ZERO_GRAD) and callable(getattr(model, "zero_grad", None)):
        return model.zero_grad

    def by_hand() -> None:
        """The lecture's loop before zero_grad(): every parameter's grad set to 0."""
        for p in model.parameters():
            p.grad = 0.0

    return by_hand


def check_classes(ctx: Context) -> Result:
    """The file defines Neuron, Layer and MLP."""
    missing = [n for n in ("Neuron", "Layer", "MLP") if not isinstance(ctx.namespace.get(n), type)]
    if missing:
        return failed("Neuron, Layer, MLP", f"the file defines no {', '.join(missing)}: chapter "
                      "10 builds Neuron(nin), Layer(nin, nout) and MLP(nin, nouts).", 10)
    return passed("Neuron, Layer, MLP")


def check_parameters(ctx: Context) -> Result:
    """MLP(3, [4, 4, 1]) has (3+1)*4 + (4+1)*4 + (4+1)*1 = 41 parameters."""
    with seeded(0):
        per_neuron = len(ctx.namespace["Neuron"](3).parameters())
    count = len(mlp(ctx).parameters())
    if count == 41:
        return passed("parameters()")
    hint = ""
    if per_neuron == 3:
        hint = " Neuron(3).parameters() has 3: it should list the weights and the bias b."
    return failed("parameters()", f"MLP(3, [4, 4, 1]).parameters() has {count} Values, expected "
                  f"41 = (3+1)*4 + (4+1)*4 + (4+1)*1.{hint} See chapter 10.", 10)


def shape(out: Any) -> str:
    """``a list of 4 Values`` or ``a float``: what a network returned, without reprs."""
    if isinstance(out, (list, tuple)):
        kinds = sorted({type(o).__name__ for o in out})
        return f"a {type(out).__name__} of {len(out)} ({', '.join(kinds) or 'nothing'})"
    return f"a {type(out).__name__}"


def check_shape(ctx: Context) -> Result:
    """An MLP ending in one neuron returns one Value; Layer(3, 4) returns a list of 4."""
    with seeded(0):
        layer_out = ctx.namespace["Layer"](3, 4)(XS[0])
    out = mlp(ctx)(XS[0])
    if not isinstance(layer_out, list) or len(layer_out) != 4:
        return failed("output shape", f"Layer(3, 4) returned {shape(layer_out)}, expected a "
                      "list of 4 Values, one per neuron. See chapter 10.", 10)
    if not isinstance(out, ctx.Value):
        return failed("output shape", f"MLP(3, [4, 4, 1]) returned {shape(out)}, expected a single "
                      "Value: a layer of one neuron returns that Value itself "
                      "(`outs[0] if len(outs) == 1 else outs`). See chapter 10.", 10)
    return passed("output shape")


def check_training(ctx: Context) -> Result:
    """20 steps of gradient descent on the lecture's four samples lower the loss."""
    model = mlp(ctx)
    zero = zeroer(ctx, model)
    losses = []
    for _ in range(STEPS):
        loss = loss_of(model)
        losses.append(loss.data)
        zero()
        loss.backward()
        for p in model.parameters():
            p.data += -RATE * p.grad
    if losses[-1] < 0.9 * losses[0]:
        return passed("training lowers the loss")
    return failed("training lowers the loss", f"in {STEPS} steps of gradient descent (rate "
                  f"{RATE}) on the lecture's four samples the loss went from {losses[0]:.4f} to "
                  f"{losses[-1]:.4f}; it should fall. Do parameters() return the very Values the "
                  "neurons compute with (not copies), and does each step do "
                  "p.data += -rate * p.grad? See chapter 11.", 11)


def check_zero_grad(ctx: Context) -> Result:
    """After zero_grad(), a second backward pass gives the same gradients, not twice them."""
    model = mlp(ctx, seed=1)
    if not callable(getattr(model, "zero_grad", None)):
        return failed("zero_grad()", "MLP has no zero_grad(): before every backward pass the "
                      "loop must set each parameter's grad back to 0, or the gradients of "
                      "all the steps pile up. See chapter 12.", 12)
    grads = []
    for _ in range(2):
        model.zero_grad()
        loss_of(model).backward()
        grads.append([p.grad for p in model.parameters()])
    first, second = grads
    piled = sum(not close(b, a) for a, b in zip(first, second, strict=True))
    if not piled:
        return passed("zero_grad()")
    return failed("zero_grad()", f"after zero_grad() and the same forward and backward pass "
                  f"again, {piled} of {len(first)} parameters had a different grad (the "
                  "gradients piled up). zero_grad() must set every parameter's grad to 0. "
                  "See chapter 12.", 12)


NN_CHECKS = [  # (check, the chapter from which it runs)
    (check_classes, chapters.NN),
    (check_parameters, chapters.NN),
    (check_shape, chapters.NN),
    (check_training, chapters.TRAINING),
    (check_zero_grad, chapters.ZERO_GRAD),
]

