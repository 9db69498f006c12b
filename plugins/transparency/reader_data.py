"""What a reader reads of the data files: every text field of period.yaml that a page,
download or PDF shows (schema.py's text fields, less UNSHOWN_TEXT_FIELDS), addresses and
names as their words, the categories it lists, and the categories of CSV files and workbook
sheets; each as a Passage (reader_text.py) with its line, row or cell."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from .numbers import normalise
from .reader_text import Passage, address_words, reviewed_marks

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
