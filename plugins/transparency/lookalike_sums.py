"""Published counts that are a sum of cells with a hidden one among them. A figure "children on
a care order or a placement order, 749" beside a legal status table that hides Placement order
gives it away: 749 − Care order 668 = 81, and then the hidden Remand = 3 (red team 9). So do a
percentage that pins its count to one whole number (70.6% of 1,061 is 749), a rate of a
published population (32.6 per 10,000 of 58,000 is 189), a percentage table's share of a base
and a comparator's count for the council: a reader who matches the words adds the cells up.

A reader adds up the cells the count's label names (category_words.py: "Children in care on a
care order or a placement order" names Care order and Placement order; "Girls aged under 5",
Under 1 and 1 to 4). Two or more such cells of one line of a count table of the same time (the
same date, or flows over the same span), a hidden one among them, that add up to the count
exactly (or all the line's other cells that do) are a look-alike. Sums by arithmetic alone are
not tried: a long line has a sum of three cells for almost every number, and the reader could
not tell which (on a council's real data one figure matched 1,090 of them).
lookalikes.undeclared turns each into a problem until a declaration settles it: `same` (the
figure is those cells: `as: {table: legal_status, where: {legal_status: [Care order, Placement
order]}}`, and the audit then protects them) or `distinct` (another count that happens to
match). Part of the publishing step (publish.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import permutations

from .audit import Finding
from .category_words import named
from .load_shares import integers_of_share
from .lookalike_known import Known
from .model import PEOPLE, TOTAL, Period, Site
from .period_cure import Suppressed
from .printed import whole_quotients
from .publish_relations import distinct_figures
from .publish_tables import TableResult, column_decimals
from .published import Ref
from .quantities import Raw
from .suppress import Key, lines_of
from .time_spans import years_named


@dataclass(frozen=True)
class Count:
    """A published count, or the one count a published share pins (`what` says which)."""

    ref: Ref
    value: float
    counts: str
    date: dt.date | None  # a snapshot's date; None for a flow over the period
    what: str
    label: str  # the words a reader matches with categories
    years: frozenset[int] = frozenset()  # a comparator's: the years its year label names
    # Pinned by a value that says it counts no one, against a published base: compared with a
    # single hidden cell it names too.
    unsaid: bool = False


@dataclass(frozen=True)
class CellSum:
    """A published count equal to the sum of `cells` (one line of `table`), a hidden one among
    them."""

    count: Count
    table: str
    version: str
    cells: tuple[Key, ...]
    dims: tuple[str, ...]
    hidden: tuple[bool, ...]  # of each cell
    rest: bool = False  # the cells are all the line's but those the label names ("other than")

    def where(self) -> str:
        """The cells as a relation names them: {table: t, where: {dim: [A, B], other: X}}."""
        parts = []
        for d, dim in enumerate(self.dims):
            labels = sorted({c[d] for c in self.cells})
            parts.append(f"{dim}: {labels[0]}" if len(labels) == 1 else f"{dim}: [{', '.join(labels)}]")
        return f"{{table: {self.table}, where: {{{', '.join(parts)}}}}}"


def _pinned(share: float, whole: float, per: float) -> float | None:
    found = integers_of_share(share, whole, per)
    return float(found[0]) if len(found) == 1 else None


def published_counts(period: Period, result: Suppressed) -> list[Count]:
    """The counts of children or records a period shows, and the counts its shown shares pin:
    count figures and metrics; a percentage figure's share of its `of:`; a tied rate's count of
    its population; each shown cell of a percentage table with a base. A share that leaves a
    range of whole numbers pins none."""
    raws, hidden, tables, _ = result
    key = period.key
    out = [Count((key, "figure", name, ()), raw.value, raw.counts, raw.date, f"'{name}'", raw.label)
           for name, raw in raws.items() if name not in hidden and raw.value is not None
           and raw.unit == "count" and raw.counts in PEOPLE and raw.value == int(raw.value)]
    return out + _share_counts(period, raws, hidden) + _table_counts(period, tables)


def _share_counts(period: Period, raws: dict[str, Raw], hidden: set[str]) -> list[Count]:
    """The counts a period's shown percentage figures (of their `of:`) and tied rates (of
    their population) pin."""
    key = period.key
    out: list[Count] = []
    for name, fig in period.figures.items():
        whole = raws.get(fig.of or "")
        raw = raws.get(name)
        if (fig.unit != "percent" or fig.part is not None or whole is None or raw is None
                or raw.value is None or name in hidden or whole.value is None
                or whole.counts not in PEOPLE):
            continue
        pinned = _pinned(raw.value, whole.value, 100.0)
        if pinned is not None:
            out.append(Count((key, "figure", name, ()), pinned, whole.counts,
                             fig.date or whole.date,
                             f"'{name}' ({raw.value:g}% of '{fig.of}', {whole.value:g})",
                             raw.label))
    for rel in period.relations:
        if rel.kind != "rate" or rel.rate is None or rel.population is None:
            continue
        rate, population = rel.rate.selector.figure, rel.population.selector.figure
        r, p = raws.get(rate or ""), raws.get(population or "")
        if r is None or p is None or r.value is None or p.value is None or rate in hidden:
            continue
        pinned = _pinned(r.value, p.value, rel.per)
        if pinned is not None:
            out.append(Count((key, "figure", rate or "", ()), pinned, rel.counts, r.date or p.date,
                             f"'{rate}' ({r.value:g} per {rel.per:g} of '{population}', {p.value:g})",
                             r.label))
    return out


def _table_counts(period: Period, tables: dict[str, TableResult]) -> list[Count]:
    """Comparators' shown counts (every area's row), and the counts the shown cells of
    percentage tables with a base pin."""
    key = period.key
    out: list[Count] = []
    for name, table in tables.items():
        published = table.published
        if not published.comparator or published.unit != "count" or not published.of_people:
            continue
        # Every area's row (the council's, and others' that a reader may take for it), of the
        # years its year label names (red team 10: a comparator titled "on a care order or a
        # placement order").
        for cell, value in table.values.items():
            if cell not in table.hidden and value == value and value == int(value):
                out.append(Count((key, "table", name, cell), value, published.counts,
                                 published.date, f"the cell [{', '.join(cell)}] of '{name}'",
                                 published.title,
                                 years_named(cell[1]) if len(cell) > 1 else frozenset()))
    for name, table in tables.items():
        published, raw_table = table.published, period.tables.get(name)
        if published.unit != "percent" or published.counts not in PEOPLE or raw_table is None:
            continue
        for cell, share in table.values.items():
            base = raw_table.base_for(cell)
            if cell in table.hidden or share != share or base is None:
                continue
            pinned = _pinned(share, base, 100.0)
            if pinned is not None:
                out.append(Count((key, "table", name, cell), pinned, published.counts,
                                 published.date, f"the share [{', '.join(cell)}] of '{name}' "
                                 f"({share:g}% of {base:g})", " ".join(cell)))
    return out


def _lines(values: dict[Key, float], ndims: int) -> Iterator[tuple[int, tuple[tuple[Key, float], ...]]]:
    """Each line of a table along each dimension (suppress.lines_of): the dimension, and the
    line's cells but its Total, with their values (cells with none left out)."""
    for line in lines_of(values, ndims):
        yield line.dim, tuple((cell, values[cell]) for cell in line.members
                              if values[cell] == values[cell])


