"""What a reader knows: every number the site publishes, as quantities and relations.

A reader does not stop at one table. They combine headline figures, table cells and margins,
percentages, rates, changes on the previous period, trend points (the same values again),
every period of a report and the earlier versions of corrected periods. This module turns the
whole published site into one model of that knowledge:

* a **quantity** for every published number (visible: a constant; `[c]`: an unknown; `[x]`,
  `[z]`: unusable), and for every count the site never prints but its figures imply (the
  reviews *not* held on time; the children a rate per 10,000 stands for);
* a **relation** for every fact that ties quantities together: table lines and their totals,
  tables of the same population sharing margins, metrics as sums or ratios of what they are
  computed from, declarations in the data (stock and flow, a figure that is a cell, rates of a
  population), the same snapshot published by two periods, a part of a period no larger than
  the whole, changes on the previous period, and the cells a correction left unchanged.

`audit.py` solves the model with integer programming; `downloads.py` publishes its relations
in the data package so anyone can re-run the attack. Reads only the published model. This
module adds each period and what ties periods together; the rest is one module per job:

* knowledge_model: the model itself (quantities, category groups, how a relation is added);
* knowledge_period: what one version of a period says on its own (tables, figures, metrics);
* knowledge_populations: tables of one population, within a period and across periods.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from itertools import combinations, pairwise

from .classifications import SHIPPED, age_groups, is_age_dimension
from .knowledge_model import BIG, VISIBLE, Hierarchy, Model, linear
from .knowledge_period import add_declared, add_metric, add_parts, add_table
from .knowledge_populations import add_populations, same_label
from .printed import round_half_up
from .published import PublishedPeriod, PublishedRelation, PublishedSite, PublishedTable, Ref
from .terms import PEOPLE
from .time_spans import time_dimensions, time_span

# Ways an age band may be the union of narrower bands, over the labels of the whole site
# (classifications.age_groups): past it the build stops rather than leave a way unrelated.
MAX_AGE_TILINGS = 16


def _add_period(model: Model, period: PublishedPeriod) -> None:
    version = period.key
    for table in period.tables.values():
        add_table(model, version, table)
    for metric in period.values.values():
        add_metric(model, version, metric)
    add_parts(model, version, period)
    for relation in period.relations:
        add_declared(model, relation)
    span = f"{period.start}..{period.end}"
    add_populations(model, [(version, span, t) for t in period.tables.values()])
    for revision in period.revisions:
        old = f"{version}/revisions/{revision.date.isoformat()}"
        for table in revision.tables.values():
            add_table(model, old, table)
            _add_unchanged(model, old, table, period.tables.get(table.name))
        add_populations(model, [(old, span, t) for t in revision.tables.values()])


def _add_unchanged(model: Model, old: str, table: PublishedTable,
                   current: PublishedTable | None) -> None:
    """A cell a correction did not change (no [r] mark) is the same number in both versions."""
    if current is None or not table.of_people:
        return
    why = f"cells of '{table.name}' not marked [r] are unchanged since {old}"
    for key, value in current.cells.items():
        if key in table.cells and not value.revised:
            model.relations.append(linear(why, [(1.0, (old, "table", table.name, key)),
                                                 (-1.0, (current_version(old), "table",
                                                         table.name, key))]))


def current_version(version: str) -> str:
    """'iro/2021-22/revisions/2022-01-05' -> 'iro/2021-22'."""
    return version.split("/revisions/")[0]


def _add_across_periods(model: Model, site: PublishedSite) -> None:
    """Relations between periods: tables of one population at one date or over one span (in
    any report); and, within a report, the same snapshot published twice, a flow over part
    of a period no larger than over the whole, and changes on the previous period."""
    # Tables of one population at one date, or over one span, in any periods and reports.
    add_populations(model, [(p.key, f"{p.start}..{p.end}", t) for p in site.periods.values()
                             for t in p.tables.values()], across=True)
    for report in site.reports:
        periods = site.by_report(report)
        snapshots: dict[tuple[str, object], list[Ref]] = {}
        for p in periods:
            for name, metric in p.values.items():
                if metric.date is not None and metric.value.unit == "count":
                    snapshots.setdefault((name, metric.date), []).append((p.key, "figure", name, ()))
        for (name, date), refs in snapshots.items():
            for a, b in pairwise(refs):
                qa, qb = model.quantities[a], model.quantities[b]
                if qa.role == qb.role == VISIBLE:
                    continue  # both printed: a reader sees whether they agree
                model.relations.append(linear(f"'{name}' at {date} is published by {a[0]} "
                                               f"and {b[0]}", [(1.0, a), (-1.0, b)]))
        same: set[tuple[Ref, Ref]] = set()
        for one, two in combinations(periods, 2):
            if one.start <= two.end and two.start <= one.end:
                same |= _add_same_spans(model, one, two)
        for part, whole in ((a, b) for a in periods for b in periods if a is not b
                            and b.start <= a.start and a.end <= b.end
                            and (a.start, a.end) != (b.start, b.end)):
            _add_part_of(model, part, whole, same)
        for whole in periods:
            for tiling in _tilings(whole, periods):
                _add_tiling(model, whole, tiling)
        for p in periods:
            _add_changes(model, site, p)


def _tilings(whole: PublishedPeriod, periods: list[PublishedPeriod],
             limit: int = 16) -> list[list[PublishedPeriod]]:
    """Every way (up to `limit`) periods of a report tile `whole` end to end: two half-years
    of a year, or four quarters, whatever other periods the report also holds."""
    inside = sorted((p for p in periods if p is not whole and whole.start <= p.start
                     and p.end <= whole.end and (p.start, p.end) != (whole.start, whole.end)),
                    key=lambda p: (p.start, p.end))
    found: list[list[PublishedPeriod]] = []

    def extend(chain: list[PublishedPeriod], day: dt.date) -> None:
        if len(found) >= limit:
            return
        if day == whole.end + dt.timedelta(days=1):
            found.append(chain)
            return
        for step in (p for p in inside if p.start == day):
            extend([*chain, step], step.end + dt.timedelta(days=1))

    extend([], whole.start)
    return found


def _add_tiling(model: Model, whole: PublishedPeriod, parts: list[PublishedPeriod]) -> None:
    """A flow over periods that tile a whole one: records (reviews, conferences) add up to the
    whole exactly; children add up to at least the whole (a child may be counted in two)."""
    why = f"{', '.join(p.key for p in parts)} tile {whole.key}"
    cells: list[tuple[str, str, tuple[str, ...], str]] = [
        ("figure", name, (), metric.counts) for name, metric in whole.values.items()
        if metric.date is None and metric.of_people]
    cells += [("table", name, key, table.counts) for name, table in whole.tables.items()
              if table.date is None and table.of_people for key in table.cells]
    for kind, name, key, counts in cells:
        refs = [(p.key, kind, name, key) for p in parts]
        if not all(r in model.quantities for r in refs):
            continue
        terms = ((1.0, (whole.key, kind, name, key)), *((-1.0, r) for r in refs))
        if counts == "records":
            model.relations.append(linear(why + ": records add up", terms))
        else:
            model.relations.append(PublishedRelation(
                "bound", why + ": a child may be counted in more than one part", terms=terms,
                low=-float(BIG), high=0.0))


def _span_cells(period: PublishedPeriod, table: PublishedTable,
                dims: set[str]) -> dict[tuple[object, ...], tuple[str, ...]]:
    """A table's cells by what they count: a category of a dimension of time as the days it
    covers ('Oct-19' and 'October 2019' are one month), any other as a reader compares it;
    only cells with a span of time in one of `dims`."""
    out: dict[tuple[object, ...], tuple[str, ...]] = {}
    for key in table.cells:
        what = tuple(time_span(c, period.start, period.end) if d in dims else same_label(c)
                     for d, c in zip(table.dims, key, strict=True))
        if any(isinstance(w, tuple) for w in what):
            out[what] = key
    return out


def _add_same_spans(model: Model, a: PublishedPeriod, b: PublishedPeriod) -> set[tuple[Ref, Ref]]:
    """Two periods of a report that overlap, each with a table (of one name) by a dimension
    of time (months, runs of months): a month inside both periods is the same count in both
    tables, whatever each period's span (red team 7: October in a quarter's table beside the
    nine months' table). Returns the pairs of cells made equal."""
    start, end = max(a.start, b.start), min(a.end, b.end)
    why = f"{a.key} and {b.key} both count the months they share"
    equal: set[tuple[Ref, Ref]] = set()
    for name, ta in a.tables.items():
        tb = b.tables.get(name)
        if (tb is None or ta.date or tb.date or not ta.of_people or not tb.of_people
                or ta.dims != tb.dims):
            continue
        dims = (time_dimensions({d: ta.categories(d) for d in ta.dims}, a.start, a.end)
                & time_dimensions({d: tb.categories(d) for d in tb.dims}, b.start, b.end))
        if not dims:
            continue
        in_b = _span_cells(b, tb, dims)
        for what, key in _span_cells(a, ta, dims).items():
            spans = [w for w in what if isinstance(w, tuple)]
            if what not in in_b or not all(start <= s[0] and s[1] <= end for s in spans):
                continue
            pair = ((a.key, "table", name, key), (b.key, "table", name, in_b[what]))
            model.relations.append(linear(why, [(1.0, pair[0]), (-1.0, pair[1])]))
            equal |= {pair, (pair[1], pair[0])}
    return equal


