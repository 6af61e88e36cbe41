// A figure opens full size. docs/hooks/figures.py puts every figure in a link to its SVG;
// here a click or tap on that link shows the drawing at its own size in a dialog over the
// page instead, where it scrolls both ways (a phone shows a narrower variant in the page,
// docs/hooks/phone_figures.py; this is the whole drawing). Esc, the Close button or a
// click beside the drawing closes it, and the page is where the reader left it. A click
// with a modifier key (a new tab, a new window) follows the link, as without this script.
(() => {
  let dialog = null;
  let image = null;
  let original = null;

  function make() {
    dialog = document.createElement("dialog");
    dialog.className = "sg-zoom";
    const bar = document.createElement("div");
    bar.className = "sg-zoom__bar";
    original = document.createElement("a");
    original.className = "sg-zoom__file";
    original.textContent = "The SVG file";
    const close = document.createElement("button");
    close.type = "button";
    close.className = "md-button sg-zoom__close";
    close.textContent = "Close";
    close.addEventListener("click", () => dialog.close());
    bar.append(original, close);
    image = document.createElement("img");
    image.className = "sg-zoom__figure";
    dialog.append(bar, image);
    // a click on the backdrop lands on the dialog itself
    dialog.addEventListener("click", (event) => {
      if (event.target === dialog) dialog.close();
    });
    document.body.append(dialog);
  }

  document.addEventListener(
    "click",
    (event) => {
      const link = event.target instanceof Element && event.target.closest("a.sg-figure");
      if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey
          || event.altKey || typeof HTMLDialogElement !== "function") return;
      event.preventDefault();
      if (!dialog || !dialog.isConnected) make();
      const figure = link.querySelector("img");
      image.src = link.href;
      image.alt = figure ? figure.alt : "";
      dialog.setAttribute("aria-label", "The figure, full size");
      original.href = link.href;
      dialog.showModal();
      dialog.scrollTo(0, 0);
    },
    true, // before Material's instant navigation looks at the link
  );
})();