def mentioned(line: tuple[tuple[Key, float], ...], d: int, dimension: tuple[str, str],
              label: str) -> tuple[tuple[Key, float], ...]:
    """The cells of a line whose category along `d` (`dimension`: its name and label) the
    count's label names (category_words.named)."""
    return tuple(line[i] for i in named([cell[d] for cell, _ in line], dimension, label))


# What a share, rate or mean is per: its base times the value over this is a count.
PER = {"percent": 100.0, "rate_per_10000": 10000.0, "mean": 1.0}


@dataclass(frozen=True)
class _Base:
    value: float
    date: dt.date | None
    key: str  # its period
    end: dt.date  # its period's end
    what: str


def _bases(site: Site, versions: dict[str, tuple[Suppressed, list[Suppressed]]]) -> list[_Base]:
    """Every published number a share, rate or mean may be of: shown count and FTE figures
    and metrics, and shown grand totals of count tables, in every period."""
    out: list[_Base] = []
    for key, period in site.periods.items():
        raws, hidden, tables, _ = versions[key][0]
        out += [_Base(raw.value, raw.date, key, period.end, f"'{name}' ({key})")
                for name, raw in raws.items() if name not in hidden and raw.value
                and raw.unit in ("count", "fte")]
        for name, table in tables.items():
            grand = tuple(TOTAL for _ in table.published.dims)
            value = table.values.get(grand)
            if (table.published.unit == "count" and not table.published.comparator
                    and grand not in table.hidden and value and value == value):
                out.append(_Base(value, table.published.date, key, period.end,
                                 f"the Total of '{name}' ({key})"))
    return out


