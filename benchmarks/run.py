"""The benchmarks behind chapter 15 ("How fast, and why"): ``make bench``.

Every measurement runs in its own fresh interpreter (a subprocess of this script), and the
engines take turns: micrograd leaves cyclic garbage behind, which the garbage collector
then processes during whatever code runs next, so timing two engines in one process
would bill one engine for the other's garbage. Times are medians; ratios compare runs
taken in the same session, alternating, so a busy machine slows both sides alike.

Workloads:

* W1: one step of micrograd's own demo: 100 two-moons points, a ReLU MLP(2, [16, 16, 1])
  with a linear output, mean hinge loss plus 1e-4 L2, full batch, forward + backward +
  update. micrograd starts from the same weights (scalargrad's, copied in order) and the
  losses of both engines are checked to agree. PyTorch builds the same graph from 0-d
  float64 tensors, for reference.
* W2: backward through a chain of 1,000,000 additions; micrograd's deepest working chain
  is found by bisection.
* W3: bytes per node (tracemalloc) and garbage-collector-tracked objects per node held by
  100,000 nodes of ``x = x + b`` chains (200 chains of 500) after backward.
* Import time of ``import scalargrad`` against a bare ``python -c pass``, with cached
  bytecode (as installed) and compiling from source (PYTHONDONTWRITEBYTECODE=1).
* Wall time of ``mkdocs build --strict``; with ``--full`` also of ``make test``.
* The in-page runner in headless Chromium (benchmarks/browser.py, on the built site/):
  cold and warm Run, bytes fetched, and W1 in the page's Pyodide against CPython.
* Tensor (chapter 17): one forward + backward of the lecture's loss through
  ``MLP(3, [w, w, 1])`` for widths 16 to 256, in the scalar engine, in the NumPy
  version (``scalargrad.tensor``) and in PyTorch, one thread each. Written to
  ``docs/_data/tensors-timings.json`` (committed: the book draws its figure from it);
  ``--only tensor`` runs just this section.

The table is printed and written to ``benchmarks/results/latest.json`` (not committed).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "latest.json"
SEED = 1337
N_POINTS = 100
ALPHA = 1e-4
CHAIN_DEPTH = 1_000_000
MEMORY_NODES = 100_000
MEMORY_CHAINS = 200

W1_TARGET = 0.15
W3_TARGET = 190.0
IMPORT_TARGET = 1.5


# --------------------------------------------------------------------------- workers
# Each worker runs in a fresh interpreter and prints one JSON object on stdout.


def _w1_setup():
    """The data and scalargrad's initial weights, shared by every engine."""
    from scalargrad.datasets import make_moons
    from scalargrad.nn import MLP

    X, y = make_moons(n_samples=N_POINTS, noise=0.1, seed=SEED)
    X = [[float(v) for v in row] for row in X]
    y = [float(v) for v in y]
    random.seed(SEED)
    model = MLP(2, [16, 16, 1], activation="relu", output_activation="linear")
    return X, y, model


def _lr(k: int) -> float:
    return 1.0 - 0.9 * k / 100  # micrograd's demo schedule


def _w1_scalargrad(X, y, model):
    from scalargrad import Value
    from scalargrad.training import hinge_loss, sgd_step

    params = model.parameters()

    def step(k: int) -> float:
        inputs = [[Value(a), Value(b)] for a, b in X]
        scores = [model(x) for x in inputs]
        loss = hinge_loss(scores, y, params, alpha=ALPHA)
        model.zero_grad()
        loss.backward()
        sgd_step(params, _lr(k))
        return loss.data

    return step


