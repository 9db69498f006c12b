"""What a reader or a search engine reads of what people typed, with the line that typed it.

The narrative lint (lint.py) checks these passages, not the source: a number in bold, split
across lines, written with `&nbsp;` or in a code span reads the same to a reader as plain
"3 children", so it must be checked the same way.

- Narratives and pages (`content/**/*.md`): their metadata lines (Title, Summary), then each
  block (paragraph, list item, heading, table cell, code block, quotation) rendered with
  Python-Markdown as Pelican renders it, as plain text; the alt and title text of images and
  links; and the options of references (a chart's `title="…"`, which reaches the figure's
  heading, its SVG <title> and the PDF). Inline references become REF (a number a reference
  produces is never "typed by hand"), or REF_HIDDEN where the number is hidden; block
  references are removed. A link's address is read as its words (address_words): the PDF
  prints it after the link (print.css) and a browser shows it on hover.
- `period.yaml`: every field schema.py declares as text (titles, labels, notes, summaries,
  sources, reasons, next_update …), but those UNSHOWN_TEXT_FIELDS says no reader sees; the
  source's file name and address, and the names of figures and tables (the downloads print
  them), as their words; and every category listed in it.
- Tables: every category in a CSV file or a workbook sheet (the `value` column is data).

Each passage keeps the source lines it came from, so a finding names the line of the number
and a `<!-- reviewed: reason -->` (or `# reviewed: reason` in YAML) on that line applies.
A category label has no reviewed mark: a label that needs one is a label to rewrite.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from . import references
from .numbers import normalise
from .problems import Problems

# Stands for what an inline reference produces: not a number typed by hand.
REF = "\ue000"
# Stands for an inline reference that shows a hidden number ([c]): the words around it must
# not narrow it (lint.py).
REF_HIDDEN = "\ue001"
REVIEWED = re.compile(r"(?:<!--|#)\s*reviewed:\s*(?P<reason>\S.*?)\s*(?:-->|$)", re.IGNORECASE)
FENCE = re.compile(r"^\s*(```|~~~)")
# Markdown metadata keys whose values a reader sees (the page title, the description
# search engines show); the others (date, slug, status, template) are not prose.
READ_METADATA = {"title", "summary", "subtitle", "description"}
# period.yaml text fields that never reach a reader (no page, download, PDF or search entry
# shows them), each with the reason; every other text field the schema declares is read.
UNSHOWN_TEXT_FIELDS: dict[str, str] = {
    "tables.sheet": "the workbook sheet the loader reads the table from",
    "tables.not_people": "why the numbers count no one, for whoever reviews the release",
    "figures.not_people": "why the number counts no one, for whoever reviews the release",
    "comparators.not_people": "why the numbers count no one, for whoever reviews the release",
    "printed.quote": "the source's words, which the tests check the site reproduces",
    "relations.stock_flow.stock_flow": "a label for the build's messages",
    "relations.hierarchy.hierarchy": "a label for the build's messages",
}
# Keys read as prose that the schema does not declare (older or custom files): kept, so that
# nothing a reader might see goes unread.
_EXTRA_TEXT_KEYS = {"notes", "description", "caption", "subtitle", "what", "name_long",
                    "document", "location", "where"}


def _schema_text_keys() -> set[str]:
    """Every period.yaml key the schema declares as text, but those UNSHOWN_TEXT_FIELDS names
    in every section that has them: a new text field is read unless someone says why not."""
    from .schema import SCHEMA

    declared: dict[str, set[str]] = {}
    for section in SCHEMA.values():
        for declared_field in section.fields:
            if declared_field.type == "text":
                declared.setdefault(declared_field.name, set()).add(section.name)
    return {name for name, sections in declared.items()
            if any(f"{s}.{name}" not in UNSHOWN_TEXT_FIELDS for s in sections)}


# period.yaml keys whose text a reader sees (a key is read wherever it appears, so a key that
# is shown in one section and not another is read in both: it fails closed), and keys that
# list categories (a comparator's years are its column headings).
TEXT_KEYS = _schema_text_keys() | _EXTRA_TEXT_KEYS
# Keys whose value is an address: a link's target, which a reader sees in print and on hover.
ADDRESS_KEYS = {"url", "file"}
CATEGORY_KEYS = {"categories", "order", "collapse", "years"}
# Sections whose keys are names that the downloads print (figures.csv's `name`, a table's
# file): read as their words, "three_on_remand" says three.
NAMED_SECTIONS = {"figures", "targets", "comparators", "tables", "metrics"}
# Mappings whose keys are labels (comparator areas, a collapse's new groups), and whose values
# are labels (a table's dimension titles).
LABEL_KEY_MAPS = {"values", "collapse"}
LABEL_VALUE_MAPS = {"dimensions"}
# Selectors name categories a table already has ("where: {reason: …}"): not text of their own.
SELECTOR_KEYS = {"where"}
BLOCK_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "pre",
              "blockquote", "figcaption", "caption", "div", "table", "tr", "ul", "ol", "dl",
              "hr", "br"}
# Attributes a reader never sees or hears; every other attribute of the narrative's own HTML is
# read (alt, title, aria-label, value, placeholder …).
UNREAD_ATTRIBUTES = {"href", "src", "class", "id", "style", "rel", "lang", "dir", "width", "height",
                     "colspan", "rowspan", "scope", "headers", "role", "tabindex", "type", "name",
                     "for", "target", "loading", "srcset", "sizes", "datetime", "hidden"}


@dataclass(frozen=True)
class Passage:
    """One piece of text a reader sees, and the source lines it came from.

    `lines` maps each source line number to its text, for finding the line of a number;
    `reviewed` maps a line number to the reason given in its reviewed mark. `label` is True
    for category labels, which are checked by the label rule (lint.py), not the prose rule.
    """

    file: Path
    line: int
    text: str
    where: str
    lines: tuple[tuple[int, str], ...] = ()
    reviewed: Mapping[int, str] = field(default_factory=dict)
    # For each reviewed line, the text its mark covers: the sentence the mark ends (None: the
    # whole line or block, as a mark after '>-' in period.yaml).
    covered: Mapping[int, str | None] = field(default_factory=dict)
    label: bool = False
    # The report period whose figures this text sits beside ("iro/2021-22"), or "" for a
    # page of the whole site.
    period: str = ""
    # Whether the text can refer to the period's figures by name (a period's narrative).
    references: bool = False
    # How a problem names the place: the field or column, "line" or "row", a sheet's cell.
    field: str | None = None
    row_label: str = "line"
    cell: str | None = None

    def locate(self, snippet: str, occurrence: int = 0) -> int | None:
        """The source line holding the `occurrence`-th appearance of `snippet` (as a whole
        word), or None when no source line shows it plainly."""
        pattern = _word(snippet)
        seen = 0
        for number, text in self.lines:
            for _ in pattern.finditer(_plain_source(text)):
                if seen == occurrence:
                    return number
                seen += 1
        return None

    def line_of(self, snippet: str, occurrence: int = 0) -> int:
        """locate(), or the passage's first line."""
        return self.locate(snippet, occurrence) or self.line

    def covers(self, line: int, snippet: str) -> bool:
        """Does a reviewed mark on `line` cover `snippet`?"""
        if line not in self.reviewed:
            return False
        covered = self.covered.get(line)
        return covered is None or bool(_word(snippet).search(covered))


