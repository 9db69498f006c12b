"""The vocabulary shared by the raw and the published model: units, what a number counts, and
the category that marks a total. No data lives here, so renderers may import it (they may not
import the raw model or the loader: tests/test_boundaries.py)."""

from __future__ import annotations

UNITS = ("count", "percent", "rate_per_10000", "fte", "mean", "days", "weeks")
COUNTS = ("children", "records", "staff", "none")
# What small-number suppression protects: counts of children, and of records about a child.
# 'staff' (posts, people at work) and 'none' (rates, percentages of no one) are not suppressed.
PEOPLE = ("children", "records")
METRIC_TYPES = ("value", "sum", "percent", "ratio")
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
# punctuation tidied (load.total_like): the whole label, or its first or last words.
TOTAL_WORDS = ("total", "totals", "grand total", "grand totals", "overall", "overall total",
               "sum", "sum total", "all", "all total", "everyone", "everybody", "all persons",
               "persons", "both sexes", "both genders")
# "All ..." is a total ("All children", "All ages") unless the next word makes it a remainder
# ("All other placements").
ALL_BUT = ("other", "others", "remaining", "else", "except", "but")

# Words in a dimension's name or label that say its categories are people's characteristics:
# a table broken down by one of them is about children, whatever its unit. Matched as whole
# words, lower-case (load.describes_people).
PEOPLE_DIMENSIONS = (
    "age", "ages", "age group", "age band", "gender", "genders", "sex", "ethnicity",
    "ethnicities", "ethnic", "race", "nationality", "religion", "faith", "sexuality",
    "sexual orientation", "disability", "disabilities", "disabled", "sen",
    "special educational needs", "health", "legal status", "legal order",
    "placement", "placements", "placement type", "category of need", "need", "needs",
    "uasc", "asylum", "language", "child", "children", "young people", "young person",
    "person", "people", "care leaver", "care leavers",
)