def _w1_micrograd(X, y, model):
    from micrograd.engine import Value
    from micrograd.nn import MLP

    init = [p.data for p in model.parameters()]
    mg = MLP(2, [16, 16, 1])
    params = mg.parameters()
    if len(params) != len(init):
        raise RuntimeError(f"parameter counts differ: micrograd {len(params)}, ours {len(init)}")
    for p, v in zip(params, init, strict=True):
        p.data = v

    def step(k: int) -> float:
        # micrograd's demo loss, verbatim apart from the names
        inputs = [list(map(Value, row)) for row in X]
        scores = list(map(mg, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores, strict=True)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum(p * p for p in params)
        total = data_loss + reg_loss
        mg.zero_grad()
        total.backward()
        lr = _lr(k)
        for p in params:
            p.data -= lr * p.grad
        return total.data

    return step


def _w1_torch(X, y, model):
    import torch

    torch.set_num_threads(1)
    f64 = torch.float64
    params = [torch.tensor(p.data, dtype=f64, requires_grad=True) for p in model.parameters()]
    # the same layout as scalargrad's parameters(): per neuron its weights, then its bias
    layers, i = [], 0
    for nin, nout in ((2, 16), (16, 16), (16, 1)):
        neurons = []
        for _ in range(nout):
            neurons.append((params[i : i + nin], params[i + nin]))
            i += nin + 1
        layers.append(neurons)

    def forward(x):
        for depth, neurons in enumerate(layers):
            out = []
            for w, b in neurons:
                act = sum((wi * xi for wi, xi in zip(w, x, strict=True)), b)
                out.append(act.relu() if depth < len(layers) - 1 else act)
            x = out
        return x[0]

    def step(k: int) -> float:
        inputs = [[torch.tensor(a, dtype=f64), torch.tensor(b, dtype=f64)] for a, b in X]
        scores = [forward(x) for x in inputs]
        losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores, strict=True)]
        data_loss = sum(losses) * (1.0 / len(losses))
        total = data_loss + ALPHA * sum(p * p for p in params)
        for p in params:
            p.grad = None
        total.backward()
        lr = _lr(k)
        with torch.no_grad():
            for p in params:
                p -= lr * p.grad
        return total.item()

    return step


def worker_w1(engine: str, steps: int, first_step: int) -> dict:
    import gc

    X, y, model = _w1_setup()
    if engine.startswith("scalargrad"):
        step = _w1_scalargrad(X, y, model)
    elif engine == "micrograd":
        step = _w1_micrograd(X, y, model)
    elif engine == "torch":
        step = _w1_torch(X, y, model)
    else:
        raise ValueError(f"unknown engine {engine!r}")

    gc_time = [0.0]
    started = [0.0]

    def on_gc(phase: str, info: dict) -> None:  # CPU time, like the step times
        if phase == "start":
            started[0] = time.process_time()
        else:
            gc_time[0] += time.process_time() - started[0]

    losses, times, cpu_times, gc_times, full_collections = [], [], [], [], []
    # Steps 0 .. first_step - 1 warm up (and bring the weights to the same point in
    # every run); the timed steps follow. No gc.collect() in between: the garbage of
    # the warm-up steps is part of micrograd's steady state, as in its demo's loop.
    for k in range(first_step):
        step(k)
    if engine == "scalargrad-nogc":
        gc.disable()
    gc.callbacks.append(on_gc)
    for k in range(first_step, first_step + steps):
        gen2_before = gc.get_stats()[2]["collections"]
        gc_time[0] = 0.0
        c0 = time.process_time()
        t0 = time.perf_counter()
        losses.append(step(k))
        times.append(time.perf_counter() - t0)
        cpu_times.append(time.process_time() - c0)
        gc_times.append(gc_time[0])
        full_collections.append(gc.get_stats()[2]["collections"] - gen2_before)
    gc.callbacks.remove(on_gc)
    return {
        "engine": engine,
        "times": times,
        "cpu_times": cpu_times,
        "gc_times": gc_times,
        "full_collections": full_collections,
        "losses": losses,
    }


def _chain(Value, depth: int):
    x = Value(1.0)
    b = Value(2.0)
    y = x
    for _ in range(depth):
        y = y + b
    return x, b, y