def unsaid_counts(site: Site, versions: dict[str, tuple[Suppressed, list[Suppressed]]]) -> list[Count]:
    """The counts that shown shares, rates and means which say they count no one (`counts:
    none`, with or without a `not_people:` reason) pin against a published base of the same
    time: 0.3% of the 1,061 children in care is 3; 0.2 per 10,000 of 148,200 children is 3;
    0.2 children on remand per IRO of 16 IROs is 3 (red team 11). A reason is a reviewer's
    reading; a reader still multiplies."""
    bases = _bases(site, versions)
    out: list[Count] = []
    for key in site.periods:
        raws, hidden, tables, _ = versions[key][0]
        for name, raw in raws.items():
            if raw.unit not in PER or raw.counts != "none" or name in hidden or not raw.value:
                continue
            for base in bases:
                if base.key == key or (raw.date is not None and base.date == raw.date):
                    _pin(out, (key, "figure", name, ()), raw.value, PER[raw.unit], base,
                         raw.date or base.date, f"'{name}' ({raw.value:g} {raw.unit})", raw.label)
        for name, table in tables.items():
            # A comparator's, or a table of rates or shares of the period's own (red team 15:
            # 0.3 per 10,000 of the 148,200 children is 4 or 5 on a plan for multiple
            # categories).
            published = table.published
            if published.unit not in PER or published.counts != "none":
                continue
            for cell, value in table.values.items():
                years = (years_named(cell[1]) if len(cell) > 1 and published.comparator
                         else frozenset())
                if cell in table.hidden or not value or value != value:
                    continue
                # Against a base of any time: a reader takes the latest population for the
                # latest rate (a mid-2022 estimate for 2023's; red team 11).
                for base in bases:
                    if years or base.key == key:
                        # A comparator's cell is its area and year; another table's names
                        # its categories, as a reader reads them.
                        label = (published.title if published.comparator
                                 else f"{' '.join(cell)}: {published.title}")
                        _pin(out, (key, "table", name, cell), value, PER[published.unit], base,
                             base.date if published.comparator else published.date,
                             f"the cell [{', '.join(cell)}] of '{name}' ({value:g} "
                             f"{published.unit})", label, years,
                             most=1 if published.comparator else 2)
    return out


def _pin(out: list[Count], ref: Ref, value: float, per: float, base: _Base,
         date: dt.date | None, what: str, label: str, years: frozenset[int] = frozenset(),
         most: int = 1) -> None:
    """The counts `value` per `per` of the base can be, where it leaves at most `most`:
    each is compared with the hidden cells a label names. Two for a table of rates or
    shares of the period's own categories, whose cells name one category each (fewer than
    the audit's three values); one elsewhere, where a figure's label matched against sums of
    cells finds coincidences in real data (two pinned 13 and 38 on a real council's)."""
    found = integers_of_share(value, base.value, per)
    if len(found) > most:
        return
    for pinned in found:
        if pinned > 0:
            out.append(Count(ref, float(pinned), "children", None if years else date,
                             f"{what} of {base.what}", label, years, unsaid=True))


