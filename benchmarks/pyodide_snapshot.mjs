// The memory-snapshot experiment of issue 28, in Node (the page's Pyodide, from node_modules).
//
//   node benchmarks/pyodide_snapshot.mjs WHEEL GRAPHVIZ_ZIP RUNNER_CORE OUT [HASHSEED]
//
// HASHSEED, if given, is Python's PYTHONHASHSEED in the snapshot's Pyodide (to see whether
// string hashing is what makes two snapshots differ).
// Starts Pyodide as the page's worker does (unpack the book's wheel, graphviz.zip and
// runner_core.py; import runner_core), makes a memory snapshot of that state and writes it
// to OUT; then starts Pyodide again three ways, each in a fresh instance: a normal start
// with the same work, and a start from the snapshot. Prints JSON with the times (ms), the
// snapshot's size and its sha256, so two runs show whether it is byte-reproducible.

import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";

const [wheelPath, graphvizPath, corePath, out, seed] = process.argv.slice(2);
const env = seed === undefined ? {} : { env: { PYTHONHASHSEED: seed } };
const require = createRequire(import.meta.url);
const indexURL = dirname(require.resolve("pyodide/pyodide.mjs")) + "/";
const { loadPyodide } = await import(indexURL + "pyodide.mjs");

function prepare(pyodide) {
  const site = pyodide.runPython("import site; site.getsitepackages()[0]");
  pyodide.unpackArchive(new Uint8Array(readFileSync(wheelPath)), "wheel", { extractDir: site });
  pyodide.unpackArchive(new Uint8Array(readFileSync(graphvizPath)), "zip", { extractDir: site });
  pyodide.FS.writeFile(`${site}/runner_core.py`, new Uint8Array(readFileSync(corePath)));
  return pyodide.pyimport("runner_core");
}

function check(core) {
  const answer = JSON.parse(core.run_block_json("snap", ">>> from scalargrad import Value\n>>> Value(2.0) * 3\nValue(data=6.0)\n"));
  return answer.examples.map((e) => e.outcome).join(",");
}

const t0 = performance.now();
const maker = await loadPyodide({ indexURL, _makeSnapshot: true, ...env });
prepare(maker);
const snapshot = maker.makeMemorySnapshot();
const makeMs = performance.now() - t0;
writeFileSync(out, snapshot);

const normal = [];
const restored = [];
let outcome = "";
for (let i = 0; i < 3; i++) {
  let t = performance.now();
  const a = await loadPyodide({ indexURL, ...env });
  outcome = check(prepare(a));
  normal.push(performance.now() - t);
  t = performance.now();
  const b = await loadPyodide({ indexURL, ...env, _loadSnapshot: new Uint8Array(readFileSync(out)) });
  const outcomeB = check(b.pyimport("runner_core"));
  restored.push(performance.now() - t);
  outcome += ` / ${outcomeB}`;
}
console.log(JSON.stringify({
  make_ms: Math.round(makeMs),
  bytes: snapshot.length,
  sha256: createHash("sha256").update(snapshot).digest("hex"),
  normal_start_ms: normal.map(Math.round),
  snapshot_start_ms: restored.map(Math.round),
  outcomes: outcome,
}));
process.exit(0);
