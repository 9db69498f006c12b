"""Choosing a council's comparators from an EES release: the filters, the council, its region,
its statistical neighbours (the mean of ten, or `x` with a note) and England, over the
period's years; each indicator as a period.yaml `comparators:` entry (ees.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .ees_read import SYMBOLS, YEARLY, Capped, Cell, Indicator, Release, parse_cell, period_year, year_label
from .load_fields import NAME_RE
from .problems import Problems
from .settings import Config
from .terms import (
    NEW_LA_CODE_PATTERN,
    OLD_LA_CODE_PATTERN,
    UNITS,
)

DOC = "docs/comparators.md"
SYMBOLS_HINT = ("a number (digits, a decimal point, no commas) or one of the DfE's symbols: "
                + ", ".join(f"{s} ({m})" for s, m in SYMBOLS.items())
                + "; older files also use : (not available), ~ and k (rounds to 0)")
NATIONAL, REGIONAL, LOCAL = "National", "Regional", "Local authority"
# A children's services council: a unitary (E06), metropolitan district (E08), London borough
# (E09) or county (E10), or its three-digit old code.
NEW_LA_CODE = re.compile(NEW_LA_CODE_PATTERN)
OLD_LA_CODE = re.compile(OLD_LA_CODE_PATTERN)
OTHER_CODES = {"E92": "England", "E12": "a region", "E13": "Inner or Outer London",
               "E07": "a district council, which has no children's services"}
NEIGHBOURS = 10
NEIGHBOURS_LABEL = "Statistical neighbours"
# A comparator's unit from the meta file's indicator_unit; '' (a number) is told from the name.
META_UNITS = {"%": "percent"}
RATE_WORDS = re.compile(r"per[\s_]*10[,_]?000|per_10k|rate_per", re.IGNORECASE)
COUNT_WORDS = re.compile(r"(^|_)(count|number|num|total)$|^number of\b", re.IGNORECASE)


def _code_problem(code: str) -> str:
    """Why a code cannot be a children's services council's, or '' if it can."""
    if NEW_LA_CODE.fullmatch(code) or OLD_LA_CODE.fullmatch(code):
        return ""
    other = OTHER_CODES.get(code[:3])
    if other and re.fullmatch(r"E\d{8}", code):
        return f"'{code}' is the code of {other}, not of a council with children's services"
    return (f"'{code}' is not a local-authority code: the DfE's new codes are E06, E08, E09 or "
            "E10 and six digits (E08000032), its old codes three digits (380)")


@dataclass
class Council:
    code: str
    role: str  # "the council" or "statistical neighbour 3"
    setting: str  # its place in the settings, for messages
    name: str = ""
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def council_areas(config: Config, settings_file: str, problems: Problems) -> list[Council]:
    """The council and its neighbours from the settings, each code checked; the number of
    neighbours, duplicates and the council among its own neighbours are problems too."""
    key = "TRANSPARENCY"
    out: list[Council] = []
    if not config.la_code:
        problems.add(settings_file, "the council's code is not set",
                     f"set {key}['LA_CODE'] to the council's code in the DfE's statistics, e.g. "
                     f"'E08000032' or '380' (see {DOC})", field=f"{key}['LA_CODE']")
    else:
        out.append(Council(config.la_code, "the council", f"{key}['LA_CODE']"))
    neighbours = config.statistical_neighbours
    if len(neighbours) != NEIGHBOURS:
        problems.add(settings_file, f"there are {len(neighbours)} statistical neighbours, not "
                     f"{NEIGHBOURS}", f"list the {NEIGHBOURS} codes the DfE's children's services "
                     f"statistical neighbour benchmarking tool gives for the council, in "
                     f"{key}['STATISTICAL_NEIGHBOURS'] (see {DOC})",
                     field=f"{key}['STATISTICAL_NEIGHBOURS']")
    seen: dict[str, str] = {}
    for i, code in enumerate(neighbours, start=1):
        setting = f"{key}['STATISTICAL_NEIGHBOURS'][{i - 1}]"
        if code == config.la_code:
            problems.add(settings_file, f"'{code}' is the council's own code, not a neighbour's",
                         "list the council's neighbours only", field=setting)
            continue
        if code in seen:
            problems.add(settings_file, f"'{code}' is listed twice (also as {seen[code]})",
                         "list each neighbour once", field=setting)
            continue
        seen[code] = f"neighbour {i}"
        out.append(Council(code, f"statistical neighbour {i}", setting))
    for council in out:
        why = _code_problem(council.code)
        if why:
            problems.add(settings_file, why, "copy the code from the DfE's statistics or its "
                         f"benchmarking tool (see {DOC})", field=council.setting)
    return [c for c in out if not _code_problem(c.code)]


def _choose_filters(release: Release, given: Mapping[str, str],
                    problems: Problems) -> dict[str, str] | None:
    """The value of every filter column: as given, else its 'Total' where the column has
    several values, else a problem asking which."""
    ok = True
    for column, value in given.items():
        if column not in release.filters:
            problems.add(release.path, f"the file has no filter column '{column}'",
                         "name one of its filter columns: " + (", ".join(release.filters)
                                                               or "(it has none)"),
                         line=1, row_label="row", field=column)
            ok = False
        elif not any(row[column] == value for _, row in release.rows):
            values = _distinct(row[column] for _, row in release.rows)
            problems.add(release.path, f"no row has '{value}' in '{column}'",
                         f"use one of: {_listing(values)} (spelt exactly so)", line=1,
                         row_label="row", field=column)
            ok = False
    if not ok:
        return None
    chosen = dict(given)
    pool = [row for _, row in release.rows
            if row["geographic_level"] in (NATIONAL, REGIONAL, LOCAL)
            and all(row[c] == v for c, v in given.items())]
    for column in release.filters:
        if column in chosen:
            continue
        values = _distinct(row[column] for row in pool)
        if len(values) <= 1:
            continue
        total = next((v for v in values if v.lower() == "total"), None)
        if total is None:
            unnamed = ("" if column in release.meta_filters else " (the meta file does not "
                       "name it, so check the two files are of one release)")
            problems.add(release.path, f"the rows differ by '{column}', which has no Total",
                         f"say which to compare: --filter {column}=VALUE, with one of: "
                         f"{_listing(values)}{unnamed}", line=1, row_label="row", field=column)
            ok = False
            continue
        chosen[column] = total
        pool = [row for row in pool if row[column] == total]
    return chosen if ok else None


def _distinct(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _listing(values: Sequence[str]) -> str:
    shown = ", ".join(f"'{v}'" for v in values[:12])
    return shown + (f" and {len(values) - 12} more" if len(values) > 12 else "")


def _select(rows: Iterable[tuple[int, dict[str, str]]], filters: Mapping[str, str],
            level: str, **match: str) -> list[tuple[int, dict[str, str]]]:
    return [(n, row) for n, row in rows
            if row["geographic_level"] == level and all(row[c] == v for c, v in filters.items())
            and all(row[c] == v for c, v in match.items())]


def _by_year(rows: list[tuple[int, dict[str, str]]]) -> dict[str, list[tuple[int, dict[str, str]]]]:
    out: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for number, row in rows:
        out.setdefault(row["time_period"], []).append((number, row))
    return out


@dataclass
class _Area:
    label: str
    what: str  # for messages: "the council (E09999001)", "the region (E12999001)"
    rows: dict[str, list[tuple[int, dict[str, str]]]]  # by time_period


def _one_row(release: Release, area: _Area, year: str, problems: Problems
             ) -> tuple[int, dict[str, str]] | None:
    rows = area.rows.get(year, [])
    if not rows:
        problems.add(release.path, f"{area.what} has no row for {year_label(year)}",
                     f"use the release that covers {year_label(year)}, or choose the years to "
                     "compare with --year", field="time_period")
        return None
    if len(rows) > 1:
        numbers = ", ".join(str(n) for n, _ in rows[:6])
        problems.add(release.path, f"{len(rows)} rows match {area.what} in {year_label(year)} "
                     f"(rows {numbers})", "they differ in a column that is not a filter the "
                     "meta file names; check this is the DfE's file as published",
                     line=rows[1][0], row_label="row")
        return None
    return rows[0]


# --- the comparators ------------------------------------------------------------------------

def _unit(release: Release, indicator: Indicator, unit: str | None, problems: Problems) -> str:
    if unit:
        return unit
    if indicator.unit in META_UNITS:
        return META_UNITS[indicator.unit]
    if indicator.unit:
        problems.add(release.meta_path, f"'{indicator.name}' is in '{indicator.unit}', which the "
                     "site does not publish", "comparators are counts, rates per 10,000 and "
                     "percentages: choose another indicator", line=indicator.row, row_label="row",
                     field="indicator_unit")
        return ""
    words = f"{indicator.name} {indicator.label}"
    if RATE_WORDS.search(words):
        return "rate_per_10000"
    if COUNT_WORDS.search(indicator.name) or COUNT_WORDS.search(indicator.label):
        return "count"
    problems.add(release.meta_path, f"the meta file gives '{indicator.name}' no unit, and its "
                 f"name and label ('{indicator.label}') do not say whether it is a count or a rate",
                 "say which with --unit count, --unit rate_per_10000 or --unit percent",
                 line=indicator.row, row_label="row", field="indicator_unit")
    return ""


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def neighbours_mean(written: Sequence[str], unit: str) -> int | float:
    """The mean of figures as the file writes them, worked out exactly and rounded half up:
    counts to a whole number, others to one decimal place finer than the finest of them."""
    numbers = [Decimal(text) for text in written]
    finest = max(max(0, -int(n.as_tuple().exponent)) for n in numbers)
    places = 0 if unit == "count" else finest + 1
    mean = (sum(numbers, Decimal(0)) / len(numbers)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return _number(float(mean))


REASONS = {
    "rate_per_10000": "A rate per 10,000 children that the Department for Education publishes "
                      "for whole council areas, regions and England: public already, and no "
                      "count of children in any group of this report can be worked out from it.",
    "percent": "A percentage that the Department for Education publishes for whole council "
               "areas, regions and England: public already, and no count of children in any "
               "group of this report can be worked out from it.",
}


def comparators_from(release: Release, indicators: Sequence[str], filters: Mapping[str, str],
                     config: Config, years: Sequence[str] | None, period_end: dt.date | None,
                     problems: Problems, *, unit: str | None = None, counts: str = "children",
                     name: str | None = None, settings_file: str = "pelicanconf.py"
                     ) -> dict[str, dict[str, Any]]:
    """The comparators for `indicators` from a release, as period.yaml holds them: the
    council, its region, its statistical neighbours (their mean) and England. Every problem
    goes to `problems` (as many as can be found at once); what is returned is empty unless
    there are none."""
    councils = council_areas(config, settings_file, problems)
    wanted = _wanted(release, indicators, problems)
    if name is not None and len(indicators) != 1:
        problems.add("--name", "a name can be given only when one indicator is imported",
                     "import the indicators one at a time to name each")
    if unit is not None and unit not in UNITS:
        problems.add("--unit", f"'{unit}' is not a unit", "use one of: " + ", ".join(UNITS))
        unit = None
    units = {i.name: _unit(release, i, unit, problems) for i in wanted}
    found = _councils_in(release, councils, problems)
    needed = _years(release, years, period_end, problems)
    chosen = _choose_filters(release, filters, problems)
    if chosen is None:
        return {}
    areas, neighbour_areas = _areas(release, found, chosen, problems)
    rows: dict[tuple[str, str], tuple[int, dict[str, str]]] = {}
    for area in [*areas, *neighbour_areas]:
        for year in needed:
            found_row = _one_row(release, area, year, problems)
            if found_row is not None:
                rows[(area.what, year)] = found_row
    values = _values(release, wanted, rows, problems)
    for indicator in wanted:
        entry_name = name or indicator.name
        if not NAME_RE.match(entry_name):
            problems.add("--name" if name else release.meta_path, f"'{entry_name}' cannot name "
                         "a comparator", "give a name in lower-case snake_case with --name "
                         "(letters, digits and underscores, starting with a letter)",
                         field=None if name else "col_name")
    if not problems and not needed:
        problems.add(release.path, "there are no years to compare", "name them with --year, or "
                     "give the period's 'period_end'", field="time_period")
    if problems or len(areas) != 3 or len(neighbour_areas) != NEIGHBOURS or not wanted:
        assert problems, "an import without comparators says why"
        return {}
    return {name or i.name: _entry(release, i, units[i.name], counts, chosen, needed, areas,
                                   neighbour_areas, values[i.name])
            for i in wanted}


def _wanted(release: Release, indicators: Sequence[str], problems: Problems) -> list[Indicator]:
    """The release's indicators of those named; a name it does not have is a problem."""
    wanted: list[Indicator] = []
    for indicator_name in indicators:
        if indicator_name in release.indicators:
            if indicator_name in release.header:  # else the meta's own problem says so
                wanted.append(release.indicators[indicator_name])
        else:
            problems.add(release.meta_path, f"the file has no indicator '{indicator_name}'",
                         "this file is of another release, or the name is misspelt; its "
                         f"indicators are: {_listing(list(release.indicators)) or '(none)'}",
                         field="col_name")
    return wanted


