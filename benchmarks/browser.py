"""How fast the in-page runner feels, in headless Chromium: ``make bench`` (or alone).

Serves the built site (``site/``, from ``mkdocs build``) on 127.0.0.1 under /scalargrad/,
as GitHub Pages does, and measures on chapter 1 ("The slope of a function"):

* cold: from the click on the first Run (the block defining ``f``, which runs the
  imports block first) to the first output in the page, in a fresh browser context
  (empty cache) whose browser asks to save data, so that Python starts on the click,
  not once the page is idle (``--page`` measures that), median of ``--cold`` runs;
* warm: a later Run of the same small block, median of ``--warm`` runs;
* bytes fetched because of the first Run: raw (Python's http.server does not compress)
  and gzip -6 of the same files (what a compressing host such as GitHub Pages sends);
* bytes of the chapter page before any Run, and how many of them are the runner's;
* W1, one step of micrograd's demo (benchmarks/run.py's workload, the same code) in
  the page's Pyodide against CPython, both through docs/hooks/runner_core.py.

Run alone: ``python benchmarks/browser.py`` prints the figures and JSON.

``make bench-page`` (``--page``) measures what a reader of chapter 1 waits for now that
Python starts once the page is idle (issue 28), median of ``--contexts`` fresh contexts:

* (a) the click at once (as soon as the Run buttons are there) to the first output;
* (b) the click after ``--read`` seconds of reading to the first output;
* (c) a warm Run, after (a);
* the bytes fetched before the first click and up to the first output, for (a) and (b),
  and the bytes fetched before the page was idle (before the runner's worker started),
  with any of the runtime's among them;
* the machine's 1-minute load average beside each figure, taken as it was measured.

``--snapshot FILE`` adds the memory-snapshot experiment: Pyodide started in a module
worker of the page as runner-worker.js starts it (the core, the wheel, graphviz.zip,
runner_core imported), against Pyodide restored from FILE (benchmarks/pyodide_snapshot.mjs
makes one); fresh contexts, median of ``--contexts``.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import inspect
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "site"
sys.path.insert(0, str(ROOT / "scripts"))
from repotools import CHROMIUM  # noqa: E402  (scripts/ holds the one definition)
from repotools import CHROMIUM_ARGS as ARGS  # noqa: E402

from scalargrad.chapters import CHAPTERS as BOOK_CHAPTERS  # noqa: E402

CHAPTER = f"chapters/{BOOK_CHAPTERS[0]}/"
BLOCK = 1  # the first chapter's second block: def f(x) and f(3.0)
W1_STEPS = 5
# A browser that asks to save data: runner.js then starts Python on the first Run only.
SAVE_DATA = "Object.defineProperty(navigator, 'connection', {value: {saveData: true}})"
COLD_TARGET_S, WARM_TARGET_MS, FIRST_RUN_TARGET_MB = 3.0, 50.0, 7.0  # issue 20
AT_ONCE_TARGET_S, AFTER_READING_TARGET_S = 2.0, 0.5  # issue 28, with WARM_TARGET_MS
BLOCK_TARGET_S = 5.0  # no block of the book may take longer in the page (issue 20)
CHAPTERS = list(BOOK_CHAPTERS)

# Press the last Run of the page (every block before it runs first); resolve with each
# block's time as the page measured it (the bar's data-ms), once every bar is done.
_RUN_ALL = """async () => {
    const bars = [...document.querySelectorAll('.sg-run')];
    const runs = [...document.querySelectorAll('button.sg-run__run')];
    if (!runs.length) return [];
    runs[runs.length - 1].click();
    await new Promise(resolve => {
        const done = () => bars.some(b => ['running', 'waiting'].includes(b.dataset.state))
            ? setTimeout(done, 100) : resolve();
        setTimeout(done, 200);
    });
    return bars.map((b, i) => ({block: i + 1, ms: Number(b.dataset.ms || -1),
                               state: b.dataset.state || ''})).filter(b => b.ms >= 0);
}"""

# Press block BLOCK's Run button; resolve with the ms until its output (or its
# first prefix block's output, for "first") shows.
_CLICK = """async ([index, which]) => {
    const blocks = [...document.querySelectorAll('.md-content div.language-pycon')];
    const outs = blocks.map(b => b.nextElementSibling.nextElementSibling);
    const target = which === 'first' ? outs.find(o => o.classList.contains('sg-out')) : outs[index];
    const before = target.firstChild;
    const bar = blocks[index].nextElementSibling;
    const start = performance.now();
    bar.querySelector('button').click();
    await new Promise(resolve => {
        const check = () => {
            if (!target.hidden && target.firstChild && target.firstChild !== before) resolve();
            else requestAnimationFrame(check);
        };
        check();
    });
    const first = performance.now() - start;
    await new Promise(resolve => {
        const done = () => ['running', 'waiting'].includes(bar.dataset.state)
            ? setTimeout(done, 20) : resolve();
        done();
    });
    return {first_ms: first, status: bar.querySelector('.sg-run__status').textContent};
}"""


def _serve(site: Path, extra: dict[str, Path] | None = None,
           ) -> tuple[http.server.ThreadingHTTPServer, str]:
    root = Path(tempfile.mkdtemp(prefix="scalargrad-bench-site-"))
    (root / "scalargrad").symlink_to(site.resolve())
    for name, path in (extra or {}).items():  # beside the site: /NAME
        (root / name).symlink_to(path.resolve())

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(root))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/scalargrad/"


def _local_file(site: Path, url: str) -> Path | None:
    path = urlsplit(url).path.removeprefix("/scalargrad/")
    file = site / path
    if path.endswith("/") or path == "":
        file = file / "index.html"
    return file if file.is_file() else None


def _sizes(site: Path, urls: list[str]) -> dict:
    raw = packed = 0
    outside = []
    for url in sorted(set(urls)):
        if urlsplit(url).hostname != "127.0.0.1":
            if not url.startswith(("data:", "blob:")):
                outside.append(url)
            continue
        file = _local_file(site, url)
        if file is None:
            continue
        data = file.read_bytes()
        raw += len(data)
        packed += len(gzip.compress(data, compresslevel=6, mtime=0))
    return {"raw_bytes": raw, "gzip_bytes": packed, "requests": len(set(urls)),
            "outside": outside}


def w1_text() -> str:
    """W1 from benchmarks/run.py as a pycon block: its own functions, timed per step."""
    import run  # benchmarks/run.py

    source = "\n\n".join(inspect.getsource(f) for f in (run._w1_setup, run._lr, run._w1_scalargrad))
    constants = f"SEED = {run.SEED}\nN_POINTS = {run.N_POINTS}\nALPHA = {run.ALPHA}\n"
    lines = [
        f">>> exec({constants + source!r})",
        ">>> import time, statistics",
        ">>> step = _w1_scalargrad(*_w1_setup())",
        ">>> times = []",
        f">>> for k in range({W1_STEPS + 1}):",
        "...     t = time.perf_counter(); loss = step(k)",
        "...     times.append(time.perf_counter() - t)",
        "...",
        ">>> print(1000 * statistics.median(times[1:]))",
    ]
    return "\n".join(lines) + "\n"


def _w1_ms(result: dict) -> float:
    last = result["examples"][-1]
    if last["outcome"] == "raised" or any(e["outcome"] == "raised" for e in result["examples"]):
        raise RuntimeError("W1 failed:\n" + "\n".join(e["got"] for e in result["examples"]))
    return float(last["got"])


def w1_cpython(text: str) -> float:
    code = (
        "import json, sys; sys.path.insert(0, 'docs/hooks'); import runner_core; "
        "print(json.dumps(runner_core.run_block('w1', sys.stdin.read())))"
    )
    out = subprocess.run([sys.executable, "-c", code], input=text, cwd=ROOT,
                         capture_output=True, text=True, check=True)
    return _w1_ms(json.loads(out.stdout))


_W1_PAGE = """async text => {
    const runner = document.querySelector('script[src*="runner.js"]').src;
    const worker = new Worker(new URL('runner-worker.js', runner), {type: 'module'});
    const result = await new Promise((resolve, reject) => {
        worker.onerror = (e) => reject(new Error(`the worker failed: ${e.message}`));
        worker.onmessage = ({data}) => {
            if (data.type === 'result') resolve(data.result);
            if (data.type === 'fatal') reject(new Error(data.message));
        };
        worker.postMessage({id: 1, type: 'run', key: 'w1', blocks: [{index: 0, name: 'w1', text}]});
    });
    worker.terminate();
    return result;
}"""


def measure(site: Path, cold_runs: int, warm_runs: int, log) -> dict:
    from playwright.sync_api import sync_playwright

    if not (site / CHAPTER / "index.html").is_file():
        raise SystemExit(f"no built site in {site}: run `make build` first")
    server, base = _serve(site)
    out: dict = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            colds, warms = [], []
            for n in range(cold_runs):
                context = browser.new_context()  # a fresh context: an empty cache
                context.add_init_script(SAVE_DATA)  # Python starts on the click
                page = context.new_page()
                urls: list[str] = []
                page.on("request", lambda r, urls=urls: urls.append(r.url))
                page.goto(base + CHAPTER, wait_until="networkidle")
                page.wait_for_selector(".sg-run", state="attached")
                before = list(urls)
                log(f"  browser: cold Run {n + 1}/{cold_runs}")
                cold = page.evaluate(_CLICK, [BLOCK, "first"])
                colds.append(cold["first_ms"])
                if n == 0:
                    out["page_before_run"] = _sizes(site, before)
                    out["first_run"] = _sizes(site, urls[len(before):])
                    runner = [u for u in before if any(
                        k in u for k in ("runner", "my-files", "accessibility"))]
                    out["page_runner_part"] = _sizes(site, runner)
                    html = (site / CHAPTER / "index.html").read_text(encoding="utf-8")
                    blocks = html[html.find('<script type="application/json" id="sg-runner'):]
                    out["page_runner_part"]["blocks_json_bytes"] = len(
                        blocks[: blocks.find("</script>") + 9].encode()
                    )
                    log(f"  browser: warm Runs ({warm_runs})")
                    for _ in range(warm_runs):
                        warms.append(page.evaluate(_CLICK, [BLOCK, "target"])["first_ms"])
                    log("  browser: every chapter's blocks, for the slowest")
                    out["blocks"] = _every_block(page, base, log)
                    log("  browser: W1 in the page")
                    text = w1_text()
                    out["w1_page_ms"] = _w1_ms(page.evaluate(_W1_PAGE, text))
                    out["w1_cpython_ms"] = w1_cpython(text)
                context.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    out["cold_ms"] = {"median": statistics.median(colds), "runs": colds}
    out["warm_ms"] = {"median": statistics.median(warms), "runs": warms}
    out["w1_ratio"] = out["w1_page_ms"] / out["w1_cpython_ms"]
    out["load_average"] = os.getloadavg()
    return out


def _every_block(page, base: str, log) -> list[dict]:
    """Every runnable block of every chapter, timed in the page; slowest first."""
    timed = []
    for chapter in CHAPTERS:
        page.goto(f"{base}chapters/{chapter}/", wait_until="load")
        page.wait_for_selector(".sg-run", state="attached")
        page.evaluate("() => window.sgRunner.restart()")  # each chapter from a fresh Python
        page.set_default_timeout(600_000)
        for block in page.evaluate(_RUN_ALL):
            timed.append({"chapter": chapter, **block})
        log(f"  browser: {chapter} done")
    return sorted(timed, key=lambda b: -b["ms"])


def _load() -> float:
    return os.getloadavg()[0]


def _median_with_load(samples: list[tuple[float, float]]) -> dict:
    """The median of (value, load) samples, the load taken with each; every sample kept."""
    ordered = sorted(samples)
    _, load = ordered[(len(ordered) - 1) // 2]
    return {"median": statistics.median(v for v, _ in samples), "load_at_median": load,
            "runs": [{"value": v, "load": x} for v, x in samples]}


# When the runner's worker was made, in the page's clock (the page is idle by then).
_WORKER_AT = """(() => {
    window.__sgWorkerAt = null;
    const Made = window.Worker;
    window.Worker = class extends Made {
        constructor(url, ...rest) {
            if (String(url).includes('runner-worker')) window.__sgWorkerAt ??= Date.now();
            super(url, ...rest);
        }
    };
})()"""


def _first_run(browser, site: Path, base: str, read_s: float, warm_runs: int) -> dict:
    """One fresh context on chapter 1: read ``read_s`` seconds, click, time the first output."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.add_init_script(_WORKER_AT)
        requests: list[tuple[float, str]] = []
        page.on("request", lambda r: requests.append((time.time() * 1000, r.url)))
        page.goto(base + CHAPTER, wait_until="commit")
        page.wait_for_selector(".sg-run", state="attached")
        if read_s:
            page.wait_for_timeout(read_s * 1000)
        before = [u for _, u in requests]
        click = page.evaluate(_CLICK, [BLOCK, "first"])
        load = _load()
        upto = [u for _, u in requests]
        worker_at = page.evaluate("() => window.__sgWorkerAt")
        idle = [u for t, u in requests if worker_at is None or t < worker_at]
        warm = [page.evaluate(_CLICK, [BLOCK, "target"])["first_ms"] for _ in range(warm_runs)]
        return {
            "first_ms": click["first_ms"], "load": load, "status": click["status"],
            "warm_ms": statistics.median(warm) if warm else None,
            "before_click": _sizes(site, before), "up_to_output": _sizes(site, upto),
            "before_idle": _sizes(site, idle),
            "runtime_before_idle": sorted({u for u in idle if "/runtime/" in u
                                           or "/wheels/" in u or "runner-worker" in u}),
        }
    finally:
        context.close()


