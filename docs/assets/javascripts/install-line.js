// The install command (docs/hooks/install_line.py) names the wheel on the published site,
// split over lines as `<site>/wheels/\` and `<wheel>"`. In a local copy of the book,
// served by `make book` or opened from disk as the offline edition, the wheel sits
// beside the pages: point the command at this copy's own wheel, found from the page's
// address (http://127.0.0.1:8000/... or file:///.../scalargrad-offline/...). The copy
// button copies the text shown, so it gives the same command. On the published site
// the address found is the one already shown, and nothing changes.
(() => {
  // The line that names the wheels' folder, as Pygments leaves it: a text node of its own.
  const FOLDER = /[a-z]+:\/\/[^\s"]*\/wheels\/\\$/;

  function siteRoot() {
    const config = document.getElementById("__config");
    const base = config ? JSON.parse(config.textContent).base : ".";
    return new URL(`${base.replace(/\/$/, "")}/`, window.location.href).href;
  }

  function localise(root) {
    for (const code of document.querySelectorAll("pre > code")) {
      const text = code.textContent;
      if (!text.includes("pip install") || !text.includes("scalargrad-")) continue;
      const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const match = FOLDER.exec(node.nodeValue);
        if (match) node.nodeValue = node.nodeValue.replace(match[0], `${root}wheels/\\`);
      }
    }
  }

  const run = () => localise(siteRoot());
  if (typeof document$ !== "undefined") document$.subscribe(run);
  else document.addEventListener("DOMContentLoaded", run);
})();
