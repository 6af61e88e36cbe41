"""The tensors chapter's GPU measurements: the data file, the numbers the prose cites, the figure.

The data was measured once on another machine and ships with the package
(scalargrad/data/tensor-scaling-h200.jsonl, its provenance beside it). These tests check
that the file is the one recorded, that every number the tensors chapter (and the
performance chapter) cites is a token read from it, and that the figure draws exactly its
numbers.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import re
from pathlib import Path

import pytest

from scalargrad import scaling
from scalargrad.scaling import (
    ENGINES,
    FIGURE_SIZE,
    crossings,
    fact,
    load_scaling,
    parse_scaling,
    plot_scaling,
    provenance,
    series,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "scalargrad" / "data" / "tensor-scaling-h200.jsonl"
CHAPTER = ROOT / "docs" / "chapters" / "tensors.md"
SECTION = "## And on a GPU?"


def raw_rows() -> list[dict]:
    """The file's rows read independently of scalargrad.scaling."""
    lines = DATA.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.startswith("{")]


def load_module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the data and its provenance ---------------------------------------------------------


def test_the_data_file_is_the_recorded_one() -> None:
    meta = provenance()
    assert hashlib.sha256(DATA.read_bytes()).hexdigest() == meta["sha256"]
    assert meta["file"] == DATA.name
    for key in ("date", "machine", "gpu", "cpu_cores", "statistic", "step"):
        assert meta[key], key
    assert set(meta["versions"]) >= {"python", "numpy", "torch"}
    # the file's own trailing note names the same GPU and PyTorch
    note = DATA.read_text(encoding="utf-8").splitlines()[-1]
    assert note == f"gpu: {meta['gpu']} torch {meta['versions']['torch']}"
    assert set(meta["columns"]) == {column for _, column, *_ in ENGINES}


