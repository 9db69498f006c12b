"""Reading a Department for Education Explore Education Statistics (EES) open-data file:
its data CSV and `<name>.meta.csv`, cells as numbers or the DfE's symbols (kept, never
dropped), time periods and filters, every problem with file, row and column (ees.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .problems import Problems, read_text
from .terms import (
    EES_GEOGRAPHY,
    EES_META_COLUMNS,
    EES_TIME,
)

# The DfE's symbols (its open data standards, after the GSS's shorthand) and what they mean.
SYMBOLS = {
    "c": "confidential, suppressed by the DfE",
    "x": "not available",
    "z": "not applicable",
    "low": "rounds to 0, but is not 0",
    "u": "low reliability",
}
# Older files' symbols, read as the one that replaced them (with a note saying so).
OLD_SYMBOLS = {":": "x", "~": "low", "k": "low"}
TIME = EES_TIME
GEOGRAPHY = EES_GEOGRAPHY
META_COLUMNS = EES_META_COLUMNS
# Yearly time identifiers: the digits of their time_period, and the month their year starts.
YEARLY = {"Reporting year": (4, 1), "Calendar year": (4, 1), "Financial year": (6, 4),
          "Tax year": (6, 4), "Academic year": (6, 9)}
MANY = 10  # problems of one kind listed before "and N more"


@dataclass(frozen=True)
class Indicator:
    """An indicator column as the meta file describes it."""

    name: str
    label: str
    unit: str  # the meta's indicator_unit as written ('' for a number)
    dp: int | None
    row: int  # its row in the meta file


@dataclass
class Release:
    """One EES data file and its meta file, read and checked."""

    path: Path
    meta_path: Path
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (spreadsheet row number, cells by column)
    indicators: dict[str, Indicator]
    time_identifier: str
    meta_filters: set[str] = field(default_factory=set)  # the columns the meta calls filters

    @property
    def filters(self) -> list[str]:
        """Every column that is neither time, geography nor an indicator: what a row is for
        besides its place and year (meta files leave out filters with a single value)."""
        return [c for c in self.header if c not in TIME and c not in GEOGRAPHY
                and c not in self.indicators]


@dataclass(frozen=True)
class Cell:
    """One indicator value: a number, or the DfE's symbol; `written` as the file has it."""

    number: float | None
    symbol: str
    written: str
    row: int


# --- reading --------------------------------------------------------------------------------

def parse_cell(text: str) -> tuple[float | None, str, str]:
    """(number, symbol, error) for one indicator cell. An older symbol is read as the one
    that replaced it (':' is x, '~' and 'k' are low)."""
    text = text.strip()
    if text in SYMBOLS:
        return None, text, ""
    if text in OLD_SYMBOLS:
        return None, OLD_SYMBOLS[text], ""
    if not text:
        return None, "", "the cell is empty"
    try:
        number = float(text)
    except ValueError:
        return None, "", f"'{text}' is neither a number nor one of the DfE's symbols"
    if not math.isfinite(number) or not re.fullmatch(r"[0-9.eE+-]+", text):
        return None, "", f"'{text}' is neither a number nor one of the DfE's symbols"
    if number < 0:
        return None, "", f"{text} is negative: a comparator is a count, rate or percentage"
    return number, "", ""


def meta_path_for(path: Path) -> Path:
    """The meta file beside a data file: x.csv has x.meta.csv."""
    return path.with_name(path.name.removesuffix(".csv") + ".meta.csv")


def _csv_rows(path: Path, problems: Problems, what: str) -> list[list[str]] | None:
    text = read_text(path, problems, save_as="UTF-8 CSV, as the DfE publishes it (download it "
                     "again rather than saving it from Excel)",
                     empty_hint=f"download the {what} again from Explore Education Statistics")
    if text is None:
        return None
    return list(csv.reader(io.StringIO(text, newline="")))


