"""Audit of the built site: no count of children from 1 to the threshold in any output.

Independent of the code that rendered the pages: it re-reads the files. Every place that
shows a count of children or their records is marked `data-disclosure="count"` by our
templates and renderers; CSV downloads are checked through their data package.

The PDF of a report period is printed from its page, which this audit checks; a PDF has no
such marks, so `audit_pdf` checks instead that the PDF shows no number its page does not.
"""

from __future__ import annotations

import csv
import html
import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from .printed import SPOKEN
from .terms import PEOPLE

# A published number, optionally marked revised ("1,448 [r]", said "1,448 [r] revised"), or a
# symbol, as the page shows it and, after it, the words a screen reader says (SPOKEN):
# "[c] hidden to protect privacy". Exactly those words: anything else in a count is a finding.
NUMBER_RE = re.compile(r"^\s*([0-9][0-9,]*(?:\.[0-9]+)?)(?:\s*\[r\](?:\s*"
                       + re.escape(SPOKEN["r"]) + r")?)?\s*$")
SYMBOL_RE = re.compile(r"^\s*(?:" + "|".join(
    rf"\[{re.escape(s)}\](?:\s*{re.escape(SPOKEN[s])})?" for s in ("c", "x", "z", "low", "u"))
    + r")\s*$")
ANY_NUMBER_RE = re.compile(r"(?<![\w.])([0-9][0-9,]*(?:\.[0-9]+)?)(?![\w.])")


class _CountFinder(HTMLParser):
    """Collects the text of every element marked data-disclosure="count"."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.texts: list[tuple[int, str]] = []
        self._buffer: list[list[str]] = []
        self.attribute_numbers: list[tuple[int, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        marked = dict(attrs).get("data-disclosure") == "count"
        if marked or self._buffer:
            # Attributes inside a count (aria-label, title, data-*) must not carry numbers.
            for name, value in attrs:
                if name != "data-disclosure" and value:
                    self.attribute_numbers.extend(
                        (self.getpos()[0], f"{name}={value!r}", m) for m in ANY_NUMBER_RE.findall(value))
        if tag in ("br", "img", "meta", "link", "input", "hr"):
            return
        self.stack.append((tag, marked))
        if marked:
            self._buffer.append([])

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            open_tag, marked = self.stack.pop()
            if marked:
                self.texts.append((self.getpos()[0], "".join(self._buffer.pop())))
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        for buffer in self._buffer:
            buffer.append(data)


def _small(text: str, threshold: int) -> bool:
    match = NUMBER_RE.match(text.replace("\u00a0", " "))
    if not match:
        return False
    value = float(match.group(1).replace(",", ""))
    return 1 <= value <= threshold


def audit_html(path: Path, threshold: int) -> list[str]:
    """A marked count must read as a plain number above the threshold, 0, or a symbol."""
    text = path.read_text(encoding="utf-8")
    finder = _CountFinder()
    finder.feed(text)
    findings = audit_charts(path, text, threshold)
    for line, text in finder.texts:
        if _small(text, threshold):
            findings.append(f"{path}: line {line}: a count of {text.strip()} is shown")
        elif not (NUMBER_RE.match(text) or SYMBOL_RE.match(text)):
            findings.append(f"{path}: line {line}: a count reads {text.strip()!r}, which is "
                            "neither a number nor a symbol")
    for line, attribute, number in finder.attribute_numbers:
        if _small(number, threshold):
            findings.append(f"{path}: line {line}: an attribute of a count holds {number} "
                            f"({attribute})")
    return findings


CHART_DIV_RE = re.compile(r'<div class="app-chart__graphic[^"]*" data-disclosure="count-chart"[^>]*>'
                          r'(.*?)</div>', re.S)
MARK_TEXT_RE = re.compile(r'<g class="mark-text role-mark[^"]*"[^>]*>(.*?)</g>', re.S)


def audit_charts(path: Path, text: str, threshold: int) -> list[str]:
    """Data labels and marks' hover titles in the chart SVGs of count tables."""
    findings = []
    for chart in CHART_DIV_RE.findall(text):
        # Every title but the chart's own (its figure's name) is a mark's hover title, which
        # says "<category>: <value>": any small whole number in the value is a count.
        for ident, title in re.findall(r'<title(?:\s+id="([^"]*)")?>([^<]*)</title>', chart):
            if ident.endswith("-title"):
                continue
            value = html.unescape(title).rpartition(": ")[2]
            for number in ANY_NUMBER_RE.findall(value.replace("\u00a0", " ")):
                if 1 <= float(number.replace(",", "")) <= threshold:
                    findings.append(f"{path}: a chart's hover title gives a count of {number} "
                                    f"({html.unescape(title)})")
        chart = re.sub(r"<title>[^<]*</title>", "", chart)
        for group in MARK_TEXT_RE.findall(chart):
            for label in re.findall(r"<text[^>]*>([^<]*)</text>", group):
                if _small(label, threshold):
                    findings.append(f"{path}: a chart labels a count of {label}")
    return findings