def worker_depth_scalargrad(depth: int) -> dict:
    from scalargrad import Value

    t0 = time.perf_counter()
    x, b, y = _chain(Value, depth)
    t1 = time.perf_counter()
    y.backward()
    t2 = time.perf_counter()
    ok = x.grad == 1.0 and b.grad == float(depth)
    return {"depth": depth, "ok": ok, "build_s": t1 - t0, "backward_s": t2 - t1}


def worker_depth_micrograd(limit: int) -> dict:
    """The deepest chain micrograd's recursive backward handles, by bisection."""
    from micrograd.engine import Value

    def works(depth: int) -> bool:
        x, _, y = _chain(Value, depth)
        try:
            y.backward()
        except RecursionError:
            return False
        return x.grad == 1

    lo, hi = 1, limit  # works(lo) is True; works(hi) is assumed False and checked
    if works(hi):
        return {"deepest": hi, "fails_at": None, "recursionlimit": sys.getrecursionlimit()}
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if works(mid):
            lo = mid
        else:
            hi = mid
    return {"deepest": lo, "fails_at": hi, "recursionlimit": sys.getrecursionlimit()}


def worker_memory(engine: str, nodes: int) -> dict:
    """Bytes and collector-tracked objects per node held by a graph after backward.

    The graph is ``MEMORY_CHAINS`` chains of ``x = x + b``: micrograd's recursive backward
    cannot walk a single chain deeper than its recursion limit allows (see W2), and
    tracemalloc makes very deep recursion crawl. Each node is the same in both engines.
    """
    import gc
    import tracemalloc

    if engine == "scalargrad":
        from scalargrad import Value
    else:
        from micrograd.engine import Value
    depth = nodes // MEMORY_CHAINS
    gc.collect()
    gc.disable()  # no collection in the middle: the counts below are exact
    tracked_before = len(gc.get_objects())
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    chains = [_chain(Value, depth) for _ in range(MEMORY_CHAINS)]
    for _, _, y in chains:
        y.backward()
    # Free what backward left as garbage (micrograd's recursive build_topo is a closure
    # that refers to itself, so its `visited` set and `topo` list wait for the collector)
    # and untrack tuples of plain numbers, as any collection would. The graph stays alive.
    gc.collect()
    size = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    tracked = len(gc.get_objects()) - tracked_before - 1  # minus the `chains` list
    count = MEMORY_CHAINS * (depth + 2)  # each chain: x, b and `depth` sums
    return {
        "engine": engine,
        "nodes": count,
        "bytes_per_node": size / count,
        "tracked_per_node": tracked / count,
    }


TENSOR_WIDTHS = (16, 32, 64, 128, 256)
TENSOR_ENGINES = ("scalargrad", "numpy", "torch")
TENSOR_DATA = ROOT / "docs" / "_data" / "tensors-timings.json"
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _tensor_step(engine: str, width: int):
    """A function doing one forward + backward of the lecture's loss; it returns the loss."""
    from scalargrad.datasets import lecture_dataset
    from scalargrad.nn import MLP

    xs, ys = lecture_dataset()
    random.seed(0)
    model = MLP(3, [width, width, 1])
    if engine == "scalargrad":
        from scalargrad.training import sum_of_squares

        def step() -> float:
            loss = sum_of_squares([model(x) for x in xs], ys)
            model.zero_grad()
            loss.backward()
            return loss.data

        return step
    import numpy as np

    from scalargrad.tensor import ArrayMLP

    net = ArrayMLP.from_mlp(model)
    X, Y = np.array(xs), np.array(ys).reshape(-1, 1)
    if engine == "numpy":
        from scalargrad.tensor import sum_of_squares

        def step() -> float:
            loss, dout = sum_of_squares(net(X), Y)
            net.backward(dout)
            return loss

        return step
    import torch

    from scalargrad.tensor import to_torch

    torch.set_num_threads(1)
    tmodel = to_torch(net)
    tX, tY = torch.from_numpy(X), torch.from_numpy(Y)

    def step() -> float:
        loss = ((tmodel(tX) - tY) ** 2).sum()
        tmodel.zero_grad()
        loss.backward()
        return loss.item()

    return step


