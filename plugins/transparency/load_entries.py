"""Figures, targets, metrics and printed figures of a period.yaml, and the rules they share:
units and what a number counts, `not_people` reasons, selectors and standard measures.

Independent of Pelican.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from . import presets
from .load_fields import FORMAT_DOC, FieldReader, is_placeholder
from .model import (
    COUNTS,
    METRIC_TYPES,
    PEOPLE,
    TWO_PART,
    UNITS,
    Figure,
    MetricSpec,
    Period,
    Printed,
    Selector,
    Target,
    Where,
)
from .problems import Problems
from .schema import CHANGES, DIRECTIONS
from .terms import PEOPLE_DIMENSIONS, Counts, Unit
from .yamlio import LinedDict, LinedList


def unit_counts(ctx: FieldReader, percent_table: bool = False, has_base: bool = False,
                 percent_of: bool = False) -> tuple[Unit, Counts]:
    """The unit and what it counts. `percent_of`: a figure, whose percentage may be of children
    or records (then it says `of:` which count) or of no one (then it is tied to its counts or
    says why not: `parse_figure`, `load_relations._check_percent_ties`). `percent_table`: a table, whose
    percentages of children or records need a `base` (checked by the caller)."""
    unit = ctx.choice("unit", UNITS)
    counts = ctx.choice("counts", COUNTS)
    if percent_of and unit == "percent" and counts != "staff":
        return unit, counts
    if percent_table and unit == "percent" and counts != "staff":
        if has_base and counts == "none" and "counts" in ctx.m:
            ctx.problem("counts", "a percentage table with a 'base' describes children or records",
                        "set 'counts: children' or 'counts: records'")
        return unit, counts
    if unit == "count" and counts == "none" and "counts" in ctx.m:
        ctx.problem("counts", "a figure with unit 'count' must count children, records or staff",
                    "set 'counts: children' or 'counts: records' (counts of people are suppressed "
                    "when small), or 'counts: staff' for posts or people at work")
    if unit != "count" and counts == "staff" and "counts" in ctx.m:
        ctx.problem("counts", "'counts: staff' is for whole counts of posts or people at work",
                    "set 'unit: count', or 'counts: none' for FTE, rates and percentages")
    elif unit != "count" and counts != "none" and "counts" in ctx.m:
        ctx.problem("counts", f"a figure with unit '{unit}' is not a count of individuals",
                    "set 'counts: none'")
    return unit, counts


def read_reason(ctx: FieldReader, key: str) -> str:
    """A reason given in words (`not_people: ...`), or '' when there is none."""
    value = ctx.m.get(key)
    if value is None or is_placeholder(value):
        return ""
    if not isinstance(value, str) or not value.strip():
        ctx.problem(key, f"'{key}' must say why, in words",
                    f"write the reason as text after '{key}:' (see {FORMAT_DOC})")
        return ""
    return " ".join(value.split())


def describes_people(dimensions: Mapping[str, str]) -> list[str]:
    """The dimensions whose name or label says their categories are people's characteristics
    (age, gender, ethnicity, legal status, placement ...: terms.PEOPLE_DIMENSIONS)."""
    found = []
    for name, label in dimensions.items():
        text = " " + " ".join(re.sub(r"[\W_]+", " ", f"{name} {label}".lower()).split()) + " "
        if any(f" {word} " in text for word in PEOPLE_DIMENSIONS):
            found.append(name)
    return found


NOT_PEOPLE_HINT = ("if it is about children or their records, say so ('counts: children' or "
                   "'counts: records'{base}) and small numbers are hidden; if it truly counts "
                   "no one, say why in words: 'not_people: <reason>' (e.g. 'caseloads per "
                   "full-time IRO: a workload of staff, not a number of children'; see 'Units "
                   "and what a number counts' in " + FORMAT_DOC + ")")


def check_not_people(ctx: FieldReader, unit: str, counts: str, dimensions: Mapping[str, str],
                      values: list[float], not_people: str, what: str = "table") -> None:
    """`counts: none` switches small-number suppression off. On a table that looks like people
    (dimensions of people's characteristics, or nothing but whole numbers) it must say why."""
    if not_people and counts not in ("none", "staff"):
        ctx.problem("not_people", f"'not_people' is only for a {what} that says 'counts: none' "
                    "or 'counts: staff'",
                    "remove it: this one counts people, so its small numbers are hidden")
        return
    people = describes_people(dimensions)
    if counts == "staff" and people and not not_people:
        # Staff are people too, but not the ones suppression protects: a table of children
        # declared as staff would publish their small numbers (a red-team finding).
        ctx.problem("counts", f"this {what} says 'counts: staff', so nothing in it is "
                    "suppressed, but its dimensions describe people (" + ", ".join(
                        dimensions[d] for d in people) + ")",
                    "if it counts children or their records, say so ('counts: children' or "
                    "'counts: records') and small numbers are hidden; if it truly counts staff, "
                    "say whose characteristics these are in words: 'not_people: <reason>' (e.g. "
                    "'IROs by length of service') (see 'Units and what a number counts' in "
                    + FORMAT_DOC + ")")
        return
    if counts != "none" or not_people or unit == "count":
        return  # a count that says 'none' is refused by unit_counts
    if unit in RATE_UNITS:
        return  # load_relations._check_rate_ties asks every rate to be tied to its population, or say why
    reasons = []
    if people:
        reasons.append("its dimensions describe people (" + ", ".join(
            f"{dimensions[d]}" for d in people) + ")")
    if values and all(v == int(v) for v in values):
        reasons.append("its values are all whole numbers")
    if unit == "percent" and not reasons:
        # A percentage is a share of some number: of reviews by quarter, say, beside the
        # reviews held gives the late ones (a red-team finding). As for a percentage figure.
        reasons.append("a percentage is a share of some count")
    if reasons:
        ctx.problem("counts", f"this {what} says 'counts: none' (unit '{unit}'), so nothing in it is "
                    f"suppressed, but {' and '.join(reasons)}",
                    NOT_PEOPLE_HINT.format(base=", and 'base:' for percentages"
                                           if unit == "percent" else ""))


def _figure_name(ctx: FieldReader, key: str, unit: str) -> str | None:
    """`of` or `part` of a percentage figure: the name of a count figure of the period."""
    value = ctx.m.get(key)
    if value is None or is_placeholder(value):
        return None
    if unit != "percent" or not isinstance(value, str):
        ctx.problem(key, f"'{key}' names the count figure a percentage is "
                    + ("of" if key == "of" else "the share of"),
                    f"use it on a 'unit: percent' figure: '{key}: "
                    + ("reviews_held'" if key == "of" else "reviews_on_time'"))
        return None
    return value


def parse_figure(ctx: FieldReader, name: str) -> Figure:
    """A figure of `figures:`, its unit, counts and ties to the counts a percentage is of."""
    ctx.unknown_keys()
    unit, counts = unit_counts(ctx, percent_of=True)
    of, part = (_figure_name(ctx, key, unit) for key in ("of", "part"))
    not_people = read_reason(ctx, "not_people")
    if not_people and counts != "none":
        ctx.problem("not_people", "'not_people' is only for a figure that says 'counts: none'",
                    "remove it: this figure counts people, so it is protected when small")
    elif not_people and (of or part):
        ctx.problem("not_people", "a percentage tied to its counts ('of', 'part') is about them",
                    "remove 'not_people', or remove 'of' and 'part' if it truly counts no one")
    if unit == "percent" and counts in PEOPLE and not {"of", "part"} & set(ctx.m):
        ctx.problem("counts", f"a percentage of {counts} must say which count it is of",
                    "add 'of: <the count figure>' (the audit then protects the counts it "
                    "stands for), and 'part: <the count figure>' if the period also gives the "
                    "count it is the percentage of that")
    elif (unit == "percent" and counts == "none"
            and not {"of", "part", "not_people"} & set(ctx.m)):
        ctx.problem("counts", "a percentage that says 'counts: none' must be tied to the count it "
                    "is a percentage of, or say why it counts no one",
                    "if it is a share of children or records, name the count figure it is of "
                    "('of: reviews_held', and 'part: reviews_on_time' if the period gives the "
                    "count it is the share of that; the audit then protects both); if it truly "
                    "is no share of people (a target, a change between periods, a share whose "
                    "counts the source never gives), say why in words: 'not_people: <reason>' "
                    f"(see 'Figures' in {FORMAT_DOC})")
    return Figure(of=of, part=part, not_people=not_people,
        name=name, label=ctx.text("label"),
        value=ctx.number("value", allow_x=True, whole=unit == "count"),
        unit=unit, counts=counts, source=ctx.text("source"), where=Where(ctx.file, ctx.line()),
        date=ctx.date("date"), note=ctx.text("note"),
        sensitive=ctx.boolean("sensitive"), covers=ctx.text("covers"),
        headline=ctx.boolean("headline"),
        definition=ctx.text("definition"), series=_series(ctx))


def _series(ctx: FieldReader) -> str | None:
    """A figure's `series`: only a snapshot (with `date`) is a reading at a date of a measure."""
    series = ctx.text("series") or None
    if series is not None and "date" not in ctx.m:
        ctx.problem("series", "'series' names the measure a snapshot is a reading of, but this "
                    "figure has no 'date'", "give the date it was counted on ('date: 2019-09-30'), "
                    f"or remove 'series' (see 'Figures' in {FORMAT_DOC})")
    return series


def parse_target(ctx: FieldReader, name: str) -> Target:
    """A target of `targets:`: a value with a direction, or a range."""
    ctx.unknown_keys()
    unit = ctx.choice("unit", UNITS)
    value = None
    rng = None
    if "range" in ctx.m:
        raw = ctx.m["range"]
        if is_placeholder(raw) or (isinstance(raw, list) and any(is_placeholder(v) for v in raw)):
            pass  # reported by report_placeholders
        elif (not isinstance(raw, list) or len(raw) != 2
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in raw)
                or raw[0] > raw[1]):
            ctx.problem("range", "'range' must be two numbers, low then high",
                        "write it as 'range: [50, 70]'")
        else:
            rng = (float(raw[0]), float(raw[1]))
        if "value" in ctx.m:
            ctx.problem("value", "a target has either 'value' or 'range', not both",
                        "remove one of them")
    else:
        value = ctx.number("value", required=True)  # declared: required unless `range`
    return Target(name=name, label=ctx.text("label"), unit=unit, source=ctx.text("source"),
                  where=Where(ctx.file, ctx.line()), value=value,
                  direction=ctx.choice("direction", DIRECTIONS),
                  range=rng)


