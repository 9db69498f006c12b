"""The PDF of each report period (plugins/transparency/pdf.py): the PDFs of a real build of the
fictional fixture council (tests/fixtures/council/) checked against their web pages, and the URL
fetcher, the cache and the Pango message on their own."""

from __future__ import annotations

import builtins
import re
import shutil
from itertools import pairwise
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from sites import COUNCIL, periods
from transparency import pdf
from transparency.load import load_site
from transparency.output_audit import TOKEN_RE, audit_pdf, page_text, pdf_page_texts, printed_numbers
from transparency.pipeline import config_from, prepare

PERIODS = periods()


def _settings() -> dict:
    from pelican.settings import read_settings

    return read_settings(str(COUNCIL / "pelicanconf.py"))


@pytest.fixture(scope="module")
def site(council_site) -> Path:
    """The fixture council's site, built as `invoke build` builds it (PDFs come from its
    .cache/pdf if unchanged)."""
    return council_site


def _pdf(site: Path, key: str) -> Path:
    report, period = key.split("/")
    return pdf.pdf_path(site, report, period)


def _page(site: Path, key: str) -> BeautifulSoup:
    return BeautifulSoup((site / key / "index.html").read_text(encoding="utf-8"), "html.parser")


def _flat(text: str) -> str:
    # PDFium reports a word broken at its own hyphen ("full-" / "time" across two lines) as
    # U+FFFE between the parts: the printed text is still "full-time".
    return " ".join(text.replace("\ufffe\r\n", "-").replace("\ufffe", "-").split())


def _struct_elements(reader: PdfReader):
    """Every element of the PDF's structure tree, in reading order."""
    stack = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        if node is not reader.trailer["/Root"]["/StructTreeRoot"]:
            yield node
        kids = node.get("/K")
        kids = [] if kids is None else kids.get_object()
        kids = [k.get_object() for k in (kids if isinstance(kids, list) else [kids])]
        stack.extend(k for k in reversed(kids) if isinstance(k, dict) and "/S" in k)


def test_every_report_period_has_a_pdf_that_opens(site):
    assert len(PERIODS) == 5
    for key in PERIODS:
        path = _pdf(site, key)
        assert path.is_file(), f"{key}: no PDF at {path}"
        reader = PdfReader(path)
        assert len(reader.pages) >= 2, key
        assert reader.pdf_header == "%PDF-1.7"
        link = _page(site, key).find("a", href=f"/{key}/{path.name}")
        assert link is not None, f"{key}: the page does not link its PDF"


def test_pdf_has_the_title_and_every_headline_figure(site):
    for key in PERIODS:
        soup = _page(site, key)
        text = _flat(" ".join(pdf_page_texts(_pdf(site, key))))
        assert _flat(soup.find("h1").get_text()) in text, key
        cards = soup.select(".app-card")
        assert cards, key
        for card in cards:
            label = _flat(card.select_one(".app-card__label").get_text())
            value = _flat(card.select_one(".app-card__value").get_text())
            assert label in text, f"{key}: headline {label!r} is missing from the PDF"
            assert f"{label} {value}" in text, f"{key}: {label} should read {value} in the PDF"


def test_pdf_has_every_chart_as_a_tagged_figure(site):
    checked = 0
    for key in PERIODS:
        soup = _page(site, key)
        titles = [_flat(svg.find("title").get_text()) for svg in soup.select(".app-chart__graphic--wide svg")]
        assert len(titles) == len(soup.select("figure.app-chart")), key
        reader = PdfReader(_pdf(site, key))
        figures = [str(e["/Alt"]) for e in _struct_elements(reader)
                   if e["/S"] == "/Figure" and str(e.get("/Alt", "")).startswith("Figure ")]
        assert figures == titles, f"{key}: the PDF's charts differ from the page's"
        text = _flat(" ".join(pdf_page_texts(_pdf(site, key))))
        for heading in soup.select(".app-chart__title"):
            assert _flat(heading.get_text()) in text, key
        checked += len(titles)
    assert checked == 14  # the fixture's reports have charts; this test must not pass on none


