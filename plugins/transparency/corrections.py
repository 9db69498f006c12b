"""A corrected period beside the versions it replaced: [r] on every value that changed, and
the revision log of what each correction changed. Part of the publishing step (publish.py)."""

from __future__ import annotations

import math
from dataclasses import replace

from .model import Period, Site
from .period_cure import Suppressed, build_period
from .publish_tables import TableResult
from .published import PublishedPeriod, PublishedRevision, Value
from .suppress import Key


def _same_number(a: float, b: float) -> bool:
    """Equal, or both not a number ([x] or [z] in both versions)."""
    return a == b or (math.isnan(a) and math.isnan(b))


def _mark_revised(current: PublishedPeriod, earlier: list[PublishedPeriod],
                  raw_current: dict[str, TableResult],
                  raw_earlier: list[dict[str, TableResult]]) -> PublishedPeriod:
    """Mark [r] on every value and cell that differs from what an earlier version published,
    and on a hidden cell whose hidden number changed: a reader may take an unmarked cell to be
    the same number in every version, and the audit does."""
    def differs(value: Value, olds: list[Value | None]) -> bool:
        return any(old is not None and old.shown != value.shown for old in olds)

    def raw_differs(name: str, key: Key) -> bool:
        now = raw_current[name].values.get(key) if name in raw_current else None
        for tables in raw_earlier:
            then = tables[name].values.get(key) if name in tables else None
            if then is not None and now is not None and not _same_number(then, now):
                return True
        return False

    values = {}
    for name, metric in current.values.items():
        olds = [p.values[name].value if name in p.values else None for p in earlier]
        values[name] = (replace(metric, value=replace(metric.value, revised=True))
                        if differs(metric.value, olds) else metric)
    tables = {}
    for name, table in current.tables.items():
        cells = {}
        for key, value in table.cells.items():
            olds = [p.tables[name].cells.get(key) if name in p.tables else None for p in earlier]
            changed = differs(value, olds) or (value.suppressed and raw_differs(name, key))
            cells[key] = replace(value, revised=True) if changed else value
        tables[name] = replace(table, cells=cells)
    return replace(current, values=values, tables=tables)


def _changes_between(old: PublishedPeriod, new: PublishedPeriod) -> tuple[str, ...]:
    """What a correction changed, as readers know it: figure labels and table titles."""
    out = [m.label for n, m in new.values.items()
           if n in old.values and old.values[n].value.shown != m.value.shown]
    out += [t.title for n, t in new.tables.items() if n in old.tables and
            {k: v.shown for k, v in old.tables[n].cells.items()}
            != {k: v.shown for k, v in t.cells.items()}]
    return tuple(out)


def with_revisions(period: Period, current: PublishedPeriod, computed: Suppressed,
                    earlier: list[Suppressed], site: Site) -> PublishedPeriod:
    if not period.revisions:
        return current
    olds = [build_period(r.previous, raws, hidden, tables, {}, site)
            for r, (raws, hidden, tables, _) in zip(period.revisions, earlier, strict=True)]
    chain = [*olds, current]
    log = tuple(PublishedRevision(date=r.date, note=r.note,
                                  changed=_changes_between(chain[i], chain[i + 1]),
                                  tables=olds[i].tables)
                for i, r in enumerate(period.revisions))
    return replace(_mark_revised(current, olds, computed.tables, [e.tables for e in earlier]),
                   revisions=log)
