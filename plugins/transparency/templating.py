"""Jinja filters for the theme. They format published values only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from markupsafe import Markup

from .ees_downloads import EesPlan, plan
from .printed import SYMBOLS, format_date
from .published import PublishedMetric, PublishedPeriod, PublishedSite, Value
from .references import symbol_html


def value_html(value: Value) -> Markup:
    return Markup(symbol_html(value))  # noqa: S704 - symbol_html escapes its text


def change_words(metric: PublishedMetric) -> str:
    if metric.change is None:
        return ""
    return metric.change.words(metric.value)


def long_date(value: dt.date | dt.datetime | None) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    return format_date(value)


def sentence(text: str) -> str:
    """Capitalise the first letter only (Jinja's capitalize lower-cases the rest)."""
    return text[:1].upper() + text[1:]


def symbol_meaning(symbol: str) -> str:
    return SYMBOLS[symbol]


def ees_downloads(period: PublishedPeriod, site: PublishedSite) -> EesPlan:
    """The period's tables in the DfE's open data format, as downloads.py writes them."""
    return plan(site, period)


def months_before(earlier: dt.date, later: dt.date) -> int:
    """Whole months from `earlier` to `later` (31 March 2023 to 29 November 2026: 43)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (1 if later.day < earlier.day else 0)


# Figures older than this on the day a page is built are flagged as old (issue 14).
OLD_AFTER_MONTHS = 15


FILTERS: dict[str, Any] = {
    "months_before": months_before,
    "ees_downloads": ees_downloads,
    "value_html": value_html,
    "change_words": change_words,
    "long_date": long_date,
    "symbol_meaning": symbol_meaning,
    "sentence": sentence,
}