def test_pdf_pages_are_numbered_and_carry_the_source(site):
    for key in PERIODS:
        soup = _page(site, key)
        footer = _flat(soup.select_one(".app-print-footer").get_text())
        assert footer.startswith("Source: ")
        texts = pdf_page_texts(_pdf(site, key))
        for number, text in enumerate(texts, start=1):
            assert f"Page {number} of {len(texts)}" in text, f"{key}: page {number} has no number"
            assert footer in _flat(text), f"{key}: page {number} has no source footer"


def test_pdf_is_tagged_in_english_with_title_and_author(site):
    organisation = _settings()["TRANSPARENCY"]["ORGANISATION"]
    for key in PERIODS:
        reader = PdfReader(_pdf(site, key))
        root = reader.trailer["/Root"]
        assert "/StructTreeRoot" in root, key
        assert root["/MarkInfo"]["/Marked"].value is True, key
        assert root["/Lang"] == "en-GB", key
        assert reader.metadata.title == _flat(_page(site, key).find("title").get_text())
        assert reader.metadata.author == organisation
        kinds = {str(e["/S"]) for e in _struct_elements(reader)}
        assert {"/H1", "/H2", "/P", "/Table", "/TH", "/TD"} <= kinds, f"{key}: {kinds}"


def test_pdf_tables_tag_their_headers(site):
    reader = PdfReader(_pdf(site, "iro/2022-23"))
    cells = [e for e in _struct_elements(reader) if e["/S"] == "/TD"]
    assert cells
    assert all(e["/A"].get("/Headers") for e in cells), "a data cell has no headers"


def test_pdf_shows_no_hidden_cell_value(site):
    """Every cell hidden on the page ([c]) is hidden in its PDF too: where the true value of a
    hidden cell appears nowhere on the web page (so could only have come from the data), it
    appears nowhere in the PDF either. The output audit (audit_pdf) finds nothing."""
    config = config_from(_settings())
    published, problems = prepare(config)
    assert published is not None, problems
    raw, _ = load_site(config.data_path, config.reports)
    checked = 0
    for key in PERIODS:
        path = _pdf(site, key)
        assert audit_pdf(path) == [], key
        page_soup = _page(site, key)
        for tag in page_soup(["script", "style", "title", "desc"]):
            tag.decompose()  # not printed (an SVG's title and desc are its accessible name)
        for tag in page_soup.select(".app-chart:not(.app-chart--print-narrow) "
                                    ".app-chart__graphic--narrow, .app-chart--print-narrow "
                                    ".app-chart__graphic--wide"):
            tag.decompose()  # one layout of each chart prints (print.css)
        on_page = set(TOKEN_RE.findall(page_soup.get_text(" ")))
        texts = pdf_page_texts(path)
        pdf_text = " ".join(texts)
        # Numbers the PDF adds (page numbers, list numbers) are not figures.
        in_pdf = {n for _, n in printed_numbers(texts, page_text(str(page_soup))[1])}
        # Nothing that reads [c] on the page reads otherwise in the PDF.
        assert pdf_text.count("[c]") >= page_soup.select_one("main").get_text().count("[c]"), key
        for name, table in published.periods[key].tables.items():
            if name not in raw.periods[key].tables:
                continue  # built from other tables (trends, comparators)
            values = {k: v for k, v, _symbol, _ in raw.periods[key].tables[name].rows}
            for cell, value in table.cells.items():
                if value.symbol != "c" or cell not in values:
                    continue
                true = values[cell]
                shown = f"{true:,.0f}" if float(true).is_integer() else f"{true:,}"
                if shown in on_page:
                    continue  # the same number is on the page for another reason
                checked += 1
                assert shown not in in_pdf, f"{key}: hidden {name} {cell} ({shown}) is in the PDF"
    assert checked >= 5, "too few hidden cells had values to look for"


