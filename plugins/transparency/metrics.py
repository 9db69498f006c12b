"""Compute headline metrics from a period's raw figures and tables, with pandas.

Results are raw: they carry the inputs (numerator, denominator, cells used) so that the
suppression step can decide whether a derived figure is safe to publish.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from .model import TOTAL, TWO_PART, MetricSpec, Period, Selector, Table
from .terms import QUOTIENT_SCALES, Unit

# The unit a metric of two selectors is in (terms.QUOTIENT_SCALES: what it multiplies by).
UNITS_OF: dict[str, Unit] = {"percent": "percent", "ratio": "mean", "rate": "rate_per_10000"}


@dataclass(frozen=True)
class Part:
    """The raw value of one selector, and what it is made of."""

    value: float | None
    counts: str
    unit: str
    date: dt.date | None
    sensitive: bool
    table: str | None = None
    cells: tuple[tuple[str, ...], ...] = ()  # keys of the table cells summed (for the audit)
    figure: str | None = None


@dataclass(frozen=True)
class MetricResult:
    spec: MetricSpec
    value: float | None
    unit: str
    counts: str
    decimals: int
    date: dt.date | None  # snapshot date; None means the metric covers the whole period
    parts: tuple[Part, ...]
    numerator: Part | None = None
    denominator: Part | None = None

    @property
    def sensitive(self) -> bool:
        return any(p.sensitive for p in self.parts)


def _line_mask(table: Table, where: dict[str, tuple[str, ...]]) -> pd.Series:
    """Cells (not totals) matching `where`, or the grand total when where is empty and the
    table has one."""
    frame = table.frame
    mask = pd.Series(True, index=frame.index)
    for dim in table.dims:
        if dim in where:
            mask &= frame[dim].isin(where[dim])
        else:
            mask &= frame[dim] != TOTAL
    return mask


def select(period: Period, sel: Selector) -> Part:
    """Evaluate a selector on raw data."""
    if sel.figure is not None:
        fig = period.figures[sel.figure]
        return Part(fig.value, fig.counts, fig.unit, fig.date, fig.sensitive, figure=fig.name)
    table = period.tables[sel.table or ""]
    frame = table.frame
    where = dict(sel.where)
    if not where:
        grand = frame
        for dim in table.dims:
            grand = grand[grand[dim] == TOTAL]
        if len(grand) == 1:
            value = None if grand["symbol"].iloc[0] else float(grand["value"].iloc[0])
            key = tuple(TOTAL for _ in table.dims)
            return Part(value, table.counts, table.unit, table.date, table.sensitive,
                        table=table.name, cells=(key,))
    cells = frame[_line_mask(table, where)]
    value = None if cells["symbol"].ne("").any() or cells.empty else float(cells["value"].sum())
    keys = tuple(tuple(str(row[d]) for d in table.dims) for _, row in cells.iterrows())
    return Part(value, table.counts, table.unit, table.date, table.sensitive, table=table.name,
                cells=keys)


def compute(period: Period, spec: MetricSpec) -> MetricResult:
    if spec.type in TWO_PART:
        assert spec.numerator is not None and spec.denominator is not None
        num = select(period, spec.numerator)
        den = select(period, spec.denominator)
        value = None
        if num.value is not None and den.value not in (None, 0):
            value = num.value / den.value * QUOTIENT_SCALES[spec.type]
        unit: Unit = UNITS_OF[spec.type]
        # Rates per 10,000 children are whole numbers in the DfE's tables (35, not 35.2).
        decimals = spec.decimals if spec.decimals is not None else (0 if spec.type == "rate" else 1)
        date = num.date if (num.date and num.date == den.date) else None
        return MetricResult(spec, value, unit, "none", decimals, date, (num, den), num, den)
    parts = tuple(select(period, s) for s in spec.of)
    values = [p.value for p in parts]
    value = None if any(v is None for v in values) else float(sum(v for v in values if v is not None))
    first = parts[0]
    whole = all(v is not None and float(v).is_integer() for v in values)
    decimals = spec.decimals if spec.decimals is not None else (0 if first.unit == "count" or whole else 1)
    dates = {p.date for p in parts}
    date = first.date if len(dates) == 1 else None
    counts = first.counts if all(p.counts == first.counts for p in parts) else "records"
    return MetricResult(spec, value, first.unit, counts, decimals, date, parts)


def compute_all(period: Period) -> dict[str, MetricResult]:
    return {name: compute(period, spec) for name, spec in period.metrics.items()}


def percent_change(new: float, old: float) -> float | None:
    return None if old == 0 else (new - old) / old * 100
