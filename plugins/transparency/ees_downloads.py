"""Each report period's tables in the Department for Education's open-data format (Explore
Education Statistics, EES), beside the site's own CSV files and data package, so that the DfE's
tools and analysts' code for EES files read our downloads as they read the DfE's.

One data file per table, `data/<report>/<period>/ees/<table>.csv`, with its metadata file
`<table>.meta.csv` beside it: EES files hold one set of filters each, and a period's tables
have different dimensions. A data file is tidy: the standard time and geography columns
(`time_period`, `time_identifier`, `geographic_level` = Local authority, `country_code`,
`country_name`, `region_code`, `region_name`, `new_la_code`, `old_la_code`, `la_name`), one
filter column per dimension of the table (its categories, `Total` as EES writes it) and one
indicator column named from the table and its unit (`legal_status_count`), one row per
combination of categories.

The time is the report period's (`ees_time`): a table without a date covers the period, as
the data format declares; a snapshot table adds a one-value `date` column with its day, and a
'Reporting year' a `reporting_period` column with its months. A period whose span the format
cannot name has no EES files, and its page says why.

Written from the published site only, cell for cell as the page shows it: a hidden cell is `c`,
a cell the source does not give is `x` (as the page's [x]), `z`, `low` and `u` stay themselves;
never a number the page does not show. Comparators are not written: they are other areas'
figures, for years of their own, that the DfE publishes in this format itself. See
docs/data-format.md, "Downloads in the DfE's open data format".
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
from dataclasses import dataclass
from itertools import product

from .csvio import CSV_ENCODING
from .published import PublishedGeography, PublishedPeriod, PublishedSite, PublishedTable, Value
from .terms import EES_GEOGRAPHY, EES_META_COLUMNS, EES_TIME, ENGLAND_CODE
from .time_spans import month_end

FOLDER = "ees"
LOCAL_AUTHORITY = "Local authority"
# Our symbols and theirs: the site's symbols are the GSS shorthand the DfE's files use, so
# each is written as itself. A symbol not here is refused, never written as a number or blank.
EES_SYMBOLS = {"c": "c", "x": "x", "z": "z", "low": "low", "u": "u"}
# Filter columns with one value that say more about the time (EES leaves them out of the
# meta file): the months a 'Reporting year' covers, and the day a snapshot table is at
# (yyyy-mm-dd, as the DfE writes dates).
SPAN_COLUMN = "reporting_period"
DATE_COLUMN = "date"
# An indicator's name ends with its unit, as the DfE names indicators (`children_count`).
UNIT_SUFFIX = {"count": "count", "percent": "percent", "rate_per_10000": "rate_per_10000",
               "fte": "fte", "mean": "mean", "days": "days", "weeks": "weeks"}
# The units EES shows itself; the others are said in the indicator's label.
EES_UNITS = {"percent": "%"}
UNIT_WORDS = {"rate_per_10000": ("per 10,000", ("10,000",)),
              "fte": ("(full-time equivalent)", ("full-time equivalent", "fte")),
              "mean": ("(mean)", ("mean", "average")),
              "days": ("(days)", ("days",)), "weeks": ("(weeks)", ("weeks",))}
FINANCIAL_QUARTERS = {4: "Q1", 7: "Q2", 10: "Q3", 1: "Q4"}
COMPARATOR_REASON = ("a comparison with other areas, whose figures the Department for Education "
                     "publishes in this format itself")


@dataclass(frozen=True)
class EesTime:
    """A period as EES names it: `time_period` (2022, or 202122 for a six-digit year),
    `time_identifier`, and for a 'Reporting year' the months it covers."""

    period: str
    identifier: str
    span: str = ""


@dataclass(frozen=True)
class EesFile:
    """One table's EES data file and metadata file (paths under data/)."""

    table: PublishedTable
    path: str
    meta_path: str
    indicator: str


@dataclass(frozen=True)
class EesPlan:
    """What a period publishes in the EES format: its files, the tables left out and why, or
    why it has none (`reason`, for its page). Empty, with no reason, when the site does not
    give the council's codes (PublishedSite.geography)."""

    files: tuple[EesFile, ...] = ()
    skipped: tuple[tuple[PublishedTable, str], ...] = ()
    reason: str = ""
    time: EesTime | None = None

    def left_out(self) -> list[tuple[str, list[str]]]:
        """The tables left out, as (why, their titles), for the page."""
        out: dict[str, list[str]] = {}
        for table, why in self.skipped:
            out.setdefault(why, []).append(table.title)
        return list(out.items())


