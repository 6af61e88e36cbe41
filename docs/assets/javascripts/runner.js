// Run, edit, run again: a Run button under every pycon block of a chapter page.
//
// The build (docs/hooks/runtime.py) lists the page's blocks in #sg-runner-blocks, in
// page order, with what a block needs that the page cannot load. Blocks are editable in
// place; edits are kept in sessionStorage (per page and block) until "Undo my edits".
// Running a block first runs the chapter's earlier blocks that have not run yet, once,
// in one shared namespace, as the chapter's notebook does. Python (Pyodide) starts in a
// Web Worker (runner-worker.js) on the first Run only. Stop terminates the worker;
// the next Run starts a fresh one. Set up in Material's document$, so instant
// navigation works. A classic script, not a module: browsers refuse module scripts on
// pages opened from disk (file://), and there the buttons must still say what to do.

(() => {
  const WORKER = new URL("./runner-worker.js", document.currentScript.src);
  const SLOW_MS = 5000; // after this long a run says it is still running
  const RUNNING = "sg-running"; // sessionStorage: which block was running (survives reload)

  const session = {
    worker: null,
    ran: new Map(), // page key -> Set of block indices run in the current worker
    next: 1, // message id
    handlers: new Map(), // message id -> function(message)
    queue: Promise.resolve(),
    status: null, // function(text) showing the worker's start-up status
  };

  function store(key, value) {
    try {
      if (value === null) sessionStorage.removeItem(key);
      else sessionStorage.setItem(key, value);
    } catch {
      // storage may be disabled: edits then last as long as the page
    }
  }

  function recall(key) {
    try {
      return sessionStorage.getItem(key);
    } catch {
      return null;
    }
  }

  // The code's text. textContent, which holds every newline of the highlighted code and
  // works inside a closed <details> (where innerText is empty); innerText only once an
  // edit has put line breaks (<br>, <div>) into the code.
  function codeText(code) {
    return code.querySelector("br, div") ? code.innerText : code.textContent;
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function worker() {
    if (session.worker) return session.worker;
    const w = new Worker(WORKER, { type: "module" });
    w.onmessage = ({ data }) => {
      if (data.type === "status") session.status?.(data.text);
      else session.handlers.get(data.id)?.(data);
    };
    w.onerror = (event) => {
      event.preventDefault();
      for (const handler of session.handlers.values()) {
        handler({ type: "fatal", message: `the Python worker failed: ${event.message || "could not load"}` });
      }
      restart();
    };
    session.worker = w;
    return w;
  }

  function restart() {
    session.worker?.terminate();
    session.worker = null;
    session.ran.clear();
    session.handlers.clear();
  }

  // --- output ------------------------------------------------------------------------------

  const LABELS = {
    match: "as in the book",
    rounding: "as in the book but for a float's last digit: the browser's maths library rounds differently",
    differs: "differs from the book",
    raised: "raised an exception",
    skipped: "not run (the book skips it)",
  };

  function exampleView(example) {
    const view = element("div", `sg-ex sg-ex--${example.outcome}`);
    view.dataset.outcome = example.outcome;
    const head = element("div", "sg-ex__head");
    head.append(element("code", "sg-ex__source", `>>> ${example.source.trimEnd().replaceAll("\n", "\n... ")}`));
    let label = LABELS[example.outcome];
    if (example.outcome === "match" && example.exception) label = `raises ${example.exception}, as in the book`;
    head.append(element("span", "sg-ex__label", label));
    view.append(head);
    if (example.got) view.append(element("pre", "sg-ex__got", example.got));
    if (example.outcome === "differs") {
      const want = element("pre", "sg-ex__want", example.want || "(no output)");
      want.setAttribute("aria-label", "the output the book shows");
      view.append(element("div", "sg-ex__caption", "The book shows:"), want);
    }
    if (example.stderr) view.append(element("pre", "sg-ex__stderr", example.stderr));
    for (const svg of example.svg) {
      const image = element("img", "sg-ex__graph");
      image.alt = "the graph, drawn by Graphviz in the page";
      image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
      view.append(image);
    }
    for (const problem of example.drawing_errors) {
      view.append(element("p", "sg-ex__note", `Not drawn: ${problem}`));
    }
    return view;
  }

  function summary(result, ms) {
    if (result.error) return { outcome: "error", text: result.error };
    const run = result.examples.filter((e) => e.outcome !== "skipped");
    const differs = run.filter((e) => e.outcome === "differs").length;
    const raised = [...new Set(run.filter((e) => e.outcome === "raised").map((e) => e.exception))];
    const time = ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
    if (raised.length) {
      const what = raised.length === 1 ? `An example raised ${raised[0]}; its traceback is` : `Examples raised ${raised.join(", ")}; their tracebacks are`;
      return { outcome: "raised", text: `${what} below (${time}).` };
    }
    if (differs) {
      return { outcome: "differs", text: `${differs} of ${run.length} examples gave other output than the book (${time}).` };
    }
    const word = run.length === 1 ? "example" : "examples";
    const rounding = run.filter((e) => e.outcome === "rounding").length;
    if (rounding) {
      return { outcome: "match", text: `Ran ${run.length} ${word}: the output is the book's, but for the last digit of ${rounding === 1 ? "a float" : `${rounding} floats`} (${time}).` };
    }
    return { outcome: "match", text: `Ran ${run.length} ${word}: the output is the book's (${time}).` };
  }

  // --- one block -------------------------------------------------------------------------

  class Block {
    constructor(page, index, container, info) {
      this.page = page;
      this.index = index;
      this.container = container;
      this.needs = info.needs || null;
      this.setup = info.setup || null; // the examples of a block that needs more which can run
      this.code = container.querySelector("pre > code");
      this.original = this.code.innerHTML;
      this.storageKey = `sg-edit:${page.key}#${index}`;
      this.bar = element("div", "sg-run");
      this.out = element("div", "sg-out");
      this.out.hidden = true;
      container.after(this.bar, this.out);
      if (this.needs) {
        this.bar.classList.add("sg-run--needs");
        this.bar.append(element("span", "sg-run__needs",
          `Runs on your own machine only: this block needs ${this.needs}, which the page cannot load.`));
        this.status = element("span", "sg-run__status");
        this.status.setAttribute("role", "status");
        this.bar.append(this.status);
        return;
      }
      this.button = element("button", "md-button sg-run__run", "Run");
      this.button.type = "button";
      this.button.setAttribute("aria-label", `Run example block ${index + 1}`);
      this.stop = element("button", "md-button sg-run__stop", "Stop");
      this.stop.type = "button";
      this.stop.hidden = true;
      this.reset = element("button", "md-button sg-run__reset", "Undo my edits");
      this.reset.type = "button";
      this.reset.hidden = true;
      this.status = element("span", "sg-run__status");
      this.status.setAttribute("role", "status");
      this.bar.append(this.button, this.stop, this.reset, this.status);
      this.button.addEventListener("click", () => page.run(this));
      this.stop.addEventListener("click", () => page.stop(this));
      this.reset.addEventListener("click", () => this.undo());
      this.editable();
    }

    editable() {
      this.code.contentEditable = "plaintext-only";
      this.code.spellcheck = false;
      this.code.setAttribute("aria-label", "example code, editable: change it and press Run");
      const saved = recall(this.storageKey);
      if (saved !== null && saved !== codeText(this.code)) {
        this.code.textContent = saved;
        this.reset.hidden = false;
      }
      this.code.addEventListener("input", () => {
        store(this.storageKey, codeText(this.code));
        this.reset.hidden = false;
      });
    }

    undo() {
      this.code.innerHTML = this.original;
      store(this.storageKey, null);
      this.reset.hidden = true;
      this.say("Back to the book's text.");
    }

    get text() {
      return this.needs ? this.setup : codeText(this.code);
    }

    say(text, state = "") {
      this.status.textContent = text;
      this.bar.dataset.state = state;
    }

    show(result, ms, primary) {
      const { outcome, text } = summary(result, ms);
      const before = this.needs
        ? "Ran the examples of this block that the page can run, before the block you ran."
        : "Ran before the block you ran.";
      this.say(primary ? text : `${before} ${text}`, outcome);
      this.out.replaceChildren();
      this.out.dataset.outcome = outcome;
      this.out.hidden = false;
      if (result.error) {
        this.out.append(element("p", "sg-ex__note", result.error));
        return;
      }
      const list = element("div", "sg-out__examples");
      for (const example of result.examples) list.append(exampleView(example));
      if (primary) {
        this.out.append(list);
      } else {
        const details = element("details", "sg-out__details");
        details.append(element("summary", "", "Show its output"), list);
        this.out.append(details);
      }
    }
  }

  // --- one page ----------------------------------------------------------------------------

  class Page {
    constructor(body, infos) {
      this.key = location.pathname;
      const containers = [...body.querySelectorAll(".md-content div.language-pycon")];
      this.blocks = containers.map((c, i) => new Block(this, i, c, infos[i] || {}));
      if (location.protocol === "file:") {
        for (const block of this.blocks) {
          if (!block.button) continue;
          block.button.disabled = true;
          block.say("Running the examples needs the folder served: in it, run " +
            "python -m http.server and open http://localhost:8000/ (a page opened from disk cannot start Python).", "file");
        }
        return;
      }
      const interrupted = JSON.parse(recall(RUNNING) || "null");
      if (interrupted && interrupted.key === this.key) {
        this.blocks[interrupted.index]?.say(
          "The page was reloaded while this block ran, so that run was lost; your edits are kept. Press Run again.",
          "stopped");
        store(RUNNING, null);
      }
    }

    ran() {
      if (!session.ran.has(this.key)) session.ran.set(this.key, new Set());
      return session.ran.get(this.key);
    }

    run(target) {
      const todo = this.blocks.filter(
        (b) => b === target
          || ((b.button || b.setup) && b.index < target.index && !this.ran().has(b.index)),
      );
      for (const b of todo) b.say(b === target ? "Waiting…" : "Waiting: runs first…", "waiting");
      session.queue = session.queue.then(() => this.send(target, todo));
    }

    send(target, todo) {
      if (!todo.every((b) => b.container.isConnected)) return Promise.resolve(); // page left
      return new Promise((resolve) => {
        const id = session.next++;
        const byIndex = new Map(todo.map((b) => [b.index, b]));
        const busy = (on) => {
          for (const b of todo) {
            if (!b.button) continue;
            b.stop.hidden = !on;
            b.button.disabled = on;
          }
        };
        let current = todo[0];
        const slow = setTimeout(() => current.say(
          "Still running… Stop ends it (and restarts Python).", "running"), SLOW_MS);
        session.status = (text) => {
          current.say(text, "running");
          if (current !== target) target.say(`Waiting: ${text}`, "waiting");
        };
        const finish = () => {
          clearTimeout(slow);
          busy(false);
          session.handlers.delete(id);
          session.status = null;
          this.stopRun = null;
          store(RUNNING, null);
          resolve();
        };
        this.stopRun = () => {
          const done = new Set(this.ran());
          restart();
          for (const b of todo) if (!done.has(b.index)) b.say("");
          if (current !== target) current.say("Stopped before it finished.", "stopped");
          target.say("Stopped. Python was restarted: the next Run starts again from the chapter's first block.", "stopped");
          finish();
        };
        session.handlers.set(id, (message) => {
          if (message.type === "result") {
            const block = byIndex.get(message.index);
            this.ran().add(message.index);
            block.show(message.result, message.ms, block === target);
            current = todo[todo.indexOf(block) + 1] || block;
            if (current !== block) {
              current.say("Running…", "running");
              store(RUNNING, JSON.stringify({ key: this.key, index: current.index }));
            }
          } else if (message.type === "fatal") {
            const done = new Set(this.ran());
            restart();
            for (const b of todo) if (!done.has(b.index)) b.say("");
            if (current !== target) target.say(`Not run: block ${current.index + 1} stopped Python first.`, "error");
            current.say(`${message.message}. Python was restarted; press Run to try again.`, "error");
            finish();
          } else if (message.type === "done") {
            finish();
          }
        });
        busy(true);
        current.say("Running…", "running");
        store(RUNNING, JSON.stringify({ key: this.key, index: current.index }));
        worker().postMessage({
          id,
          type: "run",
          key: this.key,
          blocks: todo.map((b) => ({ index: b.index, name: `block ${b.index + 1}`, text: b.text })),
        });
      });
    }

    stop() {
      this.stopRun?.();
    }
  }

  function setup(body) {
    const data = body.querySelector("#sg-runner-blocks");
    if (!data) return;
    window.sgRunner = new Page(body, JSON.parse(data.textContent)); // for tests and benchmarks
  }

  // Opened from disk, Material's document$ never emits (and there is no instant
  // navigation): this script runs at the end of <body>, so the page is there already.
  if (location.protocol === "file:") setup(document.body);
  else document$.subscribe(({ body }) => setup(body));
})();
