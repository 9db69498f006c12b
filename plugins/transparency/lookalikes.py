"""Fail closed where the data looks related but declares nothing: a published count equal to
a hidden one of the same time, counts that fit a stock and flow with a hidden one among them,
two tables that look like the same children without a `population`, and stock-and-flow
declarations their own figures contradict. Part of the publishing step (publish.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from itertools import combinations, islice, product

from .audit import Finding
from .balances import unbalanced
from .knowledge import current_version
from .knowledge_populations import same_label
from .lookalike_cells import cell_lookalikes
from .lookalike_known import Known
from .lookalike_sums import mean_findings, sum_findings
from .model import PEOPLE, TOTAL, Period, Site
from .period_cure import Suppressed
from .publish_relations import relation_refs, stock_flow_why
from .publish_tables import TableResult
from .published import Ref
from .quantities import terms_of
from .signed_sums import Fit, signed_fits
from .suppress import Key
from .time_spans import time_span, years_named


def _known(period: Period, result: Suppressed) -> list[Known]:
    """Every count of people a period publishes or hides: figures, metrics, hidden cells, and
    tables' grand totals (which a reader may take for a stock or a flow)."""
    raws, hidden, tables, _ = result

    def when(date: object, covers: str = "") -> tuple[str, object]:
        return ("at", date) if date else ("over", f"{period.start}..{period.end} {covers}")

    def year(date: dt.date | None, covers: str = "") -> int | None:
        return date.year if date else (None if covers else period.end.year)

    def span(date: object, covers: str = "") -> tuple[dt.date, dt.date] | None:
        if date:
            return None
        return time_span(covers, period.start, period.end) if covers else (period.start, period.end)

    out = [Known((period.key, "figure", name, ()), raw.value, name in hidden, raw.counts,
                  raw.date, when(raw.date, raw.covers), True,
                  year_end=year(raw.date, raw.covers), span=span(raw.date, raw.covers))
           for name, raw in raws.items()
           if raw.value is not None and raw.unit == "count" and raw.counts in PEOPLE]
    for name, table in tables.items():
        published = table.published
        if not published.of_people:
            continue
        grand = tuple(TOTAL for _ in published.dims)
        for key, value in table.values.items():
            if value != value or value is None or not (key in table.hidden or key == grand):
                continue
            if key in table.hidden and value <= 0:
                continue
            out.append(Known((period.key, "table", name, key), value, key in table.hidden,
                              published.counts, published.date, when(published.date),
                              whole=key == grand, population=published.population,
                              year_end=year(published.date), span=span(published.date)))
        if not published.comparator:
            out += [Known(ref, value, True, published.counts, published.date,
                           when(published.date), whole=False, members=members,
                           population=published.population, year_end=year(published.date))
                    for ref, value, members in _unprinted_margins(period.key, name, table)]
    return out


def _unprinted_margins(version: str, name: str, table: TableResult,
                       ) -> list[tuple[Ref, float, tuple[Ref, ...]]]:
    """The margins of a table that it does not print (the Female total of an age by gender
    table with no `Total` by gender; the sum of a table without a Total row), where a hidden
    cell is among their members: (the place the margin would have, its value, its members). A
    reader who finds it elsewhere (a headline "156 girls") subtracts the shown members. (A
    one-way table whose sum a figure gives has it as its known total, period_cure._known_totals,
    and is suppressed with it; one given by what that cannot see, such as a metric of another
    period or a comparator's count, is caught here.)"""
    ndims = len(table.published.dims)
    if ndims == 1 and table.published.known_total is not None:
        return []  # linked to the figure that gives it by the audit, and suppressed with it
    out: list[tuple[Ref, float, tuple[Ref, ...]]] = []
    for d in range(ndims):
        lines: dict[Key, list[Key]] = {}
        for key in table.values:
            if key[d] != TOTAL:
                lines.setdefault((*key[:d], TOTAL, *key[d + 1:]), []).append(key)
        for total, members in sorted(lines.items()):
            values = [table.values[k] for k in members]
            if (total in table.values or not any(k in table.hidden for k in members)
                    or any(v != v for v in values)):
                continue
            out.append(((version, "table", name, total), float(sum(values)),
                        tuple((version, "table", name, k) for k in members)))
    return out


