"""The book on a 390-px phone, in headless Chromium (issue 28, points 1 and 2).

Code keeps its lines: at 390 × 844 no line of a code block wraps (a wrapped Python line
starts at column 0 and loses its indentation); a block wider than its column scrolls
inside itself, and exactly those blocks show the scroll hint, a fade on the side where
there is more (docs/assets/javascripts/code-scroll.js); the page itself never scrolls
sideways; code is at least 11 px; no button covers code, whatever the block's scroll.

Figures fit the width: every figure is drawn whole inside its column (scaled, not
cropped), and its smallest text, measured in the page, is at least 9 px: the SVG the
browser chose (a phone variant where there is one) is laid out at the figure's drawn
size, and each text's font size is taken through its transformation to the screen
(matplotlib draws text as glyph paths, 100 units to the em; Graphviz writes <text>).
In the dark scheme the figure's white card has padding, so the figure is narrower: both
schemes are measured. A tap opens the figure full size.

Every chapter is measured, with every exercise and solution opened. At desktop width, the
scroll hint still marks exactly the blocks that overflow (none of the chapters' do).
Needs the built site and Chromium.
"""

from __future__ import annotations

import pytest

from tests.browser.test_runner import CHAPTERS, _watched

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
MIN_TEXT_PX = 9.0
MIN_CODE_PX = 11.0

# after a change, the hint fades in or out (125 ms): measure once it has
SETTLE = "await new Promise(r => setTimeout(r, 300));"
# every exercise and solution open, every tab's content shown (at the width it has when
# its tab is chosen)
OPEN_EVERYTHING = f"""async () => {{
  for (const d of document.querySelectorAll('.md-content details')) d.open = true;
  const style = document.createElement('style');
  style.textContent = '.md-typeset .tabbed-content > .tabbed-block {{ display: block !important }}';
  document.head.append(style);
  {SETTLE}
}}"""

# Every visible code block: its lines, its font size, whether it overflows, the hint shown
# on each side; the copy button against every character at every scroll position.
MEASURE_CODE = """() => {
  const shown = (pre, side) => {
    const style = getComputedStyle(pre, side);
    return style.content !== 'none' && style.display !== 'none' && Number(style.opacity) > 0;
  };
  const blocks = [];
  for (const code of document.querySelectorAll('.md-content pre > code')) {
    if (!code.getClientRects().length) continue;
    const pre = code.parentElement;
    const range = document.createRange();
    // lines the browser laid out: the distinct tops of the text's boxes
    const tops = new Set();
    const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      range.selectNodeContents(walker.currentNode);
      for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top));
    }
    const lines = code.textContent.replace(/\\n$/, '').split('\\n');
    const more = code.scrollWidth - code.clientWidth;
    // a character can pass under the copy button when some scroll s in [0, more] puts it
    // there: max(0, left - b.right) < min(more, right - b.left), and the rows overlap
    const button = pre.querySelector('.md-code__nav');
    let covered = null;
    if (button) {
      const b = button.getBoundingClientRect();
      const reach = Math.max(more, 0);
      const text = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
      while (!covered && text.nextNode()) {
        const node = text.currentNode;
        for (let i = 0; i < node.length && !covered; i++) {
          if (/\\s/.test(node.data[i])) continue;
          range.setStart(node, i); range.setEnd(node, i + 1);
          for (const r of range.getClientRects()) {
            const rows = r.bottom > b.top && r.top < b.bottom;
            if (rows && Math.max(0, r.left - b.right) < Math.min(reach, r.right - b.left)) {
              covered = node.data.slice(Math.max(0, i - 10), i + 10);
            }
          }
        }
      }
    }
    blocks.push({
      first: lines.find(l => l.trim()) || '',
      lines: lines.filter(l => l.length).length,
      rows: tops.size,
      px: parseFloat(getComputedStyle(code).fontSize),
      overflows: more > 1,
      right: shown(pre, '::after'),
      left: shown(pre, '::before'),
      button: !!button,
      covered,
    });
  }
  // buttons outside the blocks (Run, Add to my engine, ...) against every block's box
  const boxes = [...document.querySelectorAll('.md-content pre > code')]
    .map(c => c.getBoundingClientRect()).filter(r => r.width);
  const over = [...document.querySelectorAll('.md-content button, .md-content .md-button')]
    .filter(b => !b.closest('pre') && b.getClientRects().length)
    .filter(b => {
      const r = b.getBoundingClientRect();
      return boxes.some(c => r.right > c.left && r.left < c.right && r.bottom > c.top
                             && r.top < c.bottom);
    })
    .map(b => b.textContent.trim() || b.className);
  return {blocks, over, pageWidth: document.documentElement.scrollWidth,
          bodyWidth: document.body.scrollWidth, width: window.innerWidth};
}"""

