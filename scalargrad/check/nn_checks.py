"""The checks of Neuron, Layer and MLP: parameters, output shape, training, zero_grad."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from scalargrad.check import chapters
from scalargrad.check.context import Context, close
from scalargrad.check.engine_checks import failed, passed
from scalargrad.check.remote import is_class, type_name
from scalargrad.check.report import Result
from scalargrad.nn import MLP as ReferenceMLP  # bound now: the page may swap scalargrad.nn

__all__ = ["check_classes", "check_parameters", "check_shape", "check_training",
           "check_zero_grad"]

XS = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]  # the lecture's
YS = [1.0, -1.0, -1.0, 1.0]
STEPS, RATE = 20, 0.05
NIN, NOUTS = 3, [4, 4, 1]  # the network every check builds: MLP(3, [4, 4, 1])
SHOWN = f"MLP({NIN}, {NOUTS})"


@contextmanager
def seeded(ctx: Context, seed: int) -> Iterator[None]:
    """Seed the learner's global ``random`` (the lecture's Neuron draws from it).

    In this process the state is restored afterwards; in the learner's process
    (``ctx.seed``) there is nothing of ours to restore.
    """
    if ctx.seed is not None:
        ctx.seed(seed)
        yield
        return
    state = random.getstate()
    random.seed(seed)
    try:
        yield
    finally:
        random.setstate(state)


def mlp(ctx: Context, seed: int = 0) -> Any:
    """The learner's MLP(3, [4, 4, 1]), its weights drawn from a seeded ``random``."""
    with seeded(ctx, seed):
        return ctx.namespace["MLP"](NIN, list(NOUTS))


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
    """How the checker's loop resets gradients: the MLP's zero_grad() from the zero_grad chapter on.

    Before it (and for an MLP without it) the checker sets every parameter's
    grad to 0 itself: zero_grad() gets its own check at that chapter, with the bug it
    prevents.
    """
    if ctx.wants(chapters.ZERO_GRAD) and callable(getattr(model, "zero_grad", None)):
        return model.zero_grad

    def by_hand() -> None:
        """Every parameter's grad set to 0 by the checker's own loop."""
        for p in model.parameters():
            p.grad = 0.0

    return by_hand


def check_classes(ctx: Context) -> Result:
    """The file defines Neuron, Layer and MLP."""
    missing = [n for n in ("Neuron", "Layer", "MLP") if not is_class(ctx.namespace.get(n))]
    if missing:
        return failed(f"the file defines no {', '.join(missing)}: chapter "
                      f"{chapters.NN} builds Neuron(nin), Layer(nin, nout) and MLP(nin, nouts).",
                      chapters.NN)
    return passed()


def layers_problem(model: Any) -> str:
    """Why the MLP has the wrong number of layers, or "" (also when it keeps no ``layers``)."""
    layers = getattr(model, "layers", None)
    if not isinstance(layers, (list, tuple)) or len(layers) == len(NOUTS):
        return ""
    return (f"{SHOWN} has {len(layers)} layers, expected {len(NOUTS)}: one Layer for each "
            f"entry of nouts, len(nouts) of them, the first taking {NIN} inputs.")


def check_parameters(ctx: Context) -> Result:
    """MLP(3, [4, 4, 1]) has 41 parameters, and one backward pass gives scalargrad's gradients."""
    with seeded(ctx, 0):
        per_neuron = len(ctx.namespace["Neuron"](NIN).parameters())
    model = mlp(ctx)
    params = list(model.parameters())
    sizes = list(zip([NIN, *NOUTS[:-1]], NOUTS, strict=True))
    want = sum((n_in + 1) * n_out for n_in, n_out in sizes)
    counted = " + ".join(f"({n_in}+1)*{n_out}" for n_in, n_out in sizes)
    if len(params) != want or layers_problem(model):
        hint = layers_problem(model)
        if not hint and per_neuron == NIN:
            hint = (f"Neuron({NIN}).parameters() has {NIN}: it should list the weights and the "
                    "bias b.")
        hint = (hint + " " if hint else "") + f"See chapter {chapters.NN}."
        return failed(f"{SHOWN}.parameters() has {len(params)} Values, expected "
                      f"{want} = {counted}. {hint}", chapters.NN)
    return listed_once(model, params) or compare_gradients(ctx, model, params)


