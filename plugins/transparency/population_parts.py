"""Tables whose numbers show that one count is made of others, though no declaration says so:
separate tables for girls and for boys beside one of all children entering care (red team
12: 46 aged 16 and over in all, less 42 boys, is 4 girls), two half-years' tables beside
the year's, four age groups' tables beside all children's (red teams 13 and 14), a table of
this year and last beside each year's own, a table by quarter beside the year's.

Each table may name its own `population` (girls and boys are different children) or its
own name (a six-monthly report's table), so the links between tables of one population or
one name do not join them. A reader does:

* **Sums.** Where two or more count tables of the same shape (dimensions, unit, counts and
  date), of the period or of periods of its report inside its time, add up, cell by cell
  and Total by Total, to another, each cell's sum is a relation.
* **Slices.** Where a table of a period of the report is, cell by cell, the slice of a
  table with one more dimension at one of its categories (a girls' table beside an
  age-by-gender table; a year's table beside a table of two years, by year), or that
  table's sum over the extra dimension (the year's table beside a table by quarter), each
  cell is the same number. A slice may leave categories out (a table of children aged 4
  and over leaves out PN0): then its shared categories, two or more, are compared.

Categories are matched as a reader matches them: spelt alike; along a dimension of age, by
the bands both tables' bands make up ("Under 5" is "Under 1" and "1 to 4"); otherwise what
is left over on each side is one group ("Police protection or emergency protection order"
is the whole's "Police protection" and "Emergency protection order"; "Section 20" and
"Section 20 (voluntary agreement)"). Only numbers that do add up (or match) are related,
using the true values, so nothing true is contradicted; the relations hold whether or not
the source meant them. Part of the publishing step (publish_relations.py). Independent of
Pelican."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .classifications import age_band, is_age_dimension
from .model import TOTAL, Period, Site, Table
from .published import PublishedRelation, Ref
from .terms import PEOPLE

MAX_TABLES = 24  # tables of one shape tried as parts of one whole, at most
MAX_SUBSETS = 4096  # sets of parts tried for one whole, at most (past it the look-alike
# checks still compare equal cells)
LEFT = "\0left"  # the group of what is left over along a dimension

Key = tuple[str, ...]


@dataclass(frozen=True)
class Term:
    """A table, or a slice or margin of one, as a term of a sum: how messages name it, its
    true values by key (keyed as the tables it is compared with), and the published cells
    each key stands for."""

    name: str
    cells: dict[Key, float]
    refs: dict[Key, tuple[Ref, ...]]


def available_cells(table: Table) -> dict[Key, float]:
    """The table's available cells (Totals included), by key."""
    return {key: value for key, value, symbol, _ in table.rows
            if not symbol and not math.isnan(value)}


def _term(version: str, name: str, table: Table, home: str) -> Term:
    cells = available_cells(table)
    return Term(f"'{name}'" + ("" if version == home else f" of {version}"), cells,
                {key: ((version, "table", name, key),) for key in cells})


def counted(period: Period) -> dict[str, Table]:
    """The period's count tables of children or records, but those that declare `collapse:`
    (whether a group is merged is decided as the table is suppressed, so a relation over its
    cells as written may name cells the site never shows)."""
    return {name: table for name, table in sorted(period.tables.items())
            if table.unit == "count" and table.counts in PEOPLE and not table.comparator
            and not table.collapse}


def of_report(site: Site, report: str) -> list[Period]:
    """The periods of one report. Their keys are read without reading the periods (dict's own
    keys(): the publishing step's memo notes which periods a period's suppression reads, and
    another report's are not)."""
    return [site.periods[key] for key in sorted(dict.keys(site.periods))
            if key.split("/")[0] == report]


def _age_groups(categories: list[set[str]]) -> list[dict[str, str]] | None:
    """Each table's age bands mapped to the coarsest bands all of them make up exactly, or
    None where a category is no band or the bands do not meet."""
    bands = []
    for cats in categories:
        read = {c: age_band(c) for c in cats}
        if any(b is None for b in read.values()):
            return None
        bands.append({c: b for c, b in read.items() if b is not None})
    cuts = set.intersection(*({b[0] for b in t.values()} | {b[1] for b in t.values()}
                              for t in bands))
    out = []
    for table in bands:
        mapping = {}
        for category, (start, end) in table.items():
            low = max((c for c in cuts if c <= start), default=None)
            high = min((c for c in cuts if c >= end), default=None)
            if low is None or high is None:
                return None
            mapping[category] = f"{low:g} to {high:g}"
        out.append(mapping)
    return out


