"""The `relations:` of a period.yaml, and the ties a percentage or rate must declare.

Independent of Pelican.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .load_entries import PER, RATE_UNITS, check_selector, parse_selector, read_reason
from .load_fields import FORMAT_DOC, FieldReader
from .load_shares import check_shares_of_cells
from .metrics import select
from .model import (
    PEOPLE,
    RELATION_KINDS,
    TOTAL,
    Figure,
    Period,
    Relation,
    RelationKind,
    RelationTerm,
    Table,
    Where,
)
from .problems import Problems
from .yamlio import LinedDict, LinedList

RELATION_HINT = "see 'Relations' in " + FORMAT_DOC


def _relation_term(ctx: FieldReader, key: str, raw: Any) -> RelationTerm | None:
    previous = isinstance(raw, str) and raw.startswith("previous.")
    sel = parse_selector(ctx, key, raw[len("previous."):] if previous else raw)
    return RelationTerm(sel, previous) if sel is not None else None


def _relation_terms(ctx: FieldReader, key: str) -> tuple[RelationTerm, ...]:
    raw = ctx.m.get(key, [])
    items = raw if isinstance(raw, list) else [raw]
    return tuple(t for item in items if (t := _relation_term(ctx, key, item)) is not None)


def parse_relations(ctx: FieldReader, raw: Any) -> list[Relation]:
    """The `relations:` list of a period.yaml: facts a reader can combine (docs/data-format.md)."""
    if not isinstance(raw, LinedList):
        ctx.problem("relations", "'relations' must be a list", "start each relation with '- '")
        return []
    out: list[Relation] = []
    for index, entry in enumerate(raw):
        line = raw.line_of(index)
        field = f"relations[{index + 1}]"
        kinds = [k for k in RELATION_KINDS if isinstance(entry, Mapping) and k in entry]
        if not isinstance(entry, LinedDict) or len(kinds) != 1:
            ctx.problems.add(ctx.file, "each relation starts with one of: "
                             + ", ".join(RELATION_KINDS), RELATION_HINT, line=line, field=field)
            continue
        kind = kinds[0]
        sub = ctx.sub(field, entry, f"relations.{kind}")
        sub.path = field
        sub.unknown_keys()
        rel = _relation(sub, kind, entry, Where(ctx.file, line))
        sub.finish()
        if rel is not None:
            out.append(rel)
    return out


def _relation(sub: FieldReader, kind: RelationKind, entry: LinedDict,
              where: Where) -> Relation | None:
    """One relation of the kind `kind`, or None (with its problem) if it cannot be used."""
    if kind == "stock_flow":
        start, end = (_relation_term(sub, k, entry.get(k)) if k in entry else None
                      for k in ("start", "end"))
        if start is None or end is None:
            sub.problem(None, "a stock_flow relation needs 'start' and 'end' (and 'in' and "
                        "'out')", RELATION_HINT)
            return None
        tolerance = sub.number("tolerance") or 0.0
        return Relation(kind, str(entry["stock_flow"]), where, start=start, end=end,
                        inflow=_relation_terms(sub, "in"),
                        outflow=_relation_terms(sub, "out"), tolerance=tolerance)
    if kind == "same":
        figure = _relation_term(sub, "same", entry["same"])
        cell = _relation_term(sub, "as", entry.get("as"))
        if figure is None or cell is None:
            sub.problem("same", "a 'same' relation names a figure (or a table cell, such as a "
                        "comparator's value for the council), and 'as' the table cell or "
                        "margin it equals", RELATION_HINT)
            return None
        return Relation(kind, figure.selector.figure or figure.selector.describe(), where,
                        terms=(figure, cell))
    if kind == "hierarchy":
        group, members = entry.get("hierarchy"), entry.get("members")
        if (not isinstance(group, str) or not isinstance(members, list) or not members
                or not all(isinstance(m, str) for m in members)):
            sub.problem("members", "a 'hierarchy' relation names a group category and lists "
                        "its 'members' (categories)", RELATION_HINT)
            return None
        return Relation(kind, group, where, members=tuple(members))
    if kind == "distinct":
        terms = _relation_terms(sub, "distinct")
        if not terms:
            sub.problem("distinct", "a 'distinct' relation lists the figures or table "
                        "selections it is about", RELATION_HINT)
            return None
        reason = read_reason(sub, "reason")
        if not reason:
            # It switches a fail-closed check off: a reviewer must be able to check why.
            sub.problem("reason", "a 'distinct' relation must say why the numbers are not "
                        "related", "add 'reason: <why>' in words (e.g. 'children who "
                        "identify as trans are some of those who entered, not a flow of "
                        "their own'); " + RELATION_HINT)
            return None
        return Relation(kind, reason, where, terms=terms)
    # kind == 'rate'
    rate = _relation_term(sub, "rate", entry["rate"])
    population = _relation_term(sub, "population", entry.get("population"))
    if rate is None or population is None:
        sub.problem("population", "a 'rate' relation needs the rate and the "
                    "'population' it is per", RELATION_HINT)
        return None
    per = sub.number("per") or 0.0  # 0: as the rate's unit says
    counts = sub.choice("counts", PEOPLE)
    return Relation(kind, rate.selector.describe(), where, rate=rate, population=population,
                    per=per, counts=counts)


def check_relations(period: Period, problems: Problems) -> None:
    """Problems where relations name what the period lacks, and where percentages and rates
    are not tied to their counts."""
    for index, relation in enumerate(period.relations):
        field = f"relations[{index + 1}]"
        for term in relation.all_terms():
            sel = term.selector
            if term.previous:
                if sel.figure is None:
                    problems.add(relation.where.file, "'previous.' names a figure of the "
                                 "previous period, not a table", RELATION_HINT,
                                 line=relation.where.line, field=field)
                if not period.previous:
                    problems.add(relation.where.file, "'previous.' needs the period's "
                                 "'previous' field", "add 'previous: <period>'",
                                 line=relation.where.line, field=field)
                continue  # checked against the previous period when the site is published
            if sel.figure is not None and sel.figure in period.metrics:
                continue
            check_selector(period, sel, relation.where, field, problems)
    for name, fig in period.figures.items():
        _check_percent_ties(period, name, fig, problems)
    _check_rate_ties(period, problems)
    check_shares_of_cells(period, problems)


def _check_rate_ties(period: Period, problems: Problems) -> None:
    """A rate per 10,000 children is a count of children per 10,000 of a population: beside
    that population (published here, or public anywhere) it gives the count, 0.3 per 10,000
    of 125,400 children is 4 (red-team findings). So:

    * a `rate` relation names one rate (a figure, or one cell of a table), per what its unit
      says, of a population the period gives as a number;
    * a rate figure that says `counts: none` is the rate of a relation, or says why no count
      of children can be worked out from it (`not_people:`);
    * so is every cell of a rate table; in a comparator, every year of each area one of whose
      cells is tied (the council's own: other areas' rates are of other children)."""
    tied: dict[str | None, set[tuple[str, ...]]] = {}
    for index, rel in enumerate(period.relations):
        if rel.kind != "rate" or rel.rate is None or rel.rate.previous:
            continue
        line, at = rel.where.line, f"relations[{index + 1}]"
        sel = rel.rate.selector
        if sel.figure is not None:
            fig = period.figures.get(sel.figure)
            tied.setdefault(None, set()).add((sel.figure,))
            unit = fig.unit if fig is not None else None
        else:
            table = period.tables.get(sel.table or "")
            if table is None:
                continue  # reported by check_selector
            cells = select(period, sel).cells  # the cells a reader would take it for
            if len(cells) != 1:
                problems.add(rel.where.file, f"the rate names {len(cells)} cells of "
                             f"'{table.name}'; a rate relation is about one rate, per one "
                             "population", "name one cell ('where:' with a category of every "
                             "dimension, e.g. the council and one year), and give each other "
                             "year its own relation and that year's population; "
                             + RELATION_HINT, line=line, field=at)
                continue
            tied.setdefault(table.name, set()).update(cells)
            unit = table.unit
        if unit in PER and rel.per and rel.per != PER[unit]:
            problems.add(rel.where.file, f"'per: {rel.per:g}' but the rate is in '{unit}', "
                         f"per {PER[unit]:,.0f}", "remove 'per' (it follows the unit), or "
                         "correct the rate's unit; " + RELATION_HINT, line=line, field=at)
        elif not rel.per:
            period.relations[index] = replace(rel, per=PER.get(unit or "", 10000.0))
        population = (period.figures.get(rel.population.selector.figure or "")
                      if rel.population is not None and not rel.population.previous else None)
        if population is not None and population.value is None:
            problems.add(rel.where.file, f"the population '{population.name}' is not given "
                         "([x]), but a child population is public anyway (ONS mid-year "
                         "estimates), so the rate still gives its count away",
                         "give the population as a figure with its source (e.g. 'source: ONS "
                         "mid-year estimates 2021'); the audit then protects the count behind "
                         "the rate", line=line, field=at)
    hint = ("if a population it is per is published, or public (the ONS mid-year estimate of "
            "the children living in the area), declare each rate under 'relations:' ('- rate: "
            "<the rate>', 'population: <the figure>', 'counts: children'), and the audit "
            "protects the count behind it; if no count of children can be worked out from it "
            "(a rate the DfE publishes for the whole council area, of counts in the hundreds), "
            "say 'counts: none' and why in words: 'not_people: <reason>' (see 'Relations' in "
            f"{FORMAT_DOC})")
    for name, fig in period.figures.items():
        if (fig.unit in RATE_UNITS and fig.counts in ("none", *PEOPLE) and not fig.not_people
                and (name,) not in tied.get(None, set())):
            problems.add(fig.where.file, "a rate per 10,000 children is a count of children "
                         "over a population: it must be tied to the population or say why "
                         "no count can be worked out from it", hint,
                         line=fig.where.line, field=f"figures.{name}.counts")
    for name, table in period.tables.items():
        if not _needs_rate_ties(table):
            continue
        section = "comparators" if table.comparator else "tables"
        keys = [key for key, _, _, _ in table.rows if TOTAL not in key]
        done = tied.get(name, set())
        areas = {k[0] for k in done}
        need = [k for k in keys if k[0] in areas] if table.comparator else keys
        untied = [k for k in need if k not in done]
        if done and not untied:
            continue
        kind = "percentages" if table.unit == "percent" else "rates per 10,000 children"
        what = (f"'{name}' gives {kind}, counts of children over a "
                "population: " + ("it must be tied to the population or say why no count "
                                  "can be worked out from it" if not done else
                                  "every rate of " + ("the area it ties" if table.comparator
                                                      else "it") + " must be tied to its "
                                  "population, but " + ", ".join(
                                      "[" + ", ".join(k) + "]" for k in untied[:4])
                                  + (" …" if len(untied) > 4 else "") + " is not"))
        if table.counts in PEOPLE:
            what += (f" (it says 'counts: {table.counts}', but a comparator has no base: "
                     "nothing in it is suppressed or audited without the tie)")
        problems.add(table.where.file, what, hint, line=table.where.line,
                     field=f"{section}.{name}.counts")


def _needs_rate_ties(table: Table) -> bool:
    """A rate table that says it counts no one, and a comparator of percentages or rates that
    says it counts children or records (a comparator has no base: 7.6% of the 1,061 children
    in care is 81, a red team's finding), must tie its rates to their populations."""
    if table.unit in RATE_UNITS and table.counts == "none":
        return not table.not_people
    return table.comparator and table.unit in PER and table.counts in PEOPLE


def _half_of_last_digit(value: float) -> float:
    """Half a unit of a printed number's last decimal place: 97.8 is 97.75 to 97.85."""
    for decimals in range(4):
        if math.isclose(value, round(value, decimals), abs_tol=1e-9):
            return 0.5 * 10.0 ** -decimals
    return 0.5e-4


def _share_matches(percent: float, part: float, whole: float) -> bool:
    return whole > 0 and abs(part / whole * 100 - percent) <= _half_of_last_digit(percent) + 1e-9


def _check_percent_ties(period: Period, name: str, fig: Figure, problems: Problems) -> None:
    """A percentage's `of` and `part` name count figures of the period that it is the share
    of; and where the period has a count that is the share, `part` must name it (or a
    `distinct` relation say it is another count), so the audit knows they are one number."""
    whole = period.figures.get(fig.of) if fig.of else None
    if fig.of is not None and (whole is None or whole.unit != "count" or whole.counts not in PEOPLE):
        problems.add(fig.where.file, f"'of: {fig.of}' must name a count figure of children or "
                     "records in this period", "see 'Figures' in " + FORMAT_DOC,
                     field=f"figures.{name}.of", line=fig.where.line)
        whole = None
    if fig.part is not None:
        part = period.figures.get(fig.part)
        if part is None or part.unit != "count" or part.counts not in PEOPLE or fig.part == fig.of:
            problems.add(fig.where.file, f"'part: {fig.part}' must name a count figure of children "
                         "or records in this period, other than 'of'", "see 'Figures' in "
                         + FORMAT_DOC, field=f"figures.{name}.part", line=fig.where.line)
        elif whole is not None and part.counts != whole.counts:
            problems.add(fig.where.file, f"'part: {fig.part}' counts {part.counts} but 'of: "
                         f"{fig.of}' counts {whole.counts}", "a share and its whole count the "
                         "same things; check both names", field=f"figures.{name}.part", line=fig.where.line)
        elif (whole is None and fig.value is not None and part.value is not None
              and (part.value > 0) != (fig.value > 0)):
            problems.add(fig.where.file, f"'{fig.part}' is {part.value:g} but the percentage "
                         f"is {fig.value:g}%", "check both against the source: a share of none "
                         "is 0% and 0% is a share of none", field=f"figures.{name}.part", line=fig.where.line)
        elif (whole is not None and fig.value is not None and part.value is not None
              and whole.value is not None
              and not _share_matches(fig.value, part.value, whole.value)):
            problems.add(fig.where.file, f"'{fig.part}' ({part.value:g}) is "
                         f"{part.value / whole.value * 100 if whole.value else 0:.2f}% of "
                         f"'{fig.of}' ({whole.value:g}), not {fig.value:g}%",
                         "check the three figures against the source: the percentage, as "
                         "printed, must be 'part' out of 'of'", field=f"figures.{name}.part",
                         line=fig.where.line)
        return
    if whole is None or fig.value is None or whole.value is None:
        return
    settled = {frozenset(t.selector.figure for t in r.terms if t.selector.figure)
               for r in period.relations if r.kind == "distinct"}
    for other_name, other in period.figures.items():
        if (other_name == fig.of or other.unit != "count" or other.counts != whole.counts
                or other.value is None or other.value > whole.value or other.value <= 0
                or other.date != fig.date or other.covers != fig.covers
                or any({name, other_name} <= names for names in settled)
                or not _share_matches(fig.value, other.value, whole.value)):
            continue
        problems.add(fig.where.file, f"'{other_name}' ({other.value:g}) is {fig.value:g}% of "
                     f"'{fig.of}' ({whole.value:g}): is it the count this percentage is the "
                     "share of?", f"if it is, add 'part: {other_name}' to the figure, so the "
                     "audit knows they are one number; if it is another count that happens to "
                     f"match, say so under 'relations:': '- distinct: [{name}, {other_name}]' with "
                     "'reason: <why>'",
                     field=f"figures.{name}", line=fig.where.line)