def test_the_pdf_audit_finds_a_number_the_page_does_not_show(site, tmp_path):
    folder = tmp_path / "iro" / "2022-23"
    folder.mkdir(parents=True)
    shutil.copy(_pdf(site, "iro/2022-23"), folder)
    html = (site / "iro/2022-23/index.html").read_text(encoding="utf-8")
    assert "1,061" in html
    (folder / "index.html").write_text(html.replace("1,061", "[c]"), encoding="utf-8")
    findings = audit_pdf(folder / "iro-2022-23.pdf")
    assert any("shows 1,061, which its web page" in f for f in findings), findings
    (folder / "index.html").unlink()
    assert "no page beside it" in audit_pdf(folder / "iro-2022-23.pdf")[0]


# The pieces on their own, on a small output folder.

@pytest.fixture
def output(tmp_path) -> Path:
    out = tmp_path / "output"
    (out / "theme/css").mkdir(parents=True)
    (out / "theme/css/print.css").write_text("@page { size: A5; @bottom-right { content: 'Page ' "
                                             "counter(page) ' of ' counter(pages); } }\n")
    (out / "r/p").mkdir(parents=True)
    return out


def _write_page(output: Path, head: str = "") -> Path:
    page = output / "r/p/index.html"
    page.write_text('<!DOCTYPE html><html lang="en-GB"><head><title>A report</title>'
                    f'<link rel="stylesheet" href="/theme/css/print.css">{head}</head>'
                    "<body><h1>A report</h1><p>Children in care: 1,446.</p></body></html>")
    return page


def _job(output: Path, page: Path) -> pdf.PdfJob:
    return pdf.PdfJob(page, output / "r/p/r-p.pdf", output, "", "A Council")


def test_fetcher_reads_only_files_in_the_output_folder(output, tmp_path):
    fetcher = pdf.output_fetcher(output, "https://reports.example.gov.uk")
    css = (output / "theme/css/print.css").resolve()
    assert fetcher.fetch(css.as_uri()).read() == css.read_bytes()
    site_css = fetcher.fetch("https://reports.example.gov.uk/theme/css/print.css?v=1")
    assert site_css.read() == css.read_bytes()
    assert list(fetcher.fetched) == ["theme/css/print.css"]
    outside = tmp_path / "secret.css"
    outside.write_text("body {}")
    for url, words in [("https://example.org/x.css", "refused"),
                       ("http://reports.example.gov.uk.evil.test/x.css", "refused"),
                       ("data:text/css,body{}", "refused"),
                       (outside.as_uri(), "outside the output folder"),
                       ((output / "theme/../../secret.css").as_uri(), "outside the output folder"),
                       ((output / "theme/css/missing.css").as_uri(), "missing")]:
        with pytest.raises(pdf.PdfResourceError, match=words):
            fetcher.fetch(url)


def test_a_page_that_refers_to_another_site_fails_the_pdf(output):
    page = _write_page(output, '<link rel="stylesheet" href="https://fonts.example.com/a.css">')
    with pytest.raises(pdf.PdfError, match=r"refused https://fonts\.example\.com/a\.css"):
        pdf.render(_job(output, page))


def test_a_missing_local_stylesheet_fails_the_pdf(output):
    page = _write_page(output, '<link rel="stylesheet" href="/theme/css/gone.css">')
    with pytest.raises(pdf.PdfError, match=r"gone\.css is missing from the output folder"):
        pdf.render(_job(output, page))


def test_a_small_page_prints_with_its_stylesheet(output):
    result = pdf.render(_job(output, _write_page(output)))
    assert result.pages == 1
    assert set(result.fetched) == {"theme/css/print.css"}
    text = pdf_page_texts(result.target)[0]
    assert "Children in care: 1,446." in text and "Page 1 of 1" in text
    reader = PdfReader(result.target)
    assert reader.metadata.title == "A report" and reader.metadata.author == "A Council"


def test_unchanged_pages_come_from_the_cache(output, tmp_path):
    cache = tmp_path / "cache"
    jobs = [_job(output, _write_page(output))]
    first = pdf.write_pdfs(jobs, cache, workers=1)
    assert (len(first.rendered), first.cached) == (1, 0)
    again = pdf.write_pdfs(jobs, cache, workers=1)
    assert (len(again.rendered), again.cached) == (0, 1)
    assert jobs[0].target.read_bytes() == (cache / next(cache.glob("*.pdf")).name).read_bytes()
    # A changed stylesheet is a changed PDF, though the page is the same.
    (output / "theme/css/print.css").write_text("@page { size: A4; }\n")
    changed = pdf.write_pdfs(jobs, cache, workers=1)
    assert (len(changed.rendered), changed.cached) == (1, 0)