def _aligned(dim: str, label: str, categories: list[set[str]],
             partial: bool) -> list[dict[str, str]] | None:
    """For each table, its categories along one dimension mapped to shared groups, or None
    where they cannot be matched (module docstring). Totals map to themselves. `partial`:
    categories not in every table are left out instead of grouped."""
    plain = [c - {TOTAL} for c in categories]
    out: list[dict[str, str]] | None = None
    if all(c == plain[0] for c in plain):
        out = [{c: c for c in cats} for cats in plain]
    elif partial:
        shared = set.intersection(*plain)
        out = [{c: c for c in shared} for _ in plain]
    elif is_age_dimension(dim, label):
        out = _age_groups(plain)
    if out is None and not partial:
        shared = set.intersection(*plain)
        if not all(cats - shared for cats in plain):
            return None
        out = [{c: c if c in shared else LEFT for c in cats} for cats in plain]
    if out is None:
        return None
    return [m | ({TOTAL: TOTAL} if TOTAL in cats and not partial else {})
            for m, cats in zip(out, categories, strict=True)]


def _groups(dims: Sequence[tuple[str, str]], terms: Sequence[Term],
            partial: bool) -> list[dict[Key, list[Key]]] | None:
    """Each term's keys grouped by their shared categories (one per dimension), or None."""
    maps = []
    for i, (dim, label) in enumerate(dims):
        aligned = _aligned(dim, label, [{k[i] for k in t.cells} for t in terms], partial)
        if aligned is None:
            return None
        maps.append(aligned)
    out = []
    for t, term in enumerate(terms):
        grouped: dict[Key, list[Key]] = {}
        for key in term.cells:
            if all(key[i] in maps[i][t] for i in range(len(dims))):
                grouped.setdefault(tuple(maps[i][t][c] for i, c in enumerate(key)), []).append(key)
        out.append(grouped)
    # Every group but Totals in every term; a term that prints no Total row (a part without
    # one) leaves its Totals out of the comparison.
    common = set.intersection(*(set(g) for g in out))
    if any(TOTAL not in group and group not in common for g in out for group in g) or (
            partial and len(common) < 2):
        return None
    return [{group: keys for group, keys in g.items() if group in common} for g in out]


def _relations(whole: Term, parts: Sequence[Term], dims: Sequence[tuple[str, str]], home: str,
               why: str, partial: bool = False) -> list[PublishedRelation]:
    """One relation per shared category group where the parts add up to the whole in every
    group; [] where they do not."""
    terms = (whole, *parts)
    groups = _groups(dims, terms, partial)
    if groups is None:
        return []
    sums = [{g: sum(t.cells[k] for k in keys) for g, keys in grouped.items()}
            for t, grouped in zip(terms, groups, strict=True)]
    if not all(sums[0][g] == sum(s[g] for s in sums[1:]) for g in sums[0]):
        return []
    out = []
    for group in sorted(groups[0]):
        refs = [(1.0 if t == 0 else -1.0, ref) for t, term in enumerate(terms)
                for key in groups[t][group] for ref in term.refs[key]]
        out.append(PublishedRelation("linear", why, terms=tuple(refs), home=home))
    return out


def _within(inner: Period, outer: Period) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def _grand(term: Term) -> float:
    """A table's grand total: its Total cell, or the sum of its cells where it prints none
    (girls' and boys' tables without a Total row are parts too; a cold review)."""
    ndims = len(next(iter(term.cells), ()))
    total = term.cells.get((TOTAL,) * ndims)
    return total if total is not None else sum(
        v for k, v in term.cells.items() if TOTAL not in k)


def _subsets(whole: float, parts: list[tuple[float, int]], limit: int) -> list[list[int]]:
    """Sets of two or more `parts` (grand total, index) whose totals add up to `whole`, found
    depth first in the order given, at most `limit` tried."""
    found: list[list[int]] = []
    tried = 0

    def walk(start: int, left: float, chosen: list[int]) -> None:
        nonlocal tried
        if tried >= limit:
            return
        tried += 1
        if left == 0 and len(chosen) >= 2:
            found.append(list(chosen))
            return
        for i in range(start, len(parts)):
            value, index = parts[i]
            if value <= left:
                walk(i + 1, left - value, [*chosen, index])

    walk(0, whole, [])
    return found