def cell_sums(site: Site, versions: dict[str, tuple[Suppressed, list[Suppressed]]]) -> list[CellSum]:
    """Every published count (published_counts) of any period equal to the sum of two or more
    cells of a line of a count table of the same time in any period that its label names
    (mentioned), or to the sum of all the line's other cells, with a hidden cell among those
    named. Counts of children and of records are compared alike: a reader does not know which
    a figure was declared."""
    counts = [c for key, period in site.periods.items()
              for c in published_counts(period, versions[key][0])] + unsaid_counts(site, versions)
    found: list[CellSum] = []
    for key in site.periods:
        for name, table in versions[key][0][2].items():
            published = table.published
            if not published.of_people or published.comparator or not table.hidden:
                continue
            for d, line in _lines(table.values, len(published.dims)):
                if not any(cell in table.hidden for cell, _ in line):
                    continue
                everything = sum(v for _, v in line)
                for count in counts:
                    if not _same_time(count, published.date, key, site.periods[key].end):
                        continue
                    dim = published.dims[d]
                    named = mentioned(line, d, (dim, published.dimensions[dim]), count.label)
                    if not any(cell in table.hidden for cell, _ in named):
                        continue
                    part = sum(v for _, v in named)
                    # The named cells, or all the line's others ("other than those on a
                    # placement order": the line's sum less the named; red team 10).
                    if (len(named) >= 2 or count.unsaid) and part == count.value:
                        cells = tuple(cell for cell, _ in named)
                    elif everything - part == count.value and len(named) < len(line):
                        chosen = {cell for cell, _ in named}
                        cells = tuple(cell for cell, _ in line if cell not in chosen)
                    else:
                        continue
                    found.append(CellSum(count, name, key, cells, tuple(published.dims),
                                         tuple(c in table.hidden for c in cells),
                                         part != count.value))
    return found


def _same_time(count: Count, date: dt.date | None, key: str, end: dt.date) -> bool:
    """Whether a reader takes a count and a table (of `date`, or a flow of the period `key`
    ending on `end`) for one time: a snapshot of the table's date; a comparator's year that
    holds the table's date or the period's end; and a count with no date of its own (a flow,
    or a snapshot whose label says its date: red team 10) with any table of its own period."""
    if count.years:
        return (date or end).year in count.years
    if count.date is not None:
        return count.date == date
    return count.ref[0] == key


def sum_findings(site: Site, versions: dict[str, tuple[Suppressed, list[Suppressed]]],
                  is_settled: Callable[[list[Known]], bool]) -> list[Finding]:
    """A problem for each published count (or share's count) equal to a sum of cells with a
    hidden one among them (lookalike_sums), naming the first sum no declaration settles."""
    first: dict[Ref, tuple[CellSum, int]] = {}
    for found in cell_sums(site, versions):
        parts = [Known(found.count.ref, found.count.value, False, ""),
                 *(Known((found.version, "table", found.table, cell), 0.0, hidden, "")
                   for cell, hidden in zip(found.cells, found.hidden, strict=True))]
        if not is_settled(parts):
            kept = first.get(found.count.ref)
            first[found.count.ref] = (found, 1) if kept is None else (kept[0], kept[1] + 1)
    out = []
    for found, ways in first.values():
        count = found.count
        share = count.what != f"'{count.ref[2]}'"
        labels = "; ".join(", ".join(c) for c in found.cells)
        more = f" (one of {ways} sums of cells it equals)" if ways > 1 else ""
        settle = (f"if it is those cells, give it as a count figure of its own, tied by '- same: "
                  f"<that figure>' with 'as: {found.where()}', and name that figure as 'part:'"
                  if count.ref[1] == "figure" and share else
                  f"if it is those cells, '- same: {count.ref[2]}' with 'as: {found.where()}' "
                  "(the audit then protects them)" if not share else
                  "if it is those cells, leave it out (the share gives them away whatever "
                  "else is hidden)")
        out.append(Finding(count.ref[0], count.ref[2], count.ref[3], 0, 0, "undeclared", through=(
            f"{count.what} ({count.ref[0]}) is {count.value:g}, the cells [{labels}] of "
            f"'{found.table}' ({found.version}) together{more}"
            + (" (all the line's cells but those its label names)" if found.rest else "")
            + ", with a hidden cell among them: a reader who matches the words adds the cells "
            "up and subtracts those shown. "
            f"Under 'relations:', {settle}; if it is another count that happens to match, "
            f"'- distinct: [{count.ref[2] if count.ref[1] == 'figure' else found.table}, "
            f"{found.where()}]' with a 'reason:' a reviewer can check",)))
    return out


DAYS = {"days": 1, "weeks": 7}  # a duration unit in days
AVERAGED = ("days", "weeks")  # durations: a total over children and their average (not FTE: staff)


