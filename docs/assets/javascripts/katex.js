// Render the math that pymdownx.arithmatex (generic: true) leaves in the page:
// \( ... \) inline and \[ ... \] display, inside elements of class "arithmatex".
// Material's document$ emits on the first load and after every instant navigation.
// A formula KaTeX cannot parse is reported with console.error (the browser tests
// fail on any console error) and left as text.
document$.subscribe(({ body }) => {
  for (const element of body.querySelectorAll(".arithmatex")) {
    renderMathInElement(element, {
      delimiters: [
        { left: "\\(", right: "\\)", display: false },
        { left: "\\[", right: "\\]", display: true },
      ],
      throwOnError: true,
    });
  }
});
