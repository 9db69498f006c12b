"""Figures that are the change in a number between two periods, though no declaration says
so: "net change in children in care on a placement order since 31 March 2022: 7" beside
last year's 74 gives this year's hidden 81, and the legal-status line then gives Remand 3
(red team 13); so does a change of 33 in "children on a care order or a placement order"
(a sum of cells), or a change of 9.5% (red team 14).

A figure of a period whose label names a number is related to that number in its period and
in another period of its report when its value is exactly their difference (a count figure
of children or records, 0 included) or, at its printed precision, their difference as a
percentage of the other period's (a percentage figure). The number named is a set of cells of one line of a
table of the same name in both periods (the categories its label names, as category_words
reads them, its other categories being Totals or named too), or another figure whose label's
words stand in its own. Only numbers that do differ by the figure are related, using the true
values, so nothing true is contradicted; the label must name the number, since small
differences between unrelated numbers are common (a figure of 4 is the change in a dozen
cells of a real council's tables). Part of the publishing step (publish_relations.py).
Independent of Pelican."""

from __future__ import annotations

from collections.abc import Iterator

from .category_words import named, stands_in, words
from .model import TOTAL, Figure, Period, Site
from .population_parts import available_cells, counted, of_report
from .printed import round_half_up
from .published import PublishedRelation, Ref
from .quantities import figure_decimals
from .suppress import lines_of
from .terms import PEOPLE

# A number a figure can be the change in: how messages name it, and its cells (or figure)
# by the refs they have in each period's version, with their true values.
Named = tuple[str, tuple[tuple[str, str, tuple[str, ...]], ...]]


def _values(period: Period) -> dict[tuple[str, str, tuple[str, ...]], float]:
    out: dict[tuple[str, str, tuple[str, ...]], float] = {}
    for name, table in counted(period).items():
        for key, value in available_cells(table).items():
            out["table", name, key] = value
    for name, figure in period.figures.items():
        if figure.unit == "count" and figure.counts in PEOPLE and figure.value is not None:
            out["figure", name, ()] = figure.value
    return out


def _named(label: str, period: Period, figure: str) -> Iterator[Named]:
    """The numbers of `period` that a figure's `label` names (module docstring)."""
    for name, table in counted(period).items():
        keys = [key for key, _, symbol, _ in table.rows if not symbol]
        for line in lines_of(keys, len(table.dims)):
            dim = table.dims[line.dim]
            members = list(line.members)
            chosen = named([k[line.dim] for k in members], (dim, table.dimensions[dim]), label)
            fixed = [(d, c) for i, (d, c) in enumerate(zip(table.dims, members[0], strict=True))
                     if i != line.dim and c != TOTAL]
            if not chosen or not all(named([c], (d, table.dimensions[d]), label) == [0]
                                     for d, c in fixed):
                continue
            cells = tuple(("table", name, members[i]) for i in chosen)
            said = "; ".join(", ".join(k) for _, _, k in cells)
            yield f"[{said}] of '{name}'", cells
    for name, other in sorted(period.figures.items()):
        if name != figure and other.unit == "count" and other.counts in PEOPLE and \
                stands_in(words(label), words(other.label)):
            yield f"'{name}'", (("figure", name, ()),)


def _changed(figure: Figure, now: float, then: float) -> float | None:
    """The sign of the change (1 up or none, -1 down) where the figure's value is it; None
    if not. A percentage is compared as the page prints it (quantities.figure_decimals), so
    the audit's bound on the printed value holds the true change."""
    if figure.value is None:
        return None
    sign = 1.0 if now >= then else -1.0
    if figure.unit == "count":
        return sign if abs(now - then) == figure.value else None
    if figure.unit == "percent" and then > 0:
        decimals = figure_decimals(figure)
        printed = round_half_up(figure.value, decimals)
        return sign if round_half_up(100 * abs(now - then) / then, decimals) == printed else None
    return None


def change_tables(period: Period, site: Site) -> list[PublishedRelation]:
    """A count table of `period` each of whose cells (Totals too) is exactly the change in
    the same cell of a table of another name between another period of the report and this
    one ("Change in children in care by legal status, 31 March 2022 to 31 March 2023": last
    year's hidden Remand 2 is this year's 9 less 7; red team 15): one relation per cell,
    change = ±(this − other) as the numbers go. Tables that declare `collapse:` are left out
    (population_parts.counted)."""
    tables = counted(period)
    out = []
    for name, table in tables.items():
        cells = available_cells(table)
        if not cells:
            continue
        for other in of_report(site, period.report):
            if other.key == period.key:
                continue
            for source, was in counted(other).items():
                now = tables.get(source)
                if source == name or now is None or now.dims != table.dims or \
                        was.dims != table.dims:
                    continue
                here, there = available_cells(now), available_cells(was)
                if not all(k in here and k in there and abs(here[k] - there[k]) == v
                           for k, v in cells.items()):
                    continue
                why = (f"{period.key}: the table '{name}' is the change in '{source}' between "
                       f"{other.key} and {period.key}, cell by cell")
                for key in sorted(cells):
                    sign = 1.0 if here[key] >= there[key] else -1.0
                    out.append(PublishedRelation("linear", why, terms=(
                        (1.0, (period.key, "table", name, key)),
                        (-sign, (period.key, "table", source, key)),
                        (sign, (other.key, "table", source, key))), home=period.key))
    return out


def change_figures(period: Period, site: Site) -> list[PublishedRelation]:
    """One relation per figure of `period` that is exactly the change in a number its label
    names since (or until) another period of its report (module docstring): a count figure =
    this − other (or other − this); a percentage figure = 100 × (this − other) / other, at its
    printed precision (or the other way round). Described with the figure, the number and
    both periods."""
    figures = {name: f for name, f in sorted(period.figures.items()) if f.value is not None and (
        (f.unit == "count" and f.counts in PEOPLE) or f.unit == "percent")}
    if not figures:
        return []
    here = _values(period)
    said_by = {name: list(_named(figure.label, period, name)) for name, figure in figures.items()}
    out = []
    for other in of_report(site, period.report):
        if other.key == period.key:
            continue
        there = _values(other)
        for name, figure in figures.items():
            for said, cells in said_by[name]:
                if not all(c in here and c in there for c in cells):
                    continue
                now, then = (sum(values[c] for c in cells) for values in (here, there))
                sign = _changed(figure, now, then)
                if sign is None:
                    continue
                current: tuple[tuple[float, Ref], ...] = tuple(
                    (1.0, (period.key, *c)) for c in cells)
                before: tuple[tuple[float, Ref], ...] = tuple(
                    (1.0, (other.key, *c)) for c in cells)
                why = (f"{period.key}: '{name}' is the change in {said} between {other.key} and "
                       f"{period.key}")
                ref: Ref = (period.key, "figure", name, ())
                if figure.unit == "count":
                    out.append(PublishedRelation("linear", why, terms=(
                        (1.0, ref), *((-sign * c, r) for c, r in current),
                        *((sign * c, r) for c, r in before)), home=period.key))
                else:
                    out.append(PublishedRelation(
                        "ratio", why, value=ref, numerator=(
                            *((sign * c, r) for c, r in current),
                            *((-sign * c, r) for c, r in before)),
                        denominator=before, scale=100.0, home=period.key))
    return out