# The memory-snapshot experiment: start Pyodide in a module worker as runner-worker.js
# does, or restore it from a snapshot; resolve with the ms to a first example's output.
_START_IN_WORKER = """async ([snapshot]) => {
    const runner = document.querySelector('script[src*="runner.js"]').src;
    const runtime = new URL('../../runtime/', runner).href;
    const wheel = new URL('../../wheels/scalargrad.whl', runner).href;
    const code = `
        const runtime = ${JSON.stringify(runtime)};
        const bytes = async (u) => (await fetch(u)).arrayBuffer();
        onmessage = async ({data: snapshot}) => {
            const t = performance.now();
            const { loadPyodide } = await import(runtime + 'pyodide/pyodide.mjs');
            const indexURL = runtime + 'pyodide/';
            let pyodide;
            if (snapshot) {
                pyodide = await loadPyodide({indexURL, _loadSnapshot: bytes(snapshot)});
            } else {
                const [p, w, g, c] = await Promise.all([loadPyodide({indexURL}),
                    bytes(${JSON.stringify(wheel)}), bytes(runtime + 'graphviz.zip'),
                    bytes(runtime + 'runner_core.py')]);
                pyodide = p;
                const site = pyodide.runPython('import site; site.getsitepackages()[0]');
                pyodide.unpackArchive(w, 'wheel', {extractDir: site});
                pyodide.unpackArchive(g, 'zip', {extractDir: site});
                pyodide.FS.writeFile(site + '/runner_core.py', new Uint8Array(c));
            }
            const core = pyodide.pyimport('runner_core');
            const out = JSON.parse(core.run_block_json('s', '>>> 6 * 7\\\\n42\\\\n'));
            postMessage({ms: performance.now() - t, outcome: out.examples[0].outcome});
        };`;
    const url = URL.createObjectURL(new Blob([code], {type: 'text/javascript'}));
    const worker = new Worker(url, {type: 'module'});
    const result = await new Promise((resolve, reject) => {
        worker.onerror = (e) => reject(new Error(e.message || 'the worker failed'));
        worker.onmessage = ({data}) => resolve(data);
        worker.postMessage(snapshot);
    });
    worker.terminate();
    return result;
}"""