def _parse_where(ctx: FieldReader, key: str, raw: Any) -> tuple[tuple[str, tuple[str, ...]], ...] | None:
    if not isinstance(raw, Mapping) or not raw:
        ctx.problem(key, "'where' must map a dimension to a category or a list of categories",
                    "e.g. where: {code: [PN1, PN2]}")
        return None
    out = []
    for dim, values in raw.items():
        if isinstance(values, (str, int, float)):
            values = [values]
        if not isinstance(values, list) or not values:
            ctx.problem(key, f"the categories for '{dim}' must be text or a list",
                        "e.g. where: {code: [PN1, PN2]}")
            return None
        out.append((str(dim), tuple(str(v) for v in values)))
    return tuple(out)


def parse_selector(ctx: FieldReader, key: str, raw: Any) -> Selector | None:
    """A figure name, or {table: name, where: {...}}, as metrics and relations select."""
    if isinstance(raw, str):
        return Selector(figure=raw)
    if isinstance(raw, Mapping) and "table" in raw and set(raw) <= {"table", "where"}:
        where: tuple[tuple[str, tuple[str, ...]], ...] = ()
        if "where" in raw:
            parsed = _parse_where(ctx, key, raw["where"])
            if parsed is None:
                return None
            where = parsed
        return Selector(table=str(raw["table"]), where=where)
    ctx.problem(key, f"'{key}' must be a figure name or {{table: name, where: {{...}}}}",
                f"see 'Metrics' in {FORMAT_DOC}")
    return None


