"""Measured, not computed: one training step's time on a machine with a GPU.

``data/tensor-scaling-h200.jsonl`` holds one forward + backward of the lecture's loss
through ``MLP(3, [w, w, 1])``, for widths 16 to 4096 and batches of 4 and 1024, in
scalargrad, in :mod:`scalargrad.tensor` (NumPy), in PyTorch on 1 and 16 CPU threads
and in PyTorch on an NVIDIA H200. It was measured once, on another machine than the
one that builds the book; ``data/tensor-scaling-h200.json`` says when, where and how.
The chapter "From scalars to tensors" draws it and cites it; this module reads it,
finds where two engines' lines cross, and draws the figure.

>>> rows = load_scaling()
>>> [(row["batch"], row["width"]) for row in rows][:3]
[(4, 16), (4, 64), (4, 256)]
>>> provenance()["gpu"]
'NVIDIA H200'
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only for the annotations: matplotlib is imported when drawing
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

DATA = "tensor-scaling-h200.jsonl"
PROVENANCE = "tensor-scaling-h200.json"
# (short name, column, legend label, marker, line style): one line of the figure each.
ENGINES = (
    ("scalar", "scalar_ms", "scalargrad (Value)", "o", "-"),
    ("numpy", "numpy_ms", "NumPy (ArrayMLP)", "s", "-"),
    ("cpu1", "torch_cpu_f64_ms_1thread", "PyTorch CPU, 1 thread", "v", ":"),
    ("cpu16", "torch_cpu_f64_ms", "PyTorch CPU, 16 threads", "^", "-"),
    ("gpu64", "torch_cuda_f64_ms", "PyTorch H200, float64", "D", "-"),
    ("gpu32", "torch_cuda_f32_ms", "PyTorch H200, float32", "d", "--"),
)
COLUMNS = {short: column for short, column, *_ in ENGINES}
GPUS = ("gpu64", "gpu32")
FIGURE_SIZE = (6.4, 5.2)  # inches: the book's figure, new_figure(*FIGURE_SIZE)
KEYS = ("batch", "width")


def _text(name: str) -> str:
    """The text of one of the package's data files."""
    return resources.files("scalargrad").joinpath("data", name).read_text(encoding="utf-8")


def provenance() -> dict[str, Any]:
    """When, where and how the data was measured (``data/tensor-scaling-h200.json``)."""
    return json.loads(_text(PROVENANCE))


def _row(line: str, number: int) -> dict[str, float]:
    """One JSON line as a dict; ValueError naming the line if it is not one."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{DATA} line {number}: not JSON ({exc.msg})") from None
    columns = set(COLUMNS.values())
    unknown = set(row) - columns - set(KEYS)
    if not isinstance(row, dict) or unknown or not all(k in row for k in KEYS):
        raise ValueError(
            f"{DATA} line {number}: needs 'batch' and 'width' and only the columns "
            f"{sorted(columns)}, got {sorted(row) if isinstance(row, dict) else row!r}"
        )
    return row


def parse_scaling(text: str) -> list[dict[str, float]]:
    """The measured rows of ``text``, one JSON object a line; trailing notes skipped.

    A line that is not a JSON object must be a ``name: text`` note after the rows.
    """
    rows, notes = [], False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("{") and not notes:
            rows.append(_row(line, number))
        elif ":" in line and not line.startswith("{"):
            notes = True  # e.g. "gpu: NVIDIA H200 torch 2.11.0+cu130"
        elif line.strip():
            raise ValueError(f"{DATA} line {number}: a row after the notes: {line[:40]!r}")
    if not rows:
        raise ValueError(f"{DATA} holds no rows")
    return rows


def load_scaling() -> list[dict[str, float]]:
    """The measured rows, in the file's order: batch, width and milliseconds per engine."""
    return parse_scaling(_text(DATA))


def _check_batch(rows: list[dict[str, float]], batch: object) -> int:
    """``batch`` if the data has it, else ValueError naming the batches it has."""
    batches = sorted({int(row["batch"]) for row in rows})
    if batch not in batches:
        raise ValueError(f"batch must be one of {batches}, got {batch!r}")
    return int(batch)  # type: ignore[call-overload]


def series(rows: list[dict[str, float]], batch: int, engine: str) -> dict[int, float]:
    """Milliseconds by width of one engine (a short name of ENGINES) at one batch size."""
    batch = _check_batch(rows, batch)
    if engine not in COLUMNS:
        raise ValueError(f"engine must be one of {list(COLUMNS)}, got {engine!r}")
    column = COLUMNS[engine]
    at = [r for r in rows if r["batch"] == batch and column in r]
    return {int(r["width"]): float(r[column]) for r in sorted(at, key=lambda r: r["width"])}