def _snapshot_starts(browser, base: str, snapshot_url: str, runs: int, log) -> dict:
    out: dict = {}
    for name, source in (("normal", None), ("snapshot", snapshot_url)):
        samples = []
        for n in range(runs):
            log(f"  page: start from {name} {n + 1}/{runs}")
            context = browser.new_context()  # an empty cache: the snapshot is fetched too
            try:
                page = context.new_page()
                page.add_init_script(SAVE_DATA)
                page.goto(base + CHAPTER, wait_until="load")  # saveData: no idle start
                result = page.evaluate(_START_IN_WORKER, [source])
                if result["outcome"] != "match":
                    raise RuntimeError(f"{name} start: the example gave {result['outcome']}")
                samples.append((result["ms"], _load()))
            finally:
                context.close()
        out[name] = _median_with_load(samples)
    return out


def measure_page(site: Path, contexts: int, read_s: float, snapshot: Path | None, log) -> dict:
    """make bench-page: (a), (b), (c) and the bytes on chapter 1; the snapshot if given."""
    from playwright.sync_api import sync_playwright

    if not (site / CHAPTER / "index.html").is_file():
        raise SystemExit(f"no built site in {site}: run `make build` first")
    extra = {"snapshot.bin": snapshot} if snapshot else None
    server, base = _serve(site, extra)
    out: dict = {"contexts": contexts, "read_s": read_s, "load_at_start": os.getloadavg()}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            at_once, reading = [], []
            for n in range(contexts):
                log(f"  page: (a) click at once, context {n + 1}/{contexts}")
                at_once.append(_first_run(browser, site, base, 0, 3))
                log(f"  page: (b) click after {read_s:g} s, context {n + 1}/{contexts}")
                reading.append(_first_run(browser, site, base, read_s, 0))
            out["a_at_once"] = _median_with_load([(r["first_ms"], r["load"]) for r in at_once])
            out["b_after_reading"] = _median_with_load(
                [(r["first_ms"], r["load"]) for r in reading])
            out["c_warm"] = _median_with_load([(r["warm_ms"], r["load"]) for r in at_once])
            for key, runs in (("a", at_once), ("b", reading)):
                first = runs[0]
                out[f"{key}_bytes"] = {part: first[part] for part in
                                       ("before_click", "up_to_output", "before_idle")}
                out[f"{key}_runtime_before_idle"] = sorted(
                    {u for r in runs for u in r["runtime_before_idle"]})
                out[f"{key}_statuses"] = sorted({r["status"] for r in runs})
            if snapshot:
                out["snapshot"] = _snapshot_starts(
                    browser, base, base.replace("/scalargrad/", "/snapshot.bin"), contexts, log)
                out["snapshot"]["bytes"] = snapshot.stat().st_size
                out["snapshot"]["gzip_bytes"] = len(
                    gzip.compress(snapshot.read_bytes(), compresslevel=6, mtime=0))
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return out