def _declared(period: Period) -> list[set[Ref]]:
    """The places each declared relation ties together. (A metric's formula settles nothing:
    that a figure and a hidden cell are both terms of one percentage does not say they are
    the same number.)"""
    return [{ref for t in rel.all_terms() for _, ref in relation_refs(period, t)}
            for rel in period.relations]


def _place(known: Known, site: Site) -> str:
    """A place in words, and how to name it in a relation."""
    version, kind, name, key = known.ref
    if kind == "figure":
        return f"'{name}' ({version})"
    table = site.periods[version].tables[name]
    if known.members:
        where = ", ".join(f"{d}: {c}" for d, c in zip(table.dims, key, strict=True) if c != TOTAL)
        return (f"the margin [{', '.join(key)}] of '{name}' that the table does not print, "
                f"with a hidden cell among its cells ({version}; {{table: {name}, where: "
                f"{{{where}}}}})")
    where = ", ".join(f"{d}: {c}" for d, c in zip(table.dims, key, strict=True))
    what = "the hidden cell" if known.hidden else "the cell"
    return f"{what} [{', '.join(key)}] of '{name}' ({version}; {{table: {name}, where: {{{where}}}}})"


MAX_FITS = 200  # fits of one start and end tried, for the shortest one no declaration settles


def _stock_flow_lookalikes(period: Period, known: list[Known], before: list[Known], site: Site,
                           is_settled: Callable[[list[Known]], bool]) -> list[Finding]:
    """Counts that fit start + in − out = end with a hidden one among them, and no declaration
    that settles them: two stocks (figures, metrics or tables' grand totals, in this period
    or the one it follows) on days from the day before the period starts to its last day,
    and any number of flows over the days between them, either sign (signed_sums.signed_fits:
    a red team's two flows in and two out passed a check that tried at most three). Between
    the day before the period and its last day every flow of the period is tried (one whose
    `covers` is not read too); between other days (a stock on 31 March in an October to
    September period; red team 8), the flows that cover exactly those days, and those whose
    `covers` is not read (months and quarters are; red team 9 wrote quarters). One
    problem for each set of hidden counts, naming the fit with the fewest flows."""
    found: list[Finding] = []
    key = period.key
    day_before = period.start - dt.timedelta(days=1)
    for counts in PEOPLE:
        wholes = [k for k in known + before if k.whole and k.counts == counts]
        stocks = [k for k in wholes if isinstance(k.date, dt.date)
                  and day_before <= k.date <= period.end]
        # A flow of 0 changes no sum; a hidden one (sensitive) is still worked out by a fit.
        every_flow = [k for k in wholes if k.date is None and k.ref[0] == key
                      and (k.value or k.hidden) and k.value == int(k.value)]
        shortest: dict[frozenset[Ref], tuple[list[Known], Fit, int, list[Known]]] = {}
        for start, end in product(stocks, stocks):
            assert isinstance(start.date, dt.date) and isinstance(end.date, dt.date)
            if (start.date >= end.date or end.ref[0] != key or start.value != int(start.value)
                    or end.value != int(end.value)):
                continue
            days = (start.date + dt.timedelta(days=1), end.date)
            # A flow whose `covers:` is not read may be over any days (fail closed).
            flows = (every_flow if (start.date, end.date) == (day_before, period.end)
                     else [k for k in every_flow if k.span == days or k.span is None])
            if not any(k.hidden for k in (start, end, *flows)):
                continue
            hidden_flows = frozenset(i for i, k in enumerate(flows) if k.hidden)
            must = frozenset(range(len(flows))) if start.hidden or end.hidden else hidden_flows
            for fit in islice(signed_fits([int(k.value) for k in flows],
                                          int(end.value - start.value), must), MAX_FITS):
                parts = [start, end, *(flows[i] for i, _ in fit)]
                if is_settled(parts):
                    continue
                secret = frozenset(k.ref for k in parts if k.hidden)
                best = shortest.get(secret)
                shortest[secret] = ((parts, fit, 1, flows) if best is None else
                                    (parts, fit, best[2] + 1, flows) if len(fit) < len(best[1])
                                    else (best[0], best[1], best[2] + 1, best[3]))
        for parts, fit, ways, flows in shortest.values():
            signed = "".join(f" {'+' if sign > 0 else '−'} {_place(flows[i], site)}"
                             for i, sign in fit)
            more = f" (one of {ways} ways these counts fit)" if ways > 1 else ""
            found.append(Finding(key, parts[1].ref[2], (), 0, 0, "undeclared", through=(
                f"{_place(parts[0], site)}{signed} = {_place(parts[1], site)}, with a hidden "
                f"count among them{more}; {_HINT}",)))
    return found


