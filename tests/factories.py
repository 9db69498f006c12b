"""Build raw and published periods in memory, for suppression and audit tests."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd

from transparency.model import MetricSpec, Period, Selector, Site, Source, Table, Where
from transparency.published import Issuer, PublishedPeriod, PublishedSource, PublishedTable, Value
from transparency.settings import resolve

HERE = Where(Path("test.yaml"), 1)
CONFIG = resolve({"DATA_PATH": "data"}, "content")


def raw_table(name: str, dims: list[str], cells: dict[tuple[str, ...], float], *,
              sensitive: bool = False, population: str | None = None,
              counts: str = "children") -> Table:
    records = [(*k, float(v), "", i + 2) for i, (k, v) in enumerate(cells.items())]
    frame = pd.DataFrame.from_records(records, columns=[*dims, "value", "symbol", "row"])
    return Table(name=name, title=name, dimensions={d: d for d in dims}, measure="Children",
                 unit="count", counts=counts, source="test", where=HERE, frame=frame,
                 sensitive=sensitive, population=population)


def raw_period(tables: list[Table], metrics: list[MetricSpec] = (), period: str = "2021-22",
               previous: str | None = None) -> Period:
    p = Period(report="iro", period=period, title="t", period_label="April 2021 to March 2022",
               start=dt.date(2021, 4, 1), end=dt.date(2022, 3, 31), published=dt.date(2022, 6, 1),
               source=Source("s.txt", "Source", "Council", dt.date(2022, 6, 1)), summary="s",
               folder=Path("."), previous=previous)
    p.tables = {t.name: t for t in tables}
    p.metrics = {m.name: m for m in metrics}
    return p


def sum_metric(name: str, table: str, where: dict[str, list[str]] | None = None) -> MetricSpec:
    sel = Selector(table=table, where=tuple((d, tuple(v)) for d, v in (where or {}).items()))
    return MetricSpec(name=name, label=name, definition=name, type="value", where=HERE, of=(sel,),
                      headline=True)


def percent_metric(name: str, table: str, num: dict[str, list[str]], den: dict[str, list[str]],
                   decimals: int = 1) -> MetricSpec:
    def sel(w):
        return Selector(table=table, where=tuple((d, tuple(v)) for d, v in w.items()))
    return MetricSpec(name=name, label=name, definition=name, type="percent", where=HERE,
                      numerator=sel(num), denominator=sel(den), decimals=decimals)


def site_of(*periods: Period) -> Site:
    return Site({p.key: p for p in periods})


def published_table(name: str, dims: list[str], cells: dict[tuple[str, ...], float | None], *,
                    sensitive: bool = False, population: str | None = None) -> PublishedTable:
    """cells: None for a suppressed cell ([c])."""
    values = {k: (Value(None, "c") if v is None else Value(float(v), issuer=Issuer.PUBLISH))
              for k, v in cells.items()}
    return PublishedTable(name=name, title=name, dimensions={d: d for d in dims}, measure="Children",
                          unit="count", counts="children", source="t", note="", sensitive=sensitive,
                          comparator=False, date=None, cells=values, population=population)


def published_period(tables: list[PublishedTable], values=None) -> PublishedPeriod:
    return PublishedPeriod(
        report="iro", period="2021-22", title="t", period_label="l", start=dt.date(2021, 4, 1),
        end=dt.date(2022, 3, 31), published=dt.date(2022, 6, 1), summary="s",
        source=PublishedSource("s", "s", "s", dt.date(2022, 6, 1), ""), notes=(), previous=None,
        values=values or {}, targets={}, tables={t.name: t for t in tables})


def is_nan(x: float) -> bool:
    return isinstance(x, float) and math.isnan(x)