def test_load_scaling_reads_every_row_unchanged() -> None:
    rows = load_scaling()
    assert rows == raw_rows()
    assert sorted({r["batch"] for r in rows}) == [4, 1024]
    assert sorted({r["width"] for r in rows}) == [16, 64, 256, 1024, 4096]
    assert all(v > 0 for r in rows for k, v in r.items() if k.endswith("_ms"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"batch": 4, "width": 16, "numpy_ms": 1.0}\n{"batch": 4,', "line 2: not JSON"),
        ('{"batch": 4, "width": 16, "gpu_ms": 1.0}', "line 1: needs 'batch' and 'width'"),
        ('{"width": 16, "numpy_ms": 1.0}', "line 1: needs 'batch'"),
        ('{"batch": 4, "width": 16, "numpy_ms": 1.0}\nnote: x\n{"batch": 4}', "after the notes"),
        ("note: only a note", "holds no rows"),
    ],
)
def test_a_malformed_file_is_refused_with_the_line(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_scaling(text)


def test_series_names_what_is_allowed() -> None:
    rows = load_scaling()
    assert series(rows, 1024, "scalar") == {16: 4578.8778}  # only where it finished
    with pytest.raises(ValueError, match=r"batch must be one of \[4, 1024\], got 8"):
        series(rows, 8, "numpy")
    with pytest.raises(ValueError, match=r"engine must be one of \['scalar', 'numpy'"):
        series(rows, 4, "cuda")


# --- crossings ---------------------------------------------------------------------------


def test_crossing_of_two_known_lines() -> None:
    # a rises from 1 to 4 ms and b falls from 4 to 1 ms between widths 16 and 64:
    # on log-log axes they cross halfway, at width 32 and 2 ms.
    rows = [
        {"batch": 4, "width": 16, "numpy_ms": 4.0, "torch_cuda_f64_ms": 1.0},
        {"batch": 4, "width": 64, "numpy_ms": 1.0, "torch_cuda_f64_ms": 4.0},
    ]
    (cross,) = crossings(rows, 4, "gpu64", "numpy")
    assert (cross.below, cross.above) == (16, 64)
    assert math.isclose(cross.width, 32) and math.isclose(cross.ms, 2)
    assert crossings(rows[:1], 4, "gpu64", "numpy") == []


def test_the_gpu_passes_numpy_once_per_batch_between_the_measured_widths() -> None:
    rows = raw_rows()
    for batch in (4, 1024):
        (cross,) = crossings(load_scaling(), batch, "gpu64", "numpy")
        at = {r["width"]: r for r in rows if r["batch"] == batch}
        below, above = at[cross.below], at[cross.above]
        assert below["torch_cuda_f64_ms"] > below["numpy_ms"]
        assert above["torch_cuda_f64_ms"] < above["numpy_ms"]
        assert cross.below < cross.width < cross.above


# --- the numbers the prose cites ---------------------------------------------------------


def test_facts_are_the_files_numbers() -> None:
    rows = load_scaling()
    raw = {(r["batch"], r["width"]): r for r in raw_rows()}
    assert fact(rows, "b4.w16.scalar") == "4.1" == f"{raw[4, 16]['scalar_ms']:.1f}"
    assert fact(rows, "b4.w16.numpy") == "0.031"
    assert fact(rows, "b1024.w4096.gpu64") == "2.0"
    assert fact(rows, "b1024.w4096.numpy") == f"{raw[1024, 4096]['numpy_ms']:.0f}"
    assert fact(rows, "b1024.w4096.cpu16") == f"{raw[1024, 4096]['torch_cpu_f64_ms']:.0f}"
    ratio = raw[1024, 4096]["numpy_ms"] / raw[1024, 4096]["torch_cuda_f64_ms"]
    assert fact(rows, "b1024.w4096.numpy/gpu64") == f"{ratio:.0f}"
    gpu4 = [r[c] for r in raw.values() if r["batch"] == 4
            for c in ("torch_cuda_f64_ms", "torch_cuda_f32_ms")]
    assert (fact(rows, "b4.gpu.low"), fact(rows, "b4.gpu.high")) == (
        f"{min(gpu4):.2f}", f"{max(gpu4):.2f}")
    assert fact(rows, "b4.cross.numpy.below") == "1024"
    assert fact(rows, "b4.cross.numpy.width") == "1200"  # 1164.8, to two digits
    assert fact(rows, "date") == provenance()["date"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("b4.w16.cuda", "engine must be one of"),
        ("b4.w4096.scalar", "scalar was not measured at batch 4, width 4096"),
        ("b8.w16.numpy", "batch must be one of"),
        ("b4.cross.cpu1.speed", "unknown fact"),
        ("colour", "unknown fact 'colour'"),
    ],
)
def test_an_unknown_fact_is_refused(name: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        fact(load_scaling(), name)


def _section(markdown: str) -> str:
    start = markdown.index(SECTION)
    end = markdown.index("\n## ", start + len(SECTION))
    return markdown[start:end]


_CODE = re.compile(r"```.*?```|`[^`\n]+`|\$[^$\n]+\$|\]\([^)\s]+\)", re.S)
_TOKEN = re.compile(r"\{\{ h200 [^}]+ \}\}")


def test_every_number_in_the_gpu_section_is_read_from_the_data() -> None:
    """Outside code, math and {{ h200 ... }} tokens, only the data's widths and batches."""
    text = _TOKEN.sub(" ", _CODE.sub(" ", _section(CHAPTER.read_text(encoding="utf-8"))))
    rows = raw_rows()
    allowed = {str(r["width"]) for r in rows} | {str(r["batch"]) for r in rows}
    typed = set(re.findall(r"\d[\d,.]*\d|\d", text)) - allowed
    assert not typed, f"numbers typed by hand in {SECTION!r}: {sorted(typed)}"


def test_every_token_in_the_book_resolves() -> None:
    hook = load_module(ROOT / "docs" / "hooks" / "measured.py", "_test_measured")
    for page in sorted((ROOT / "docs").rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        out = hook.substitute(text, page.name)
        assert "{{ h200" not in out, page
    section = hook.substitute(_section(CHAPTER.read_text(encoding="utf-8")), "17")
    rows = load_scaling()
    for name in ("b4.w16.scalar", "b4.w16.numpy", "b1024.w4096.gpu64", "b4.gpu.low"):
        assert fact(rows, name) in section


def test_a_bad_token_fails_the_build() -> None:
    from mkdocs.exceptions import PluginError

    hook = load_module(ROOT / "docs" / "hooks" / "measured.py", "_test_measured")
    with pytest.raises(PluginError, match="unknown fact 'nope'"):
        hook.substitute("{{ h200 nope }}", "page.md")
    with pytest.raises(PluginError, match="malformed token"):
        hook.substitute("{{ h200 b4 w16 }}", "page.md")


# --- the figure --------------------------------------------------------------------------


def test_the_figure_draws_the_files_numbers() -> None:
    pytest.importorskip("matplotlib")
    from scalargrad.viz import new_figure

    rows = load_scaling()
    fig = plot_scaling(rows, new_figure(*FIGURE_SIZE))
    axes = fig.axes
    assert [ax.get_title() for ax in axes] == ["batch of 4", "batch of 1024"]
    raw = raw_rows()
    for ax, batch in zip(axes, (4, 1024), strict=True):
        assert (ax.get_xscale(), ax.get_yscale()) == ("log", "log")
        lines = {line.get_label(): line for line in ax.get_lines()}
        for _, column, label, *_ in ENGINES:
            want = [(r["width"], r[column]) for r in raw if r["batch"] == batch and column in r]
            got = list(zip(lines[label].get_xdata(), lines[label].get_ydata(), strict=True))
            assert got == sorted(want), (batch, label)
        ring = lines["GPU (float64) passes NumPy"]
        (cross,) = crossings(rows, batch, "gpu64", "numpy")
        assert (ring.get_xdata()[0], ring.get_ydata()[0]) == (cross.width, cross.ms)
        (band,) = ax.patches  # the GPU's floor at batch 4
        gpu4 = [r[c] for r in raw if r["batch"] == 4
                for c in ("torch_cuda_f64_ms", "torch_cuda_f32_ms")]
        low, high = band.get_y(), band.get_y() + band.get_height()
        assert math.isclose(low, min(gpu4)) and math.isclose(high, max(gpu4))
    meta = provenance()
    assert meta["date"] in fig._suptitle.get_text() and meta["gpu"] in fig._suptitle.get_text()


def test_the_books_figure_is_that_figure_and_the_same_every_time() -> None:
    pytest.importorskip("matplotlib")
    from scalargrad.viz import figure_to_svg, new_figure

    module = load_module(ROOT / "docs" / "_figures" / "tensors.py", "_test_tensors")
    svg = module.FIGURES["tensors-gpu.svg"]()
    assert svg == module.gpu()
    assert svg == figure_to_svg(plot_scaling(load_scaling(), new_figure(*FIGURE_SIZE)))


def test_the_chapter_draws_the_figure_with_the_same_call() -> None:
    """The chapter's example (and so its notebook) calls what the figure module calls."""
    text = CHAPTER.read_text(encoding="utf-8")
    assert ">>> plot_scaling(rows, new_figure(*FIGURE_SIZE))" in text
    assert "](../figures/tensors-gpu.svg)" in _section(text)
    figure_module = (ROOT / "docs" / "_figures" / "tensors.py").read_text(encoding="utf-8")
    assert "plot_scaling(load_scaling(), new_figure(*FIGURE_SIZE))" in figure_module
    assert scaling.__name__ == "scalargrad.scaling"


# --- in the built site -------------------------------------------------------------------


def test_the_built_chapter_cites_the_data_and_its_notebook_draws_it(site: Path) -> None:
    html = (site / "chapters" / "tensors" / "index.html").read_text(encoding="utf-8")
    assert "{{ h200" not in html
    rows = load_scaling()
    meta = provenance()
    for name in ("b4.w16.scalar", "b4.w16.numpy", "b1024.w4096.numpy", "b4.cross.numpy.width"):
        assert fact(rows, name) in html, name
    assert meta["date"] in html and meta["gpu"] in html
    published = site / "_data" / DATA.name  # the chapter links the file it cites
    assert published.read_bytes() == DATA.read_bytes()
    assert f'href="../../_data/{DATA.name}"' in html
    module = load_module(ROOT / "docs" / "_figures" / "tensors.py", "_test_ch17_site")
    assert (site / "figures" / "tensors-gpu.svg").read_text(encoding="utf-8") == module.gpu()
    nb = json.loads((site / "notebooks" / "tensors.ipynb").read_text(encoding="utf-8"))
    drawn = [c for c in nb["cells"] if "plot_scaling(rows, new_figure" in "".join(c["source"])]
    assert len(drawn) == 1
    assert any("image/png" in o.get("data", {}) for o in drawn[0]["outputs"])