def audit_downloads(data_dir: Path, threshold: int) -> list[str]:
    package_path = data_dir / "datapackage.json"
    if not package_path.is_file():
        return [f"{package_path}: missing"]
    package = json.loads(package_path.read_text(encoding="utf-8"))
    findings = []
    for resource in package["resources"]:
        fields = {f["name"]: f for f in resource["schema"]["fields"]}
        path = data_dir / resource["path"]
        # The declared encoding must be true: read as declared, the header is the schema's
        # field names exactly (a byte-order mark read as UTF-8 would be part of the first).
        try:
            with path.open(encoding=resource["encoding"], newline="") as handle:
                header = next(csv.reader(handle), [])
        except (OSError, UnicodeError, LookupError) as exc:
            findings.append(f"{path}: cannot be read as its declared encoding "
                            f"{resource['encoding']!r} ({exc})")
            continue
        if header != list(fields):
            findings.append(f"{path}: read as {resource['encoding']!r}, its header "
                            f"{header!r} is not its schema's fields {list(fields)!r}")
            continue
        count_fields = [n for n, f in fields.items() if f.get("disclosure") == "count"]
        # figures.csv: a value is a count of people where its row says so.
        where_unit = [n for n, f in fields.items()
                      if f.get("disclosure") == "count-where-unit-is-count"]
        if not count_fields and not where_unit:
            continue
        with path.open(encoding=resource["encoding"], newline="") as handle:
            for row_number, row in enumerate(csv.DictReader(handle), start=2):
                counted = row.get("unit") == "count" and row.get("counts") in PEOPLE
                for name in count_fields + (where_unit if counted else []):
                    if _small(row[name], threshold):
                        findings.append(f"{path}: row {row_number}: a count of {row[name]} is "
                                        "published")
    return findings


# A number as written in running text: "1,446", "97.8", "2021" in "2021/22"; not the "5" of
# "PN5" nor the "1" of "S31.1(A)"; a full stop after it ends the sentence, not the number.
TOKEN_RE = re.compile(r"(?<![\w.])([0-9](?:[0-9,]*[0-9])?(?:\.[0-9]+)?)(?![\w]|[.,][0-9])")
# Numbers a PDF prints that its page's text does not hold, each only where print.css puts it.
PAGE_NUMBER_RE = re.compile(r"Page (\d+) of (\d+)")  # the footer of every page
CONTENTS_PAGE_RE = re.compile(r"\.{3,}\s*(\d+)")  # the contents list's leaders and page numbers
LIST_MARKER_RE = re.compile(r"(?m)^[ \t]*(\d+)\.(?=[ \t\r\n]|$)")  # numbers of <ol> items


class _PageText(HTMLParser):
    """The text a page can print (no scripts or styles), the addresses of its links to other
    sites (print.css prints them) and its longest numbered list."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._lists: list[int] = []
        self.longest_list = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "ol":
            self._lists.append(0)
        elif tag == "li" and self._lists:
            self._lists[-1] += 1
            self.longest_list = max(self.longest_list, self._lists[-1])
        href = dict(attrs).get("href") or ""
        if tag == "a" and href.startswith(("http://", "https://")):
            self.parts.append(f" {href} ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag == "ol" and self._lists:
            self._lists.pop()
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def pdf_page_texts(path: Path) -> list[str]:
    """The text of each page of a PDF, as PDFium reads it."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(path)
    texts = []
    try:
        for index in range(len(document)):
            page = document[index]
            text_page = page.get_textpage()
            texts.append(text_page.get_text_range())
            text_page.close()
            page.close()
    finally:
        document.close()
    return texts


def _made_of(token: str, known: set[str]) -> bool:
    """Whether a token is known numbers run together: neighbouring chart labels ("200" and
    "220" ending where the next begins) come out of a PDF's text as "200220". Each piece has at
    least two characters: every single digit is on every page (figure numbers, dates), so
    single digits would let any number through."""
    ends = {0}
    for end in range(2, len(token) + 1):
        if any(start in ends and end - start >= 2 and token[start:end] in known
               for start in range(end - 1)):
            ends.add(end)
    return len(token) in ends


def page_text(html: str) -> tuple[str, int]:
    """The text a page can print, and the length of its longest numbered list."""
    parser = _PageText()
    parser.feed(html)
    return "".join(parser.parts), parser.longest_list


def printed_numbers(texts: list[str], longest_list: int) -> list[tuple[int, str]]:
    """Each number on each page of a PDF (its text as `pdf_page_texts` reads it), with the page
    numbers, contents page numbers and list numbers print.css adds taken out, each only where
    it stands."""
    pages = len(texts)
    found: list[tuple[int, str]] = []
    for number, text in enumerate(texts, start=1):

        def page_number(m: re.Match[str], n: int = number) -> str:
            return "" if (int(m[1]), int(m[2])) == (n, pages) else m[0]

        text = PAGE_NUMBER_RE.sub(page_number, text)
        text = CONTENTS_PAGE_RE.sub(lambda m: "" if int(m[1]) <= pages else m[0], text)
        text = LIST_MARKER_RE.sub(lambda m: "" if int(m[1]) <= longest_list else m[0], text)
        found.extend((number, token) for token in TOKEN_RE.findall(text))
    return found


