// Predict-then-run questions (docs/hooks/questions.py). The reader commits to an answer
// first; "Check my answer" then says whether it was right, shows the explanation of the
// reader's own choice (each choice has one), and shows the question's code, which the
// page's runner can run. The right answer was computed from the code when the site was
// built. Answers are kept in localStorage under the book's version, like the reader's
// edits, so a reload shows them again.

(() => {
  // The same rule as questions.same(): word by word, as text or as numbers (2 is 2.0).
  function same(a, b) {
    const wordsA = a.trim().split(/\s+/);
    const wordsB = b.trim().split(/\s+/);
    return wordsA.length === wordsB.length && wordsA.every((w, i) => sameWord(w, wordsB[i]));
  }

  function sameWord(a, b) {
    if (a === b) return true;
    const x = Number(a);
    const y = Number(b);
    if (a === "" || b === "" || Number.isNaN(x) || Number.isNaN(y)) return false;
    return Math.abs(x - y) <= Math.max(1e-12, 1e-9 * Math.max(Math.abs(x), Math.abs(y)));
  }

  // Keys: sg:VERSION:q:PAGE#QUESTION (a question's answer) and sg:VERSION:ex:PAGE#N (the
  // page's exercise N was answered), PAGE the page's address from the site's root.
  const storage = {
    prefix: "sg:?:q:",
    use(data) {
      this.version = data?.dataset.version || "unversioned";
      this.page = data?.dataset.page ?? location.pathname;
      this.prefix = `sg:${this.version}:q:${this.page}#`;
    },
    keys(start) {
      const found = [];
      try {
        for (let i = 0; i < localStorage.length; i++) {
          const key = localStorage.key(i);
          if (key.startsWith(start)) found.push(key);
        }
      } catch {
        // storage disabled: nothing was kept
      }
      return found;
    },
    // How many questions and exercises of the page at `url` the reader answered.
    answered(url) {
      return this.keys(`sg:${this.version}:q:${url}#`).length
        + this.keys(`sg:${this.version}:ex:${url}#`).length;
    },
    exerciseAnswered(n) {
      try {
        localStorage.setItem(`sg:${this.version}:ex:${this.page}#${n}`, "1");
      } catch {
        // storage disabled or full
      }
    },
    // The reader's answers of this book version: {"q:PAGE#ID": value, "ex:PAGE#N": "1"}.
    all() {
      const answers = {};
      const start = `sg:${this.version}:`;
      for (const kind of ["q", "ex"]) {
        for (const key of this.keys(`${start}${kind}:`)) {
          answers[key.slice(start.length)] = localStorage.getItem(key);
        }
      }
      return answers;
    },
    restore(answers) {
      for (const [key, value] of Object.entries(answers)) {
        if (/^(q|ex):/.test(key) && typeof value === "string") {
          localStorage.setItem(`sg:${this.version}:${key}`, value);
        }
      }
    },
    forget() {
      for (const kind of ["q", "ex"]) {
        for (const key of this.keys(`sg:${this.version}:${kind}:`)) localStorage.removeItem(key);
      }
    },
    get(id) {
      try {
        return JSON.parse(localStorage.getItem(this.prefix + id) || "null");
      } catch {
        return null;
      }
    },
    set(id, value) {
      try {
        localStorage.setItem(this.prefix + id, JSON.stringify(value));
      } catch {
        // storage disabled or full: the answer lasts as long as the page
      }
    },
  };

  class Question {
    constructor(root, answered) {
      this.root = root;
      this.answered = answered; // called after the reader checks an answer
      this.kind = root.dataset.kind;
      this.answer = root.dataset.answer;
      this.verdict = root.querySelector(".sg-q__verdict");
      this.run = root.querySelector(".sg-q__run");
      this.input = root.querySelector(".sg-q__short input");
      // One group of choices per question, also where the whole book is one page.
      for (const radio of root.querySelectorAll("input[type=radio]")) radio.name = root.id;
      root.querySelector(".sg-q__check").addEventListener("click", () => this.check(true));
      this.input?.addEventListener("keydown", (event) => {
        if (event.key === "Enter") this.check(true);
      });
      const saved = storage.get(root.id);
      if (saved) {
        this.restore(saved.answer);
        this.check(false);
      }
    }

    // Forget the answer shown: the question as the page first showed it.
    clear() {
      this.restore("");
      for (const why of this.root.querySelectorAll(".sg-q__why")) why.hidden = true;
      this.root.classList.remove("sg-q--right", "sg-q--wrong");
      this.verdict.textContent = "";
      if (this.run) this.run.hidden = true;
    }

    // The reader's answer: the chosen choice's text, or what they typed; null if none.
    chosen() {
      if (this.input) return this.input.value.trim() || null;
      const picked = this.root.querySelector("input[type=radio]:checked");
      return picked ? picked.dataset.choice : null;
    }

    restore(answer) {
      if (this.input) this.input.value = answer;
      for (const radio of this.root.querySelectorAll("input[type=radio]")) {
        radio.checked = radio.dataset.choice === answer;
      }
    }

    check(save) {
      const answer = this.chosen();
      for (const why of this.root.querySelectorAll(".sg-q__why")) why.hidden = true;
      this.root.classList.remove("sg-q--right", "sg-q--wrong");
      if (answer === null) {
        this.verdict.textContent = this.input ? "Type an answer first." : "Choose an answer first.";
        return;
      }
      const right = same(answer, this.answer);
      this.root.classList.add(right ? "sg-q--right" : "sg-q--wrong");
      this.verdict.textContent = right
        ? "Right."
        : "Not quite. Try again, or run the code below to see what it prints.";
      // A choice's own explanation; a typed answer gets the question's one explanation
      // when right (a wrong typed answer has no explanation of its own).
      const key = this.input ? this.answer : answer;
      for (const why of this.root.querySelectorAll(".sg-q__why")) {
        if (why.dataset.for === key && (right || !this.input)) why.hidden = false;
      }
      if (this.run) this.run.hidden = false;
      if (save) {
        storage.set(this.root.id, { answer, right });
        this.answered();
      }
    }
  }

  // The navigation marks each chapter with what the reader answered of its questions and
  // exercises: "2/7" on the way, a check mark when all are answered.
  function markNav(body, counts) {
    for (const link of body.querySelectorAll(".md-nav--primary a.md-nav__link[href]")) {
      const target = new URL(link.href, location.href);
      link.querySelector(".sg-nav-done")?.remove();
      if (target.hash) continue; // a section of a page, not a chapter
      const url = Object.keys(counts).find((u) => target.pathname.endsWith(`/${u}`));
      if (!url) continue;
      const [questions, exercises] = counts[url];
      const all = questions + exercises;
      const done = Math.min(storage.answered(url), all);
      if (!done) continue;
      const mark = document.createElement("span");
      mark.className = "sg-nav-done";
      mark.dataset.answered = `${done}/${all}`;
      mark.title = `You answered ${done} of this chapter's ${questions} questions and ${exercises} exercises`;
      const shown = document.createElement("span");
      shown.setAttribute("aria-hidden", "true");
      shown.textContent = done === all ? " ✓" : ` ${done}/${all}`;
      const said = document.createElement("span");
      said.className = "sg-q-hidden-text";
      said.textContent = ` (${done} of ${all} questions and exercises answered)`;
      mark.append(shown, said);
      link.append(mark);
    }
  }

  // The exercise (a top-level "question" box of the page) that holds `element`: its number.
  function exerciseNumber(element) {
    const boxes = [...document.querySelectorAll(".md-content details.question")]
      .filter((box) => !box.parentElement.closest("details.question"));
    const box = element.closest("details.question");
    const top = boxes.find((b) => b === box || b.contains(box));
    return top ? boxes.indexOf(top) + 1 : null;
  }

  let counts = {};
  // For runner.js: an exercise was answered; Start over forgets every answer.
  window.sgProgress = {
    exerciseAnswered(element) {
      const n = exerciseNumber(element);
      if (n === null) return;
      storage.exerciseAnswered(n);
      markNav(document.body, counts);
    },
    // For "Download my files" and "Load my files" (runner.js): answers.json's content.
    answers() {
      return storage.all();
    },
    restore(answers) {
      storage.restore(answers);
      for (const root of document.querySelectorAll(".sg-q")) {
        const saved = storage.get(root.id);
        if (saved && root.sgQuestion) {
          root.sgQuestion.restore(saved.answer);
          root.sgQuestion.check(false);
        }
      }
      markNav(document.body, counts);
    },
    forget() {
      storage.forget();
      for (const root of document.querySelectorAll(".sg-q")) root.sgQuestion?.clear();
      markNav(document.body, counts);
    },
  };

  function setup(body) {
    const data = body.querySelector("#sg-questions");
    storage.use(data);
    counts = data ? JSON.parse(data.textContent) : {};
    for (const root of body.querySelectorAll(".sg-q")) {
      root.sgQuestion = new Question(root, () => markNav(document.body, counts));
    }
    markNav(document.body, counts);
  }

  // Opened from disk, Material's document$ never emits (instant navigation is off there).
  if (location.protocol === "file:") setup(document.body);
  else document$.subscribe(({ body }) => setup(body));
})();
