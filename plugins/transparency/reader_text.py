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

This module reads Markdown and defines the passage; reader_data.py reads the data files.
"""

from __future__ import annotations

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
    # The source lines as written, {{ references }} and all, where `lines` has them replaced
    # (a narrative's text): for quoting the source in a problem.
    written: tuple[tuple[int, str], ...] = ()

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
        written = tuple((n, all_lines[n - 1]) for n, _ in numbered)
        for piece in texts:
            out.append(Passage(path, first, normalise(piece), "text", numbered, marks,
                               period=period, references=bool(period), covered=covered,
                               written=written))
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