# What separates the words of an address: "/news/three-young-people_remanded?id=x". Between
# two digits a separator is part of a date or a span ("2023/03/31", "2022-23"), kept.
ADDRESS_SEPARATORS = re.compile(r"(?<!\d)[-_/?&=#+~:;,]+|[-_/?&=#+~:;,]+(?!\d)")


def address_words(address: str) -> str:
    """A link's address as a reader reads it in print or in the status bar: the scheme left
    out, escapes decoded (`%20` is a space, `%33` a 3), and `-`, `_`, `/` and the query's
    punctuation read as spaces, so that ".../three-young-people-remanded" reads "three young
    people remanded". A fragment on its own ("#fn:1", a footnote) is a place in the page, not
    words: ''."""
    from urllib.parse import unquote

    text = address.strip()
    if text.startswith("#"):
        return ""
    text = re.sub(r"^(?:[a-z][a-z0-9+.-]*:(?://)?)", "", text, flags=re.IGNORECASE)
    text = unquote(text.replace("+", " "))
    return " ".join(ADDRESS_SEPARATORS.sub(" ", text).split())


def _address_source(line: str) -> str:
    """A source line with escapes in addresses decoded, for locating a word of an address."""
    from urllib.parse import unquote

    return unquote(line)


def _word(snippet: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w.,])" + re.escape(snippet) + r"(?![\w])", re.IGNORECASE)


def _plain_source(line: str) -> str:
    """A source line with emphasis and entities loosened, for locating a number in it."""
    import html

    return html.unescape(re.sub(r"[*_`]|<[^>]+>", " ", line)).replace("\u00a0", " ")


