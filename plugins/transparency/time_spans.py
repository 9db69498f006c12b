"""Categories that are themselves spans of time ('October 2019', 'Oct-19', '2019-10',
'April to June 2019'): a table by month counts each month's children or records, so the same
month in two periods of a report (a quarter's table beside the nine months' table) is the
same count, not merely one no larger than the other. knowledge.py reads them through here."""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re

_MONTHS: dict[str, int] = {}
for _number in range(1, 13):
    _MONTHS[calendar.month_name[_number].lower()] = _number
    _MONTHS[calendar.month_abbr[_number].lower()] = _number
_MONTHS["sept"] = 9

_MONTH = r"([a-z]+)\.?"
_YEAR = r"(\d{4}|\d{2})"


def _year(text: str) -> int:
    return int(text) if len(text) == 4 else 2000 + int(text)


def month_end(year: int, month: int) -> dt.date:
    """The last day of a month."""
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _in_period(month: int, start: dt.date, end: dt.date) -> int | None:
    """The one year in which `month` falls inside start..end, or None (none, or two)."""
    years = [y for y in range(start.year, end.year + 1)
             if start <= month_end(y, month) and dt.date(y, month, 1) <= end]
    return years[0] if len(years) == 1 else None


def _month_of(name: str, year: str | None, start: dt.date, end: dt.date) -> tuple[int, int] | None:
    month = _MONTHS.get(name)
    if month is None:
        return None
    if year is not None:
        return _year(year), month
    found = _in_period(month, start, end)
    return None if found is None else (found, month)


_QUARTERS = re.compile(r"(?:q|quarter\s*)([1-4])(?:\s*(?:and|to|-|&)\s*(?:q|quarter\s*)([1-4]))?"
                       r"(?:\s+(?:of\s+)?(\d{4})(?:\s*[/-]\s*(\d{2}|\d{4}))?)?")


def _quarters(text: str, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date] | None:
    """Quarters ('Q1 2022/23', 'Q1 and Q2 2023/24', 'Q3-Q4 2022-23', 'Quarter 2 2021'): of a
    financial year where the year is written as one (2022/23: Q1 is April to June 2022), of a
    calendar year where it is one year (Q1 2023 is January to March), and with no year, of the
    period's financial year when it starts in April, else its calendar year, where the period
    holds that quarter once."""
    match = _QUARTERS.fullmatch(text)
    if match is None:
        return None
    first, last = int(match[1]), int(match[2] or match[1])
    if last < first:
        return None
    if match[3] and match[4]:
        financial, year = True, int(match[3])
    elif match[3]:
        financial, year = False, int(match[3])
    else:
        financial, year = start.month == 4, start.year
    offset = 3 if financial else 0  # a financial year's Q1 starts in April
    begin_month = offset + 3 * (first - 1) + 1
    finish_month = offset + 3 * last
    begin = dt.date(year + (begin_month - 1) // 12, (begin_month - 1) % 12 + 1, 1)
    finish = month_end(year + (finish_month - 1) // 12, (finish_month - 1) % 12 + 1)
    if not match[3] and not (start <= begin and finish <= end):
        return None
    return begin, finish


def time_span(label: str, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date] | None:
    """The days a category covers, when it is a month or a run of months ('October 2019',
    'Oct-19', '2019-10', 'October' in a period holding one October, 'April to June 2019',
    'June and July 2020') or quarters ('Q1 and Q2 2022/23', _quarters), read in a table of the
    period start..end; None when it is not one."""
    text = " ".join(label.lower().replace("\u2013", "-").replace("\u2014", "-").split())
    quarters = _quarters(text, start, end)
    if quarters is not None:
        return quarters
    first: tuple[int, int] | None
    last: tuple[int, int] | None
    iso = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if iso and 1 <= int(iso[2]) <= 12:
        first = last = (int(iso[1]), int(iso[2]))
    elif one := re.fullmatch(rf"{_MONTH}(?:\s*-\s*|\s+){_YEAR}|{_MONTH}", text):
        name, year = (one[1], one[2]) if one[1] else (one[3], None)
        first = last = _month_of(name, year, start, end)
    elif run := re.fullmatch(rf"{_MONTH}(?:\s+(\d{{4}}))?\s+(?:to|-|and)\s+{_MONTH}(?:\s+(\d{{4}}))?",
                             text):
        last = _month_of(run[3], run[4], start, end)
        year = run[2] or (None if last is None else str(
            last[0] - (1 if _MONTHS.get(run[1], 13) > last[1] else 0)))
        first = _month_of(run[1], year, start, end)
    else:
        return None
    if first is None or last is None:
        return None
    span = (dt.date(first[0], first[1], 1), month_end(*last))
    # "June and July" is the two months; "June and August" is not a run.
    if " and " in text and (last[0] * 12 + last[1]) - (first[0] * 12 + first[1]) != 1:
        return None
    return span if span[0] <= span[1] else None


def time_dimensions(categories: dict[str, list[str]], start: dt.date,
                    end: dt.date) -> set[str]:
    """The dimensions (name -> categories) whose every category but Total is a span of time
    inside start..end."""
    return {dim for dim, cats in categories.items()
            if (named := [c for c in cats if c != "Total"])
            and all((span := time_span(c, start, end)) is not None
                    and start <= span[0] and span[1] <= end for c in named)}


def build_date() -> dt.date:
    """The day the site is built: SOURCE_DATE_EPOCH where set (the reproducible-builds
    convention, so a rebuild of the same commit says the same), else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()


# Every year, for a label no year can be read from: it is compared with counts of any time.
ANY_YEAR = frozenset(range(1900, 2200))


def years_named(label: str) -> frozenset[int]:
    """The years a comparator's year label names: '2023' and 'March 2023' are 2023;
    '2022-23', '2022/23' and '202223' (a financial or academic year) are 2022 and 2023; '2022
    to 2024' is 2022, 2023 and 2024. A label
    with no year in it is every year (ANY_YEAR): a red team's "March 2023" was read as no year,
    and its count was compared with nothing."""
    text = label.strip()
    digits = "".join(c for c in text if c.isdigit())
    if len(digits) == 6 and int(digits[4:]) == (int(digits[:4]) + 1) % 100:
        return frozenset({int(digits[:4]), int(digits[:4]) + 1})
    found = {int(y) for y in re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", text)}
    for first, last in re.findall(r"(?<!\d)((?:19|20)\d\d)\s+to\s+((?:19|20)\d\d)(?!\d)", text):
        found.update(range(int(first), int(last) + 1))
    for first, second in re.findall(r"(?<!\d)((?:19|20)\d\d)\s*[-/\u2013]\s*(\d\d)(?!\d)", text):
        if int(second) == (int(first) + 1) % 100:
            found.add(int(first) + 1)
    return frozenset(found) or ANY_YEAR