def page_rows(res: dict) -> list[tuple[str, str, str, str]]:
    """(figure, value, load beside it, goal) for make bench-page."""
    def mb(sizes: dict) -> str:
        return f"{sizes['raw_bytes'] / 1e6:.2f} / {sizes['gzip_bytes'] / 1e6:.2f}"

    def load(entry: dict) -> str:
        return f"{entry['load_at_median']:.1f}"

    a, b, c = res["a_at_once"], res["b_after_reading"], res["c_warm"]
    read = f"{res['read_s']:g} s"
    rows = [
        ("(a) click at once -> first output (s)", f"{a['median'] / 1000:.2f}", load(a),
         f"<= {AT_ONCE_TARGET_S:.1f}"),
        (f"(b) click after {read} of reading -> first output (s)",
         f"{b['median'] / 1000:.2f}", load(b), f"<= {AFTER_READING_TARGET_S:.1f}"),
        ("(c) warm Run (ms)", f"{c['median']:.0f}", load(c), f"<= {WARM_TARGET_MS:.0f}"),
        ("(a) fetched before the click, raw / gzip (MB)", mb(res["a_bytes"]["before_click"]),
         "", ""),
        ("(a) fetched up to the first output, raw / gzip (MB)",
         mb(res["a_bytes"]["up_to_output"]), "", ""),
        (f"(b) fetched in {read} before the click, raw / gzip (MB)",
         mb(res["b_bytes"]["before_click"]), "", ""),
        ("(b) fetched up to the first output, raw / gzip (MB)",
         mb(res["b_bytes"]["up_to_output"]), "", ""),
        ("fetched before the page was idle, raw / gzip (MB)",
         mb(res["b_bytes"]["before_idle"]), "", ""),
        ("  of it the runtime's (worker, Pyodide, wheel)",
         str(len(res["b_runtime_before_idle"] + res["a_runtime_before_idle"])), "", "0"),
    ]
    if "snapshot" in res:
        snap = res["snapshot"]
        rows += [
            ("Pyodide start to first output, normal (s)",
             f"{snap['normal']['median'] / 1000:.2f}", load(snap["normal"]), ""),
            ("Pyodide start to first output, from the snapshot (s)",
             f"{snap['snapshot']['median'] / 1000:.2f}", load(snap["snapshot"]), ""),
            ("the snapshot, raw / gzip (MB)",
             f"{snap['bytes'] / 1e6:.1f} / {snap['gzip_bytes'] / 1e6:.1f}", "", ""),
        ]
    return rows


