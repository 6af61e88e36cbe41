// Run, edit, run again: a Run button under every pycon block of a chapter page.
//
// The build (docs/hooks/runnable_blocks.py) lists the page's blocks in #sg-runner-blocks,
// in page order, with what a block needs that the page cannot load, and the book's
// version.
// Blocks are editable in place; edits are kept in localStorage, keyed by the book's
// version, page and block, so they survive a closed tab; an edited block is marked as the
// reader's, with "Undo my edits". Running a block first runs the chapter's earlier blocks
// that have not run yet, once, in one shared namespace, as the chapter's notebook does.
// Python (Pyodide) runs in a Web Worker (runner-worker.js). It starts in the background
// once the page is idle after its first paint, on pages with runnable blocks, unless the
// browser asks to save data (then on the first Run): the first Run waits only for what is
// still missing, and says "Starting Python… (n s)" meanwhile, with no Stop to press. Stop
// terminates the worker; the next Run starts a fresh one, and asks before it runs the
// stopped block again. A bar at the top of the page restarts Python and forgets the
// reader's edits; on the chapters the checker knows (the build's #sg-runner-facts, from
// scalargrad.check.chapters) it also holds the reader's own files (my-files.js):
// "Run with: the book's scalargrad | my engine", "Check my engine", "Download my files",
// "Load my files", and "Add to my engine" goes under each listing of a reader's file.
// When an exercise's check fails, the status names the hint that fits the failed check (the
// build's data-sg-fits, docs/hooks/hints.py) and a button opens it.
// In "my engine" mode a block the build labels (docs/hooks/walk.py: it needs what the
// reader's files do not have yet) says so in its bar before it runs, and runs on the
// book's scalargrad (scalargrad.check.doctests.on_the_book), saying so after.
// Set up in Material's document$, so instant navigation works. A classic
// script, not a module: browsers refuse module scripts on pages opened from disk
// (file://), and there the buttons must still say what to do.