def _six(first: int) -> str:
    return f"{first}{(first + 1) % 100:02d}"


def _months(start: dt.date, end: dt.date) -> int | None:
    """How many whole calendar months a span covers, or None if it does not start on a first
    and end on a last day of a month."""
    if start.day != 1 or end != month_end(end.year, end.month) or end < start:
        return None
    return (end.year - start.year) * 12 + end.month - start.month + 1


def ees_time(start: dt.date, end: dt.date, label: str = "") -> EesTime | str:
    """The EES time of a period from its first and last days, or why it has none.

    A financial (1 April to 31 March), calendar, academic (1 September to 31 August) or tax
    year (6 April to 5 April), a quarter or half of a financial year, or a calendar month, as
    the DfE's time identifiers name them; any other span of twelve whole months is a
    'Reporting year' (the DfE's identifier for a year that fits none of those) of the year it
    ends in, with the months in a `reporting_period` column. Anything else (nine months, two
    years, a span that does not start and end with a month) the format cannot name."""
    months = _months(start, end)
    if start == dt.date(start.year, 4, 6) and end == dt.date(start.year + 1, 4, 5):
        return EesTime(_six(start.year), "Tax year")
    if months == 12 and start.month == 4:
        return EesTime(_six(start.year), "Financial year")
    if months == 12 and start.month == 1:
        return EesTime(str(start.year), "Calendar year")
    if months == 12 and start.month == 9:
        return EesTime(_six(start.year), "Academic year")
    if months == 12:
        return EesTime(str(end.year), "Reporting year",
                       f"{calendar.month_name[start.month]} {start.year} to "
                       f"{calendar.month_name[end.month]} {end.year}")
    financial = start.year if start.month >= 4 else start.year - 1
    if months == 3 and start.month in FINANCIAL_QUARTERS:
        return EesTime(_six(financial), f"Financial year {FINANCIAL_QUARTERS[start.month]}")
    if months == 6 and start.month == 4:
        return EesTime(_six(financial), "Part 1 (April to September)")
    if months == 6 and start.month == 10:
        return EesTime(_six(financial), "Part 2 (October to March)")
    if months == 1:
        return EesTime(str(start.year), calendar.month_name[start.month])
    span = label or f"{start.isoformat()} to {end.isoformat()}"
    return (f"the report covers {span}, which is not a span that format can name: it names "
            "whole years (financial, calendar, academic or any twelve months), quarters and "
            "halves of a financial year, and months")


def indicator_name(table: PublishedTable) -> str:
    """The table's indicator column: its name and unit (`legal_status_count`), as the DfE names
    indicators, without saying the unit twice (`reviews_count`)."""
    suffix = UNIT_SUFFIX[table.unit]
    return table.name if table.name.endswith(f"_{suffix}") else f"{table.name}_{suffix}"


def indicator_label(table: PublishedTable) -> str:
    """What the indicator measures, with the unit where EES cannot show it (per 10,000, FTE)."""
    words, said = UNIT_WORDS.get(table.unit, ("", ()))
    if not words or any(w in table.measure.lower() for w in said):
        return table.measure
    return f"{table.measure} {words}"


def plan(site: PublishedSite, period: PublishedPeriod) -> EesPlan:
    """The EES files a period publishes, the tables it leaves out and why, or why none."""
    if site.geography is None:
        return EesPlan()
    time = ees_time(period.start, period.end, period.period_label)
    if isinstance(time, str):
        return EesPlan(reason=time)
    files: list[EesFile] = []
    skipped: list[tuple[PublishedTable, str]] = []
    for table in period.tables.values():
        if table.trend:
            continue  # a measure through the report's periods: not one of the period's tables
        if table.comparator:
            skipped.append((table, COMPARATOR_REASON))
            continue
        indicator = indicator_name(table)
        standard = [*EES_TIME, *EES_GEOGRAPHY, SPAN_COLUMN, DATE_COLUMN, indicator]
        clash = [d for d in table.dims if d in standard]
        if clash:
            skipped.append((table, f"its dimension '{clash[0]}' has the name of one of the "
                                   "format's own columns"))
            continue
        folder = f"{period.report}/{period.period}/{FOLDER}"
        files.append(EesFile(table, f"{folder}/{table.name}.csv", f"{folder}/{table.name}.meta.csv",
                             indicator))
    return EesPlan(tuple(files), tuple(skipped), "", time)