def _councils_in(release: Release, councils: list[Council], problems: Problems) -> list[Council]:
    """The council and its neighbours that the file has, by new or old code, each with its
    rows (oldest first) and name; one the file lacks, or whose code matches two, is a problem."""
    found: list[Council] = []
    for council in councils:
        council.rows = [(n, row) for n, row in release.rows if row["geographic_level"] == LOCAL
                        and council.code in (row["new_la_code"], row["old_la_code"])]
        if not council.rows:
            problems.add(release.path, f"{council.role}'s code '{council.code}' is not in the file",
                         f"no local-authority row has it as new_la_code or old_la_code: check "
                         f"{council.setting} against the DfE's list, or use the release that "
                         f"covers that council (see {DOC})", field="new_la_code")
            continue
        codes = _distinct(f"{row['new_la_code']}/{row['old_la_code']}" for _, row in council.rows)
        if len(codes) > 1:
            names = _distinct(row["la_name"] for _, row in council.rows)
            problems.add(release.path, f"'{council.code}' ({council.role}) matches more than one "
                         f"council: {', '.join(names)}", "give the council's nine-character new "
                         "code", line=council.rows[0][0], row_label="row", field="new_la_code")
            continue
        council.rows.sort(key=lambda numbered: numbered[1]["time_period"])
        council.name = council.rows[-1][1]["la_name"] or council.code
        found.append(council)
    return found