def _add_part_of(model: Model, part: PublishedPeriod, whole: PublishedPeriod,
                 same: set[tuple[Ref, Ref]]) -> None:
    why = f"{part.key} lies inside {whole.key}: a count over it is no larger"
    for name, metric in part.values.items():
        other = whole.values.get(name)
        if (other is not None and metric.date is None and other.date is None
                and metric.value.unit == other.value.unit == "count" and metric.counts in PEOPLE):
            model.relations.append(PublishedRelation(
                "bound", why, terms=((1.0, (part.key, "figure", name, ())),
                                     (-1.0, (whole.key, "figure", name, ()))),
                low=-float(BIG), high=0.0))
    for name, table in part.tables.items():
        other_table = whole.tables.get(name)
        if (other_table is None or table.date or other_table.date or not table.of_people
                or other_table.dims != table.dims):
            continue
        for key in table.cells:
            if key in other_table.cells and ((part.key, "table", name, key),
                                             (whole.key, "table", name, key)) not in same:
                model.relations.append(PublishedRelation(
                    "bound", why, terms=((1.0, (part.key, "table", name, key)),
                                         (-1.0, (whole.key, "table", name, key))),
                    low=-float(BIG), high=0.0))


def _add_changes(model: Model, site: PublishedSite, period: PublishedPeriod) -> None:
    """A published change is the difference of its two ends."""
    for name, metric in period.values.items():
        change = metric.change
        if (change is None or not change.comparable or change.difference is None
                or change.difference.number is None):
            continue
        prev = (f"{period.report}/{change.previous_period}", "figure", name, ())
        if prev not in model.quantities:
            continue
        # Each end and the difference are printed rounded: the relation holds to their precision.
        halves = [0.5 * 10 ** -v.decimals for v in (metric.value, change.difference)
                  if v.unit != "count" or v.decimals]
        prev_value = model.quantities[prev]
        if prev_value.unit != "count" or prev_value.decimals:
            halves.append(0.5 * 10 ** -prev_value.decimals)
        model.relations.append(linear(
            f"the change in '{name}' from {change.previous_label} to {period.period_label}",
            [(1.0, (period.key, "figure", name, ())), (-1.0, prev)],
            -round_half_up(change.difference.number, change.difference.decimals),
            tolerance=sum(halves)))