(() => {
  const WORKER = new URL("./runner-worker.js", document.currentScript.src);
  const SLOW_MS = 5000; // after this long a running block says it is still running

  const session = {
    worker: null,
    ran: new Map(), // page key -> Set of block indices run in the current worker
    skipped: new Map(), // page key -> Set of stopped blocks the reader chose to skip
    next: 1, // message id
    handlers: new Map(), // message id -> function(message)
    queue: Promise.resolve(),
    listeners: new Set(), // functions(state) told when Python starts or restarts
    files: null, // JSON of the reader's files this worker runs with (null: the book's)
    ready: false, // the worker's Python has started, with the package loaded
    fresh: true, // the worker has run nothing yet (so it may still take the reader's files)
  };
  const myFiles = window.sgMyFiles; // my-files.js

  // --- storage: localStorage, every key under the book's version ---------------------------

  const storage = {
    prefix: "sg:?:",
    use(version) {
      this.prefix = `sg:${version}:`;
      if (myFiles) myFiles.state.prefix = this.prefix;
    },
    get(key) {
      try {
        return localStorage.getItem(this.prefix + key);
      } catch {
        return null; // storage may be disabled: edits then last as long as the page
      }
    },
    set(key, value) {
      try {
        if (value === null) localStorage.removeItem(this.prefix + key);
        else localStorage.setItem(this.prefix + key, value);
      } catch {
        // disabled or full: the edit stays in the page
      }
    },
    keys(start) {
      try {
        const all = [];
        for (let i = 0; i < localStorage.length; i++) {
          const key = localStorage.key(i);
          if (key.startsWith(this.prefix + start)) all.push(key.slice(this.prefix.length));
        }
        return all;
      } catch {
        return [];
      }
    },
  };

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

  function button(text, className, label) {
    const node = element("button", `md-button ${className}`, text);
    node.type = "button";
    if (label) node.setAttribute("aria-label", label);
    return node;
  }

  function worker() {
    if (session.worker) return session.worker;
    const w = new Worker(WORKER, { type: "module" });
    w.onmessage = ({ data }) => {
      if (data.type === "ready") {
        session.ready = true;
        for (const tell of session.listeners) tell("ready");
      } else if (data.type === "start-failed") {
        for (const tell of session.listeners) tell("start-failed");
      } else {
        session.handlers.get(data.id)?.(data);
      }
    };
    w.onerror = (event) => {
      event.preventDefault();
      for (const handler of session.handlers.values()) {
        handler({ type: "fatal", message: `the Python worker failed: ${event.message || "could not load"}` });
      }
      restart();
    };
    session.worker = w;
    session.ready = false;
    session.fresh = true;
    for (const tell of session.listeners) tell("started");
    return w;
  }

  // Start Python in the background once the page is idle after its first paint: only on
  // a page with runnable blocks, served (not from disk), and not when the reader's browser
  // asks to save data (the 10 MB wait for the first Run).
  function startWhenIdle(page) {
    if (!page.blocks.some((b) => b.button) || location.protocol === "file:") return;
    if (navigator.connection?.saveData) return;
    const idle = window.requestIdleCallback || ((f) => setTimeout(f, 1));
    const afterLoad = () => requestAnimationFrame(() => idle(() => {
      if (!session.worker && page.body.isConnected) worker().postMessage({ type: "start" });
    }, { timeout: 5000 }));
    if (document.readyState === "complete") afterLoad();
    else window.addEventListener("load", afterLoad, { once: true });
  }

  function restart() {
    session.worker?.terminate();
    session.worker = null;
    session.ran.clear();
    session.skipped.clear();
    session.handlers.clear();
    session.files = null;
    session.ready = false;
    for (const tell of session.listeners) tell("restarted");
  }

  // --- output ------------------------------------------------------------------------------

  const LABELS = {
    match: "as in the book",
    rounding: "as in the book but for a float's last digit: the browser's maths library rounds differently",
    differs: "differs from the book",
    raised: "raised an exception",
    skipped: "not run (the book skips it)",
    ran: "ran as a file runs, the last line's value shown",
  };

  function exampleView(example, verdict) {
    const report = example.report && verdict;
    const view = element("div", `sg-ex sg-ex--${example.outcome}`);
    view.dataset.outcome = example.outcome;
    const head = element("div", "sg-ex__head");
    // A doctest example shows its source; plain Python is the edited block just above.
    if (!example.plain) {
      const source = example.source.trimEnd();
      head.append(element("code", "sg-ex__source", `>>> ${source.replaceAll("\n", "\n... ")}`));
    }
    let label = LABELS[example.outcome];
    if (example.outcome === "match" && example.exception) label = `raises ${example.exception}, as in the book`;
    if (report && example.outcome === "differs") {
      label = verdict.passed ? "the checker's report: passed" : "the checker's report";
      view.classList.add(verdict.passed ? "sg-ex--passed" : "sg-ex--failed");
    }
    head.append(element("span", "sg-ex__label", label));
    view.append(head);
    if (example.got) view.append(element("pre", "sg-ex__got", example.got));
    if (example.outcome === "differs" && !(report && verdict.passed)) {
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

  // ``answering``: the block is an exercise's, edited by the reader; a report that says
  // "failed" is then "Not yet" even when it is the one the book shows (the exercise's start).
  function summary(result, ms, answering = false) {
    if (result.error) return { outcome: "error", text: result.error };
    const run = result.examples.filter((e) => e.outcome !== "skipped");
    const differs = run.filter((e) => e.outcome === "differs");
    const raised = [...new Set(run.filter((e) => e.outcome === "raised").map((e) => e.exception))];
    const time = ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
    if (raised.length) {
      const what = raised.length === 1 ? `An example raised ${raised[0]}; its traceback is` : `Examples raised ${raised.join(", ")}; their tracebacks are`;
      return { outcome: "raised", text: `${what} below (${time}).` };
    }
    // An exercise is judged by its own check: the checker's verdict, not the book's text.
    const check = result.check;
    // Plain Python typed by the reader has no book output to compare with.
    if (run.length && run.every((e) => e.plain)) {
      if (check?.passed) return { outcome: "passed", text: `Passed: ${check.headline} (${time}).` };
      if (check) return { outcome: "failed", text: `Not yet: ${check.headline}; its report is below (${time}).` };
      return { outcome: "ran", text: `Ran your code (${time}).` };
    }
    if (check && differs.every((e) => e.report)) {
      if (check.passed) return { outcome: "passed", text: `Passed: ${check.headline} (${time}).` };
      if (differs.length || answering) return { outcome: "failed", text: `Not yet: ${check.headline}; its report is below (${time}).` };
    }
    if (differs.length) {
      return { outcome: "differs", text: `${differs.length} of ${run.length} examples gave other output than the book (${time}).` };
    }
    const word = run.length === 1 ? "example" : "examples";
    const rounding = run.filter((e) => e.outcome === "rounding").length;
    if (rounding) {
      return { outcome: "match", text: `Ran ${run.length} ${word}: the output is the book's, but for the last digit of ${rounding === 1 ? "a float" : `${rounding} floats`} (${time}).` };
    }
    return { outcome: "match", text: `Ran ${run.length} ${word}: the output is the book's (${time}).` };
  }

  // --- an exercise's hints: the one that fits a check that failed ---------------------------
  //
  // The build (docs/hooks/hints.py) puts on a hint's <details> the names of the failed checks
  // it fits (data-sg-fits); scalargrad.check.doctests.check_verdict names the checks a report
  // says failed (result.check.failed).

  const openedHints = new WeakSet(); // the hints the reader has opened on this page

  // The hint of the block's exercise that fits one of the failed checks: the first not yet
  // opened, else the first (the reader has read them all); and the failed check it fits.
  function fittingHint(container, failed) {
    const exercise = container.closest("details.question");
    if (!exercise || !failed?.length) return null;
    const found = [];
    for (const hint of exercise.querySelectorAll(":scope > details[data-sg-fits]")) {
      const names = JSON.parse(hint.dataset.sgFits);
      const check = failed.find((name) => names.includes(name));
      if (check) found.push({ hint, check, title: hint.querySelector(":scope > summary").textContent.trim() });
    }
    return found.find((f) => !f.hint.open && !openedHints.has(f.hint)) || found[0] || null;
  }

  function watchHints(body) {
    for (const hint of body.querySelectorAll("details[data-sg-fits]")) {
      hint.addEventListener("toggle", () => { if (hint.open) openedHints.add(hint); });
    }
  }

  // Open a hint (and the boxes around it), bring it into view and put the focus on its title.
  function openHint(hint) {
    for (let box = hint; box; box = box.parentElement.closest("details")) box.open = true;
    openedHints.add(hint);
    const summary = hint.querySelector(":scope > summary");
    summary.scrollIntoView({ block: "center" });
    summary.focus({ preventScroll: true });
  }

  // --- one block -------------------------------------------------------------------------

  class Block {
    constructor(page, index, container, info) {
      this.page = page;
      this.index = index;
      this.container = container;
      this.needs = info.needs || null;
      this.setup = info.setup || null; // the examples of a block that needs more which can run
      this.label = info.label ? info.label.text : null; // in "my engine" mode: runs on the book's
      this.code = container.querySelector("pre > code");
      this.original = this.code.innerHTML;
      this.bookText = codeText(this.code);
      this.storageKey = `edit:${page.key}#${index}`;
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
      const n = index + 1;
      this.button = button("Run", "sg-run__run", `Run example block ${n}`);
      this.stop = button("Stop", "sg-run__stop", `Stop block ${n} (restarts Python)`);
      this.stop.hidden = true;
      this.reset = button("Undo my edits", "sg-run__reset", `Undo my edits of block ${n}: back to the book's code`);
      this.reset.hidden = true;
      this.choice = element("span", "sg-run__choice");
      this.choice.hidden = true;
      this.status = element("span", "sg-run__status");
      this.status.setAttribute("role", "status");
      this.labelNote = null;
      this.pointer = null; // the button to the hint that fits a failed check
      if (this.label) {
        this.labelNote = element("span", "sg-run__label", `With your engine this block ${this.label}.`);
        this.labelNote.hidden = true;
      }
      this.bar.append(this.button, this.stop, this.reset, ...(this.labelNote ? [this.labelNote] : []),
        this.status, this.choice);
      this.tag = element("div", "sg-edited-tag", "Your edit, not the book's code");
      this.tag.hidden = true;
      container.before(this.tag);
      this.button.addEventListener("click", () => page.run(this));
      this.stop.addEventListener("click", () => page.stop(this));
      this.reset.addEventListener("click", () => this.undo());
      this.editable();
    }

    editable() {
      this.code.contentEditable = "plaintext-only";
      this.code.spellcheck = false;
      this.code.setAttribute("role", "textbox");
      this.code.setAttribute("aria-multiline", "true");
      this.code.setAttribute("aria-label", `example block ${this.index + 1}, editable: change it and press Run`);
      const saved = storage.get(this.storageKey);
      if (saved !== null && saved !== this.bookText) this.code.textContent = saved;
      this.mark();
      this.code.addEventListener("input", () => {
        const text = codeText(this.code);
        storage.set(this.storageKey, text === this.bookText ? null : text);
        if (this.page.stopped === this.index) this.page.stopped = null;
        this.mark();
      });
    }

    get edited() {
      return Boolean(this.button) && codeText(this.code) !== this.bookText;
    }

    // An edited block is marked as the reader's: a tag above it and an outline.
    mark() {
      const edited = this.edited;
      this.container.classList.toggle("sg-edited", edited);
      this.tag.hidden = !edited;
      this.reset.hidden = !edited;
    }

    undo() {
      this.code.innerHTML = this.original;
      storage.set(this.storageKey, null);
      this.mark();
      this.say("Back to the book's text.");
    }

    get text() {
      return this.needs ? this.setup : codeText(this.code);
    }

    say(text, state = "") {
      this.status.textContent = text;
      this.bar.dataset.state = state;
      this.pointer?.remove();
      this.pointer = null;
    }

    // After a failed check: name the hint that fits it, with a button that opens it.
    pointTo(fit, text) {
      const seen = fit.hint.open || openedHints.has(fit.hint);
      const exercise = fit.hint.closest("details.question").querySelector(":scope > summary");
      this.status.textContent = `${text} ${fit.title}${seen ? ", which you have opened," : ""} ` +
        `fits the failed check “${fit.check}”.`;
      this.pointer = button(seen ? `Go to ${fit.title}` : `Open ${fit.title}`, "sg-run__hint",
        `${seen ? "Go to" : "Open"} ${fit.title} of ${exercise.textContent.trim()}: it fits the failed check ${fit.check}`);
      this.pointer.addEventListener("click", () => openHint(fit.hint));
      this.status.after(this.pointer);
    }

    // A question under the bar with buttons; each answer clears it and runs its action.
    ask(answers) {
      this.choice.replaceChildren();
      for (const [label, action] of answers) {
        const answer = button(label, "sg-run__answer");
        answer.addEventListener("click", () => {
          this.choice.hidden = true;
          this.choice.replaceChildren();
          action();
        });
        this.choice.append(answer);
      }
      this.choice.hidden = false;
      this.bar.dataset.state = "asking";
      this.choice.querySelector("button").focus();
    }

    // In "my engine" mode a labelled block says, before it runs, that it runs on the book's.
    showLabel(mine) {
      if (this.labelNote) this.labelNote.hidden = !mine;
    }

    show(result, ms, primary, again, book) {
      const summed = summary(result, ms, this.edited && Boolean(this.container.closest("details.question")));
      const outcome = summed.outcome;
      const why = this.label?.replace(/^runs on the book's scalargrad: /, "");
      const text = book ? `Ran on the book's scalargrad, not on your files (${why}). ${summed.text}`
        : summed.text;
      this.bar.dataset.ms = String(Math.round(ms)); // for make bench's slowest blocks
      const before = this.needs
        ? "Ran the examples of this block that the page can run, before the block you ran."
        : "Ran before the block you ran.";
      this.say(primary ? text : `${before} ${text}`, outcome);
      const fit = primary && outcome === "failed" && fittingHint(this.container, result.check?.failed);
      if (fit) this.pointTo(fit, text);
      // An exercise is answered when its check passed, or the reader's own code ran in it.
      const answered = outcome === "passed" || (this.edited && ["match", "ran"].includes(outcome));
      if (primary && answered) window.sgProgress?.exerciseAnswered(this.container);
      this.out.replaceChildren();
      this.out.dataset.outcome = outcome;
      this.out.hidden = false;
      if (primary && again) this.out.append(this.againNote());
      if (result.error) {
        this.out.append(element("p", "sg-ex__note", result.error));
        return;
      }
      const list = element("div", "sg-out__examples");
      for (const example of result.examples) list.append(exampleView(example, result.check));
      if (primary) {
        this.out.append(list);
      } else {
        const details = element("details", "sg-out__details");
        details.append(element("summary", "", "Show its output"), list);
        this.out.append(details);
      }
    }

    // Said when the block ran on what an earlier run of itself (or of a later block) left.
    againNote() {
      const note = element("p", "sg-out__again");
      note.append(
        "This Python had already run this block (or a later one), so it ran on what " +
        "that run left: gradients add up, counters go on. ");
      const fresh = button("Run afresh", "sg-run__fresh",
        `Run afresh: restart Python, then run block ${this.index + 1} after the blocks before it`);
      fresh.addEventListener("click", () => {
        this.page.restart();
        this.page.run(this);
      });
      note.append(fresh);
      return note;
    }
  }

  // --- the bar at the top of the page: Python's state, Restart, Start over ------------------

  class Bench {
    constructor(page, body, facts) {
      this.page = page;
      this.bar = element("div", "sg-bench");
      this.bar.setAttribute("role", "region");
      this.bar.setAttribute("aria-label", "Python in this page");
      this.state = element("span", "sg-bench__state");
      this.state.setAttribute("role", "status");
      this.restartButton = button("Restart Python", "sg-bench__restart",
        "Restart Python: forget every name the examples defined; the next Run starts afresh");
      this.forget = button("Start over…", "sg-bench__forget",
        "Start over… forget all my edits of the book's examples, my files and my answers");
      this.confirm = element("span", "sg-bench__confirm");
      this.confirm.hidden = true;
      const yes = button("Yes, forget my edits", "sg-bench__yes",
        "Yes, forget my edits on every page of the book, my files and my answers");
      const no = button("Cancel", "sg-bench__no", "Cancel: keep my edits");
      this.confirm.append(element("span", "", "Forget your edits on every page of this book, your files and your answers? "), yes, no);
      this.bar.append(this.state, this.restartButton, this.forget, this.confirm);
      // The reader's files from the first chapter the checker knows; past its last, the
      // checker checks the last.
      const { chapter, first_checked: firstChecked, last_checked: lastChecked } = facts;
      if (myFiles && chapter !== null && chapter >= firstChecked) {
        const checked = Math.min(chapter, lastChecked);
        this.engine = new Engine(page, this, checked, facts.slugs[checked - 1]);
      }
      this.restartButton.addEventListener("click", () => {
        page.restart();
        this.say("Python was restarted: the next Run starts afresh from the chapter's first block.");
      });
      this.forget.addEventListener("click", () => {
        this.confirm.hidden = false;
        this.forget.hidden = true;
        yes.focus();
      });
      no.addEventListener("click", () => this.closeConfirm());
      yes.addEventListener("click", () => {
        page.startOver();
        this.closeConfirm();
        this.say("Your edits, files and answers are forgotten: every block shows the book's code again.");
        this.engine?.refresh();
      });
      const first = body.querySelector(".md-content .md-typeset h1");
      if (first) first.after(this.bar);
      else body.querySelector(".md-content .md-typeset")?.prepend(this.bar);
      this.listener = (what) => {
        if (!this.bar.isConnected) {
          session.listeners.delete(this.listener);
          return;
        }
        this.update(what);
      };
      session.listeners.add(this.listener);
      this.update(session.ready ? "ready" : session.worker ? "started" : "idle");
    }

    get mine() {
      return this.engine?.mine ?? false;
    }

    ranWith(info) {
      const book = info.book.length ? `; the book's ${info.book.join(", ")}` : "";
      this.say(`Python is running with your ${info.mine.join(", ")}${book}.`);
    }

    closeConfirm() {
      this.confirm.hidden = true;
      this.forget.hidden = false;
      this.forget.focus();
    }

    say(text) {
      this.state.textContent = text;
    }

    update(what) {
      const edits = this.page.blocks.filter((b) => b.edited).length;
      const mine = edits ? ` You have edited ${edits} block${edits === 1 ? "" : "s"} here.` : "";
      if (what === "started") this.say(`Python is starting in this page.${mine}`);
      else if (what === "ready") this.say(`Python is ready in this page.${mine}`);
      else if (what === "start-failed") this.say("Python could not start in the background; the first Run tries again.");
      else if (what === "restarted") this.say("Python was restarted: the next Run starts it afresh.");
      else if (what === "idle") {
        const when = navigator.connection?.saveData
          ? "on the first Run (your browser asks to save data)" : "once the page has loaded";
        this.say(`The examples run in your browser; Python starts ${when}.${mine}`);
      }
    }
  }


  // --- my engine: the reader's files, Add, Run with, Check, Download, Load ------------------

  class Engine {
    constructor(page, bench, chapter, slug) {
      this.page = page;
      this.bench = bench;
      this.chapter = chapter;
      this.slug = slug; // what the reader types after --chapter: a name that never moves
      const box = element("div", "sg-engine");
      const choice = element("fieldset", "sg-engine__with");
      choice.append(element("legend", "", "Run with:"));
      this.radios = {};
      for (const [value, label] of [["book", "the book's scalargrad"], ["mine", "my engine"]]) {
        const id = `sg-with-${value}`;
        const radio = element("input");
        radio.type = "radio";
        radio.name = "sg-run-with";
        radio.id = id;
        radio.value = value;
        const text = element("label", "", label);
        text.htmlFor = id;
        radio.addEventListener("change", () => this.choose(value));
        this.radios[value] = radio;
        choice.append(radio, text);
      }
      this.radios[storage.get("run-with") === "mine" ? "mine" : "book"].checked = true;
      const check = button("Check my engine", "sg-engine__check",
        `Check my engine: run scalargrad.check on my files at chapter ${this.chapter}, here in the page`);
      const download = button("Download my files", "sg-engine__download",
        "Download my files as a zip, for python -m scalargrad.check and a plain python");
      const loadButton = button("Load my files", "sg-engine__load",
        "Load my files from a zip or from .py files (engine.py, nn.py, training.py, datasets.py)");
      this.input = element("input");
      this.input.type = "file";
      this.input.accept = ".zip,.py";
      this.input.multiple = true;
      this.input.hidden = true;
      this.input.setAttribute("aria-hidden", "true");
      this.input.tabIndex = -1;
      this.panel = element("details", "sg-engine__files");
      this.summary = element("summary");
      this.panel.append(this.summary);
      this.report = element("pre", "sg-engine__report");
      this.report.hidden = true;
      this.report.tabIndex = 0;
      this.report.setAttribute("aria-label", "the checker's report on my files");
      box.append(choice, check, download, loadButton, this.input, this.panel, this.report);
      bench.bar.append(box);
      check.addEventListener("click", () => this.check());
      download.addEventListener("click", () => this.download());
      loadButton.addEventListener("click", () => this.input.click());
      this.input.addEventListener("change", () => this.load());
      this.addButtons();
      this.refresh();
      for (const block of page.blocks) block.showLabel(this.mine);
    }

    get mine() {
      return this.radios.mine.checked;
    }

    choose(value) {
      storage.set("run-with", value === "mine" ? "mine" : null);
      for (const block of this.page.blocks) block.showLabel(value === "mine");
      if (value === "mine" && !Object.keys(myFiles.files()).length) {
        this.bench.say("You have no files yet: press \"Add to my engine\" under a listing, or load your files. Until then the examples fail to import.");
      } else {
        this.bench.say(value === "mine"
          ? "The next Run imports your files as scalargrad's modules (Python restarts)."
          : "The next Run uses the book's scalargrad (Python restarts).");
      }
    }

    // "Add to my engine" under every main-text listing of a reader's file.
    addButtons() {
      const listings = this.page.body.querySelectorAll(
        ".md-content [data-reader-file]:not([data-optional='true'])");
      for (const listing of listings) {
        const { readerFile, region, chapter } = listing.dataset;
        const bar = element("div", "sg-add");
        const add = button("Add to my engine", "sg-add__button",
          `Add to my engine: put this listing (${region}) into my ${readerFile}`);
        const status = element("span", "sg-add__status");
        status.setAttribute("role", "status");
        bar.append(add, status);
        listing.after(bar);
        add.addEventListener("click", async () => {
          status.textContent = "Adding…";
          try {
            const said = await myFiles.add(readerFile, region, Number(chapter));
            status.textContent = `${said[0].toUpperCase()}${said.slice(1)}.`;
            bar.dataset.state = "added";
          } catch (error) {
            status.textContent = `Not added: ${error.message}`;
            bar.dataset.state = "error";
          }
          this.refresh();
        });
      }
    }

    // The files, editable, in a collapsed panel of the bar.
    refresh() {
      const files = myFiles.files();
      const names = Object.keys(files);
      this.summary.textContent = names.length
        ? `My files: ${names.join(", ")} (kept in this browser)`
        : "My files: none yet (\"Add to my engine\" under a listing starts them)";
      this.panel.replaceChildren(this.summary);
      for (const name of myFiles.FILES) {
        if (!(name in files)) continue;
        const id = `sg-file-${name.replace(".", "-")}`;
        const label = element("label", "sg-engine__name", name);
        label.htmlFor = id;
        const area = element("textarea", "sg-engine__text");
        area.id = id;
        area.value = files[name];
        area.spellcheck = false;
        area.rows = Math.min(20, files[name].split("\n").length + 1);
        area.addEventListener("input", () => myFiles.write(name, area.value));
        this.panel.append(label, area);
      }
    }

    download() {
      const files = myFiles.files();
      const answers = window.sgProgress?.answers() ?? {};
      if (!Object.keys(files).length && !Object.keys(answers).length) {
        this.bench.say("Nothing to download yet: your files are empty and nothing is answered.");
        return;
      }
      const entries = {};
      for (const [name, text] of Object.entries(files)) entries[`my-scalargrad/${name}`] = text;
      if (Object.keys(answers).length) {
        entries[`my-scalargrad/${myFiles.ANSWERS}`] = `${JSON.stringify(answers, null, 1)}\n`;
      }
      const link = element("a");
      link.href = URL.createObjectURL(myFiles.zip(entries));
      link.download = "my-scalargrad.zip";
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
      this.bench.say("Downloaded my-scalargrad.zip. Unzip it, and beside the folder " +
        `my-scalargrad: python -m scalargrad.check my-scalargrad --chapter ${this.slug}` +
        " (add --examples to run this chapter's examples on your files).");
    }

    async load() {
      try {
        const found = await myFiles.read(this.input.files);
        for (const [name, text] of Object.entries(found)) {
          if (name === myFiles.ANSWERS) window.sgProgress?.restore(JSON.parse(text));
          else myFiles.write(name, text);
        }
        this.bench.say(`Loaded your ${Object.keys(found).join(", ")}.`);
      } catch (error) {
        this.bench.say(`Not loaded: ${error.message}.`);
      }
      this.input.value = "";
      this.refresh();
    }

    check() {
      const files = myFiles.files();
      this.report.hidden = false;
      this.report.textContent = `Checking your files at chapter ${this.chapter}… (Restart Python stops it)`;
      const id = session.next++;
      const stopped = (what) => { // Restart Python (or Stop) ends a check that does not end
        if (what !== "restarted") return;
        session.listeners.delete(stopped);
        this.report.textContent = "Not finished: Python was restarted before the check ended.";
      };
      session.listeners.add(stopped);
      session.handlers.set(id, (message) => {
        session.handlers.delete(id);
        session.listeners.delete(stopped);
        if (message.type === "checked") this.report.textContent = message.text;
        else if (message.type === "fatal") this.report.textContent = `Not checked: ${message.message}`;
        this.bench.say(message.type === "checked"
          ? `Checked: ${message.text.split("\n")[0]}`
          : "The check did not finish.");
      });
      if (!session.ready) {
        this.report.textContent = `Starting Python, then checking your files at chapter ${this.chapter}… (Restart Python stops it)`;
      }
      const w = worker();
      session.fresh = false;
      w.postMessage({ id, type: "check", files, chapter: this.chapter });
    }
  }

  // --- one page ----------------------------------------------------------------------------

  class Page {
    constructor(body, infos, facts) {
      this.key = location.pathname;
      this.body = body;
      const containers = [...body.querySelectorAll(".md-content div.language-pycon")];
      this.blocks = containers.map((c, i) => new Block(this, i, c, infos[i] || {}));
      watchHints(body);
      if (location.protocol === "file:") {
        for (const block of this.blocks) {
          if (!block.button) continue;
          block.button.disabled = true;
          block.say("Running the examples needs the folder served: in it, run " +
            "python -m http.server and open http://localhost:8000/ (a page opened from disk cannot start Python).", "file");
        }
        return;
      }
      this.bench = new Bench(this, body, facts);
      const interrupted = JSON.parse(storage.get("running") || "null");
      if (interrupted && interrupted.key === this.key) {
        this.blocks[interrupted.index]?.say(
          "The page was reloaded while this block ran, so that run was lost; your edits are kept. Press Run again.",
          "stopped");
        storage.set("running", null);
        this.stopped = interrupted.index; // the next Run asks before running it again
      }
      startWhenIdle(this);
    }

    get stopped() {
      const value = storage.get(`stopped:${this.key}`);
      return value === null ? null : Number(value);
    }

    set stopped(index) {
      storage.set(`stopped:${this.key}`, index === null ? null : String(index));
    }

    ran() {
      if (!session.ran.has(this.key)) session.ran.set(this.key, new Set());
      return session.ran.get(this.key);
    }

    skipped() {
      if (!session.skipped.has(this.key)) session.skipped.set(this.key, new Set());
      return session.skipped.get(this.key);
    }

    run(target) {
      const wanted = this.bench?.mine ? JSON.stringify(myFiles.files()) : null;
      if (session.worker && !session.fresh && wanted !== session.files) {
        restart(); // the examples run on other modules now: start from a fresh Python
        this.bench?.say(wanted === null
          ? "Python was restarted to run with the book's scalargrad."
          : "Python was restarted to run with your files as they are now.");
      }
      const skip = this.skipped();
      const todo = this.blocks.filter(
        (b) => b === target
          || ((b.button || b.setup) && b.index < target.index && !this.ran().has(b.index) && !skip.has(b.index)),
      );
      // After Stop, the stopped block never runs again unasked: a Run below it says so.
      const stopped = this.blocks[this.stopped ?? -1];
      if (stopped && stopped === target) {
        this.stopped = null;
      } else if (stopped && todo.includes(stopped)) {
        const n = stopped.index + 1;
        const answers = [[`Skip block ${n}`, () => {
          // skipped until Python restarts; the next Python asks again
          this.skipped().add(stopped.index);
          this.run(target);
        }]];
        if (stopped.edited) {
          answers.push([`Undo block ${n}'s edits, then run`, () => {
            stopped.undo();
            this.stopped = null;
            this.run(target);
          }]);
        }
        answers.push([`Run block ${n} anyway`, () => {
          this.stopped = null;
          this.run(target);
        }]);
        target.say(`Block ${n}, which was stopped, would run first (it may not end).`, "asking");
        target.ask(answers);
        return;
      }
      const again = this.ran().has(target.index) || [...this.ran()].some((i) => i > target.index);
      const skipped = [...skip].filter((i) => i < target.index && !this.ran().has(i));
      for (const b of todo) b.say(b === target ? "Waiting…" : "Waiting: runs first…", "waiting");
      session.queue = session.queue.then(() => this.send(target, todo, again, skipped));
    }

    send(target, todo, again, skipped) {
      if (!todo.every((b) => b.container.isConnected)) return Promise.resolve(); // page left
      const mine = Boolean(this.bench?.mine); // "Run with: my engine"
      return new Promise((resolve) => {
        const id = session.next++;
        const byIndex = new Map(todo.map((b) => [b.index, b]));
        // Run buttons are off until the end; Stop shows once a block runs, not while
        // Python starts (a start-up going fine is not something to stop).
        const busy = (on, stoppable = on) => {
          for (const b of todo) {
            if (!b.button) continue;
            b.stop.hidden = !stoppable;
            b.button.disabled = on;
          }
        };
        let current = todo[0];
        let executing = null; // the block Python is running (null while Python starts)
        let slow = null; // after SLOW_MS of running blocks: "Still running… Stop ends it"
        // While Python starts (or loads Graphviz for a graph): the seconds since the click.
        const clicked = performance.now();
        const starting = () => {
          const seconds = Math.floor((performance.now() - clicked) / 1000);
          const text = session.ready ? "Running…" : `Starting Python… (${seconds} s)`;
          current.say(text, "running");
          if (current !== target) target.say(`Waiting: ${text}`, "waiting");
        };
        let ticker = setInterval(starting, 1000);
        const running = () => { // the first block has started: Python is up
          clearInterval(ticker);
          ticker = null;
          busy(true, true);
          if (current !== target) target.say("Waiting…", "waiting");
          slow = setTimeout(() => current.say(
            "Still running… Stop ends it (and restarts Python).", "running"), SLOW_MS);
        };
        const finish = () => {
          clearInterval(ticker);
          clearTimeout(slow);
          busy(false);
          session.handlers.delete(id);
          this.stopRun = null;
          storage.set("running", null);
          resolve();
        };
        this.stopRun = () => {
          const done = new Set(this.ran());
          restart();
          for (const b of todo) if (!done.has(b.index)) b.say("");
          // Only a block that was running is suspect; a Stop while Python started is not.
          if (!executing) {
            target.say("Stopped while Python was starting. The next Run starts it again.", "stopped");
          } else if (executing !== target) {
            this.stopped = executing.index;
            executing.say("Stopped here: this block was running. Python was restarted.", "stopped");
            target.say(`Stopped while block ${executing.index + 1} ran, before this one. Python ` +
              "was restarted; the next Run asks before it runs that block again.", "stopped");
          } else {
            this.stopped = target.index;
            target.say("Stopped. Python was restarted: the next Run starts again from the " +
              "chapter's first block, and asks before it runs this one again.", "stopped");
          }
          finish();
        };
        session.handlers.set(id, (message) => {
          if (message.type === "started") {
            if (ticker !== null) running();
            executing = byIndex.get(message.index);
            storage.set("running", JSON.stringify({ key: this.key, index: executing.index }));
            if (executing === todo[0]) executing.say("Running…", "running");
          } else if (message.type === "result") {
            executing = null;
            const block = byIndex.get(message.index);
            this.ran().add(message.index);
            block.show(message.result, message.ms, block === target, again,
              Boolean(mine && block.label));
            if (block === target && skipped.length) {
              target.out.prepend(element("p", "sg-out__again",
                `Block${skipped.length > 1 ? "s" : ""} ${skipped.map((i) => i + 1).join(", ")} ` +
                "did not run (skipped after Stop, until Python restarts): names defined " +
                "there are missing."));
            }
            current = todo[todo.indexOf(block) + 1] || block;
            if (current !== block) current.say("Running…", "running");
          } else if (message.type === "fatal") {
            const done = new Set(this.ran());
            restart();
            for (const b of todo) if (!done.has(b.index)) b.say("");
            if (current !== target) target.say(`Not run: block ${current.index + 1} stopped Python first.`, "error");
            current.say(`${message.message}. Python was restarted; press Run to try again.`, "error");
            finish();
          } else if (message.type === "mine") {
            this.bench?.ranWith(message.info);
          } else if (message.type === "done") {
            finish();
          }
        });
        busy(true, false);
        starting();
        const message = {
          id,
          type: "run",
          key: this.key,
          // in "my engine" mode a labelled block runs on the book's scalargrad
          blocks: todo.map((b) => ({
            index: b.index, name: `block ${b.index + 1}`, text: b.text, book: Boolean(mine && b.label),
          })),
        };
        if (this.bench?.mine) {
          message.files = myFiles.files();
          session.files = JSON.stringify(message.files);
        }
        const w = worker();
        session.fresh = false;
        w.postMessage(message);
      });
    }

    stop() {
      this.stopRun?.();
    }

    restart() {
      if (this.stopRun) this.stopRun();
      else restart();
      for (const b of this.blocks) if (b.button && b.bar.dataset.state !== "asking") b.say("");
    }

    startOver() {
      myFiles?.forget();
      for (const key of storage.keys("edit:")) storage.set(key, null);
      for (const key of storage.keys("stopped:")) storage.set(key, null);
      window.sgProgress?.forget(); // the answers to questions and exercises
      for (const b of this.blocks) if (b.button && b.edited) b.undo();
    }
  }

  function setup(body) {
    const data = body.querySelector("#sg-runner-blocks");
    if (!data) return;
    storage.use(data.dataset.version || "unversioned");
    const facts = JSON.parse(body.querySelector("#sg-runner-facts")?.textContent || "null");
    if (!facts) throw new Error("runner.js: the page has no #sg-runner-facts (docs/hooks/page_runtime.py)");
    window.sgRunner = new Page(body, JSON.parse(data.textContent), facts); // for tests and benchmarks
  }

  // Opened from disk, Material's document$ never emits (and there is no instant
  // navigation): this script runs at the end of <body>, so the page is there already.
  if (location.protocol === "file:") setup(document.body);
  else document$.subscribe(({ body }) => setup(body));
})();