class _TableCells(HTMLParser):
    """The text of every cell of every table (<td>, <th>) on a page, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("td", "th"):
            self._depth += 1
            self.cells.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.cells[-1] += data


def table_numbers(html: str) -> Counter[str]:
    """Every number in every table cell of a page, counted."""
    parser = _TableCells()
    parser.feed(html)
    return Counter(token for cell in parser.cells for token in TOKEN_RE.findall(cell))


def pdf_cut_off(path: Path) -> list[tuple[int, str]]:
    """(page, text) of each run of characters printed beyond the page's edge: a table wider
    than the page draws its last columns there. They are in the PDF's text, but nobody can
    see them on paper."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(path)
    found: list[tuple[int, str]] = []
    try:
        for index in range(len(document)):
            page = document[index]
            width, height = page.get_size()
            text_page = page.get_textpage()
            run = ""
            for char in range(text_page.count_chars()):
                left, bottom, right, top = text_page.get_charbox(char)
                outside = right > width + 0.5 or left < -0.5 or top > height + 0.5 or bottom < -0.5
                letter = text_page.get_text_range(char, 1)
                if outside and letter.strip():
                    run += letter
                elif run:
                    found.append((index + 1, run))
                    run = ""
            if run:
                found.append((index + 1, run))
            text_page.close()
            page.close()
    finally:
        document.close()
    return found


def audit_pdf(path: Path) -> list[str]:
    """A report PDF must show no number that the page it is printed from does not, and must
    show every number of every table on the page.

    The page (index.html beside the PDF) passed `audit_html`; this checks that nothing else
    reached the PDF (no number from print styles, hidden elements or the PDF tool), and that
    nothing of a table was lost (a table wider than the page is cut at its edge)."""
    html = path.parent / "index.html"
    if not html.is_file():
        return [f"{path}: a PDF with no page beside it ({html}) to check it against"]
    text, longest_list = page_text(html.read_text(encoding="utf-8"))
    known = set(TOKEN_RE.findall(text))
    try:
        texts = pdf_page_texts(path)
    except Exception as error:  # a PDF that cannot be read cannot be published
        return [f"{path}: the PDF cannot be read ({error})"]
    printed = printed_numbers(texts, longest_list)
    findings = [f"{path}: page {page} shows {token}, which its web page {html} does not"
                for page, token in printed if token not in known and not _made_of(token, known)]
    cut = pdf_cut_off(path)
    if cut:
        findings.append(f"{path}: {len(cut)} run(s) of text are printed beyond the page's edge, "
                        f"where no reader sees them (a table wider than the page?): "
                        + "; ".join(f"page {page}: {text[:40]}" for page, text in cut[:5]))
    in_pdf = Counter(TOKEN_RE.findall(" ".join(texts)))
    missing = sorted(token for token, count in table_numbers(html.read_text(encoding="utf-8")).items()
                     if in_pdf[token] < count)
    if missing:
        findings.append(f"{path}: {len(missing)} number(s) in the tables of {html} are not in the "
                        f"PDF (a table cut at the page's edge?): {', '.join(missing[:10])}")
    return findings


def _pdf_marker(path: Path) -> str:
    """The name of the marker that the PDF at `path` passed: a hash of its bytes, its page's
    and the engine's code (cache.engine_digest)."""
    import hashlib

    from . import cache

    page = path.parent / "index.html"
    digest = hashlib.sha256(cache.engine_digest().encode())
    digest.update(hashlib.sha256(path.read_bytes()).digest())
    digest.update(hashlib.sha256(page.read_bytes() if page.is_file() else b"").digest())
    return f"audit-{digest.hexdigest()[:32]}.passed"


def _pdf_passed(path: Path, cache: Path, passed: set[Path]) -> list[str]:
    """audit_pdf's findings, where a PDF with the same bytes beside a page with the same bytes
    did not pass before under this engine's code (a marker file in `cache`, named by a hash
    of all three, is written when it passes; `passed` collects the markers used)."""
    from .cache import write_atomic

    marker = cache / _pdf_marker(path)
    passed.add(marker)
    if marker.is_file():
        return []
    findings = audit_pdf(path)
    if not findings:
        write_atomic(marker, "")
    return findings


def audit_output(output: Path, threshold: int, cache: Path | None = None) -> list[str]:
    """Every HTML page, every report PDF and every download of a built site. With `cache` (a
    folder), a PDF that passed before with the same bytes, beside the same page, is not read
    again (reading a PDF's characters is most of the audit's time); markers of PDFs no longer
    built are removed."""
    findings: list[str] = []
    for path in sorted(output.rglob("*.html")):
        findings.extend(audit_html(path, threshold))
    passed: set[Path] = set()
    for path in sorted(output.rglob("*.pdf")):
        findings.extend(audit_pdf(path) if cache is None else _pdf_passed(path, cache, passed))
    if cache is not None:
        for old in cache.glob("audit-*.passed"):
            if old not in passed:
                old.unlink(missing_ok=True)
    findings.extend(audit_downloads(output / "data", threshold))
    return findings