def _areas(release: Release, found: list[Council], chosen: Mapping[str, str], problems: Problems
           ) -> tuple[list[_Area], list[_Area]]:
    """The areas, each with its rows by year: the council, its region and England; and the
    statistical neighbours."""
    areas: list[_Area] = []
    the_council = found[0] if found and found[0].role == "the council" else None
    if the_council is not None:
        areas.append(_Area(the_council.name, f"the council ({the_council.code}, "
                           f"{the_council.name})", _by_year(_select(the_council.rows, chosen,
                                                                     LOCAL))))
        number, latest = the_council.rows[-1]
        if latest["region_code"]:
            areas.append(_Area(latest["region_name"] or latest["region_code"],
                               f"the region ({latest['region_code']}, {latest['region_name']})",
                               _by_year(_select(release.rows, chosen, REGIONAL,
                                                region_code=latest["region_code"]))))
        else:
            problems.add(release.path, "the council's row gives no region_code", "use the DfE's "
                         "file as published", line=number, row_label="row", field="region_code")
    national = _select(release.rows, chosen, NATIONAL)
    england = national[-1][1]["country_name"] if national else "England"
    areas.append(_Area(england, f"{england} (the National rows)", _by_year(national)))
    neighbour_areas = [_Area(n.name, f"{n.role} ({n.code}, {n.name})",
                             _by_year(_select(n.rows, chosen, LOCAL)))
                       for n in found if n is not the_council]
    labels = [a.label for a in areas] + [NEIGHBOURS_LABEL]
    if len(set(labels)) != len(labels):
        problems.add(release.path, f"two areas have one name: {', '.join(labels)}",
                     "a comparator names each area once; report this as a bug")
    return areas, neighbour_areas