def _sums(period: Period, site: Site) -> Iterator[PublishedRelation]:
    """Tables of `period` that two or more tables of its shape, of it or of periods of its
    report inside its time, add up to."""
    candidates: dict[tuple[object, ...], list[tuple[str, str, Table]]] = {}
    for other in of_report(site, period.report):
        if not _within(other, period):
            continue
        for name, table in counted(other).items():
            shape = (tuple(table.dims), table.unit, table.counts, table.date)
            candidates.setdefault(shape, []).append((other.key, name, table))
    for name, table in counted(period).items():
        shape = (tuple(table.dims), table.unit, table.counts, table.date)
        whole = _term(period.key, name, table, period.key)
        grand = _grand(whole)
        if grand <= 0:
            continue  # nothing to be made of parts (and any set of empty tables adds up to it)
        others = [_term(v, n, t, period.key) for v, n, t in candidates.get(shape, [])
                  if (v, n) != (period.key, name)][:MAX_TABLES]
        totals = sorted(((total, i) for i, t in enumerate(others) if (total := _grand(t)) > 0),
                        reverse=True)
        dims = [(d, table.dimensions[d]) for d in table.dims]
        for chosen in _subsets(grand, totals, MAX_SUBSETS):
            parts = sorted((others[i] for i in chosen), key=lambda t: t.name)
            why = (f"{period.key}: the tables {', '.join(p.name for p in parts)} add up to "
                   f"{whole.name}, cell by cell")
            yield from _relations(whole, parts, dims, period.key, why)


def _pieces(wide: Table, wide_name: str, version: str, narrow: Table,
            ) -> Iterator[tuple[str, Term]]:
    """The wide table's slices at each category of its extra dimension, and its sum over
    that dimension, keyed as the narrow table is: (how messages name it, the term)."""
    extra = next(d for d in wide.dims if d not in narrow.dims)
    at = wide.dims.index(extra)
    cells = available_cells(wide)

    def narrowed(key: Key) -> Key:
        return tuple(key[wide.dims.index(d)] for d in narrow.dims)

    label = wide.dimensions[extra].lower()
    for category in sorted({k[at] for k in cells}):
        piece = {k: v for k, v in cells.items() if k[at] == category}
        name = (f"the {label} '{category}' of '{wide_name}'" if category != TOTAL
                else f"the total over {label} of '{wide_name}'")
        yield name, Term(name, {narrowed(k): v for k, v in piece.items()},
                         {narrowed(k): ((version, "table", wide_name, k),) for k in piece})
    categories = {k[at] for k in cells} - {TOTAL}
    summed: dict[Key, list[Key]] = {}
    for key in cells:
        if key[at] != TOTAL:
            summed.setdefault(narrowed(key), []).append(key)
    full = {k: keys for k, keys in summed.items() if len(keys) == len(categories)}
    if TOTAL not in {k[at] for k in cells} and full:
        name = f"the sum over {label} of '{wide_name}'"
        yield name, Term(name, {k: sum(cells[w] for w in keys) for k, keys in full.items()},
                         {k: tuple((version, "table", wide_name, w) for w in keys)
                          for k, keys in full.items()})


def _slices(period: Period, site: Site) -> Iterator[PublishedRelation]:
    """Tables of the report's periods that are a slice (or the sum over the extra dimension)
    of a table of `period` with one more dimension."""
    narrow = [(other.key, name, table) for other in of_report(site, period.report)
              for name, table in counted(other).items()]
    for wide_name, wide in counted(period).items():
        for version, name, table in narrow:
            if ((version, name) == (period.key, wide_name) or len(wide.dims) != len(table.dims) + 1
                    or not set(table.dims) <= set(wide.dims)
                    or (wide.unit, wide.counts, wide.date) != (table.unit, table.counts, table.date)):
                continue
            own = _term(version, name, table, period.key)
            if not own.cells:
                continue
            dims = [(d, table.dimensions[d]) for d in table.dims]
            for piece_name, piece in _pieces(wide, wide_name, period.key, table):
                why = f"{period.key}: the table {own.name} is {piece_name}, cell by cell"
                found = (_relations(piece, (own,), dims, period.key, why)
                         or _relations(piece, (own,), dims, period.key,
                                       why.replace("cell by cell", "category by category"),
                                       partial=True))
                yield from found


def population_parts(period: Period, site: Site) -> list[PublishedRelation]:
    """The relations the module docstring describes, for the count tables of children or
    records of `period` (as the whole, or the table sliced): one per shared category group.
    Each relation's description names the tables."""
    return [*_sums(period, site), *_slices(period, site)]