def test_pdfs_print_in_worker_processes(output):
    pages = []
    for name in ("a", "b"):
        (output / name).mkdir()
        page = output / name / "index.html"
        page.write_text(f'<html lang="en-GB"><head><title>{name}</title></head><body>{name}</body></html>')
        pages.append(pdf.PdfJob(page, output / name / f"{name}.pdf", output, "", "A Council"))
    stats = pdf.write_pdfs(pages, None, workers=2)
    assert stats.workers == 2
    assert [r.target.name for r in stats.rendered] == ["a.pdf", "b.pdf"]
    assert all(job.target.is_file() for job in pages)


def test_without_pango_the_build_says_what_to_install(monkeypatch):
    real_import = builtins.__import__

    def no_pango(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open "
                          "shared object file: No such file or directory")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pango)
    with pytest.raises(pdf.PdfError) as caught:
        pdf.load_weasyprint()
    message = str(caught.value)
    assert "apt-get install -y libpango-1.0-0 libpangoft2-1.0-0" in message
    assert "cannot load library 'libpango-1.0-0'" in message


def test_resources_resolve_in_the_output_folder_and_scripts_are_dropped(tmp_path):
    html = ('<link rel="stylesheet" href="/theme/css/main.css"><a href="/iro/">IRO</a>'
            '<script type="application/json">{"values": [3]}</script>'
            '<svg><text opacity="0">550</text><text opacity="1">600</text></svg>')
    printed = pdf.localise(html, tmp_path)
    assert f'href="{tmp_path.resolve().as_uri()}/theme/css/main.css"' in printed
    assert '<a href="/iro/">' in printed  # a local build has no address: links stay
    # With the site's address, a PDF emailed to a committee keeps working links (issue 14).
    addressed = pdf.localise(html + '<a href="#top">Top</a><a href="//cdn.example/x">x</a>',
                             tmp_path, "https://reports.example.org")
    assert '<a href="https://reports.example.org/iro/">' in addressed
    assert '<a href="#top">' in addressed and '<a href="//cdn.example/x">' in addressed
    assert f'href="{tmp_path.resolve().as_uri()}/theme/css/main.css"' in addressed
    assert "script" not in printed and "550" not in printed and "600" in printed
    assert re.search(r"<text[^>]*>600</text>", printed)


def test_run_together_chart_labels_are_known_but_single_digits_do_not_make_any_number():
    from transparency.output_audit import _made_of

    known = {"1", "2", "3", "5", "7", "200", "220", "57"}
    assert _made_of("200220", known)  # two chart labels that PDF text joins up
    assert not _made_of("123", known)  # built only of single digits from dates and figure numbers
    assert not _made_of("999999", known)
    assert not _made_of("2005", known)  # "200" and a lone "5"


def _wide_table_page(output: Path) -> Path:
    """A page holding one table of 17 monthly columns, printed with the engine's print.css."""
    import transparency
    from factories import published_period, published_table
    from transparency.tables import render_table

    months = [f"{m} 2015" for m in ("April", "May", "June", "July", "August", "September",
                                     "October", "November", "December")]
    months += [f"{m} 2016" for m in ("January", "February", "March", "April", "May", "June",
                                     "July", "August")]
    cells = {(area, month): float(1_234_500 + 7 * i + 100 * j) for j, area in enumerate(("North", "South"))
             for i, month in enumerate(months)}
    table = published_table("caseloads", ["area", "month"], cells)
    shutil.copyfile(transparency.THEME_PATH / "static/css/print.css", output / "theme/css/print.css")
    page = output / "r/p/index.html"
    page.write_text('<!DOCTYPE html><html lang="en-GB"><head><title>A report</title>'
                    '<link rel="stylesheet" href="/theme/css/print.css"></head><body><h1>A report</h1>'
                    + render_table(table, published_period([table])) + "</body></html>")
    return page