@dataclass(frozen=True)
class Crossing:
    """Where one engine's line crosses another's: between widths ``below`` and ``above``."""

    width: float  # on the straight line between the two measured points, log-log
    ms: float
    below: int
    above: int


def crossings(
    rows: list[dict[str, float]], batch: int, engine: str, other: str
) -> list[Crossing]:
    """Where ``engine`` and ``other`` swap places, read off the data (log-log straight lines)."""
    a, b = series(rows, batch, engine), series(rows, batch, other)
    widths = sorted(a.keys() & b.keys())
    found = []
    for lo, hi in itertools.pairwise(widths):
        d_lo, d_hi = math.log(a[lo] / b[lo]), math.log(a[hi] / b[hi])
        if d_lo * d_hi < 0:
            t = d_lo / (d_lo - d_hi)
            width = math.exp(math.log(lo) + t * math.log(hi / lo))
            ms = math.exp(math.log(a[lo]) + t * math.log(a[hi] / a[lo]))
            found.append(Crossing(width, ms, lo, hi))
    return found


def format_ms(ms: float) -> str:
    """Milliseconds as the book prints them: two significant digits, three from 10 on.

    >>> [format_ms(x) for x in (0.0313, 0.7223, 4.0997, 12.7475, 251.6379, 4578.8778)]
    ['0.031', '0.72', '4.1', '12.7', '252', '4,579']
    """
    if ms >= 1000:
        return f"{ms:,.0f}"
    digits = 2 if ms < 10 else 3
    places = max(0, digits - 1 - math.floor(math.log10(ms)))
    return f"{ms:.{places}f}"


def format_times(ratio: float) -> str:
    """A ratio as the book prints it: whole above 10, two significant digits below.

    >>> [format_times(x) for x in (125.69, 8.04, 1.17)]
    ['126', '8.0', '1.2']
    """
    return f"{ratio:,.0f}" if ratio >= 10 else f"{ratio:.1f}"


def round_width(width: float) -> str:
    """A crossing's width to two significant digits, written as the widths are.

    >>> round_width(1164.8), round_width(30.54)
    ('1200', '31')
    """
    return f"{round(width, 1 - math.floor(math.log10(width))):.0f}"


def _engine_fact(rows: list[dict[str, float]], batch: int, width: int, what: str) -> str:
    """``numpy`` (milliseconds) or ``numpy/gpu64`` (how many times as long)."""
    top, _, bottom = what.partition("/")
    ms = series(rows, batch, top)
    if width not in ms:
        raise ValueError(f"{top} was not measured at batch {batch}, width {width}")
    if not bottom:
        return format_ms(ms[width])
    return format_times(ms[width] / series(rows, batch, bottom)[width])


def _crossing_fact(rows: list[dict[str, float]], batch: int, other: str, field: str) -> str:
    """Where the GPU (float64) and ``other`` swap places: its width, ms or measured widths."""
    found = crossings(rows, batch, "gpu64", other)
    if len(found) != 1:
        raise ValueError(f"batch {batch}: gpu64 and {other} cross {len(found)} times, not once")
    value = getattr(found[0], field)
    if field == "width":
        return round_width(value)
    return format_ms(value) if field == "ms" else str(value)


def _batch_fact(rows: list[dict[str, float]], batch: int, what: str) -> str:
    """``gpu.low``/``gpu.high``: the GPU's range; ``cross.numpy.width``: a crossing."""
    if what in ("gpu.low", "gpu.high"):
        times = [ms for gpu in GPUS for ms in series(rows, batch, gpu).values()]
        return format_ms(min(times) if what == "gpu.low" else max(times))
    kind, other, field = [*what.split("."), "", "", ""][:3]
    if kind == "cross" and field in ("width", "ms", "below", "above"):
        return _crossing_fact(rows, batch, other, field)
    raise ValueError(f"unknown fact {what!r} for batch {batch}")


def _plain_facts() -> dict[str, str]:
    """The facts of the provenance file: date, machine, versions, micrograd ratios."""
    meta = provenance()
    plain = {"date": meta["date"], "cores": str(meta["cpu_cores"]), "gpu": meta["gpu"]}
    plain |= {k: v for k, v in meta["versions"].items() if k != "scalargrad"}
    runs = meta["micrograd_w1_ratio"]["runs"]
    return plain | {"w1.low": f"{min(runs):.3f}", "w1.high": f"{max(runs):.3f}"}


