"""The chapter's figures: time per training step against layer width.

Wall-clock times cannot be measured while the book builds (two builds must be byte
for byte the same). ``tensors-timings.svg`` draws ``docs/_data/tensors-timings.json``, which
``make bench`` measures on the build machine; ``tensors-gpu.svg`` draws the measurements
made once on a machine with a GPU, which ship with the package
(``scalargrad/data/tensor-scaling-h200.jsonl``) so that the chapter's notebook draws the
same figure with the same function. Each figure says when and where it was measured.

Each is drawn twice: for the page's column and, narrower, for a phone's (``*-phone.svg``):
the chapter reads the panels left and right, so a phone's keep them side by side, with
fewer ticks, the legend under them and the note on the measurement on more lines.
"""

from __future__ import annotations

import functools
import json
import textwrap
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "_data" / "tensors-timings.json"
ENGINES = (
    ("scalargrad", "scalargrad (one Value per number)", "o"),
    ("numpy", "scalargrad.tensor (NumPy)", "s"),
    ("torch", "PyTorch", "^"),
)


def _for_phone(fig, height: float, ticks: list[int]) -> None:
    """A phone's figure: the legend under the panels, ``ticks`` on each width axis, the
    note on the measurement wrapped to the narrower figure."""
    from scalargrad.viz import for_phone

    for ax in fig.axes:
        ax.set_xticks(ticks, [str(w) for w in ticks])
    note = fig.get_suptitle()
    fig.suptitle(textwrap.fill(note.replace("\n", " "), 44), fontsize=11, color="#555555")
    for_phone(fig, height, legend_columns=1)


def timings(phone: bool = False) -> str:
    """Left: milliseconds per step, log-log. Right: how many times faster than scalars."""
    from scalargrad.viz import COLORS, book_style, figure_to_svg, new_figure

    data = json.loads(DATA.read_text(encoding="utf-8"))
    widths, seconds = data["widths"], data["seconds"]
    with book_style():
        fig = new_figure(7.4, 4.2)
        fig.clear()
        left, right = fig.subplots(1, 2)
        for k, (engine, label, marker) in enumerate(ENGINES):
            ms = [1000 * s for s in seconds[engine]]
            left.loglog(widths, ms, marker=marker, markersize=4, linewidth=1.5,
                        color=COLORS[k], label=label)
        left.set_title("time per step", fontsize=12)
        left.set_ylabel("milliseconds (CPU)")
        left.legend(loc="upper left", frameon=False, fontsize=9)
        left.set_ylim(0.01, 2e5)
        for k, (engine, _, marker) in enumerate(ENGINES[1:], start=1):
            ratio = [a / b for a, b in zip(seconds["scalargrad"], seconds[engine], strict=True)]
            right.loglog(widths, ratio, marker=marker, markersize=4, linewidth=1.5,
                         color=COLORS[k])
            for i, offset, ha in ((0, (6, -4), "left"), (-1, (-6, 6), "right")):
                right.annotate(f"{ratio[i]:,.0f}×", (widths[i], ratio[i]), fontsize=10,
                               textcoords="offset points", xytext=offset, ha=ha,
                               va="top" if i == 0 else "bottom", color=COLORS[k])
        right.set_title("times faster than scalargrad", fontsize=12)
        right.set_ylim(5, 5e4)
        fig.supxlabel("layer width w in MLP(3, [w, w, 1])", fontsize=12)
        for ax in (left, right):
            ax.set_xticks(widths, [str(w) for w in widths])
            ax.minorticks_off()
        m, v = data["machine"], data["versions"]
        fig.suptitle(
            f"Measured by make bench on {m['date']}: {m.get('cpu', 'unknown CPU')}, "
            f"{m['cpus']} cores,\nPython {m['python']}, NumPy {v['numpy']}, "
            f"PyTorch {v['torch']}, one thread",
            fontsize=9, color="#555555",
        )
    if phone:  # the model named in the note: a width label under the figure met the legend
        fig.supxlabel("")
        for ax in (left, right):
            ax.set_xlabel("layer width w")
        right.set_title("times faster\nthan scalargrad", fontsize=12)
        fig.suptitle(f"MLP(3, [w, w, 1]). {fig.get_suptitle()}")
        _for_phone(fig, 5.8, [widths[0], widths[len(widths) // 2], widths[-1]])
    return figure_to_svg(fig)


def gpu(phone: bool = False) -> str:
    """Time per step against width on a GPU machine: batch 4 and batch 1024 side by side."""
    from scalargrad.scaling import FIGURE_SIZE, load_scaling, plot_scaling
    from scalargrad.viz import figure_to_svg, new_figure

    fig = plot_scaling(load_scaling(), new_figure(*FIGURE_SIZE))
    if phone:
        for ax in fig.axes:  # where the GPU passes NumPy: a mark in the right half says so
            for note in ax.texts:  # above its left, so that the words stay in the panel
                x, _ = ax.transAxes.inverted().transform(ax.transData.transform(note.xy))
                if x > 0.5:
                    note.set(horizontalalignment="right", verticalalignment="bottom")
                    note.xyann = (-10, 10)
        _for_phone(fig, 6.4, [16, 256, 4096])
    return figure_to_svg(fig)


FIGURES = {
    "tensors-timings.svg": timings,
    "tensors-timings-phone.svg": functools.partial(timings, phone=True),
    "tensors-gpu.svg": gpu,
    "tensors-gpu-phone.svg": functools.partial(gpu, phone=True),
}