def test_a_wide_table_prints_whole_and_the_audit_checks_every_cell(output):
    # Issue 13: a table of 17 monthly columns was cut after October in the PDF, and both the
    # build and the output audit passed.
    page = _wide_table_page(output)
    assert "app-table-figure--wide" in page.read_text()
    job = _job(output, page)
    pdf.write_pdfs([job], output.parent / "cache", 1)
    assert audit_pdf(job.target) == []
    # The same table printed portrait (without the wide page rule) loses columns, and the
    # audit says so.
    css = output / "theme/css/print.css"
    css.write_text(css.read_text().replace(".app-table-figure--wide { page: wide; }", ""))
    job.target.unlink()
    pdf.write_pdfs([job], output.parent / "cache2", 1)
    findings = audit_pdf(job.target)
    assert findings and "beyond the page's edge" in " ".join(findings), findings


MM = 72 / 25.4  # points


def _text_sizes(path: Path) -> list[tuple[int, float, str]]:
    """(page, size in points as printed, text) of every piece of text in the body of a PDF's
    portrait pages: not the running header and footer, which print.css puts in the top (18mm)
    and bottom (26mm) margins, nor the landscape pages of tables too wide for portrait, which
    print at 7.5pt."""
    found: list[tuple[int, float, str]] = []
    for number, page in enumerate(PdfReader(path).pages, start=1):
        height = float(page.mediabox.height)
        if float(page.mediabox.width) > height:
            continue

        def visit(text, cm, tm, _font, size, number=number, height=height):
            if not text.strip():
                return
            a, b = tm[0], tm[1]
            scale = ((a * cm[0] + b * cm[2]) ** 2 + (a * cm[1] + b * cm[3]) ** 2) ** 0.5
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if 26 * MM <= y <= height - 18 * MM:
                found.append((number, size * scale, text.strip()))
        page.extract_text(visitor_text=visit)
    return found


def test_pdf_text_prints_at_9pt_or_more_but_page_furniture_and_wide_tables(site):
    # Issue 14: chart labels printed at about 7pt, shrunk with charts wider than the page.
    # Charts wider than the page now print in their phone layout, at their own size.
    checked = 0
    for key in PERIODS:
        sizes = _text_sizes(_pdf(site, key))
        small = [(page, round(size, 2), text) for page, size, text in sizes if size < 8.95]
        assert small == [], f"{key}: {small[:10]}"
        checked += len(sizes)
    assert checked > 1000


def _downloads_page(output: Path, items: int) -> Path:
    page = output / "r/p/index.html"
    listed = "".join(f"<li>Table {i} of the report, with its data package description (CSV)</li>"
                     for i in range(items))
    page.write_text('<!DOCTYPE html><html lang="en-GB"><head><title>A report</title>'
                    '<link rel="stylesheet" href="/theme/css/print.css"></head><body>'
                    "<h1>A report</h1>" + "<p>Children in care: 1,446.</p>" * 12
                    + '<section class="app-downloads"><h2>Downloads</h2><ul>' + listed
                    + "</ul></section></body></html>")
    return page


def test_a_last_page_of_a_line_or_two_is_taken_back(output, monkeypatch):
    # Issue 14: Bradford's IRO 2021/22 PDF ended on a 39th page holding one line of the
    # downloads list. Find a page that does that here (without the rule), then print it as
    # the build does: the end matter is set tighter and the last page goes.
    with monkeypatch.context() as m:
        m.setattr(pdf, "LAST_PAGE_MIN", 0.0)
        spilled = next((n for n in range(1, 40) if (lambda r: r.pages == 2 and len(
            pdf_page_texts(r.target)[1].split("Table")) <= 3)(
            pdf.render(_job(output, _downloads_page(output, n))))), None)
    assert spilled is not None, "no list length spills a line or two onto a second page"
    result = pdf.render(_job(output, _downloads_page(output, spilled)))
    assert result.pages == 1
    assert f"Table {spilled - 1} of the report" in pdf_page_texts(result.target)[0]