def fact(rows: list[dict[str, float]], name: str) -> str:
    """One number of the data as the book prints it, by name; ValueError for an unknown name.

    ``b4.w16.numpy`` is milliseconds, ``b4.w16.scalar/numpy`` a ratio, ``b4.gpu.low``
    and ``b4.gpu.high`` the GPU's fastest and slowest step, ``b4.cross.numpy.width``
    where the GPU (float64) and NumPy swap places (also ``.ms``, ``.below``,
    ``.above``); ``date``, ``cores``, ``gpu``, ``python``, ``numpy``, ``torch`` and
    ``w1.low``/``w1.high`` come from the provenance.

    >>> rows = load_scaling()
    >>> fact(rows, "b4.w16.scalar"), fact(rows, "b4.w16.numpy"), fact(rows, "b4.gpu.low")
    ('4.1', '0.031', '0.62')
    """
    plain = _plain_facts()
    if name in plain:
        return plain[name]
    parts = name.split(".", 2)
    batch = int(parts[0][1:]) if parts[0][:1] == "b" and parts[0][1:].isdigit() else None
    if batch is not None and len(parts) == 3 and parts[1][:1] == "w" and parts[1][1:].isdigit():
        return _engine_fact(rows, batch, int(parts[1][1:]), parts[2])
    if batch is not None and len(parts) > 1:
        return _batch_fact(rows, batch, name.split(".", 1)[1])
    raise ValueError(
        f"unknown fact {name!r}: use b<batch>.w<width>.<engine>[/<engine>], "
        "b<batch>.gpu.low|high, b<batch>.cross.<engine>.width|ms|below|above, "
        f"or one of {sorted(plain)}; engines: {list(COLUMNS)}"
    )


# --- the figure ----------------------------------------------------------------------


def _lines(ax: Axes, rows: list[dict[str, float]], batch: int) -> None:
    """A line per engine, and a ring where the GPU (float64) passes NumPy."""
    from scalargrad.viz import COLORS

    for k, (short, _, label, marker, style) in enumerate(ENGINES):
        ms = series(rows, batch, short)
        ax.plot(list(ms), list(ms.values()), marker=marker, markersize=5, linestyle=style,
                linewidth=1.6, color=COLORS[k], label=label)
    for cross in crossings(rows, batch, "gpu64", "numpy"):
        ax.plot([cross.width], [cross.ms], marker="o", markersize=13, fillstyle="none",
                markeredgewidth=1.8, color="#000000", linestyle="none",
                label="GPU (float64) passes NumPy")
        ax.annotate(f"w ≈ {round_width(cross.width)}", (cross.width, cross.ms),
                    xytext=(10, -14), textcoords="offset points", ha="left",
                    va="top", fontsize=11, fontweight="bold")


def _panel(ax: Axes, rows: list[dict[str, float]], batch: int, floor: tuple[float, float]) -> None:
    """One batch size: the GPU's floor as a band, the engines' lines, log-log axes."""
    ax.axhspan(*floor, color="#999999", alpha=0.3, linewidth=0,
               label="GPU floor at batch 4")
    _lines(ax, rows, batch)
    widths = sorted({int(r["width"]) for r in rows})
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xticks(widths, [str(w) for w in widths])
    ax.minorticks_off()
    ax.set_title(f"batch of {batch}", fontsize=12)
    ax.set_xlabel("layer width w")


def _y_axis(ax: Axes, rows: list[dict[str, float]]) -> None:
    """Decades of milliseconds with plain labels, from below the least to above the most."""
    times = [float(r[c]) for r in rows for c in COLUMNS.values() if c in r]
    decades = range(math.floor(math.log10(min(times))), math.ceil(math.log10(max(times))) + 1)
    ticks = [10.0**e for e in decades]
    ax.set_yticks(ticks, [f"{t:,.{max(0, -e)}f}" for t, e in zip(ticks, decades, strict=True)])
    ax.set_ylim(ticks[0], ticks[-1])
    ax.set_ylabel("milliseconds per step")


def plot_scaling(rows: list[dict[str, float]], fig: Figure) -> Figure:
    """Draw time per step against width into ``fig``: a panel per batch, a line per engine."""
    from scalargrad.viz import book_style

    batches = sorted({int(r["batch"]) for r in rows})
    floor = [ms for gpu in GPUS for ms in series(rows, batches[0], gpu).values()]
    meta, v = provenance(), provenance()["versions"]
    with book_style():
        fig.clear()
        axes = fig.subplots(1, len(batches), sharey=True)
        for ax, batch in zip(axes, batches, strict=True):
            _panel(ax, rows, batch, (min(floor), max(floor)))
        _y_axis(axes[0], rows)
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=2, frameon=False,
                   fontsize=11, handlelength=2.4, columnspacing=1.2)
        fig.suptitle(
            f"One step of MLP(3, [w, w, 1]), measured on {meta['date']}\non another "
            f"machine than the build's: {meta['cpu_cores']} CPU cores, one {meta['gpu']},\n"
            f"Python {v['python']}, NumPy {v['numpy']}, PyTorch {v['torch']}",
            fontsize=10, color="#555555",
        )
    return fig
