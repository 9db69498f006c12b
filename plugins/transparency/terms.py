"""The vocabulary shared by the raw and the published model: units, what a number counts, and
the category that marks a total. No data lives here, so renderers may import it (they may not
import the raw model or the loader: tests/test_boundaries.py)."""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

# Each fixed set of words is a Literal type, for the type checker, and the tuple of its words,
# for the loader's checks and its messages: the tuple is read from the type, so they agree.
Unit = Literal["count", "percent", "rate_per_10000", "fte", "mean", "days", "weeks"]
Counts = Literal["children", "records", "staff", "none"]
MetricType = Literal["value", "sum", "percent", "ratio", "rate"]
# What a metric of a numerator and a denominator multiplies their quotient by: the metric as
# computed (metrics.py) and as the disclosure audit reads it (knowledge.py).
QUOTIENT_SCALES = {"percent": 100.0, "ratio": 1.0, "rate": 10000.0}
UNITS: tuple[Unit, ...] = get_args(Unit)
COUNTS: tuple[Counts, ...] = get_args(Counts)
# What small-number suppression protects: counts of children, and of records about a child.
# 'staff' (posts, people at work) and 'none' (rates, percentages of no one) are not suppressed.
PEOPLE: tuple[Counts, ...] = ("children", "records")
METRIC_TYPES: tuple[MetricType, ...] = get_args(MetricType)


def months_covered(start: dt.date, end: dt.date) -> int:
    """How many months a period from `start` to `end` (dates, both days included) covers, to
    the nearest month (1 April to 1 December is 8; a financial year 12)."""
    return round(((end - start).days + 1) / 30.4375)
TOTAL = "Total"
NOT_AVAILABLE = "x"
NOT_APPLICABLE = "z"
CONFIDENTIAL = "c"
LOW = "low"
LOW_RELIABILITY = "u"
# What a comparator taken from published statistics may hold instead of a number: the symbols
# of the Department for Education's tables (the GSS shorthand), kept as symbols with their
# meaning, never as a number and never dropped (docs/data-format.md, Comparators).
SOURCE_SYMBOLS = (CONFIDENTIAL, NOT_AVAILABLE, NOT_APPLICABLE, LOW, LOW_RELIABILITY)

# Category labels people type for a total instead of `Total` (Excel pivot tables write "Grand
# Total"; others write "All children", "Overall", "Sum"). Compared lower-case, with spaces and
# punctuation tidied (load_csv.total_like): the whole label, or its first or last words.
TOTAL_WORDS = ("total", "totals", "grand total", "grand totals", "overall", "overall total",
               "sum", "sum total", "all", "all total", "everyone", "everybody", "all persons",
               "persons", "both sexes", "both genders")
# "All ..." is a total ("All children", "All ages") unless the next word makes it a remainder
# ("All other placements").
ALL_BUT = ("other", "others", "remaining", "else", "except", "but")

# Words in a dimension's name or label that say its categories are people's characteristics:
# a table broken down by one of them is about children, whatever its unit. Matched as whole
# words, lower-case (load_entries.describes_people).
PEOPLE_DIMENSIONS = (
    "age", "ages", "age group", "age band", "gender", "genders", "sex", "ethnicity",
    "ethnicities", "ethnic", "race", "nationality", "religion", "faith", "sexuality",
    "sexual orientation", "disability", "disabilities", "disabled", "sen",
    "special educational needs", "health", "legal status", "legal order",
    "placement", "placements", "placement type", "category of need", "need", "needs",
    "uasc", "asylum", "language", "child", "children", "young people", "young person",
    "person", "people", "care leaver", "care leavers",
)

# The Department for Education's open-data format (Explore Education Statistics, EES): what
# the comparators' importer reads (ees.py) and the EES-format downloads write
# (ees_downloads.py). A data file starts with these time and geography columns; its
# `.meta.csv` has these columns.
EES_TIME = ("time_period", "time_identifier")
EES_GEOGRAPHY = ("geographic_level", "country_code", "country_name", "region_code", "region_name",
                 "new_la_code", "old_la_code", "la_name")
EES_META_COLUMNS = ("col_name", "col_type", "label", "indicator_grouping", "indicator_unit",
                    "indicator_dp", "filter_hint", "filter_grouping_column")
ENGLAND_CODE = "E92000001"
# A children's services council's code: a unitary (E06), metropolitan district (E08), London
# borough (E09) or county (E10) and six digits, or its three-digit old code; a region's is E12.
NEW_LA_CODE_PATTERN = r"E(06|08|09|10)\d{6}"
OLD_LA_CODE_PATTERN = r"\d{3}"
REGION_CODE_PATTERN = r"E12\d{6}"