# Scroll every overflowing block to its right end: the hint moves to the left side.
SCROLL_TO_ENDS = f"""async () => {{
  const codes = [...document.querySelectorAll('.md-content pre > code')]
    .filter(c => c.getClientRects().length && c.scrollWidth - c.clientWidth > 1);
  for (const c of codes) c.scrollLeft = c.scrollWidth;
  {SETTLE}
  return codes.map(c => {{
    const pre = c.parentElement;
    const shown = side => Number(getComputedStyle(pre, side).opacity) > 0;
    return {{first: c.textContent.trim().split('\\n')[0], left: shown('::before'),
            right: shown('::after')}};
  }});
}}"""

# Every figure: its box against its column, and its smallest text on screen.
MEASURE_FIGURES = """async () => {
  const figures = [];
  for (const img of document.querySelectorAll('.md-content a.sg-figure img')) {
    img.scrollIntoView();
    if (!img.complete) await new Promise(r => img.addEventListener('load', r, {once: true}));
    const link = img.closest('a.sg-figure');
    const column = link.parentElement;
    const style = getComputedStyle(column);
    const room = column.clientWidth - parseFloat(style.paddingLeft)
      - parseFloat(style.paddingRight);
    const box = img.getBoundingClientRect();
    const source = img.currentSrc || img.src;
    const svg = new DOMParser().parseFromString(await (await fetch(source)).text(),
                                                'image/svg+xml').documentElement;
    svg.setAttribute('width', box.width);
    svg.setAttribute('height', box.height);
    const holder = document.createElement('div');
    holder.style.cssText = 'position:absolute;left:0;top:0;visibility:hidden';
    holder.append(document.importNode(svg, true));
    document.body.append(holder);
    const scale = e => {
      const m = e.getScreenCTM();
      return Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
    };
    const sizes = [];
    const placed = holder.firstElementChild;
    for (const t of placed.querySelectorAll('text')) {
      if (t.textContent.trim()) sizes.push(parseFloat(getComputedStyle(t).fontSize) * scale(t));
    }
    // matplotlib: every glyph is a <use> inside a text group, 100 units to the em
    for (const u of placed.querySelectorAll('g[id^="text_"] use')) sizes.push(100 * scale(u));
    holder.remove();
    const view = placed.viewBox.baseVal;
    figures.push({
      name: source.split('/').pop(),
      width: box.width, height: box.height, room, right: box.right,
      columnRight: column.getBoundingClientRect().right,
      ratio: box.height / box.width, drawnRatio: view.height / view.width,
      cardScrolls: link.scrollWidth > link.clientWidth + 1,
      texts: sizes.length, px: Math.min(...sizes),
    });
  }
  return figures;
}"""


@pytest.fixture(scope="module")
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    yield context
    context.close()


@pytest.fixture(scope="module")
def desktop(browser):
    context = browser.new_context(viewport=DESKTOP)
    yield context
    context.close()


def _open(context, url: str):
    page = _watched(context)
    page.goto(url, wait_until="load")
    page.evaluate(OPEN_EVERYTHING)
    return page