def mean_findings(site: Site, versions: dict[str, tuple[Suppressed, list[Suppressed]]],
                  small: int) -> list[Finding]:
    """A shown total and a shown average of one time whose quotient, at the average's printed
    precision, is a small number of people (at most two whole numbers, one from 1 to `small`):
    two figures of one duration (days or weeks), the larger at least twice the other ("123
    days on remand, added together" and "41 days on average": 3 young people on remand; red
    team 9), or a count of children or records and a `mean` ("8 reviews for the young people
    on remand" and "2.7 reviews per young person on remand": 8 / 2.65 to 8 / 2.75 is 3; red
    team 12). A problem until a `distinct` says they are not a total and its average."""
    out = []
    for key, period in site.periods.items():
        raws, hidden = versions[key][0][0], versions[key][0][1]
        distinct = distinct_figures(period)
        shown = [(name, raw) for name, raw in sorted(raws.items()) if name not in hidden
                 and raw.value and (raw.unit in AVERAGED or raw.unit == "mean"
                                    or (raw.unit == "count" and raw.counts in PEOPLE))]
        for (total, t), (mean, m) in permutations(shown, 2):
            if t.date != m.date or t.covers != m.covers:
                continue
            # Durations in days or weeks alike: 129 days and 6.1 weeks on average (red team 14).
            durations = (t.unit in AVERAGED and m.unit in AVERAGED
                         and (t.value or 0) * DAYS[t.unit] > (m.value or 0) * DAYS[m.unit])
            # A `mean` says nothing of its unit: beside a count or a duration it is read in
            # the total's (123 days and a mean of 41: red team 15).
            if not durations and not (t.unit in ("count", *AVERAGED) and m.unit == "mean"):
                continue
            scale = DAYS.get(m.unit, 1) if durations else 1
            people = whole_quotients((t.value or 0.0) * (DAYS[t.unit] if durations else 1),
                                m.value or 0.0, m.decimals, scale)
            least = 2 if durations else 1
            if not people or len(people) > 2 or not any(least <= k <= small for k in people):
                continue
            if any({total, mean} <= names for names in distinct):
                continue
            found = " or ".join(map(str, people))
            out.append(Finding(key, total, (), 0, 0, "undeclared", through=(
                f"'{total}' ({t.value:g} {t.unit}) divided by '{mean}' ({m.value:g} {m.unit}), "
                f"of the same time ({key}), is {found}: if one is a total and the other its "
                f"average, a reader divides and finds {found} people. Hide one (give it as "
                f"'x', or leave it out), or if they are not a total and its average, declare "
                f"'- distinct: [{total}, {mean}]' under 'relations:' with a 'reason:' a "
                "reviewer can check",)))
        out += _table_means(key, versions[key][0][2], small)
    return out


def _table_means(key: str, tables: dict[str, TableResult], small: int) -> list[Finding]:
    """A table of means beside a table of counts of the same categories and time whose
    shown cells, divided, give a small number of people ("reviews by legal status", Remand
    8, beside "average reviews per child by legal status", Remand 2.7: 3; red team 15), each
    read at the mean's printed precision."""
    out = []
    for (total, t), (mean, m) in permutations(sorted(tables.items()), 2):
        tp, mp = t.published, m.published
        if (tp.unit != "count" or not tp.of_people or mp.unit != "mean" or tp.dims != mp.dims
                or tp.date != mp.date):
            continue
        decimals = column_decimals(m.values.values(), "mean")
        for cell, value in sorted(t.values.items()):
            average = m.values.get(cell)
            if (cell in t.hidden or cell in m.hidden or average is None or not value
                    or average != average or value != value):
                continue
            people = whole_quotients(value, average, decimals)
            if not people or len(people) > 2 or not any(1 <= k <= small for k in people):
                continue
            found = " or ".join(map(str, people))
            where = ", ".join(cell)
            out.append(Finding(key, total, cell, 0, 0, "undeclared", through=(
                f"the cell [{where}] of '{total}' ({value:g}) divided by the cell [{where}] of "
                f"'{mean}' ({average:g} mean), of the same time ({key}), is {found}: a reader "
                f"divides a total by its average and finds {found} people. Hide one of them "
                "(give it as 'x'), or leave the table of means out",)))
    return out
