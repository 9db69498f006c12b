"""A chart too tall for what is left of a printed page floats past the text after it
(pdf_floats.py; issue 14: a Bradford page was left 31% full before a tall chart)."""

from __future__ import annotations

from transparency.pdf import PDF_OPTIONS, load_weasyprint, page_fill
from transparency.pdf_floats import MIN_FILL, float_charts, floated

CHART = ('<figure class="app-chart" id="figure-2-x"><h3>Figure 2</h3>'
         '<div style="height: 190mm; break-inside: avoid; background: #ddd"></div>'
         '<details><figure class="app-table-figure" id="table-x"><table><tr><td>1</td></tr>'
         '</table></figure></details></figure>')


def _page(before: int, after: int) -> str:
    para = "<p>" + "A sentence of the report's narrative, long enough to wrap. " * 12 + "</p>"
    return (f"<html><body><main><h2>Section</h2>{para * before}{CHART}{para * after}"
            "<h2>Next</h2><p>End.</p></main></body></html>")


def test_a_figure_moves_after_the_paragraphs_that_follow_it_and_no_further():
    html = _page(1, 2)
    moved = floated(html, "figure-2-x", 2)
    assert moved is not None
    paragraphs = [i for i in range(len(moved)) if moved.startswith("<p>", i)]
    # One paragraph before it, then the two it moved past, then the chart.
    assert paragraphs[2] < moved.index("figure-2-x")
    assert html.index("figure-2-x") < [i for i in range(len(html)) if html.startswith("<p>", i)][1]
    assert moved.count("<figure") == html.count("<figure")  # the nested table's figure moved with it
    assert moved.index("table-x") > moved.index("figure-2-x")
    assert moved.index("figure-2-x") < moved.index("<h2>Next")
    # Never past a heading: there are only two paragraphs before it.
    assert floated(html, "figure-2-x", 3) is None
    assert floated(html, "no-such-figure", 1) is None


def test_a_tall_chart_after_a_short_opening_floats_and_fills_the_page():
    weasyprint = load_weasyprint()

    def layout(text: str):
        return weasyprint.HTML(string=text).render(**PDF_OPTIONS)

    html = _page(1, 3)
    document = layout(html)
    assert page_fill(document.pages[0]) < MIN_FILL  # the chart did not fit after one paragraph
    kept_html, kept = float_charts(html, document, layout, page_fill)
    assert kept_html != html
    assert page_fill(kept.pages[0]) >= MIN_FILL
    assert all(page_fill(p) >= MIN_FILL for p in kept.pages[:-1])
    # Nothing to do where no page is short.
    full = _page(0, 3)
    again, _ = float_charts(full, layout(full), layout, page_fill)
    assert again == full