class Capped:
    """Problems of one kind, listed up to MANY and then counted."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        self.seen: dict[str, int] = {}
        self.last: dict[str, tuple[Path, str]] = {}

    def add(self, kind: str, path: Path, message: str, hint: str, **where: Any) -> None:
        self.seen[kind] = self.seen.get(kind, 0) + 1
        if self.seen[kind] <= MANY:
            self.problems.add(path, message, hint, **where)
        self.last[kind] = (path, hint)

    def close(self) -> None:
        for kind, count in self.seen.items():
            if count > MANY:
                path, hint = self.last[kind]
                self.problems.add(path, f"and {count - MANY} more rows like those above", hint)


def _read_meta(release_path: Path, problems: Problems) -> tuple[Path, dict[str, Indicator],
                                                                 set[str]] | None:
    meta_path = meta_path_for(release_path)
    if not meta_path.is_file():
        problems.add(meta_path, "the data file's meta file is missing",
                     f"download the data file's '{meta_path.name}' from Explore Education "
                     "Statistics and put it beside the data file: it says which columns are "
                     "indicators and what their units are")
        return None
    rows = _csv_rows(meta_path, problems, "meta file")
    if rows is None:
        return None
    header = [h.strip() for h in rows[0]]
    missing = [c for c in META_COLUMNS if c not in header]
    for column in missing:
        problems.add(meta_path, f"the meta file has no '{column}' column: it is not an EES meta "
                     "file", "use the .meta.csv file published with the data file, unchanged; "
                     f"its columns are {', '.join(META_COLUMNS)}", line=1, row_label="row",
                     field=column)
    if missing:
        return None
    indicators: dict[str, Indicator] = {}
    filters: set[str] = set()
    for number, raw in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in raw):
            continue
        row = dict(zip(header, (c.strip() for c in raw), strict=False))
        name, kind = row.get("col_name", ""), row.get("col_type", "")
        if kind == "Filter":
            filters.add(name)
        elif kind == "Indicator":
            dp_text = row.get("indicator_dp", "")
            dp = int(dp_text) if dp_text.isdigit() else None
            indicators[name] = Indicator(name, row.get("label", "") or name,
                                         row.get("indicator_unit", ""), dp, number)
        else:
            problems.add(meta_path, f"col_type is '{kind}', not Filter or Indicator",
                         "use the meta file as published, unchanged", line=number,
                         row_label="row", field="col_type")
    return meta_path, indicators, filters


def read_release(path: Path, problems: Problems) -> Release | None:
    """Read and check an EES data file and its meta file; None (with problems) if either
    cannot be used at all."""
    path = Path(path)
    if not _is_data_file(path, problems):
        return None
    meta = _read_meta(path, problems)
    rows = _csv_rows(path, problems, "data file")
    if rows is None or meta is None:
        return None
    meta_path, indicators, meta_filters = meta
    header = [h.strip() for h in rows[0]]
    if not _header_ok(path, header, meta_path, indicators, problems):
        return None
    capped = Capped(problems)
    records = _records(path, rows, header, capped)
    identifier = _time_identifier(path, records, capped, problems)
    capped.close()
    if not records:
        problems.add(path, "the file has a header but no data rows",
                     "download the data file again from Explore Education Statistics")
        return None
    return Release(path, meta_path, header, records, indicators, identifier, meta_filters)


def _is_data_file(path: Path, problems: Problems) -> bool:
    """Is `path` a data file that exists (not its meta file)? A problem if not."""
    if path.name.endswith(".meta.csv"):
        problems.add(path, "this is a meta file, not a data file",
                     f"give the data file ('{path.name.removesuffix('.meta.csv')}.csv'); its "
                     "meta file is read from beside it")
        return False
    if not path.is_file():
        problems.add(path, "the data file does not exist", "give the path of the CSV file "
                     "downloaded from Explore Education Statistics")
        return False
    return True


def _header_ok(path: Path, header: list[str], meta_path: Path, indicators: dict[str, Indicator],
               problems: Problems) -> bool:
    """The data file has the standard time and geography columns (False if not), and every
    indicator its meta file describes (a problem if not)."""
    missing = [c for c in (*TIME, *GEOGRAPHY) if c not in header]
    for column in missing:
        problems.add(path, f"the file has no '{column}' column, so it is not an EES file with "
                     "local-authority figures", "use the release's data file that gives figures "
                     "by local authority, region and England, as downloaded (the standard "
                     f"columns are {', '.join((*TIME, *GEOGRAPHY))})", line=1, row_label="row",
                     field=column)
    for name, indicator in indicators.items():
        if name not in header:
            problems.add(meta_path, f"the meta file describes an indicator '{name}' that the "
                         f"data file ({path.name}) does not have", "the two files are of "
                         "different releases: download both again from the same release",
                         line=indicator.row, row_label="row", field="col_name")
    return not missing


def _records(path: Path, rows: list[list[str]], header: list[str], capped: Capped
             ) -> list[tuple[int, dict[str, str]]]:
    """The data rows that are not empty, by column, with their row numbers; a row of the
    wrong width is a problem."""
    records: list[tuple[int, dict[str, str]]] = []
    for number, raw in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in raw):
            continue
        if len(raw) != len(header):
            capped.add("width", path, f"the row has {len(raw)} cells but the header has "
                       f"{len(header)}", "download the file again: it has been changed or cut "
                       "short", line=number, row_label="row")
            continue
        records.append((number, dict(zip(header, (c.strip() for c in raw), strict=True))))
    return records


def _time_identifier(path: Path, records: list[tuple[int, dict[str, str]]], capped: Capped,
                     problems: Problems) -> str:
    """The file's one kind of year (its first row's time_identifier); every row must say the
    same, be a kind of year, and give a time_period of that kind."""
    identifiers = {row["time_identifier"] for _, row in records}
    identifier = next((row["time_identifier"] for _, row in records), "")
    for number, row in records:
        if row["time_identifier"] != identifier:
            capped.add("time_identifier", path, f"time_identifier is '{row['time_identifier']}' "
                       f"but earlier rows say '{identifier}'", "an EES file has one kind of year; "
                       "use the file as published", line=number, row_label="row",
                       field="time_identifier")
    if identifier not in YEARLY and len(identifiers) == 1:
        problems.add(path, f"the file's time_identifier is '{identifier}', which is not a year",
                     "comparators are yearly figures: use a file whose time_identifier is one of "
                     + ", ".join(YEARLY), line=records[0][0], row_label="row",
                     field="time_identifier")
    elif identifier in YEARLY:
        digits = YEARLY[identifier][0]
        for number, row in records:
            if not _valid_time_period(row["time_period"], digits):
                capped.add("time_period", path, f"time_period '{row['time_period']}' is not a "
                           f"{identifier.lower()} ({'2022' if digits == 4 else '202122'})",
                           "use the file as published, unchanged", line=number,
                           row_label="row", field="time_period")
    return identifier


def _valid_time_period(text: str, digits: int) -> bool:
    if not text.isdigit() or len(text) != digits:
        return False
    # A six-digit year is two consecutive years: 202122, not 202023.
    return digits == 4 or (int(text[:4]) + 1) % 100 == int(text[4:])


def year_label(time_period: str) -> str:
    """A DfE time_period as the site shows a year: 2022, or 2021/22 for a six-digit year."""
    return time_period if len(time_period) == 4 else f"{time_period[:4]}/{time_period[4:]}"


def period_year(identifier: str, end: dt.date) -> str:
    """The DfE year a period ending on `end` belongs to: the reporting or calendar year of its
    last day, or the financial, tax or academic year its last day falls in."""
    digits, first_month = YEARLY[identifier]
    if digits == 4:
        return str(end.year)
    first = end.year if end.month >= first_month else end.year - 1
    return f"{first}{(first + 1) % 100:02d}"


# --- choosing rows --------------------------------------------------------------------------

def parse_filters(texts: Iterable[str], problems: Problems) -> dict[str, str]:
    """`--filter col=value` options as a mapping; each malformed one is a problem."""
    out: dict[str, str] = {}
    for text in texts:
        column, sep, value = text.partition("=")
        if not sep or not column.strip() or not value.strip():
            problems.add("--filter", f"'{text}' is not COLUMN=VALUE",
                         "write each filter as the column's name, '=' and the value, e.g. "
                         "--filter characteristic=Total")
            continue
        out[column.strip()] = value.strip()
    return out