def _hierarchies(periods: Iterable[PublishedPeriod],
                 unmodelled: list[tuple[str, str, str]] | None = None) -> list[Hierarchy]:
    """The shipped classifications' groups, every group a period declares (exact), and the
    age bands of every age dimension that are unions of narrower bands (exact), up to
    MAX_AGE_TILINGS ways per band: a band with more is added to `unmodelled`."""
    periods = list(periods)
    out = [Hierarchy(group, members, False) for groups in SHIPPED.values()
           for group, members in groups.items()]
    for period in periods:
        out += [Hierarchy(group, members, True) for group, members in period.hierarchies]
        # A category a table's `collapse:` merged is its members, in any other table.
        out += [Hierarchy(group, members, True) for table in period.tables.values()
                for group, members in table.collapsed_members]
    ages = {c for period in periods for versions in (period.tables.values(),
                                                    *(r.tables.values() for r in period.revisions))
            for table in versions for dim in table.dims
            if is_age_dimension(dim, table.dimensions[dim]) for c in table.categories(dim)}
    crowded: list[str] = []
    out += [Hierarchy(group, members, True, ages=True)
            for group, members in age_groups(ages, MAX_AGE_TILINGS, crowded)]
    if unmodelled is not None:
        unmodelled += [(period.key, table.name, (
            f"the age band '{group}' is the union of more than {MAX_AGE_TILINGS} different "
            "runs of the narrower bands the site's tables use between them; the audit "
            "relates at most that many, so a reader could subtract where it does not. Band "
            "ages the same way in tables of the same children (fewer overlapping bands "
            f"inside '{group}'), or leave '{group}' out"))
            for group in crowded for period in periods for table in period.tables.values()
            if any(group in table.categories(d) for d in table.dims
                   if is_age_dimension(d, table.dimensions[d]))]
    return out


def period_model(period: PublishedPeriod, threshold: int, sensitive_threshold: int) -> Model:
    """What a reader knows from one period's page, downloads and earlier versions alone."""
    model = Model(threshold, sensitive_threshold, _hierarchies([period]))
    _add_period(model, period)
    return model


def reader_model(site: PublishedSite) -> Model:
    """What a reader knows from the whole site: every period, their earlier versions, and the
    relations between periods."""
    model = Model(site.threshold, site.sensitive_threshold)
    model.hierarchies = _hierarchies(site.periods.values(), model.unmodelled)
    for key in sorted(site.periods):
        _add_period(model, site.periods[key])
    _add_across_periods(model, site)
    return model