def _page_fills(path: Path) -> list[tuple[float, str]]:
    """(fill, first line) of each page of a PDF: how far down the page's content box (print.css's
    margins: 18mm at the top, 26mm at the bottom) its lowest ink reaches, 0 to 1, read from the
    page as PDFium draws it; and the first line of text in the content box."""
    import numpy as np
    import pypdfium2 as pdfium

    found = []
    document = pdfium.PdfDocument(path)
    try:
        for index in range(len(document)):
            page = document[index]
            width, height = page.get_size()
            top, bottom = round(18 * MM), round(height - 26 * MM)
            pixels = np.asarray(page.render(scale=1, grayscale=True).to_numpy())
            pixels = pixels[..., 0] if pixels.ndim == 3 else pixels
            inked = np.flatnonzero((pixels[top:bottom] < 245).any(axis=1))
            text_page = page.get_textpage()
            tops = [box[3] for box in (text_page.get_charbox(i) for i in range(text_page.count_chars()))
                    if 26 * MM <= box[1] and box[3] <= height - 18 * MM]
            first = _flat(text_page.get_text_bounded(0, max(tops) - 14, width, max(tops) + 1)) if tops else ""
            text_page.close()
            page.close()
            found.append((float(inked.max() + 1) / (bottom - top) if inked.size else 0.0, first))
    finally:
        document.close()
    return found


def under_filled_pages(path: Path) -> list[tuple[int, float]]:
    """(page, fill) of each page of a report's PDF less than a third full (issue 14), but the
    last and any page whose next page starts a section (its first ink is a line of text that
    begins one of the page's h2 headings)."""
    page = BeautifulSoup((path.parent / "index.html").read_text(encoding="utf-8"), "html.parser")
    headings = [_flat(h.get_text(" ")).lower() for h in page.select("main h2")]
    fills = _page_fills(path)
    found = []
    for number, ((fill, _), (_, first)) in enumerate(pairwise(fills), start=1):
        # The next page starts a section: its first line is a heading's, or its start.
        first = first.lower()
        starts_section = bool(first) and any(h.startswith(first[:40]) or first.startswith(h)
                                             for h in headings)
        if fill < 1 / 3 and not starts_section:
            found.append((number, round(fill, 2)))
    return found


def test_no_page_is_under_a_third_full_but_before_a_new_section(site):
    # Issue 14: Bradford's IRO 2015/16 PDF had inner pages a sixth full: a section's opening
    # before a chart on a landscape page, or before a table that would not split. The
    # fixture's April to December 2019 report has a table longer than a page and, a paragraph
    # later, one of 19 rows, which left a page a quarter full when tables moved whole.
    checked = 0
    for key in PERIODS:
        path = _pdf(site, key)
        assert under_filled_pages(path) == [], key
        checked += len(PdfReader(path).pages)
    assert checked >= 30


def test_a_last_page_that_tighter_type_cannot_take_back_keeps_the_last_downloads_together(
        output, monkeypatch):
    # Bradford's IRO 2021/22 PDF ended on a page a fifth full that tighter type could not take
    # back (it left one line). Without tighter type here, the last ten items of the downloads
    # list stay with the one before them, so the last page holds eleven, not one.
    def texts(items: int, minimum: float) -> list[str]:
        with monkeypatch.context() as m:
            m.setattr(pdf, "LAST_PAGE_MIN", minimum)
            m.setattr(pdf, "END_LAYOUTS", (pdf.KEEP_END,))
            return pdf_page_texts(pdf.render(_job(output, _downloads_page(output, items))).target)

    # A list that fills a second page and spills one item onto a third.
    spilled = next((n for n in range(10, 60) if (lambda t: len(t) == 3 and t[2].count("Table") == 1)(
        texts(n, 0.0))), None)
    assert spilled is not None, "no list length spills one item onto a third page"
    printed = texts(spilled, pdf.LAST_PAGE_MIN)
    assert len(printed) == 3 and printed[2].count("Table") == 11