_HINT = ("declare which it is under 'relations:': 'same' (or 'stock_flow') if they count the "
         "same children, 'distinct' if they do not (with a 'reason:' a reviewer can check)")


def unnamed_populations(site: Site,
                        versions: dict[str, tuple[Suppressed, list[Suppressed]]]) -> list[Finding]:
    """Two count tables of children (or of records) of one time, at one date or over one span
    (flows), in any periods or reports, whose grand totals are equal, with a hidden cell in
    either. Equal totals of one time are what says they may be the same children; a reader
    who takes them so needs no category in common (one shared category, or a reader's own
    reading of "Section 20 (voluntary agreement)" as "Section 20", is enough to subtract).
    Unless both name their `population` (one name if they are the same children, two if
    not), the audit cannot link them, and one could give away what the other hides (red-team
    findings: a report left out `population:`; one shared category; flow tables)."""
    tables = []
    for key, period in sorted(site.periods.items()):
        for table in period.tables.values():
            if table.unit != "count" or table.counts not in PEOPLE or table.comparator:
                continue
            frame = table.frame
            totals = frame[table.dims] == TOTAL
            is_total = totals.all(axis=1)
            total = (float(frame.loc[is_total, "value"].iloc[0]) if is_total.any()
                     else float(frame.loc[~totals.any(axis=1), "value"].sum()))
            if total != total or total <= 0:
                continue
            when = (f"at {table.date}" if table.date
                    else f"over {period.start} to {period.end}")
            result = versions[key][0][2].get(table.name) if key in versions else None
            hidden = bool(result is not None and result.hidden)
            tables.append((key, table, total, when, hidden))
    found = []
    for (ka, a, total_a, when_a, hidden_a), (kb, b, total_b, when_b, hidden_b) in combinations(
            tables, 2):
        if (when_a != when_b or total_a != total_b or a.counts != b.counts
                or (a.population and b.population) or not (hidden_a or hidden_b)):
            continue
        shared = [a.dimensions[da] for da in a.dims for db in b.dims
                  if da == db or same_label(a.dimensions[da]) == same_label(b.dimensions[db])]
        by = (f"both by {shared[0]}" if shared else
              f"by {a.dimensions[a.dims[0]]} and by {b.dimensions[b.dims[0]]}")
        missing = " and ".join(f"'{t.name}' ({k})" for k, t in ((ka, a), (kb, b))
                               if not t.population)
        found.append(Finding(kb, b.name, (), 0, 0, "undeclared", through=(
            f"'{a.name}' ({ka}) and '{b.name}' ({kb}) look like the same {a.counts}: both "
            f"{when_a}, both {total_a:g} in all, {by}; {missing} "
            f"declare{'s' if ' and ' not in missing else ''} no 'population'. Give both "
            "tables a 'population:' name, the same one if they count the same "
            f"{a.counts} (they are then protected together) and different ones if they do "
            "not",)))
    return found


