"""Reading the fields of one period.yaml mapping, recording every problem instead of raising.

The placeholder `invoke new` writes (FILL IN) is reported once, wherever it is, and then read as
absent. Independent of Pelican.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path
from typing import Any, TypeVar

from .model import (
    NOT_AVAILABLE,
)
from .problems import Problems
from .yamlio import LinedDict, LinedList

PERIOD_FILE = "period.yaml"
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
PERIOD_RE = re.compile(r"^[0-9]{4}-[0-9]{2}(-to-[0-9]{4}-[0-9]{2})?$")
FORMAT_DOC = "docs/data-format.md"


SECTIONS = ("figures", "targets", "comparators", "tables", "metrics")
# What `invoke new` writes where the officer must fill something in. Any text starting with it,
# anywhere in period.yaml or in a table's category, is refused until it is replaced, so an
# unfilled figure can never be published (as 0 or as anything else).
PLACEHOLDER = "FILL IN"
TOP_FIELDS = {"report", "period", "title", "period_label", "period_start", "period_end",
              "status", "published", "previous", "source", "summary", "notes", "printed",
              "next_update",
              "revisions", "relations", *SECTIONS}


def is_placeholder(value: object) -> bool:
    # In capitals only, as the narrative lint: "Fill in a questionnaire" may be a real label.
    return isinstance(value, str) and value.strip().startswith(PLACEHOLDER)


# One of a fixed set of words (a Literal type of terms.py, or a tuple of str).
Word = TypeVar("Word", bound=str)


class FieldReader:
    """Field access on one YAML mapping that records problems instead of raising."""

    def __init__(self, problems: Problems, file: Path, mapping: LinedDict, path: str) -> None:
        self.problems = problems
        self.file = file
        self.m = mapping
        self.path = path

    def line(self, key: str | None = None) -> int:
        return self.m.line_of(key) if key else self.m.line

    def fieldname(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def problem(self, key: str | None, message: str, hint: str = "") -> None:
        self.problems.add(self.file, message, hint, line=self.line(key),
                          field=self.fieldname(key) if key else (self.path or None))

    def unknown_keys(self, allowed: set[str]) -> None:
        for key in self.m:
            if key not in allowed:
                self.problem(key, f"'{key}' is not a known field here",
                             f"remove it, or check its spelling; known fields: "
                             f"{', '.join(sorted(allowed))} (see {FORMAT_DOC})")

    def text(self, key: str, required: bool = True) -> str:
        value = self.m.get(key)
        if is_placeholder(value):
            return ""  # reported by report_placeholders
        if value is None:
            if required:
                self.problem(key, f"the required field '{key}' is missing",
                             f"add '{key}:' (see {FORMAT_DOC})")
            return ""
        if not isinstance(value, (str, int, float)) or isinstance(value, bool) or not str(value).strip():
            self.problem(key, f"'{key}' must be text", f"write it as plain text after '{key}:'")
            return ""
        return str(value).strip()

    def choice(self, key: str, options: tuple[Word, ...], default: Word | None = None) -> Word:
        value = self.m.get(key, default)
        if is_placeholder(value):
            return options[0]
        if value is None:
            self.problem(key, f"the required field '{key}' is missing",
                         f"add '{key}:' with one of: {', '.join(options)}")
            return options[0]
        if value not in options:
            self.problem(key, f"'{value}' is not a valid {key}",
                         f"use one of: {', '.join(options)}")
            return options[0]
        return options[options.index(value)]  # the option itself: typed as one of `options`

    def date(self, key: str, required: bool = True) -> dt.date | None:
        value = self.m.get(key)
        if is_placeholder(value):
            return None
        if value is None:
            if required:
                self.problem(key, f"the required date '{key}' is missing",
                             f"add '{key}: YYYY-MM-DD'")
            return None
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.problem(key, f"'{value}' is not a date", "write dates as YYYY-MM-DD, e.g. 2022-03-31")
            return None

    def boolean(self, key: str) -> bool:
        value = self.m.get(key, False)
        if is_placeholder(value):
            return False
        if not isinstance(value, bool):
            self.problem(key, f"'{key}' must be true or false", f"write '{key}: true' or remove it")
            return False
        return value

    def number(self, key: str, *, allow_x: bool = False, whole: bool = False,
               required: bool = True) -> float | None:
        value = self.m.get(key)
        if is_placeholder(value):
            return None
        if value is None:
            if required:
                self.problem(key, f"the required number '{key}' is missing", f"add '{key}:'")
            return None
        if allow_x and value == NOT_AVAILABLE:
            return None
        if isinstance(value, str) and GROUPED.fullmatch(value.strip()):
            value = float(ungrouped(value.strip()))
            value = int(value) if value == int(value) else value
        if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
            self.problem(key, f"'{value}' is not a number",
                         "write digits only (1232 or 1,232), without % signs"
                         + (" (or x if the source does not give it)" if allow_x else ""))
            return None
        if value < 0:
            self.problem(key, f"{value} is negative", "figures here cannot be negative")
            return None
        if whole and value != int(value):
            self.problem(key, f"{value} is not a whole number", "counts of children or records "
                         "are whole numbers")
            return None
        return float(value)

    def mapping(self, key: str, required: bool = False) -> LinedDict | None:
        value = self.m.get(key)
        if is_placeholder(value):
            return None
        if value is None:
            if required:
                self.problem(key, f"the required section '{key}' is missing", f"add '{key}:'")
            return None
        if not isinstance(value, LinedDict):
            self.problem(key, f"'{key}' must be a set of 'name: value' entries",
                         "indent its entries under it, one per line")
            return None
        return value

    def sub(self, key: str, value: LinedDict) -> FieldReader:
        return FieldReader(self.problems, self.file, value, self.fieldname(key))


NUMBER_KEYS = {"value", "values", "range", "base"}


def report_placeholders(node: Any, path: Path, field: str, line: int, problems: Problems) -> None:
    """One problem for every placeholder left in period.yaml, wherever it is. The field
    readers then treat a placeholder as absent without a second message."""
    if isinstance(node, LinedDict):
        for key, value in node.items():
            report_placeholders(value, path, f"{field}.{key}" if field else key,
                                 node.line_of(key), problems)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            item_line = node.line_of(i) if isinstance(node, LinedList) else line
            report_placeholders(value, path, f"{field}[{i + 1}]", item_line, problems)
    elif is_placeholder(node):
        last = field.rsplit(".", 1)[-1].split("[")[0]
        if last in NUMBER_KEYS or (field.startswith("comparators.") and ".values." in field):
            hint = ("fill in the figure from the new report: a number without commas or % signs, "
                    "or x if the report does not give it")
        elif last in ("date", "period_start", "period_end", "published"):
            hint = "fill in the date, as YYYY-MM-DD"
        else:
            hint = "fill in the text for the new period"
        problems.add(path, f"not filled in yet (it says '{str(node).strip()}')",
                     hint + "; replace the whole placeholder, FILL IN included",
                     line=line, field=field)


GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")


def ungrouped(text: str) -> str:
    """`text` without thousands separators when it is a number written with them as Excel's
    number format writes them ('1,232' or '12,345.5'); otherwise `text` unchanged ('1,5' and
    '12,34' are not read as numbers)."""
    return text.replace(",", "") if GROUPED.fullmatch(text) else text
