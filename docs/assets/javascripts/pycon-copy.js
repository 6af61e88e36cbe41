// Material's copy button copies a block's text with its end trimmed (String.trimEnd).
// For a pycon block whose last statement is a compound one (a `for` loop, a `def`),
// that drops the empty line that closes it, and a classic Python prompt would sit at
// "... " waiting for it. docs/hooks/pycon.py marks such blocks with data-copy-closes;
// here, when the copy button of one of them copies, the empty line is put back.
// clipboard.js copies synchronously from inside the button's click handler, so a
// capturing click listener sees the button first and the copy event comes next.
(() => {
  let closing = null;
  document.addEventListener(
    "click",
    (event) => {
      const button = event.target.closest && event.target.closest("button[data-md-type=copy]");
      closing = button ? button.closest("[data-copy-closes]") : null;
    },
    true,
  );
  document.addEventListener(
    "copy",
    (event) => {
      if (!closing || !event.clipboardData) return;
      closing = null;
      const text = document.getSelection().toString();
      event.clipboardData.setData("text/plain", text.replace(/\s*$/, "\n\n"));
      event.preventDefault();
    },
    true,
  );
})();
