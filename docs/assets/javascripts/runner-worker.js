// The in-page runner's Web Worker: Python (Pyodide) runs here, off the page's thread,
// so an endless loop freezes only this worker, and Stop can terminate() it.
// runner.js starts it once the page is idle ("start"), or on the first Run. Everything
// loads from the site's own runtime/
// folder (docs/hooks/page_runtime.py copies it there): nothing leaves the site's origin.
//
// Messages in:  {type: "start"}            start Python and load the package, run nothing
//               {id, type: "run", key, blocks: [{index, name, text, book}], files?}
//               book: run this block on the book's scalargrad (a labelled block, my engine)
//               files: the reader's files ("Run with my engine"), used from the first
//               run of this worker on (runner.js restarts the worker when they change)
//               {id, type: "check", files, chapter}            "Check my engine"
// Messages out: {type: "ready"}          Python has started, with the package loaded
//               {type: "start-failed", message}      a "start" failed (a Run tries again)
//               {id, type: "started", index}             when a block starts to run
//               {id, type: "result", index, result, ms}   one per block, in order
//               {id, type: "done"} | {id, type: "fatal", message}
//               {id, type: "mine", info}                    which modules are the reader's
//               {id, type: "checked", text}                 the checker's report

const RUNTIME = new URL("../../runtime/", import.meta.url);
const WHEEL = new URL("../../wheels/scalargrad.whl", import.meta.url);
// A block that mentions one of these may draw a graph: load viz-js before running it.
const DRAWS = /draw_dot|draw_mlp|graphviz|Digraph|_repr_image_svg_xml|\.pipe\(/;

let python = null; // Promise of {pyodide, core}
let viz = null; // Promise of viz-js's instance
let mine = false; // the reader's files were installed as the package's modules
const MINE = "/home/pyodide/my-files"; // where "Run with my engine" writes them
const CHECKED = "/home/pyodide/checked-files"; // where "Check my engine" writes them

async function bytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status}`);
  return response.arrayBuffer();
}

async function start() {
  const { loadPyodide } = await import(new URL("pyodide/pyodide.mjs", RUNTIME).href);
  const [pyodide, wheel, graphviz, core] = await Promise.all([
    loadPyodide({ indexURL: new URL("pyodide/", RUNTIME).href }),
    bytes(WHEEL),
    bytes(new URL("graphviz.zip", RUNTIME)),
    bytes(new URL("runner_core.py", RUNTIME)),
  ]);
  const site = pyodide.runPython("import site; site.getsitepackages()[0]");
  pyodide.unpackArchive(wheel, "wheel", { extractDir: site });
  pyodide.unpackArchive(graphviz, "zip", { extractDir: site });
  pyodide.FS.writeFile(`${site}/runner_core.py`, new Uint8Array(core));
  const loaded = { pyodide, core: pyodide.pyimport("runner_core") };
  postMessage({ type: "ready" });
  return loaded;
}

function started() {
  if (!python) {
    python = start();
    python.catch(() => { python = null; }); // the next "start" or Run tries again
  }
  return python;
}

async function drawing(core) {
  if (!viz) {
    viz = import(new URL("viz/viz.js", RUNTIME).href).then((m) => m.instance());
    const instance = await viz;
    core.set_renderer((source, engine, format) =>
      instance.renderString(source, { engine, format }),
    );
  }
  return viz;
}

async function check({ id, files, chapter }) {
  const { core } = await started();
  postMessage({ id, type: "checked", text: core.check_my_files_json(CHECKED, JSON.stringify(files), chapter) });
}

async function run({ id, key, blocks, files }) {
  let loaded;
  try {
    loaded = await started();
  } catch (error) {
    postMessage({ id, type: "fatal", message: `Python could not start here: ${error.message}` });
    return;
  }
  const { core } = loaded;
  if (files && !mine) {
    const info = JSON.parse(core.use_my_files_json(MINE, JSON.stringify(files)));
    if (info.error) {
      postMessage({ id, type: "fatal", message: info.error });
      return;
    }
    mine = true;
    postMessage({ id, type: "mine", info });
  }
  if (blocks.some((b) => DRAWS.test(b.text))) await drawing(core);
  for (const block of blocks) {
    postMessage({ id, type: "started", index: block.index });
    const started = performance.now();
    const result = JSON.parse(core.run_block_json(key, block.text, block.name, Boolean(block.book)));
    postMessage({ id, type: "result", index: block.index, result, ms: performance.now() - started });
  }
  postMessage({ id, type: "done" });
}

onmessage = ({ data }) => {
  if (data.type === "start") {
    started().catch((error) => postMessage({ type: "start-failed", message: String(error) }));
  } else if (data.type === "run") {
    run(data).catch((error) => postMessage({ id: data.id, type: "fatal", message: String(error) }));
  } else if (data.type === "check") {
    check(data).catch((error) => postMessage({ id: data.id, type: "fatal", message: String(error) }));
  }
};