def listed_once(model: Any, params: list[Any]) -> Result | None:
    """A failure if parameters() grows from call to call or lists a Value twice, else None.

    A Value listed twice is found by giving each listed Value its own grad: the later
    assignment overwrites the earlier one. The grads are set back to 0 afterwards.
    """
    again = len(list(model.parameters()))
    if again != len(params):
        return failed(f"{SHOWN}.parameters() gave {len(params)} Values, then {again} when "
                      "called again: build the list afresh on each call (return [...]) "
                      "rather than add to a list the object keeps. "
                      f"See chapter {chapters.NN}.", chapters.NN)
    for i, p in enumerate(params):
        p.grad = float(i + 1)
    twice = sum(1 for i, p in enumerate(params) if p.grad != float(i + 1))
    for p in params:
        p.grad = 0.0
    if twice:
        return failed(f"{SHOWN}.parameters() lists {twice} Value(s) more than once: each "
                      "weight and each bias should appear once, or training steps it twice "
                      f"and leaves another out. See chapter {chapters.NN}.", chapters.NN)
    return None


def reference_twin(params: list[Any]) -> Any:
    """scalargrad's MLP(3, [4, 4, 1]) with the learner's weights copied into it, in order."""
    twin = ReferenceMLP(NIN, list(NOUTS))
    for mine, theirs in zip(twin.parameters(), params, strict=True):
        mine.data = float(theirs.data)
    return twin


SCALES = (1.0, 10.0, -3.0)  # small inputs hide a missing tanh; large ones do not


def same_network(model: Any, twin: Any) -> bool:
    """True when the two networks give the same output on every sample, at every scale."""
    for x in XS:
        for k in SCALES:
            xs = [k * v for v in x]
            got = getattr(single(model(xs)), "data", None)
            if not close(got, single(twin(xs)).data):
                return False
    return True


def compare_gradients(ctx: Context, model: Any, params: list[Any]) -> Result:
    """One backward pass of the lecture's loss, against scalargrad's MLP on the same weights.

    Judged only when the two losses agree (same weights in the same order, the same
    forward pass): a network built another way is left to the training check.
    """
    if ctx.wrong:  # a mistake of the engine, reported above: the network's gradients follow
        return passed("gradients not compared: the engine's are "
                      "wrong, see above")
    twin = reference_twin(params)
    if not same_network(model, twin):
        return passed()  # built another way: the training check judges it
    loss, want = loss_of(model), loss_of(twin)
    if not close(getattr(loss, "data", None), want.data):
        return passed()
    loss.backward()
    want.backward()
    got = [p.grad for p in params]
    ref = [p.grad for p in twin.parameters()]
    bad = [i for i, (g, r) in enumerate(zip(got, ref, strict=True)) if not close(g, r)]
    if not bad:
        return passed()
    if all(close(g, 0.0) for g in got):  # copies: gradient descent teaches it with training
        return passed()
    i = bad[0]
    return failed(f"after loss.backward(), {len(bad)} of {len(got)} parameters "
                  f"have a gradient other than scalargrad's MLP with the same weights (the "
                  f"first: parameter {i} has grad {got[i]!r}, expected {ref[i]!r}). The "
                  "engine checks above passed, so look at what the network builds: are the "
                  "Values of each neuron the ones parameters() returns, each used once per "
                  f"sample? See chapter {chapters.NN}.", chapters.NN)


def shape(out: Any) -> str:
    """``a list of 4 Values`` or ``a float``: what a network returned, without reprs."""
    if isinstance(out, (list, tuple)):
        kinds = sorted({type_name(o) for o in out})
        return f"a {type(out).__name__} of {len(out)} ({', '.join(kinds) or 'nothing'})"
    return f"a {type_name(out)}"


def check_shape(ctx: Context) -> Result:
    """An MLP ending in one neuron returns one Value; Layer(3, 4) returns a list of 4."""
    with seeded(ctx, 0):
        layer_out = ctx.namespace["Layer"](3, 4)(XS[0])
    out = mlp(ctx)(XS[0])
    if not isinstance(layer_out, list) or len(layer_out) != 4:
        return failed(f"Layer(3, 4) returned {shape(layer_out)}, expected a "
                      f"list of 4 Values, one per neuron. See chapter {chapters.NN}.", chapters.NN)
    if isinstance(out, (list, tuple)) or not isinstance(getattr(out, "data", None),
                                                         (int, float)):
        why = layers_problem(mlp(ctx)) or (
            "a layer of one neuron returns that Value itself "
            "(`outs[0] if len(outs) == 1 else outs`).")
        return failed(f"{SHOWN} returned {shape(out)}, expected a single "
                      f"Value: {why} See chapter {chapters.NN}.", chapters.NN)
    return passed()


def check_training(ctx: Context) -> Result:
    """20 steps of gradient descent on the lecture's four samples lower the loss."""
    model = mlp(ctx)
    start = [float(p.data) for p in model.parameters()]
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
        return passed()
    went = (f"in {STEPS} steps of gradient descent (rate {RATE}) on the lecture's four "
            f"samples the loss went from {losses[0]:.4f} to {losses[-1]:.4f}")
    return failed(f"{went}; it should fall. "
                  + training_cause(ctx, start, losses), chapters.TRAINING)