def worker_tensor(engine: str, width: int) -> dict:
    """CPU seconds per step: chunks of steps lasting 20 ms or more, for about 2 s in all."""
    import gc

    step = _tensor_step(engine, width)
    loss = step()  # warm up
    gc.disable()  # as scalargrad.training.train does; harmless for the others
    chunk, c0 = 1, time.process_time()
    while time.process_time() - c0 < 0.02:  # how many steps make 20 ms
        chunk *= 2
        c0 = time.process_time()
        for _ in range(chunk):
            step()
    times: list[float] = []
    while len(times) < 5 or (sum(times) * chunk < 2.0 and len(times) < 100):
        c0 = time.process_time()
        for _ in range(chunk):
            step()
        times.append((time.process_time() - c0) / chunk)
    gc.enable()
    return {"engine": engine, "width": width, "loss": loss, "chunk": chunk, "cpu_times": times}


WORKERS = {
    "w1": lambda a: worker_w1(a.engine, a.steps, a.first_step),
    "depth-scalargrad": lambda a: worker_depth_scalargrad(a.n),
    "depth-micrograd": lambda a: worker_depth_micrograd(a.n),
    "memory": lambda a: worker_memory(a.engine, a.n),
    "tensor": lambda a: worker_tensor(a.engine, a.n),
}


# --------------------------------------------------------------------------- driver


def run_worker(*args: str, timeout: float = 600, env: dict | None = None) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                          env=None if env is None else {**os.environ, **env})
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def wall(cmd: list[str], env: dict | None = None) -> tuple[float, int, str]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)
    if proc.returncode != 0 and cmd[-1] == "import scalargrad":
        raise RuntimeError(f"import scalargrad failed:\n{proc.stderr}")
    return time.perf_counter() - t0, proc.returncode, proc.stdout + proc.stderr


def bench_w1(rounds: int, log) -> dict:
    plan = {"scalargrad": 5, "scalargrad-nogc": 5, "micrograd": 4, "torch": 2}
    first_step = 2
    runs: dict[str, list[dict]] = {engine: [] for engine in plan}
    for r in range(rounds):
        order = list(plan) if r % 2 == 0 else list(reversed(plan))  # alternate the order too
        for engine in order:
            log(f"  W1 round {r + 1}/{rounds}: {engine}")
            runs[engine].append(
                run_worker("w1", "--engine", engine, "--steps", str(plan[engine]),
                           "--first-step", str(first_step))
            )

    def med(engine: str, key: str = "times") -> float:
        return statistics.median(t for run in runs[engine] for t in run[key])

    def mean(engine: str, key: str) -> float:
        return statistics.fmean(t for run in runs[engine] for t in run[key])

    # The engines must have computed the same thing: compare the losses step by step.
    ref = runs["scalargrad"][0]["losses"]
    agree = {}
    for engine in ("micrograd", "torch", "scalargrad-nogc"):
        other = runs[engine][0]["losses"]
        n = min(len(ref), len(other))
        agree[engine] = max(abs(a - b) for a, b in zip(ref[:n], other[:n], strict=True))
    paired = [
        statistics.median(s["cpu_times"]) / statistics.median(m["cpu_times"])
        for s, m in zip(runs["scalargrad"], runs["micrograd"], strict=True)
    ]
    return {
        "step_ms": {engine: 1000 * med(engine) for engine in plan},
        "cpu_ms": {engine: 1000 * med(engine, "cpu_times") for engine in plan},
        "gc_ms_per_step": {engine: 1000 * med(engine, "gc_times") for engine in plan},
        "full_collections_per_step": {
            engine: mean(engine, "full_collections") for engine in plan
        },
        "ratio": med("scalargrad", "cpu_times") / med("micrograd", "cpu_times"),
        "ratio_nogc": med("scalargrad-nogc", "cpu_times") / med("micrograd", "cpu_times"),
        "ratio_wall": med("scalargrad") / med("micrograd"),
        "paired_cpu_ratios": paired,
        "max_loss_difference": agree,
        "runs": runs,
    }


