"""The chapter's figure: how far backward() is from central differences over random
expressions, for the real engine and for one with a wrong tanh derivative. Drawn twice: for
the page's column and, narrower and taller, for a phone's (``*-phone.svg``)."""

from __future__ import annotations

import functools
import math
import random

from scalargrad import Value
from scalargrad.numeric import gradient_check

WIDTH = 7.0  # inches: the page's content width, so the text stays readable
SEED = 14
PROGRAMS = 400


def buggy_tanh(a: Value) -> Value:
    """tanh with the local derivative 1 - t instead of 1 - t²: the square forgotten."""
    t = math.tanh(a.data)
    return Value(t, (a,), "tanh", _local=(1.0 - t,))


# (operator, number of operands, does an operand value fit): the domains keep every
# operator smooth and defined where it is applied, as in tests/test_properties.py.
OPERATORS = [
    (lambda a, b: a + b, 2, lambda x: True),
    (lambda a, b: a * b, 2, lambda x: True),
    (lambda a, b: a / b, 2, lambda x: abs(x) >= 0.1),
    (lambda a: a**2, 1, lambda x: True),
    (lambda a: a.tanh(), 1, lambda x: True),
    (lambda a: a.exp(), 1, lambda x: x <= 3),
    (lambda a: a.log(), 1, lambda x: x >= 0.1),
    (lambda a: a.sigmoid(), 1, lambda x: True),
]
TANH = 4  # the index of tanh in OPERATORS


def random_program(rng: random.Random) -> tuple[list[float], list[tuple[int, list[int]]]]:
    """Leaves in [-2, 2], then steps that each apply an operator to earlier nodes."""
    leaves = [rng.uniform(-2, 2) for _ in range(rng.randint(1, 3))]
    values = [Value(x) for x in leaves]
    steps: list[tuple[int, list[int]]] = []
    while len(steps) < rng.randint(2, 8):
        k = rng.randrange(len(OPERATORS))
        f, arity, fits = OPERATORS[k]
        # the last operand (a divisor) must fit; every operand stays within ±10
        allowed = [i for i, v in enumerate(values) if abs(v.data) <= 10 and fits(v.data)]
        anyone = [i for i, v in enumerate(values) if abs(v.data) <= 10]
        if not allowed:
            continue
        args = [rng.choice(anyone) for _ in range(arity - 1)] + [rng.choice(allowed)]
        steps.append((k, args))
        values.append(f(*(values[i] for i in args)))
    return leaves, steps


def run(steps: list[tuple[int, list[int]]], tanh) -> callable:
    """The program as a function of its leaves; ``tanh`` is the tanh to use."""

    def f(*inputs: Value) -> Value:
        nodes = list(inputs)
        for k, args in steps:
            op = tanh if k == TANH else OPERATORS[k][0]
            nodes.append(op(*(nodes[i] for i in args)))
        return nodes[-1]

    return f


def disagreements(tanh) -> list[float]:
    """|backward - numeric| / max(1, |numeric|) for every input of every program
    that uses tanh, leaving out inputs the output does not depend on (both 0)."""
    rng = random.Random(SEED)
    out = []
    for _ in range(PROGRAMS):
        leaves, steps = random_program(rng)
        if not any(k == TANH for k, _ in steps):
            continue  # only programs that use tanh: the bug can show in every one
        check = gradient_check(run(steps, tanh), leaves)
        for a, n in zip(check.analytic, check.numeric, strict=True):
            if a != 0 or n != 0:
                out.append(abs(a - n) / max(1.0, abs(n)))
    return out


def gradient_check_errors(phone: bool = False) -> str:
    """Histograms of the disagreement on a log axis: the real engine above, a buggy tanh below."""
    from scalargrad.viz import COLORS, book_style, figure_to_svg, for_phone, new_figure

    floor = 1e-17  # exact agreement (0) is drawn in the leftmost bar
    bins = [10.0 ** (k / 2) for k in range(-34, 3)]
    # a phone's titles and axis label take two lines
    title_sep, label_sep = ("\n", "\n") if phone else ("   ", " ")
    with book_style():
        fig = new_figure(WIDTH, 4.6)
        fig.clear()
        axes = fig.subplots(2, 1, sharex=True, sharey=True)
        for ax, tanh, title, color in (
            (axes[0], lambda a: a.tanh(), "scalargrad's tanh: 1 − t²", COLORS[0]),
            (axes[1], buggy_tanh, "a buggy tanh: 1 − t", COLORS[1]),
        ):
            errors = [max(e, floor) for e in disagreements(tanh)]
            failed = sum(e > 1e-5 for e in errors)
            ax.hist(errors, bins=bins, color=color, edgecolor="white", linewidth=0.6)
            ax.axvline(1e-5, color=COLORS[6], linestyle="--", linewidth=1.5)
            ax.set_title(f"{title}{title_sep}({failed} of {len(errors)} inputs fail)", fontsize=12,
                         loc="left")
            ax.set_ylabel("inputs")
        axes[0].annotate("rtol = 1e-5", (1e-5, 0.9), xycoords=("data", "axes fraction"),
                         xytext=(6, 0), textcoords="offset points", va="top", fontsize=11)
        axes[1].set_xscale("log")
        axes[1].set_xlim(bins[0], bins[-1])
        axes[1].set_xlabel(
            f"|backward − central difference|{label_sep}/ max(1, |central difference|)")
    if phone:
        axes[1].set_xticks([1e-16, 1e-12, 1e-8, 1e-4, 1])
        for_phone(fig, 5.6)
    return figure_to_svg(fig)


FIGURES = {
    "testing-gradient-check-errors.svg": gradient_check_errors,
    "testing-gradient-check-errors-phone.svg": functools.partial(gradient_check_errors, phone=True),
}