def _values(release: Release, wanted: list[Indicator],
            rows: dict[tuple[str, str], tuple[int, dict[str, str]]], problems: Problems
            ) -> dict[str, dict[tuple[str, str], Cell]]:
    """Each indicator's cell in each (area, year) row; a cell that is not a value or a symbol
    is a problem."""
    capped = Capped(problems)
    values: dict[str, dict[tuple[str, str], Cell]] = {}
    for indicator in wanted:
        values[indicator.name] = {}
        for (what, year), (number, row) in rows.items():
            value, symbol, error = parse_cell(row[indicator.name])
            if error:
                capped.add("value", release.path, error, f"a value is {SYMBOLS_HINT}",
                           line=number, row_label="row", field=indicator.name)
            else:
                values[indicator.name][(what, year)] = Cell(value, symbol, row[indicator.name],
                                                            number)
    capped.close()
    return values


def _years(release: Release, years: Sequence[str] | None, period_end: dt.date | None,
           problems: Problems) -> list[str]:
    """The years to compare: as asked, else the period's own and the two before it that the
    file has. A year the file lacks is a problem."""
    in_file = sorted({row["time_period"] for _, row in release.rows})
    identifier = release.time_identifier
    if years:
        needed = sorted({re.sub(r"[/-]", "", str(y)) for y in years})
        for year in needed:
            if year not in in_file:
                problems.add(release.path, f"the file has no figures for {year_label(year)}",
                             f"its years are {', '.join(year_label(y) for y in in_file)}: "
                             "choose from them, or use the release that covers "
                             f"{year_label(year)}", field="time_period")
        return [y for y in needed if y in in_file]
    if period_end is None or identifier not in YEARLY:
        return []
    own = period_year(identifier, period_end)
    if own not in in_file:
        problems.add(release.path, f"the file has no figures for {year_label(own)}, the "
                     f"{identifier.lower()} of this period (it ends {period_end.day} "
                     f"{period_end:%B %Y})", f"its latest year is {year_label(in_file[-1])}: "
                     f"use the release that covers {year_label(own)}, or name the years to "
                     f"compare with --year (e.g. --year {in_file[-1]})", field="time_period")
        return []
    return [y for y in in_file if y <= own][-3:]