def bench_depth(log) -> dict:
    log(f"  W2: scalargrad, a chain of {CHAIN_DEPTH:,} additions")
    ours = run_worker("depth-scalargrad", "--n", str(CHAIN_DEPTH))
    log("  W2: micrograd, bisecting the deepest chain")
    theirs = run_worker("depth-micrograd", "--n", "100000")
    return {"scalargrad": ours, "micrograd": theirs}


def bench_memory(log) -> dict:
    out = {}
    for engine in ("scalargrad", "micrograd"):
        log(f"  W3: {engine}")
        out[engine] = run_worker("memory", "--engine", engine, "--n", str(MEMORY_NODES))
    return out


def bench_import(runs: int, log) -> dict:
    """`import scalargrad` against a bare interpreter, alternating, medians.

    "cached" is how an installed package runs: bytecode compiled once and reused (kept
    under a temporary PYTHONPYCACHEPREFIX, not in the repository). "source" compiles
    every module on every run, which is what PYTHONDONTWRITEBYTECODE=1 forces.
    """
    out = {}
    with tempfile.TemporaryDirectory(prefix="scalargrad-pycache-") as cache:
        cached = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        cached["PYTHONPYCACHEPREFIX"] = cache
        source = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        bare_cmd = [sys.executable, "-c", "pass"]
        import_cmd = [sys.executable, "-c", "import scalargrad"]
        for name, env in (("cached", cached), ("source", source)):
            log(f"  import ({name} bytecode): {runs} runs each, alternating")
            wall(import_cmd, env)  # fills the bytecode cache
            bare, imp = [], []
            for _ in range(runs):
                bare.append(wall(bare_cmd, env)[0])
                imp.append(wall(import_cmd, env)[0])
            b, i = statistics.median(bare), statistics.median(imp)
            out[name] = {"bare_ms": 1000 * b, "import_ms": 1000 * i, "ratio": i / b}
    return out


def bench_build(log) -> dict:
    mkdocs = str(Path(sys.executable).with_name("mkdocs"))
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    with tempfile.TemporaryDirectory() as tmp:
        log("  mkdocs build --strict")
        seconds, code, output = wall([mkdocs, "build", "--strict", "-d", tmp], env)
        if code == 0:
            return {"strict": True, "seconds": seconds}
        log("  the strict build failed; timing a non-strict build instead")
        failure = [line for line in output.splitlines() if "WARNING" in line or "ERROR" in line]
        failure = failure[:5]
        seconds, code, _ = wall([mkdocs, "build", "-d", tmp], env)
        return {"strict": False, "seconds": seconds, "ok": code == 0, "strict_failure": failure}


def bench_tests(log) -> dict:
    log("  make test (this takes a while)")
    seconds, code, output = wall(["make", "test"])
    return {"seconds": seconds, "ok": code == 0, "tail": output.strip().splitlines()[-3:]}


def bench_browser(log) -> dict:
    import browser  # benchmarks/browser.py

    return browser.measure(browser.SITE, 3, 7, log)