def _comparator_counts(period: Period, result: Suppressed, area: str) -> list[Known]:
    """The shown values of a comparator of counts of children or records (the DfE's count for
    each area), for the council's own row: the council's children, of the time its year or
    `date` says. Where no row is the council's (by `AREA`), every row is taken: the build
    cannot tell which one is."""
    out: list[Known] = []
    for name, table in result[2].items():
        published = table.published
        if not published.comparator or published.unit != "count" or not published.of_people:
            continue
        rows = [k for k, v in table.values.items() if k not in table.hidden and v == v]
        own = [k for k in rows if area and same_label(k[0]) == same_label(area)]
        for key in own or rows:
            years = years_named(key[1]) if len(key) > 1 else frozenset()
            when = (("at", published.date) if published.date
                    else ("over", f"{period.start}..{period.end} "))
            out.append(Known((period.key, "table", name, key), table.values[key], False,
                              published.counts, published.date, when, whole=True, years=years))
    return out


def _one_count(site: Site, versions: dict[str, tuple[Suppressed, list[Suppressed]]]
               ) -> dict[Ref, Ref]:
    """Places that are one count, each mapped to the one that names it: a metric that is one
    cell (children in care: the legal status Total) is that cell; a declared `same` of one
    number and one cell or printed margin is one count, so that a declaration naming either
    settles what the other takes part in (a stock and flow declared with its end figure, and
    the table Total it is declared the same as)."""
    same: dict[Ref, Ref] = {}
    for key in site.periods:
        for name, raw in versions[key][0].raws.items():
            terms = [t for p in raw.result.parts for t in terms_of(p)] if raw.result else []
            if len(terms) == 1 and raw.result is not None and raw.result.numerator is None:
                kind, n, k = terms[0]
                same[(key, kind, n, k)] = (key, "figure", name, ())
    for period in site.periods.values():
        for rel in period.relations:
            if rel.kind == "same" and len(rel.terms) == 2:
                one, other = (relation_refs(period, t) for t in rel.terms)
                if len(one) == 1 and len(other) == 1:
                    same[other[0][1]] = same.get(one[0][1], one[0][1])
    return same


def undeclared(site: Site, versions: dict[str, tuple[Suppressed, list[Suppressed]]],
               area: str = "", small: int = 5) -> list[Finding]:
    """Fail closed where the data looks related but declares nothing: a published count
    (a figure, a table's printed Total, or a comparator's count for the council, `area`)
    equal to a hidden count of the same time (in any report), a hidden cell or a margin the
    table does not print with one among its cells, or counts that fit a stock and flow with
    one of them hidden. Each is a problem until a `same`, `stock_flow` or `distinct` relation
    says which it is (docs/data-format.md, Relations)."""
    known = {key: _known(site.periods[key], versions[key][0]) for key in site.periods}
    settled = {key: _declared(site.periods[key]) for key in site.periods}

    alone = {ref for key, period in site.periods.items() for rel in period.relations
             if rel.kind == "distinct" and len(rel.terms) == 1
             for _, ref in relation_refs(period, rel.terms[0])}

    same = _one_count(site, versions)

    def canonical(refs: Iterable[Ref]) -> set[Ref]:
        return {same.get(r, r) for r in refs}

    def is_settled(parts: list[Known]) -> bool:
        """Declared together in one relation, or every hidden one declared distinct alone."""
        refs = canonical(r for k in parts for r in k.places)
        if all(r in alone for k in parts if k.hidden for r in k.places):
            return True
        keys = {current_version(r[0]) for r in refs}
        return any(refs <= canonical(group) for k in keys for group in settled.get(k, ()))

    def linked(a: Known, b: Known) -> bool:
        """Of tables naming one population: the audit links their margins."""
        return a.population is not None and a.population == b.population

    findings: list[Finding] = []
    everything = [k for items in known.values() for k in items]
    hidden_by_value: dict[float, list[Known]] = {}
    for item in everything:
        if item.hidden:
            hidden_by_value.setdefault(item.value, []).append(item)
    # Published figures, and tables' printed grand totals (a population of its own: the 12
    # children on placement orders beside a hidden Placement order cell).
    comparators = [k for key in site.periods
                   for k in _comparator_counts(site.periods[key], versions[key][0], area)]
    for shown in [*(k for k in everything if not k.hidden and k.whole), *comparators]:
        for hidden in hidden_by_value.get(shown.value, ()):
            if (hidden.same_time(shown) and not is_settled([shown, hidden])
                    and not (hidden.members and linked(shown, hidden))):
                findings.append(Finding(
                    shown.ref[0], shown.ref[2], (), 0, 0, "undeclared",
                    through=(f"{_place(shown, site)} is the same number as "
                             f"{_place(hidden, site)}; {_HINT}",)))
    findings += _cell_findings(site, versions, is_settled)
    findings += sum_findings(site, versions, is_settled)
    findings += mean_findings(site, versions, small)
    for key, period in site.periods.items():
        before = period.preceding(site.periods)
        findings += _stock_flow_lookalikes(period, known[key], known[before.key] if before else [],
                                           site, is_settled)
    return findings