@pytest.fixture(scope="module")
def on_a_phone(phone, base_url: str):
    """chapter -> what a phone shows of it, measured once for the tests below: the code
    blocks, the blocks scrolled to their ends, the figures in the light and dark schemes
    (the reader's choice: Material's toggle sets data-md-color-scheme)."""
    measured: dict[str, dict] = {}

    def measure(chapter: str) -> dict:
        if chapter not in measured:
            page = _open(phone, f"{base_url}chapters/{chapter}/")
            found = {"code": page.evaluate(MEASURE_CODE), "ends": page.evaluate(SCROLL_TO_ENDS),
                     "light": page.evaluate(MEASURE_FIGURES)}
            page.evaluate("() => { document.body.dataset.mdColorScheme = 'slate'; }")
            found["dark"] = page.evaluate(MEASURE_FIGURES)
            found["problems"] = page.watch.problems
            page.close()
            measured[chapter] = found
        return measured[chapter]

    return measure


def _code_problems(found: dict, min_px: float = MIN_CODE_PX) -> list[str]:
    """What is wrong with a page's code blocks, as readable lines."""
    problems = []
    for block in found["blocks"]:
        name = repr(block["first"][:40])
        if block["rows"] != block["lines"]:
            problems.append(f"{name}: {block['lines']} lines laid out as {block['rows']} rows")
        if block["px"] < min_px:
            problems.append(f"{name}: code at {block['px']:.1f} px")
        if block["right"] != block["overflows"]:
            problems.append(f"{name}: overflows {block['overflows']}, hint {block['right']}")
        if block["left"]:
            problems.append(f"{name}: the left hint shows before any scroll")
        if block["covered"]:
            problems.append(f"{name}: the copy button covers {block['covered']!r}")
    problems += [f"the button {name!r} covers a code block" for name in found["over"]]
    if max(found["pageWidth"], found["bodyWidth"]) > found["width"]:
        problems.append(f"the page is {found['pageWidth']} px wide in a {found['width']}-px "
                        "window: it scrolls sideways")
    return problems


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_code_keeps_its_lines_on_a_phone(on_a_phone, chapter: str) -> None:
    found = on_a_phone(chapter)
    blocks = found["code"]["blocks"]
    scrolling = sum(b["overflows"] for b in blocks)
    print(f"\n{chapter} at 390 px: {len(blocks)} code blocks at "
          f"{min(b['px'] for b in blocks):.1f} px, {scrolling} scroll sideways")
    assert len(blocks) > 3 and all(b["button"] for b in blocks), "copy buttons not found"
    assert not _code_problems(found["code"]), "\n".join(_code_problems(found["code"]))
    assert len(found["ends"]) == scrolling
    wrong = [e for e in found["ends"] if e["right"] or not e["left"]]
    assert not wrong, f"scrolled to the end, the hint should show on the left only: {wrong}"
    assert not found["problems"], "\n".join(found["problems"])


@pytest.mark.parametrize("chapter", ["value", "mlp", "classifier"])
def test_code_on_a_desktop(desktop, base_url: str, chapter: str) -> None:
    """80 columns fit a desktop's column: no block scrolls, so none shows the hint.

    The font is Material's own there (10.9 px in an exercise, 13.6 px elsewhere)."""
    page = _open(desktop, f"{base_url}chapters/{chapter}/")
    found = page.evaluate(MEASURE_CODE)
    assert not [b["first"] for b in found["blocks"] if b["overflows"]]
    problems = _code_problems(found, min_px=10)
    assert not problems, "\n".join(problems)
    page.close()


