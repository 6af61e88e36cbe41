// A code block wider than its column scrolls inside itself (docs/assets/stylesheets/
// scalargrad.css). Here each block's <pre> gets data-sg-scroll, which the stylesheet turns
// into a fade at the edge where there is more to see:
//   "start"  scrolled to the left end, more on the right;
//   "middle" more on both sides;
//   "end"    scrolled to the right end, more on the left;
//   none     every line fits: no fade.
// A block is measured again when it changes size (a wider window, an opened exercise),
// when it scrolls, and when its text changes (the runner lets a reader edit a block).
(() => {
  const SLACK = 1; // px: sub-pixel widths round either way

  function mark(code) {
    const pre = code.parentElement;
    const more = code.scrollWidth - code.clientWidth;
    if (more <= SLACK) {
      delete pre.dataset.sgScroll;
      return;
    }
    const at = code.scrollLeft;
    pre.dataset.sgScroll = at <= SLACK ? "start" : at >= more - SLACK ? "end" : "middle";
  }

  const isBlock = (element) => element instanceof Element && element.matches("pre > code");

  document.addEventListener(
    "scroll",
    (event) => {
      if (isBlock(event.target)) mark(event.target);
    },
    { capture: true, passive: true },
  );

  let observers = [];
  // Material's document$ emits on the first load and after every instant navigation.
  document$.subscribe(({ body }) => {
    for (const observer of observers) observer.disconnect();
    const resized = new ResizeObserver((entries) => entries.forEach((e) => mark(e.target)));
    const edited = new MutationObserver((records) => {
      const codes = new Set();
      for (const record of records) {
        const node = record.target.nodeType === Node.ELEMENT_NODE
          ? record.target : record.target.parentElement;
        const code = node && node.closest("pre > code");
        if (code) codes.add(code);
      }
      codes.forEach(mark);
    });
    observers = [resized, edited];
    for (const code of body.querySelectorAll(".md-typeset pre > code")) {
      resized.observe(code);
      edited.observe(code, { childList: true, characterData: true, subtree: true });
      mark(code);
    }
  });
})();