def reviewed_marks(lines: list[str], first: int = 1) -> dict[int, str]:
    return {number: match.group("reason") for number, line in enumerate(lines, start=first)
            if (match := REVIEWED.search(line))}


def marked_sentences(lines: list[str], first: int = 1) -> dict[int, str | None]:
    """For each line with a reviewed mark, the sentence the mark ends: the plain text between
    the last sentence end before the mark and the mark."""
    out: dict[int, str | None] = {}
    for number, line in enumerate(lines, start=first):
        match = REVIEWED.search(line)
        if match:
            before = _plain_source(line[:match.start()]).strip()
            out[number] = re.split(r"(?<=[.!?])\s+(?=\S)", before)[-1] if before else ""
    return out


class _Text(HTMLParser):
    """Plain text of rendered HTML, one string per block; attributes a reader hears apart."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.attributes: list[str] = []
        # The addresses of links: printed after the link in the PDF (print.css), shown on hover.
        self.addresses: list[str] = []
        self._current: list[str] = []
        self._footnote = 0  # inside a footnote's reference number (<sup class="footnote-ref">)

    def _flush(self) -> None:
        text = " ".join("".join(self._current).replace("\u00a0", " ").split())
        if text:
            self.blocks.append(text)
        self._current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK_TAGS:
            self._flush()
        if self._footnote or "footnote-ref" in (dict(attrs).get("class") or ""):
            self._footnote += 1
        for name, value in attrs:
            if name == "href" and value and address_words(value):
                self.addresses.append(value.strip())
            if name not in UNREAD_ATTRIBUTES and not name.startswith("data-") and value and \
                    value.strip():
                self.attributes.append(" ".join(value.split()))
        if tag == "ol" and dict(attrs).get("start"):
            self.attributes.append(f"{dict(attrs)['start']}.")  # the first item's number

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCK_TAGS:
            self._flush()
        if self._footnote:
            self._footnote -= 1

    def handle_data(self, data: str) -> None:
        if not self._footnote:  # a footnote's number is a link, not a figure
            self._current.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def html_texts(html_text: str) -> tuple[list[str], list[str]]:
    """(block texts, attribute texts) of an HTML fragment, entities decoded, whitespace
    (non-breaking spaces too) collapsed."""
    parser = _html(html_text)
    return parser.blocks, parser.attributes


def html_addresses(html_text: str) -> list[str]:
    """The link addresses (`href`) of an HTML fragment, but fragments of the page itself."""
    return _html(html_text).addresses


def _html(html_text: str) -> _Text:
    parser = _Text()
    parser.feed(html_text)
    parser.close()
    return parser


def _blocks(lines: list[str], first: int) -> Iterator[tuple[int, list[str]]]:
    """Markdown blocks (runs of lines between blank lines; a fenced code block is one block
    whatever it holds), each with its first line number."""
    block: list[str] = []
    start = first
    fenced = False
    for number, line in enumerate(lines, start=first):
        if FENCE.match(line):
            fenced = not fenced
        if not line.strip() and not fenced:
            if block:
                yield start, block
            block = []
            continue
        if not block:
            start = number
        block.append(line)
    if block:
        yield start, block


LINK_DEFINITION = re.compile(r"""^\s{0,3}\[[^\]]+\]:\s*\S+\s+["'(](?P<title>.+)["')]\s*$""")
# "[name]: address": a reference-style link's address, wherever the link is.
LINK_ADDRESS = re.compile(r"""^\s{0,3}\[[^\]]+\]:\s*<?(?P<address>[^\s>]+)>?""")


def _metadata(path: Path, lines: list[str], marks: dict[int, str], period: str) -> list[Passage]:
    """The 'Key: value' lines a reader sees (Title, Summary …), with the indented lines that
    continue a value, entities decoded as the page decodes them."""
    import html

    out = []
    key, number, parts = "", 0, []
    for index, line in enumerate([*lines, "End: "], start=1):
        if line.startswith((" ", "\t")) and key:
            parts.append(line.strip())
            continue
        if key.lower() in READ_METADATA and " ".join(parts).strip():
            value = normalise(html.unescape(" ".join(parts)))
            source = tuple((n, lines[n - 1]) for n in range(number, index))
            out.append(Passage(path, number, " ".join(value.split()), f"metadata '{key}'", source,
                               marks, period=period))
        name, _, value = line.partition(":")
        key, number, parts = name.strip(), index, [value.strip()]
    return out


def markdown_renderer(markdown: Mapping[str, Any] | None) -> Any:
    """A Python-Markdown renderer as Pelican's reader makes it from the MARKDOWN setting: the
    extensions are the keys of extension_configs (Pelican adds them after the 'initialized'
    signal, so the setting does not list them yet when the engine reads it)."""
    from markdown import Markdown

    options = dict(markdown or {})
    options.setdefault("extensions", list(options.get("extension_configs", {})))
    return Markdown(**options)


def markdown_passages(path: Path, text: str, markdown: Mapping[str, Any] | None = None,
                      period: str = "",
                      hides: Callable[[references.Reference], bool] | None = None,
                      ) -> list[Passage]:
    """Every passage a reader sees of a narrative or page (see the module docstring).
    `markdown` is Pelican's MARKDOWN setting: its extension_configs name the extensions, as
    Pelican's reader takes them. `hides(reference)` says whether an inline reference shows a
    hidden number ([c]); such a reference becomes REF_HIDDEN instead of REF."""
    from .narrative import body_start

    all_lines = text.splitlines()
    marks = reviewed_marks(all_lines)
    covered = marked_sentences(all_lines)
    start = body_start(text)
    out = _metadata(path, all_lines[:start], marks, period)
    refs = references.parse(text, path, Problems())  # malformed ones are reported elsewhere
    by_line: dict[int, list[references.Reference]] = {}
    for ref in refs:
        by_line.setdefault(ref.line, []).append(ref)
        for option in ("title", "subtitle", "alt"):
            if ref.options.get(option):
                out.append(Passage(path, ref.line, normalise(ref.options[option]),
                                   f"the {option} of a {ref.kind} reference",
                                   ((ref.line, ref.options[option]),), marks, period=period,
                                   covered=covered))
    body = []
    for number, line in enumerate(all_lines[start:], start=start + 1):
        for ref in by_line.get(number, ()):
            stands = REF_HIDDEN if hides is not None and hides(ref) else REF
            line = line.replace(ref.text, "" if ref.kind in references.BLOCK_KINDS else stands)
        # Anything else in double braces is a malformed reference, reported elsewhere.
        body.append(references.REFERENCE_RE.sub(REF, line))
        definition = LINK_DEFINITION.match(line)
        if definition:  # a link's title, shown wherever the link is (rendered blocks lose it)
            out.append(Passage(path, number, normalise(definition.group("title")), "link title",
                               ((number, line),), marks, period=period, covered=covered))
        target = LINK_ADDRESS.match(line)
        if target and address_words(target.group("address")):
            out.append(Passage(path, number, normalise(address_words(target.group("address"))),
                               "link address", ((number, _address_source(line)),), marks,
                               period=period, covered=covered))
    renderer = markdown_renderer(markdown)
    for first, block in _blocks(body, start + 1):
        rendered = renderer.reset().convert("\n".join(block))
        texts, attributes = html_texts(rendered)
        numbered = tuple(zip(range(first, first + len(block)), block, strict=True))
        for piece in texts:
            out.append(Passage(path, first, normalise(piece), "text", numbered, marks,
                               period=period, references=bool(period), covered=covered))
        for piece in attributes:
            out.append(Passage(path, first, normalise(piece), "alternative text", numbered,
                               marks, period=period, covered=covered))
        # A link's address is printed after it in the PDF and shown on hover: its words are
        # read as text ("…/three-young-people-remanded" says three).
        decoded = tuple((n, _address_source(line)) for n, line in numbered)
        for address in html_addresses(rendered):
            out.append(Passage(path, first, normalise(address_words(address)),
                               f"link address {address}", decoded, marks, period=period,
                               covered=covered))
    return out


def _yaml_block(lines: list[str], number: int) -> tuple[tuple[int, str], ...]:
    """The source lines of the YAML value on line `number`: a folded or literal block runs
    on below its key, so its lines are offered too (a comment inside the block would be part
    of the text, so a reviewed mark for the whole block goes on its first line, after '>' or
    '|')."""
    block = [(number, lines[number - 1])] if number <= len(lines) else []
    indent = len(lines[number - 1]) - len(lines[number - 1].lstrip()) if block else 0
    for n in range(number + 1, len(lines) + 1):
        text = lines[n - 1]
        if text.strip() and len(text) - len(text.lstrip()) <= indent:
            break
        block.append((n, text))
    return tuple(block)


def _yaml_leaf(node: Any, key: str, label: bool) -> tuple[str, bool] | None:
    """What a reader reads of one scalar of period.yaml under `key`, and whether it is a
    label: a link's target or a file's name as words, prose, a category (years listed as
    headings too); None for what no reader sees."""
    if isinstance(node, str) and key in ADDRESS_KEYS and not label:
        words = address_words(node)  # a link's target or a file's name: its words are read
        return (words, False) if words else None
    if isinstance(node, str) and node.strip() and (
            label or key in TEXT_KEYS or key in CATEGORY_KEYS):
        return node, label or key in CATEGORY_KEYS
    if isinstance(node, int | float) and not isinstance(node, bool) and key in CATEGORY_KEYS:
        return str(node), True  # years: [2019, 2020] are headings too
    return None


def yaml_passages(path: Path, data: Any, text: str, period: str = "") -> list[Passage]:
    """The text fields and category labels of a period.yaml already read with line numbers
    (yamlio.LinedDict / LinedList): text keys (TEXT_KEYS) are prose; listed categories,
    dimension titles, comparator areas and the new labels of a collapse are labels."""
    lines = text.splitlines()
    marks = reviewed_marks(lines)
    out: list[Passage] = []

    def source(number: int) -> tuple[tuple[int, str], ...]:
        return _yaml_block(lines, number)

    def marks_for(block: tuple[tuple[int, str], ...]) -> dict[int, str]:
        first = marks.get(block[0][0]) if block else None
        return {n: mark for n, _ in block if (mark := marks.get(n) or first)}

    def add(value: str, key: str, line: int, label: bool) -> None:
        block = source(line)
        out.append(Passage(path, line, normalise(" ".join(value.split())), f"field '{key}'",
                           block, marks_for(block), label=label, period=period, field=key))

    def visit(node: Any, key: str, line: int, label: bool = False, depth: int = 0) -> None:
        if isinstance(node, dict):
            if key in SELECTOR_KEYS:
                return
            for child_key, child in node.items():
                child_line = node.line_of(child_key) if hasattr(node, "line_of") else line
                if key in LABEL_KEY_MAPS:  # the keys are labels: areas, a collapse's new groups
                    add(str(child_key), key, child_line, True)
                elif key in NAMED_SECTIONS and depth == 1 and address_words(str(child_key)):
                    # A figure's or table's name is in the downloads: figures.csv, legal_status.csv.
                    add(address_words(str(child_key)), f"name in {key}", child_line, False)
                visit(child, str(child_key), child_line, key in LABEL_VALUE_MAPS, depth + 1)
        elif isinstance(node, list):
            for index, child in enumerate(node):
                child_line = node.line_of(index) if hasattr(node, "line_of") else line
                visit(child, key, child_line, label, depth + 1)
        elif (leaf := _yaml_leaf(node, key, label)) is not None:
            add(leaf[0], key, line, leaf[1])

    visit(data, "", 1)
    return out


def csv_passages(path: Path, text: str, period: str = "") -> list[Passage]:
    """Each category of a tidy CSV table (every column but `value`), with its row."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return []
    header = [h.strip().lower() for h in rows[0]]
    out = []
    raw_lines = text.splitlines()
    for number, row in enumerate(rows[1:], start=2):
        line = raw_lines[number - 1] if number - 1 < len(raw_lines) else ""
        for column, cell in zip(header, row, strict=False):
            if column != "value" and cell.strip():
                out.append(Passage(path, number, normalise(" ".join(cell.split())), f"column '{column}'",
                                   ((number, line),), label=True, period=period, field=column,
                                   row_label="row"))
    return out


def _column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_passages(path: Path, rows: list[tuple[str, int, list[str]]], period: str = ""
                   ) -> list[Passage]:
    """Categories of workbook sheets: (sheet, row number, cells of the row), the header row
    first per sheet. The place is given as 'sheet S, row N' (Passage.where)."""
    out = []
    header: dict[str, list[str]] = {}
    for sheet, number, cells in rows:
        if sheet not in header:
            header[sheet] = [c.strip().lower() for c in cells]
            continue
        for index, (column, cell) in enumerate(zip(header[sheet], cells, strict=False)):
            if column != "value" and cell.strip():
                out.append(Passage(path, number, normalise(" ".join(cell.split())),
                                   f"sheet {sheet}, column '{column}'", ((number, cell),),
                                   label=True, period=period, field=column, row_label="row",
                                   cell=f"sheet {sheet}, cell {_column_letter(index)}{number}"))
    return out