def apply_preset(ctx: FieldReader, report: str, section: str, name: str) -> None:
    """Fill in what a standard measure of the report kind (presets.py) leaves out; a standard
    figure given another unit, or counting something else, is a problem: it measures
    something else and takes its own name."""
    measure = presets.for_section(report, section).get(name)
    if measure is None:
        return
    for key, value in presets.defaults(measure, section).items():
        given = ctx.m.get(key)
        if given is None:
            ctx.m[key] = value
        elif key in ("unit", "counts") and given != value:
            ctx.problem(key, f"'{name}' is a standard {report} measure with {key} '{value}', "
                        f"not '{given}'", f"remove '{key}:' to use the standard measure, or give "
                        "this figure a name of its own: a standard name means one thing on "
                        "every site (see docs/report-kinds.md)")


def parse_metric(ctx: FieldReader, name: str) -> MetricSpec | None:
    """A metric of `metrics:` and the selectors it is computed from."""
    ctx.unknown_keys()
    mtype = ctx.choice("type", METRIC_TYPES)
    of: list[Selector] = []
    numerator = denominator = None
    if mtype in TWO_PART:
        for key in ("numerator", "denominator"):
            if key not in ctx.m:
                ctx.problem(key, f"a '{mtype}' metric needs '{key}'", f"add '{key}:' with a selector")
        numerator = parse_selector(ctx, "numerator", ctx.m["numerator"]) if "numerator" in ctx.m else None
        denominator = (parse_selector(ctx, "denominator", ctx.m["denominator"])
                       if "denominator" in ctx.m else None)
    else:
        raw = ctx.m.get("of")
        if raw is None:
            ctx.problem("of", f"a '{mtype}' metric needs 'of'", "add 'of:' with a selector")
        else:
            items = raw if (isinstance(raw, list) and mtype == "sum") else [raw]
            for item in items:
                sel = parse_selector(ctx, "of", item)
                if sel:
                    of.append(sel)
    decimals = ctx.m.get("decimals")
    if decimals is not None and (isinstance(decimals, bool) or not isinstance(decimals, int)
                                 or not 0 <= decimals <= 3):
        ctx.problem("decimals", "'decimals' must be a whole number from 0 to 3", "e.g. decimals: 1")
        decimals = None
    target = ctx.m.get("target")
    return MetricSpec(name=name, label=ctx.text("label"), definition=ctx.text("definition"),
                      type=mtype, where=Where(ctx.file, ctx.line()), of=tuple(of),
                      numerator=numerator, denominator=denominator, decimals=decimals,
                      target=str(target) if target is not None else None,
                      headline=ctx.boolean("headline"), covers=ctx.text("covers"))