def bench_tensor(log) -> dict:
    """Chapter 17's timings, engines alternating per width; written to TENSOR_DATA."""
    import numpy
    import torch

    seconds: dict[str, list[float]] = {engine: [] for engine in TENSOR_ENGINES}
    losses: dict[str, list[float]] = {engine: [] for engine in TENSOR_ENGINES}
    for width in TENSOR_WIDTHS:
        for engine in TENSOR_ENGINES:
            log(f"  tensor: width {width}, {engine}")
            run = run_worker("tensor", "--engine", engine, "--n", str(width), env=ONE_THREAD)
            seconds[engine].append(statistics.median(run["cpu_times"]))
            losses[engine].append(run["loss"])
    disagree = max(abs(a - b) for engine in TENSOR_ENGINES
                   for a, b in zip(losses[engine], losses["scalargrad"], strict=True))
    data = {
        "made_by": "make bench (benchmarks/run.py, section tensor)",
        "machine": {k: v for k, v in machine().items() if k != "platform"},
        "versions": {"numpy": numpy.__version__, "torch": torch.__version__.split("+")[0]},
        "model": "MLP(3, [width, width, 1]), tanh, float64",
        "step": "forward + sum-of-squares loss + backward on the lecture's 4 samples",
        "measure": "median CPU seconds per step, one thread, collector paused",
        "widths": list(TENSOR_WIDTHS),
        "seconds": seconds,
        "largest_loss_difference": disagree,
    }
    TENSOR_DATA.parent.mkdir(parents=True, exist_ok=True)
    TENSOR_DATA.write_text(json.dumps(data, indent=1) + "\n")
    return data


def machine() -> dict:
    info = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    if hasattr(os, "getloadavg"):
        info["load_average"] = [round(x, 2) for x in os.getloadavg()]
    return info