def _entry(release: Release, indicator: Indicator, unit: str, counts: str,
           chosen: Mapping[str, str], years: Sequence[str], areas: list[_Area],
           neighbours: list[_Area], cells: Mapping[tuple[str, str], Cell]) -> dict[str, Any]:
    """One comparator: the council and its region, the neighbours' average, then England."""
    notes: list[str] = []
    values: dict[str, list[Any]] = {}
    older: list[str] = []

    def shown(cell: Cell, area: _Area, year: str) -> Any:
        if cell.symbol and cell.written != cell.symbol:
            older.append(f"'{cell.written}' for {area.label} in {year_label(year)}")
        if cell.symbol:
            return cell.symbol
        assert cell.number is not None  # parse_cell gives a number wherever it gives no symbol
        # As precise as the file: 8.0 stays 8.0, so the table shows the DfE's decimal places.
        return float(cell.written) if "." in cell.written else _number(cell.number)

    for area in areas[:2]:
        values[area.label] = [shown(cells[(area.what, y)], area, y) for y in years]
    averages: list[Any] = []
    for year in years:
        ten = [(n, cells[(n.what, year)]) for n in neighbours]
        symbols = [(n, c) for n, c in ten if c.symbol]
        if symbols:
            averages.append("x")
            notes.append(f"The statistical neighbours' average for {year_label(year)} cannot be "
                         "worked out, so it is shown as x: " + "; ".join(
                             f"{n.label} is {c.symbol} ({SYMBOLS[c.symbol]})" for n, c in symbols)
                         + " in the DfE's figures.")
        else:
            averages.append(neighbours_mean([c.written for _, c in ten], unit))
    values[NEIGHBOURS_LABEL] = averages
    values[areas[2].label] = [shown(cells[(areas[2].what, y)], areas[2], y) for y in years]
    names = ", ".join(n.label for n in neighbours)
    notes.insert(0, "Statistical neighbours: the average (mean) of the DfE's figures for the "
                 f"council's statistical neighbours ({names}), rounded"
                 + (" to a whole number." if unit == "count" else "."))
    if older:
        notes.append("The DfE's file writes older symbols, shown as the ones that replaced them: "
                     + "; ".join(older) + ".")
    filters_text = ", ".join(f"{v}" for c, v in chosen.items() if v.lower() != "total")
    span = (year_label(years[0]) if len(years) == 1
            else f"{year_label(years[0])} to {year_label(years[-1])}")
    entry: dict[str, Any] = {
        "title": f"{indicator.label}{f' ({filters_text})' if filters_text else ''}, {span}",
        "unit": unit,
        "counts": counts if unit == "count" else "none",
    }
    if unit != "count":
        entry["not_people"] = REASONS.get(unit, REASONS["percent"].replace(
            "A percentage", "A figure"))
    entry["source"] = (f"Department for Education, Explore Education Statistics: {release.path.name}, "
                       f"indicator {indicator.name}"
                       + "".join(f", {c} = {v}" for c, v in chosen.items() if v.lower() != "total"))
    entry["note"] = " ".join(notes)
    entry["years"] = [year_label(y) for y in years]
    entry["values"] = values
    return entry


# --- writing period.yaml --------------------------------------------------------------------