def test_the_hint_follows_an_edit(phone, base_url: str) -> None:
    """A reader who makes a line longer in an editable block gets the hint at once."""
    page = _open(phone, f"{base_url}chapters/slope/")
    pre = page.evaluate_handle(
        """() => [...document.querySelectorAll('.md-content .language-pycon pre')]
            .find(p => p.querySelector('code[contenteditable]') && !('sgScroll' in p.dataset))"""
    )
    assert pre.evaluate("p => p.querySelector('code').scrollWidth <= p.clientWidth")
    pre.evaluate("p => p.querySelector('code').append(document.createTextNode('#'.repeat(80)))")
    page.wait_for_function("p => p.dataset.sgScroll === 'start'", arg=pre)
    pre.evaluate("p => p.querySelector('code').lastChild.remove()")
    page.wait_for_function("p => !('sgScroll' in p.dataset)", arg=pre)
    page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_figures_fit_a_phone(on_a_phone, chapter: str, scheme: str) -> None:
    figures = on_a_phone(chapter)[scheme]
    print(f"\n{chapter} at 390 px, {scheme}: " + (", ".join(
        f"{f['name']} {f['width']:.0f} px wide, text ≥ {f['px']:.1f} px" for f in figures)
        or "no figures"))
    for f in figures:
        assert f["texts"] > 0, f"{f['name']}: no text found to measure"
        assert f["width"] <= f["room"] + 0.5 and f["right"] <= f["columnRight"] + 0.5, (
            f"{f['name']} is {f['width']:.0f} px wide in a {f['room']:.0f}-px column")
        assert not f["cardScrolls"], f"{f['name']} scrolls inside its card"
        assert abs(f["ratio"] - f["drawnRatio"]) < 0.02 * f["drawnRatio"], (
            f"{f['name']} is not scaled whole: {f['ratio']:.3f} against {f['drawnRatio']:.3f}")
        assert f["px"] >= MIN_TEXT_PX, f"{f['name']}: text at {f['px']:.1f} px"


def test_no_hint_on_paper(phone, base_url: str) -> None:
    """Printed, code lines wrap (Material's print style): a hint would cover them. A
    browser lays a page out for paper without running the page's scripts again, so the
    marks the screen's layout left stay: the stylesheet alone must hide the hints."""
    page = _open(phone, f"{base_url}chapters/mlp/")
    hinted = "() => document.querySelectorAll('.md-content pre[data-sg-scroll=start]').length"
    assert page.evaluate(hinted) > 0
    page.emulate_media(media="print")
    shown = page.evaluate(
        """() => [...document.querySelectorAll('.md-content pre')]
            .map(p => { p.dataset.sgScroll = 'middle'; return p; })
            .filter(p => getComputedStyle(p, '::after').display !== 'none'
                         || getComputedStyle(p, '::before').display !== 'none').length"""
    )
    assert shown == 0
    page.close()


def test_a_tap_opens_a_figure_full_size(phone, base_url: str) -> None:
    """The page shows the phone's variant; a tap shows the whole drawing at its own size,
    over the page, which stays where it was; Esc or Close puts it away."""
    page = _watched(phone)
    url = f"{base_url}chapters/value/"
    page.goto(url, wait_until="load")
    link = page.locator(".md-content a.sg-figure").nth(1)
    link.scroll_into_view_if_needed()
    assert link.locator("img").evaluate("i => i.currentSrc").endswith("value-graph-l-phone.svg")
    dialog = page.locator("dialog.sg-zoom")
    for close in ("Escape", "Close"):
        link.tap()
        dialog.wait_for(state="visible")
        full = dialog.locator("img").evaluate(
            """i => { const d = i.closest('dialog');
                return {src: i.src, natural: i.naturalWidth, scrolls: d.scrollWidth > d.clientWidth,
                        width: i.getBoundingClientRect().width}; }"""
        )
        assert full["src"] == link.evaluate("a => a.href") and full["src"].endswith(
            "figures/value-graph-l.svg")
        assert full["natural"] > PHONE["width"] and abs(full["width"] - full["natural"]) < 1
        assert full["scrolls"], "the whole drawing is wider than a phone: the dialog scrolls"
        assert page.url.split("#")[0] == url
        if close == "Escape":
            page.keyboard.press("Escape")
        else:
            dialog.get_by_role("button", name="Close").tap()
        dialog.wait_for(state="hidden")
    assert not page.watch.problems, "\n".join(page.watch.problems)
    page.close()