def table(res: dict) -> str:
    w1, w2, w3 = res["w1"], res["w2"], res["w3"]
    ms, cpu = w1["step_ms"], w1["cpu_ms"]
    rows = [
        ("figure", "micrograd", "scalargrad", "ratio", "target"),
        ("W1 demo step, CPU time (ms)", f"{cpu['micrograd']:.0f}", f"{cpu['scalargrad']:.0f}",
         f"{w1['ratio']:.2f}", f"<= {W1_TARGET}"),
        ("W1 demo step, wall time (ms)", f"{ms['micrograd']:.0f}", f"{ms['scalargrad']:.0f}",
         f"{w1['ratio_wall']:.2f}", ""),
        ("W1, collector paused, CPU (ms)", "", f"{cpu['scalargrad-nogc']:.0f}",
         f"{w1['ratio_nogc']:.2f}", "(reference)"),
        ("W1, PyTorch 0-d tensors, CPU (ms)", "", f"{cpu['torch']:.0f}", "", "(reference)"),
        ("W1 full collections per step", f"{w1['full_collections_per_step']['micrograd']:.1f}",
         f"{w1['full_collections_per_step']['scalargrad']:.1f}", "", ""),
        ("W1 time in the collector (ms/step)", f"{w1['gc_ms_per_step']['micrograd']:.0f}",
         f"{w1['gc_ms_per_step']['scalargrad']:.0f}", "", ""),
    ]
    ours, theirs = w2["scalargrad"], w2["micrograd"]
    rows.append((
        "W2 deepest backward chain",
        f"{theirs['deepest']:,}",
        f"{ours['depth']:,} {'ok' if ours['ok'] else 'WRONG'}",
        "",
        f"{CHAIN_DEPTH:,} works",
    ))
    rows.append((
        "W2 1M chain build + backward (s)", "",
        f"{ours['build_s']:.1f} + {ours['backward_s']:.1f}", "", "",
    ))
    m_ours, m_theirs = w3["scalargrad"], w3["micrograd"]
    rows.append((
        "W3 bytes per node", f"{m_theirs['bytes_per_node']:.0f}",
        f"{m_ours['bytes_per_node']:.0f}",
        f"{m_ours['bytes_per_node'] / m_theirs['bytes_per_node']:.2f}",
        f"<= {W3_TARGET:.0f} bytes",
    ))
    rows.append((
        "W3 gc-tracked objects per node", f"{m_theirs['tracked_per_node']:.2f}",
        f"{m_ours['tracked_per_node']:.2f}", "", "",
    ))
    for name, imp in res["import"].items():
        rows.append((
            f"import, {name} bytecode (ms)", f"{imp['bare_ms']:.0f} (bare)",
            f"{imp['import_ms']:.0f}", f"{imp['ratio']:.2f}",
            f"<= {IMPORT_TARGET}" if name == "cached" else "",
        ))
    build = res["build"]
    label = "mkdocs build --strict (s)" if build["strict"] else "mkdocs build, NOT strict (s)"
    rows.append((label, "", f"{build['seconds']:.1f}", "", ""))
    if "browser" in res:
        import browser  # benchmarks/browser.py

        rows += [(name, "", value, "", goal) for name, value, goal in browser.rows(res["browser"])]
    if "tests" in res:
        t = res["tests"]
        rows.append(("make test (s)", "", f"{t['seconds']:.0f} {'ok' if t['ok'] else 'FAILED'}",
                     "", ""))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = []
    for n, r in enumerate(rows):
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")
        if n == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def tensor_table(data: dict) -> str:
    """Chapter 17's timings as a table: ms per step, and the scalar engine's slowdown."""
    secs = data["seconds"]
    lines = [
        "| width | scalargrad (ms) | NumPy (ms) | PyTorch (ms) | scalar/NumPy | scalar/torch |",
        "|------:|----------------:|-----------:|-------------:|-------------:|-------------:|",
    ]
    for i, width in enumerate(data["widths"]):
        s, n, t = (secs[e][i] for e in TENSOR_ENGINES)
        lines.append(f"| {width} | {1000 * s:.1f} | {1000 * n:.3f} | {1000 * t:.3f} "
                     f"| {s / n:.0f} | {s / t:.0f} |")
    lines.append(f"losses agree to within {data['largest_loss_difference']:.1e}; "
                 f"written to {TENSOR_DATA.relative_to(ROOT)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="alternating W1 rounds (default 3)")
    parser.add_argument("--import-runs", type=int, default=30)
    parser.add_argument("--full", action="store_true", help="also time `make test`")
    parser.add_argument("--only", choices=["w1", "w2", "w3", "import", "build", "browser",
                                           "tensor"],
                        help="run one section only")
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    parser.add_argument("--steps", type=int, default=5, help=argparse.SUPPRESS)
    parser.add_argument("--first-step", type=int, default=2, help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        print(json.dumps(WORKERS[args.worker](args)))
        return 0

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    t0 = time.perf_counter()
    res: dict = {"machine": machine(), "section_seconds": {}}
    sections = [
        ("w1", lambda: bench_w1(args.rounds, log)),
        ("w2", lambda: bench_depth(log)),
        ("w3", lambda: bench_memory(log)),
        ("import", lambda: bench_import(args.import_runs, log)),
        ("build", lambda: bench_build(log)),
        ("browser", lambda: bench_browser(log)),
        ("tensor", lambda: bench_tensor(log)),
    ]
    if args.full:
        sections.append(("tests", lambda: bench_tests(log)))
    if args.only:
        sections = [s for s in sections if s[0] == args.only]
    for name, fn in sections:
        t = time.perf_counter()
        res[name] = fn()
        res["section_seconds"][name] = round(time.perf_counter() - t, 1)
    res["seconds"] = time.perf_counter() - t0

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(res, indent=1) + "\n")
    m = res["machine"]
    print(f"scalargrad benchmarks, {m['date']}, Python {m['python']}, {m['cpus']} CPUs "
          f"({m.get('cpu', 'unknown CPU')}), load average at start {m.get('load_average')}")
    if "w1" in res and "build" in res:
        print(table(res))
        agree = res["w1"]["max_loss_difference"]
        print("W1 losses agree with scalargrad's to within: "
              + ", ".join(f"{k} {v:.1e}" for k, v in agree.items()))
        print("W1 CPU-time ratio per round: "
              + ", ".join(f"{r:.2f}" for r in res["w1"]["paired_cpu_ratios"]))
    if "browser" in res and "w1" not in res:
        import browser  # benchmarks/browser.py

        for name, value, goal in browser.rows(res["browser"]):
            print(f"| {name} | {value} | {goal} |")
    if "tensor" in res:
        print(tensor_table(res["tensor"]))
    print(f"numbers vary by machine and load; written to {RESULTS.relative_to(ROOT)} "
          f"in {res['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