def cell_text(value: Value | None) -> str:
    """An indicator cell as the page shows it: the number, or the symbol (a cell the table does
    not have is `x`, as the page's [x])."""
    if value is None:
        return "x"
    if value.number is None:
        if value.symbol not in EES_SYMBOLS:
            raise ValueError(f"'{value.symbol}' has no symbol in the DfE's format")
        return EES_SYMBOLS[value.symbol]
    return value.plain()


def _grid(table: PublishedTable) -> list[tuple[str, ...]]:
    """Every combination of the table's categories, as the page's table lays them out."""
    return list(product(*(table.categories(d) for d in table.dims)))


def _time_filters(table: PublishedTable, time: EesTime) -> list[tuple[str, str]]:
    """The one-value columns that say more about the time: a reporting year's months, and
    the day of a snapshot (a table with a date; one without covers the period)."""
    out = [(SPAN_COLUMN, time.span)] if time.span else []
    return out + ([(DATE_COLUMN, table.date.isoformat())] if table.date else [])


def header(file: EesFile, time: EesTime) -> list[str]:
    return [*EES_TIME, *EES_GEOGRAPHY, *(c for c, _ in _time_filters(file.table, time)),
            *file.table.dims, file.indicator]


def data_csv(file: EesFile, time: EesTime, geography: PublishedGeography) -> str:
    """The table as an EES data file: the council's row for each combination of categories."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header(file, time))
    place = [time.period, time.identifier, LOCAL_AUTHORITY, ENGLAND_CODE, "England",
             geography.region_code, geography.region_name, geography.new_la_code,
             geography.old_la_code, geography.la_name,
             *(v for _, v in _time_filters(file.table, time))]
    for key in _grid(file.table):
        writer.writerow([*place, *key, cell_text(file.table.cells.get(key))])
    return out.getvalue()


def _decimals(table: PublishedTable) -> int:
    return 0 if table.unit == "count" else max((v.decimals for v in table.cells.values()),
                                               default=0)


def meta_csv(file: EesFile) -> str:
    """The EES metadata file: each filter with two or more categories (EES leaves out a filter
    with one), then the indicator with its label, unit and decimal places."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EES_META_COLUMNS)
    table = file.table
    for dim, label in table.dimensions.items():
        if len(table.categories(dim)) > 1:
            writer.writerow([dim, "Filter", label, "", "", "", "", ""])
    writer.writerow([file.indicator, "Indicator", indicator_label(table), "",
                     EES_UNITS.get(table.unit, ""), _decimals(table), "", ""])
    return out.getvalue()


def resources(file: EesFile, period: PublishedPeriod, time: EesTime,
              missing: list[str]) -> list[dict[str, object]]:
    """The data package's resources for a table's EES files. The indicator of a count of
    people carries the same `disclosure` mark as the table's own CSV, so the output audit
    reads it (output_audit.audit_downloads)."""
    table = file.table
    name = f"{period.report}-{period.period}-{table.name}-ees".replace("_", "-")
    source = [{"title": period.source.title, "path": period.source.file}]
    indicator = table.value_field(file.indicator, indicator_label(table))
    fields: list[dict[str, object]] = [
        {"name": c, "type": "string"} for c in header(file, time)[:-1 - len(table.dims)]]
    fields += [{"name": d, "title": label, "type": "string"}
               for d, label in table.dimensions.items()]
    fields.append(indicator)
    meta_name = file.meta_path.rsplit("/", 1)[-1]
    return [{
        "name": name, "path": file.path,
        "title": f"{table.title} (DfE open data format)",
        "description": f"{table.title}, in the Department for Education's open data format "
                       f"(Explore Education Statistics), described by {meta_name} beside it: "
                       f"the same figures as {table.name}.csv, one row per combination of "
                       f"categories (x where the report gives none). Source: "
                       f"{period.source.title}, {table.source}.",
        "format": "csv", "mediatype": "text/csv", "encoding": CSV_ENCODING,
        "schema": {"fields": fields, "missingValues": missing,
                   "primaryKey": ["time_period", "time_identifier", "new_la_code", *table.dims]},
        "sources": source,
    }, {
        "name": f"{name}-meta", "path": file.meta_path,
        "title": f"{table.title}: metadata of its DfE open data format file",
        "description": f"Which columns of {file.path.rsplit('/', 1)[-1]} are filters and which "
                       "is the indicator, with their labels, the indicator's unit and decimal "
                       "places, in the Department for Education's metadata format.",
        "format": "csv", "mediatype": "text/csv", "encoding": CSV_ENCODING,
        "schema": {"fields": [{"name": c, "type": "integer" if c == "indicator_dp" else "string"}
                              for c in EES_META_COLUMNS],
                   "missingValues": [""]},
        "sources": source,
    }]
