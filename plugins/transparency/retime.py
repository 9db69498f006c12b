"""Moving a period on: the dates of a period named 2022-23 or 2019-10-to-2020-09, the latest
earlier period of a report, and text about the previous period moved on to the next one where
that is certain (`invoke new`, scaffold.py). Independent of Pelican."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .load_fields import PERIOD_FILE, PERIOD_RE, PLACEHOLDER
from .yamlio import YamlReadError, read_yaml

FILL = PLACEHOLDER
YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
DATE_RE = re.compile(r"(?<!\d)(?:(\d{1,2})(?:st|nd|rd|th)? )?(" + "|".join(MONTHS) + r") (\d{4})(?!\d)")
# Years this long before the previous period are history, not dates to move on (the Children Act
# 1989 in a legal status); nearer ones in text that is not moved on are checked by the officer.
HISTORY_YEARS = 5
FINANCIAL_YEAR_RE = re.compile(r"^(\d{4})-(\d{2})$")
SPAN_RE = re.compile(r"^(\d{4})-(\d{2})-to-(\d{4})-(\d{2})$")


def period_dates(name: str) -> tuple[dt.date, dt.date] | None:
    """First and last day of a period named 2022-23 (April to March) or 2019-10-to-2020-09;
    None if the name does not say."""
    if match := FINANCIAL_YEAR_RE.match(name):
        first, second = int(match.group(1)), int(match.group(2))
        if (first + 1) % 100 != second:
            return None
        return dt.date(first, 4, 1), dt.date(first + 1, 3, 31)
    if match := SPAN_RE.match(name):
        y1, m1, y2, m2 = (int(g) for g in match.groups())
        if not (1 <= m1 <= 12 and 1 <= m2 <= 12):
            return None
        start = dt.date(y1, m1, 1)
        end = (dt.date(y2 + m2 // 12, m2 % 12 + 1, 1) - dt.timedelta(days=1))
        return (start, end) if end > start else None
    return None


def period_label(start: dt.date, end: dt.date) -> str:
    """The plain-English span of a period, 'April 2022 to March 2023'."""
    return f"{start:%B %Y} to {end:%B %Y}"


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


@dataclass(frozen=True)
class Previous:
    """The period a new one starts from: its name, folder and dates."""

    name: str
    folder: Path
    start: dt.date
    end: dt.date


def find_previous(report_dir: Path, new_end: dt.date | None) -> Previous | None:
    """The latest period of the report that ends before new_end (any, if new_end is None)."""
    found = []
    for folder in sorted(report_dir.iterdir()) if report_dir.is_dir() else []:
        path = folder / PERIOD_FILE
        if not (folder.is_dir() and PERIOD_RE.match(folder.name) and path.is_file()):
            continue
        try:
            data = read_yaml(path)
        except YamlReadError:
            continue
        named = period_dates(folder.name)
        start = _date(data.get("period_start")) if isinstance(data, dict) else None
        end = _date(data.get("period_end")) if isinstance(data, dict) else None
        start, end = start or (named[0] if named else None), end or (named[1] if named else None)
        if start and end and (new_end is None or end < new_end):
            found.append(Previous(folder.name, folder, start, end))
    return max(found, key=lambda p: (p.end, p.start), default=None)


class Retimer:
    """Moves text about the previous period on to the new one where that is certain
    ('2021/22' -> '2022/23', '31 March 2022' -> '31 March 2023'); text that still names a year
    before the new period becomes a FILL IN, so an old date is never published as new."""

    def __init__(self, prev: Previous, prev_label: str, name: str,
                 dates: tuple[dt.date, dt.date] | None) -> None:
        self.dates = dates
        pairs: dict[str, str] = {prev.name: name}
        if dates:
            start, end = dates
            pairs[prev_label] = pairs[period_label(prev.start, prev.end)] = period_label(start, end)
            for old, new in ((prev.start, start), (prev.end, end)):
                pairs[f"{old.day} {old:%B %Y}"] = f"{new.day} {new:%B %Y}"
                pairs[f"{old:%B %Y}"] = f"{new:%B %Y}"
            if FINANCIAL_YEAR_RE.match(prev.name) and FINANCIAL_YEAR_RE.match(name):
                a, b = prev.start.year, start.year
                pairs[f"{a}/{(a + 1) % 100:02d}"] = f"{b}/{(b + 1) % 100:02d}"
                pairs[f"{a}/{a + 1}"] = f"{b}/{b + 1}"
                pairs[f"{a}-{a + 1}"] = f"{b}-{b + 1}"
        self.pairs = pairs
        self.prev = prev
        # Not after a day number: in "11 March 2022", "March 2022" is not the period's end.
        self.pattern = re.compile(r"(?<![\w/])(?<!\d )(?:" + "|".join(
            re.escape(k) for k in sorted(pairs, key=len, reverse=True)) + r")(?![\w/])")

    def stale(self, text: str) -> bool:
        """Whether the text names a date or a recent year before the new period."""
        since = self.prev.start.year - HISTORY_YEARS
        if self.dates is None:
            return any(int(y) >= since for y in YEAR_RE.findall(text))
        start = self.dates[0]
        for day, month, year in DATE_RE.findall(text):
            m = MONTHS.index(month) + 1
            last = dt.date(int(year) + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1)
            if (dt.date(int(year), m, int(day)) if day else last) < start:
                return True
        return any(since <= int(y) < start.year for y in YEAR_RE.findall(text))

    def text(self, value: Any, what: str) -> Any:
        """The text moved on, or a FILL IN naming what is wanted and what it was."""
        if not isinstance(value, str):
            return value
        moved = self.pattern.sub(lambda m: self.pairs[m.group(0)], value)
        if self.stale(moved):
            return f"{FILL}: {what} (last period: {' '.join(value.split())})"
        return moved

    def date(self, value: Any, prev: Previous) -> Any:
        """A snapshot date at the previous period's start or end moves on; others are FILL IN."""
        old = _date(value)
        if self.dates and old == prev.end:
            return self.dates[1]
        if self.dates and old == prev.start:
            return self.dates[0]
        return f"{FILL}: the date, YYYY-MM-DD (last period: {value})"

    def years(self, years: list[Any], prev: Previous) -> Any:
        """Comparator years ['2019', '2020'] move on by the periods' distance in years."""
        if not self.dates or not all(re.fullmatch(r"\d{4}(/\d{2})?", str(y)) for y in years):
            return f"{FILL}: the years, e.g. [\"2020\", \"2021\"] (last period: {years})"
        shift = self.dates[1].year - prev.end.year

        def move(year: str) -> str:
            first = int(year[:4]) + shift
            return f"{first}/{(first + 1) % 100:02d}" if "/" in year else str(first)
        return [move(str(y)) for y in years]