def training_cause(ctx: Context, start: list[float], losses: list[float]) -> str:
    """Why training did not lower the loss: copies, symmetry, no non-linearity, divergence."""
    if all(x == 0.0 for x in start):
        return ("Every weight and bias of the network starts at 0, so the neurons of a layer "
                "compute the same and get the same gradient: they stay identical (a symmetry "
                "that gradient descent cannot break). Start them at random numbers, "
                f"random.uniform(-1, 1). See chapter {chapters.NN}.")
    if len(set(start)) == 1:
        return (f"Every parameter starts at the same number, {start[0]!r}: the neurons of a "
                "layer compute the same and stay identical (a symmetry that gradient descent "
                "cannot break). Start them at random numbers, random.uniform(-1, 1). See "
                f"chapter {chapters.NN}.")
    model = mlp(ctx)
    loss_of(model).backward()
    if all(close(p.grad, 0.0) for p in model.parameters()):
        return ("After loss.backward() every Value that parameters() returns still has grad "
                "0, so the steps change nothing: parameters() must return the very Values "
                "the neurons compute with, not copies. See chapter "
                f"{chapters.TRAINING}.")
    if linear(mlp(ctx)):
        return ("The network is linear: its output changes in proportion to its input, so "
                "no neuron applies a non-linearity. Each neuron returns the tanh of its sum "
                "(`act.tanh()`); without it, many layers are no more than one, and here the "
                f"steps overshoot. See chapter {chapters.chapter_of('tanh')}.")
    if any(not math.isfinite(x) for x in losses) or losses[-1] > losses[0]:
        return ("The loss rose (or became inf or nan): the steps made it worse. Check that "
                "the gradients the network's parameters get are the ones backward() "
                f"computes. See chapter {chapters.TRAINING}.")
    largest = max(abs(float(p.grad)) for p in model.parameters())
    if largest < 1e-3:
        weights = max(abs(x) for x in start)
        return (f"After loss.backward() the largest gradient of a parameter is only "
                f"{largest:.2g} (the largest starting parameter is {weights:.2g}): steps of "
                f"{RATE} times it barely move the network. Start the weights at random "
                f"numbers of about the size of 1, random.uniform(-1, 1). See chapter "
                f"{chapters.NN}.")
    return ("The parameters did not follow their gradients: are the Values that "
            "parameters() returns the ones the neurons compute with? See chapter "
            f"{chapters.TRAINING}.")


def linear(model: Any) -> bool:
    """True when the network's output is an affine function of its input (no non-linearity)."""
    x = XS[0]
    outs = [single(model([k * xi for xi in x])) for k in (0.0, 1.0, 2.0)]
    data = [getattr(o, "data", None) for o in outs]
    if not all(isinstance(d, (int, float)) and math.isfinite(d) for d in data):
        return False
    return close(data[2] - data[1], data[1] - data[0]) and not close(data[2], data[1])


def check_zero_grad(ctx: Context) -> Result:
    """After zero_grad(), a second backward pass gives the same gradients, not twice them."""
    model = mlp(ctx, seed=1)
    if not callable(getattr(model, "zero_grad", None)):
        return failed("MLP has no zero_grad(): before every backward pass the "
                      "loop must set each parameter's grad back to 0, or the gradients of "
                      f"all the steps pile up. See chapter {chapters.ZERO_GRAD}.",
                      chapters.ZERO_GRAD)
    grads = []
    for _ in range(2):
        data = [p.data for p in model.parameters()]
        model.zero_grad()
        moved = sum(not close(p.data, d) for p, d in zip(model.parameters(), data, strict=True))
        if moved:
            return failed(f"zero_grad() changed the data of {moved} of {len(data)} "
                          "parameters: it must set each grad to 0 and leave the weights "
                          f"as training made them. See chapter {chapters.ZERO_GRAD}.",
                          chapters.ZERO_GRAD)
        loss_of(model).backward()
        grads.append([p.grad for p in model.parameters()])
    first, second = grads
    piled = sum(not close(b, a) for a, b in zip(first, second, strict=True))
    if not piled:
        return passed()
    return failed(f"after zero_grad() and the same forward and backward pass "
                  f"again, {piled} of {len(first)} parameters had a different grad (the "
                  "gradients piled up). zero_grad() must set every parameter's grad to 0. "
                  f"See chapter {chapters.ZERO_GRAD}.", chapters.ZERO_GRAD)
