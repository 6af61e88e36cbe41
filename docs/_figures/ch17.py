"""Figures of chapter 17: time per training step against layer width.

Wall-clock times cannot be measured while the book builds (two builds must be byte
for byte the same). ``ch17-timings.svg`` draws ``docs/_data/ch17-timings.json``, which
``make bench`` measures on the build machine; ``ch17-gpu.svg`` draws the measurements
made once on a machine with a GPU, which ship with the package
(``scalargrad/data/tensor-scaling-h200.jsonl``) so that the chapter's notebook draws the
same figure with the same function. Each figure says when and where it was measured.
"""

from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "_data" / "ch17-timings.json"
ENGINES = (
    ("scalargrad", "scalargrad (one Value per number)", "o"),
    ("numpy", "scalargrad.tensor (NumPy)", "s"),
    ("torch", "PyTorch", "^"),
)


def timings() -> str:
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
    return figure_to_svg(fig)


def gpu() -> str:
    """Time per step against width on a GPU machine: batch 4 and batch 1024 side by side."""
    from scalargrad.scaling import FIGURE_SIZE, load_scaling, plot_scaling
    from scalargrad.viz import figure_to_svg, new_figure

    return figure_to_svg(plot_scaling(load_scaling(), new_figure(*FIGURE_SIZE)))


FIGURES = {"ch17-timings.svg": timings, "ch17-gpu.svg": gpu}