def rows(res: dict) -> list[tuple[str, str, str]]:
    mb = 1e6
    first, before, part = res["first_run"], res["page_before_run"], res["page_runner_part"]
    return [
        ("page: cold, first Run to first output (s)", f"{res['cold_ms']['median'] / 1000:.2f}",
         f"<= {COLD_TARGET_S:.0f}"),
        ("page: warm, a later Run (ms)", f"{res['warm_ms']['median']:.0f}",
         f"<= {WARM_TARGET_MS:.0f}"),
        ("page: first Run fetches, raw / gzip (MB)",
         f"{first['raw_bytes'] / mb:.2f} / {first['gzip_bytes'] / mb:.2f}",
         f"<= {FIRST_RUN_TARGET_MB:.0f} compressed"),
        ("page: chapter 1 before any Run, raw / gzip (KB)",
         f"{before['raw_bytes'] / 1000:.0f} / {before['gzip_bytes'] / 1000:.0f}", ""),
        ("  of which the runner's js+css, raw / gzip (KB)",
         f"{part['raw_bytes'] / 1000:.1f} / {part['gzip_bytes'] / 1000:.1f}", ""),
        *[(f"page: slowest block {n + 1}: {b['chapter']} block {b['block']} (s)",
           f"{b['ms'] / 1000:.2f}", f"<= {BLOCK_TARGET_S:.0f}")
          for n, b in enumerate(res.get("blocks", [])[:5])],
        ("machine: load average (1, 5, 15 min)",
         " ".join(f"{x:.1f}" for x in res.get("load_average", ())), "quiet: < 1"),
        ("page: W1 step in Pyodide / CPython (ms)",
         f"{res['w1_page_ms']:.0f} / {res['w1_cpython_ms']:.0f} = {res['w1_ratio']:.2f}x", ""),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold", type=int, default=3, help="cold runs (default 3)")
    parser.add_argument("--warm", type=int, default=7, help="warm runs (default 7)")
    parser.add_argument("--page", action="store_true",
                        help="make bench-page: (a), (b), (c) and the bytes on chapter 1")
    parser.add_argument("--contexts", type=int, default=5,
                        help="--page: fresh contexts (default 5)")
    parser.add_argument("--read", type=float, default=8.0,
                        help="--page: seconds of reading before the click in (b) (default 8)")
    parser.add_argument("--snapshot", type=Path,
                        help="--page: also time a start from this Pyodide memory snapshot")
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    if args.page:
        res = measure_page(SITE, args.contexts, args.read, args.snapshot, log)
        print(f"| {'chapter 1, median of ' + str(args.contexts) + ' fresh contexts':<56} "
              f"| {'value':>11} | {'load':>5} | {'goal (quiet machine)':<20} |")
        for name, value, load, goal in page_rows(res):
            print(f"| {name:<56} | {value:>11} | {load:>5} | {goal:<20} |")
        print(json.dumps(res, indent=1))
        return 0
    res = measure(SITE, args.cold, args.warm, log)
    for name, value, target in rows(res):
        print(f"| {name:<48} | {value:>22} | {target:<18} |")
    print(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
