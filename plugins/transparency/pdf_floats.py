"""A chart too tall for what is left of a printed page floats past the text after it, as a
figure does in a printed report: the page it would have left short (under a third full) takes
that text instead, and the chart opens the next page.

Charts do not split between pages (print.css), and their text must print at 9pt or more, so a
tall chart cannot shrink to fit either. A report page is laid out again with the chart moved
after one, two or three of the paragraphs or lists that follow it (never past a heading,
another figure or a table), and the first layout that fills the short page and leaves no more
short pages than before is kept. The web page keeps its order: only the PDF's changes, and its
figure numbers and titles still say which chart is which. Used by pdf.render.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

MIN_FILL = 1 / 3  # a page less full than this, before a chart that opens the next, is short
MAX_PARAGRAPHS = 3  # paragraphs or lists a chart may float past
MAX_FLOATS = 4  # charts floated in one report

_FIGURE = re.compile(r"<figure\b[^>]*\bid=\"([^\"]+)\"")
_OPEN, _CLOSE = re.compile(r"<figure\b"), re.compile(r"</figure>")
_NEXT = re.compile(r"\s*<(p|ul|ol)\b")


def _figure_span(html: str, ident: str) -> tuple[int, int] | None:
    """Where the figure with id `ident` starts and ends in `html` (figures nest: a chart holds
    its data table's)."""
    start = next((m.start() for m in _FIGURE.finditer(html) if m.group(1) == ident), None)
    if start is None:
        return None
    depth, at = 0, start
    while True:
        opening, closing = _OPEN.search(html, at), _CLOSE.search(html, at)
        if closing is None:
            return None
        if opening is not None and opening.start() < closing.start():
            depth, at = depth + 1, opening.end()
        else:
            depth, at = depth - 1, closing.end()
            if depth == 0:
                return start, at


def floated(html: str, ident: str, paragraphs: int) -> str | None:
    """`html` with the figure `ident` moved after the `paragraphs` paragraphs or lists that
    follow it; None where fewer follow before anything else."""
    span = _figure_span(html, ident)
    if span is None:
        return None
    start, end = span
    at = end
    for _ in range(paragraphs):
        block = _NEXT.match(html, at)
        if block is None:
            return None
        closing = html.find(f"</{block.group(1)}>", block.end())
        if closing < 0:
            return None
        at = closing + len(block.group(1)) + 3
    return html[:start] + html[end:at] + html[start:end] + html[at:]


def _chart_opening(page: Any) -> str | None:
    """The id of the chart that opens a laid-out page (its first block), if one does."""
    box = getattr(page, "_page_box", None)
    if box is None:
        return None
    for child in box.descendants():
        tag = getattr(child, "element_tag", None)
        if tag in ("p", "ul", "ol", "h2", "h3", "table", "dl"):
            return None
        if tag == "figure":
            element = getattr(child, "element", None)
            classes = (element.get("class") or "").split() if element is not None else []
            return element.get("id") if element is not None and "app-chart" in classes else None
    return None


def _short(document: Any, fill: Callable[[Any], float]) -> list[int]:
    """Indices of the pages but the last that are less full than MIN_FILL."""
    return [i for i, page in enumerate(document.pages[:-1]) if fill(page) < MIN_FILL]


def float_charts(html: str, document: Any, layout: Callable[[str], Any],
                 fill: Callable[[Any], float]) -> tuple[str, Any]:
    """The page (`html`, laid out as `document`) with each chart that opens the page after a
    short one floated past the text after it, where that fills the short page (module
    docstring). `layout` lays out HTML; `fill` measures a page. Returns the HTML and document
    kept."""
    for _ in range(MAX_FLOATS):
        short = _short(document, fill)
        better = None
        for index in short:
            ident = _chart_opening(document.pages[index + 1])
            if ident is None:
                continue
            for paragraphs in range(1, MAX_PARAGRAPHS + 1):
                candidate = floated(html, ident, paragraphs)
                if candidate is None:
                    break
                other = layout(candidate)
                if index < len(other.pages) - 1 and fill(other.pages[index]) >= MIN_FILL and len(
                        _short(other, fill)) < len(short):
                    better = (candidate, other)
                    break
            if better:
                break
        if better is None:
            return html, document
        html, document = better
    return html, document