def parse_printed(ctx: FieldReader, raw: LinedList) -> list[Printed]:
    """The `printed:` list: derived figures the source printed, which tests reproduce."""
    out = []
    for i, item in enumerate(raw):
        if not isinstance(item, LinedDict):
            ctx.problems.add(ctx.file, "each 'printed' entry must be a set of fields",
                             f"see 'Printed figures' in {FORMAT_DOC}", line=raw.line_of(i),
                             field="printed")
            continue
        sub = FieldReader(ctx.problems, ctx.file, item, f"printed[{i + 1}]", "printed")
        sub.unknown_keys()
        value_raw = item.get("value")
        value = sub.number("value")
        decimals = 0
        if value is not None:
            text = repr(value_raw) if isinstance(value_raw, float) else str(value_raw)
            decimals = len(text.split(".")[1]) if "." in text else 0
        metric = item.get("metric")
        of = parse_selector(sub, "of", item["of"]) if "of" in item else None
        if (metric is None) == (of is None):
            sub.problem(None, "a printed entry names either 'metric' or 'of'", "give exactly one")
        out.append(Printed(quote=sub.text("quote"), where_in_source=sub.text("where"),
                           value=value or 0.0, decimals=decimals,
                           change=sub.choice("change", CHANGES),
                           where=Where(ctx.file, item.line), metric=str(metric) if metric else None,
                           of=of, source_error=sub.boolean("source_error")))
        sub.finish()
    return out


def check_selector(period: Period, sel: Selector, where: Where, field: str,
                    problems: Problems) -> None:
    """A problem where a selector names no figure, table, dimension or category of the period."""
    if sel.figure is not None:
        if sel.figure not in period.figures:
            problems.add(where.file, f"there is no figure named '{sel.figure}'",
                         f"use one of: {', '.join(sorted(period.figures)) or '(none)'}",
                         line=where.line, field=field)
        return
    table = period.tables.get(sel.table or "")
    if table is None and sel.table in period.unreadable:
        return  # its CSV problem is already reported; a second message would mislead
    if table is None:
        problems.add(where.file, f"there is no table named '{sel.table}'",
                     f"use one of: {', '.join(sorted(period.tables)) or '(none)'}",
                     line=where.line, field=field)
        return
    for dim, values in sel.where:
        if dim not in table.dimensions:
            problems.add(where.file, f"table '{table.name}' has no dimension '{dim}'",
                         f"use one of: {', '.join(table.dims)}", line=where.line, field=field)
            continue
        present = set(table.frame[dim])
        for value in values:
            if value not in present:
                problems.add(where.file, f"'{value}' is not a category of '{dim}' in table "
                             f"'{table.name}'", "write the category exactly as in the CSV",
                             line=where.line, field=field)


RATE_UNITS = {"rate_per_10000": 10000.0}  # a rate's unit, and the `per` it is a count over
PER = {**RATE_UNITS, "percent": 100.0}
