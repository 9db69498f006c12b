"""Reading the fields of one period.yaml mapping, recording every problem instead of raising.

Each mapping is read as a section declared in schema.py: which fields it knows, which are
required, their allowed values and defaults come from that declaration, and a field the code
reads must be declared there with the type it is read as. The placeholder `invoke new` writes
(FILL IN) is reported once, wherever it is, and then read as absent. Independent of Pelican.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path
from typing import Any, TypeVar

from . import schema
from .model import NOT_AVAILABLE, Source
from .problems import Problems
from .yamlio import LinedDict, LinedList

PERIOD_FILE = "period.yaml"
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
PERIOD_RE = re.compile(r"^[0-9]{4}-[0-9]{2}(-to-[0-9]{4}-[0-9]{2})?$")
FORMAT_DOC = "docs/data-format.md"
# What `invoke new` writes where the officer must fill something in. Any text starting with it,
# anywhere in period.yaml or in a table's category, is refused until it is replaced, so an
# unfilled figure can never be published (as 0 or as anything else).
PLACEHOLDER = "FILL IN"


def is_placeholder(value: object) -> bool:
    """Whether a value is (or starts with) the FILL IN placeholder."""
    # In capitals only, as the narrative lint: "Fill in a questionnaire" may be a real label.
    return isinstance(value, str) and value.strip().startswith(PLACEHOLDER)


# One of a fixed set of words (a Literal type of terms.py, or a tuple of str).
Word = TypeVar("Word", bound=str)


class SchemaError(Exception):
    """The code reads a field otherwise than schema.py declares it: a bug, not a data problem."""


# Which declared types each reader reads.
_READS: dict[str, tuple[schema.FieldType, ...]] = {
    "text": ("text", "name"), "choice": ("choice",), "date": ("date",), "boolean": ("bool",),
    "number": ("number",), "mapping": ("mapping",)}


class FieldReader:
    """Field access on one YAML mapping, read as the section of schema.py it is, that records
    problems instead of raising."""

    def __init__(self, problems: Problems, file: Path, mapping: LinedDict, path: str,
                 section: str) -> None:
        self.problems = problems
        self.file = file
        self.m = mapping
        self.path = path
        self.section = section
        self.read: set[str] = set()  # the fields the code has read, each by its declared type

    def spec(self, key: str, reader: str) -> schema.Field:
        """The declaration of `key` in this mapping's section, which `reader` must be able to
        read."""
        declared = schema.section(self.section).get(key)
        if declared is None:
            raise SchemaError(f"'{key}' is read from {self.section} but not declared in schema.py")
        if declared.type not in _READS[reader]:
            raise SchemaError(f"'{key}' of {self.section} is declared as {declared.type} in "
                              f"schema.py but read as {reader}")
        self.read.add(key)
        return declared

    def finish(self) -> None:
        """Check every declared field the code has not read by its declared type alone (a
        required one that is missing, a date that is not a date, a word not among its choices),
        with the messages the code's own reads give. Fields the loader reads by rules of its own
        (`custom`), lists and selectors are left to that code."""
        for spec in schema.section(self.section).fields:
            if spec.name in self.read or spec.custom or spec.type in ("selector", "list"):
                continue
            if spec.name not in self.m and not (spec.required and not spec.when):
                continue
            if spec.type == "choice":
                self.choice(spec.name, spec.choices)
            elif spec.type in ("text", "name"):
                self.text(spec.name)
            elif spec.type == "date":
                self.date(spec.name)
            elif spec.type == "number":
                self.number(spec.name)
            elif spec.type == "bool":
                self.boolean(spec.name)
            else:
                self.mapping(spec.name)

    def _required(self, spec: schema.Field, required: bool | None) -> bool:
        """Whether the field must be given: as declared, or as the caller decides for a field
        declared as required only sometimes (`when`)."""
        if required is None:
            return spec.required
        if not spec.when:
            raise SchemaError(f"'{spec.name}' of {self.section} is declared as always "
                              f"{'required' if spec.required else 'optional'} in schema.py; "
                              "declare 'when' to decide it in the code")
        return required

    def line(self, key: str | None = None) -> int:
        """The line of `key` in the file, or of the mapping itself."""
        return self.m.line_of(key) if key else self.m.line

    def fieldname(self, key: str) -> str:
        """The field's full name in messages, e.g. `figures.reviews_held.value`."""
        return f"{self.path}.{key}" if self.path else key

    def problem(self, key: str | None, message: str, hint: str = "") -> None:
        """Record a problem at `key` (or at the mapping itself)."""
        self.problems.add(self.file, message, hint, line=self.line(key),
                          field=self.fieldname(key) if key else (self.path or None))

    def unknown_keys(self) -> None:
        """A problem for every field the section does not declare."""
        allowed = schema.section(self.section).names
        for key in self.m:
            if key not in allowed:
                self.problem(key, f"'{key}' is not a known field here",
                             f"remove it, or check its spelling; known fields: "
                             f"{', '.join(sorted(allowed))} (see {FORMAT_DOC})")

    def text(self, key: str, required: bool | None = None) -> str:
        """A text field, stripped; '' when absent (a problem if it is required)."""
        required = self._required(self.spec(key, "text"), required)
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

    def choice(self, key: str, options: tuple[Word, ...]) -> Word:
        """One of the field's declared choices (`options`, as typed), or its declared default
        when it is absent."""
        spec = self.spec(key, "choice")
        if tuple(options) != spec.choices:
            raise SchemaError(f"'{key}' of {self.section} is read with choices {options}, but "
                              f"schema.py declares {spec.choices}")
        default = options[options.index(spec.default)] if spec.default is not None else None
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

    def date(self, key: str, required: bool | None = None) -> dt.date | None:
        """A date field (YYYY-MM-DD), or None when absent or not a date."""
        required = self._required(self.spec(key, "date"), required)
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
        """A true/false field, its declared default when absent."""
        value = self.m.get(key, bool(self.spec(key, "boolean").default))
        if is_placeholder(value):
            return False
        if not isinstance(value, bool):
            self.problem(key, f"'{key}' must be true or false", f"write '{key}: true' or remove it")
            return False
        return value

    def number(self, key: str, *, allow_x: bool = False, whole: bool = False,
               required: bool | None = None) -> float | None:
        """A non-negative number field (1,232 read as 1232), or None when absent or wrong."""
        required = self._required(self.spec(key, "number"), required)
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

    def mapping(self, key: str, required: bool | None = None) -> LinedDict | None:
        """A field of 'name: value' entries, or None when absent or not a mapping."""
        required = self._required(self.spec(key, "mapping"), required)
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

    def sub(self, key: str, value: LinedDict, section: str) -> FieldReader:
        """A reader of the mapping `value` at `key`, read as the declared `section`."""
        return FieldReader(self.problems, self.file, value, self.fieldname(key), section)


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


def read_source(ctx: FieldReader) -> Source | None:
    """The `source:` mapping: the document the figures come from (None when absent)."""
    source_map = ctx.mapping("source")
    if source_map is None:
        return None
    sctx = ctx.sub("source", source_map, "source")
    sctx.unknown_keys()
    url = sctx.text("url")
    if url and not re.match(r"https?://[^\s/]+\.[^\s]+$", url):
        sctx.problem("url", f"'{url}' is not a web address",
                     "give the address of the document on the council's site, starting "
                     "https://, or leave 'url' out")
        url = ""
    source = Source(file=sctx.text("file"), title=sctx.text("title"),
                    publisher=sctx.text("publisher"), date=sctx.date("date") or dt.date.min,
                    presented_to=sctx.text("presented_to"), url=url)
    sctx.finish()
    return source