def _cell_findings(site: Site, versions: dict[str, tuple[Suppressed, list[Suppressed]]],
                   is_settled: Callable[[list[Known]], bool]) -> list[Finding]:
    """A problem for each two tables with a shown cell a reader could take for a hidden one
    (lookalike_cells), naming the first such pair no declaration settles."""
    pending: dict[tuple[tuple[str, str], tuple[str, str]], list[tuple[Known, Known, str]]] = {}
    for pair in cell_lookalikes(site, versions):
        shown, hidden = (Known(pair.shown, pair.shown_value, False, ""),
                         Known(pair.hidden, pair.hidden_value, True, ""))
        if not is_settled([shown, hidden]):
            pending.setdefault(pair.tables, []).append((shown, hidden, pair.how))
    found = []
    for ((va, a), (vb, b)), pairs in pending.items():
        shown, hidden, how = pairs[0]
        more = f" (and {len(pairs) - 1} more such pairs)" if len(pairs) > 1 else ""
        missing = " and ".join(f"'{n}' ({v})" for v, n in ((va, a), (vb, b))
                               if not site.periods[v].tables[n].population)
        found.append(Finding(shown.ref[0], shown.ref[2], (), 0, 0, "undeclared", through=(
            f"{_place(shown, site)} is shown and {_place(hidden, site)}, of the same time, is "
            f"hidden: {how}{more}, and {missing} name{'s' if ' and ' not in missing else ''} "
            "no 'population', so nothing links them. Give both tables a 'population:' name, "
            "the same one if they count the same children (they are then protected together) "
            "and different ones if they do not; or declare the two cells under 'relations:': "
            "'same' if they are one number, 'distinct' if they are not (with a 'reason:' a "
            "reviewer can check)",)))
    return found


def unbalanced_declarations(site: Site, found: Iterable[Finding]) -> list[Finding]:
    """Stock-and-flow relations whose raw figures are further from balancing than their
    tolerance: the declaration contradicts the numbers, even where a hidden flow would let
    the published ones fit. Those the audit `found` from the published numbers alone are
    not reported twice."""
    reported = {r for f in found if f.kind == "contradiction" for r in f.relations}
    out = []
    for period, rel, difference in unbalanced(site):
        why = stock_flow_why(period, rel)
        if why in reported:
            continue
        declared = (f"its tolerance of {rel.tolerance:g}" if rel.tolerance else
                    "no tolerance (they must balance exactly)")
        out.append(Finding(period.key, "", (), 0, 0, "contradiction", through=(
            f"{why.removeprefix(f'{period.key}: ')}: start + in − out − end on the source's own "
            f"figures is {difference:g} from balancing, but the relation declares {declared}",),
            relations=(why,)))
    return out
