"""Tables of one population: tables that count the same children (at one date, or over one
span, in any period or report) agree on their grand totals and their shared margins, and a
table by a group is the table by its members. knowledge.py adds these within a period and
across periods."""

from __future__ import annotations

import re
from itertools import combinations

from .classifications import age_band, age_kind, is_age_dimension
from .knowledge_model import HIDDEN, Model, group_relation, linear
from .published import PublishedTable, Ref
from .terms import PEOPLE, TOTAL


def add_populations(model: Model, tables: list[tuple[str, str, PublishedTable]],
                     across: bool = False) -> None:
    """Tables of one population (at one date, or over one span) describe the same children,
    in any period or report: their grand totals agree, and so do their margins over the
    dimensions they share, for every combination of categories both have. `tables` holds
    (version, the span a flow covers, table)."""
    groups: dict[tuple[str, str], list[tuple[str, PublishedTable]]] = {}
    for version, span, table in tables:
        if table.population and (table.of_people or covers_its_people(table)):
            when = table.date.isoformat() if table.date else span
            groups.setdefault((table.population, when), []).append((version, table))
    for (population, _), members in groups.items():
        for (va, a), (vb, b) in combinations(members, 2):
            if across and va == vb:
                continue  # within one period: already linked by _add_period
            why = f"'{a.name}' ({va}) and '{b.name}' ({vb}) count the same {population}"
            _add_margins(model, why, va, a, vb, b)
            for (vg, g_table), (vm, m_table) in (((va, a), (vb, b)), ((vb, b), (va, a))):
                _add_groups_across(model, why, vg, g_table, vm, m_table)
            unmatched_categories(model, population, va, a, vb, b)


def _add_margins(model: Model, why: str, va: str, a: PublishedTable, vb: str,
                 b: PublishedTable) -> None:
    """The grand totals agree whatever the categories (one table collapsed, or coarser);
    and for every set of dimensions both have (one dimension in both: the same name, or the
    same label, 'order' and 'legal_status' both "Legal status"), the margins over them agree
    for every combination of categories both have (categories match whatever their
    capitals): age by gender and ethnicity by gender share the gender margin."""
    pairs = _shared_dimensions(a, b)
    for size in range(len(pairs) + 1):
        for chosen in combinations(pairs, size):
            left = _margins(model, va, a, [da for da, _ in chosen])
            right = _margins(model, vb, b, [db for _, db in chosen])
            by = f" by {', '.join(da for da, _ in chosen)}" if chosen else ""
            for combo in sorted(left.keys() & right.keys()):
                model.relations.append(linear(why + by, [*((1.0, r) for r in left[combo]),
                                                          *((-1.0, r) for r in right[combo])]))


def _margins(model: Model, version: str, table: PublishedTable,
             dims: list[str]) -> dict[tuple[str, ...], list[Ref]]:
    """A table's non-total cells summed by their categories along `dims` (for a percentage
    table, the counts behind its shares). A sum holding a count the reader does not have (an
    [x] in a percentage table) is left out."""
    out: dict[tuple[str, ...], list[Ref]] = {}
    unknown: set[tuple[str, ...]] = set()
    for key in table.cells:
        if TOTAL not in key:
            combo = tuple(same_label(key[table.dims.index(d)]) for d in dims)
            ref: Ref = (version, cell_kind(table), table.name, key)
            if ref not in model.quantities:
                unknown.add(combo)
            out.setdefault(combo, []).append(ref)
    return {combo: refs for combo, refs in out.items() if combo not in unknown}


def cell_kind(table: PublishedTable) -> str:
    """Where the audit keeps a table's counts: its cells, or the counts behind a percentage
    table's shares ('implied')."""
    return "table" if table.of_people else "implied"


def covers_its_people(table: PublishedTable) -> bool:
    """A percentage table of children or records with a base, whose shares cover all of them
    (along a dimension whose lines add up to 100%, or all together): the counts behind it are
    a table of its population, linked to the count tables of the same population like any
    other (a red team read 4 young women not in touch off shares by gender beside counts by
    activity). A table of some shares only (the percentage in education, by gender) covers
    part of its people, and is not linked."""
    return (table.unit == "percent" and table.counts in PEOPLE and bool(table.bases)
            and bool(table.partitions or table.whole))


# Words that say nothing of what a category is about, so that two categories sharing only
# them ('Other' and 'Other ethnic group') are not taken for one thing.
_EMPTY_WORDS = frozenset({
    "a", "an", "the", "and", "or", "of", "in", "on", "at", "to", "for", "by", "with", "without",
    "under", "over", "aged", "age", "ages", "year", "years", "old", "other", "any", "all",
    "not", "no", "none", "known", "unknown", "recorded", "stated", "yes", "total", "section",
    "s", "than", "more", "less", "only", "also", "their", "they", "who", "were", "was"})


def stem(word: str) -> str:
    """A word as a reader matches it across tables: 'orders' is 'order', 'remanded' and
    'remands' are 'remand' (a rough stem, only to tell that two categories name one thing)."""
    for ending in ("ing", "ed", "es", "s"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def _words(label: str) -> frozenset[str]:
    """What a category is about: its words, stemmed, without numbers and _EMPTY_WORDS."""
    return frozenset(stem(w) for w in re.findall(r"[a-z]+", label.casefold())
                     if w not in _EMPTY_WORDS)


def names_one_thing(a: str, b: str) -> bool:
    """Whether a reader takes two categories of two tables for one thing, or one for a part
    of the other: every word that says what one is about is in the other ('Placement order'
    in 'Placement order – section 21', 'Placement orders', 'Placement order, section 21';
    'Remand' in 'Accommodated under section 20 or remanded'). Only to tell that two
    dimensions classify by one thing, so that their categories must all be tied (red teams 7
    and 8: words in brackets, then after a dash)."""
    wa, wb = _words(a), _words(b)
    return bool(wa) and bool(wb) and (wa <= wb or wb <= wa)


def _age_unsaid(table: PublishedTable, dim: str) -> bool:
    """A plain age ('age', 'age_group') in a table of a flow (no date): the age at the event
    the flow counts, which another table may name ('age_at_entry'; red team 8)."""
    return table.date is None and age_kind(dim, table.dimensions[dim]) == "age"


def _may_be_one_age(a: PublishedTable, da: str, b: PublishedTable, db: str) -> bool:
    """Two dimensions of age that may hold one age: of one kind (age_kind), or one of them a
    flow's plain age. Two ages both named ('age' on a snapshot's date and 'age_at_entry', or
    'age_at_entry' and 'age_at_leaving') are two."""
    if not (is_age_dimension(da, a.dimensions[da]) and is_age_dimension(db, b.dimensions[db])):
        return False
    return (age_kind(da, a.dimensions[da]) == age_kind(db, b.dimensions[db])
            or _age_unsaid(a, da) or _age_unsaid(b, db))


def _same_meaning(a: PublishedTable, b: PublishedTable) -> list[tuple[str, str]]:
    """Dimensions of two tables that classify by one thing: the same name or label, two
    dimensions that may hold one age, or a category of one that names the same thing as a
    category of the other (names_one_thing: 'Placement order – section 21' and 'Placement
    order'), whatever the dimensions are called."""
    pairs = _shared_dimensions(a, b)
    for da in a.dims:
        for db in b.dims:
            if da in (p[0] for p in pairs) or db in (p[1] for p in pairs):
                continue
            if _may_be_one_age(a, da, b, db) or any(
                    names_one_thing(ca, cb) for ca in a.categories(da) if ca != TOTAL
                    for cb in b.categories(db) if cb != TOTAL):
                pairs.append((da, db))
    return pairs


def _accounted(model: Model, label: str, a: PublishedTable, da: str, b: PublishedTable,
               db: str) -> bool:
    """Whether the audit ties category `label` of `a` (along `da`) to `b`'s categories along
    `db`: spelt alike, or a group (shipped, declared, an age band) of some of them, or a
    member of one of them."""
    theirs = b.categories(db)
    if same_label(label) in {same_label(c) for c in theirs}:
        return True
    # Age bands are related only between dimensions of one age ('age' and 'age_at_entry'
    # are two, even if both are labelled "Age on entering care").
    one_age = age_kind(da, a.dimensions[da]) == age_kind(db, b.dimensions[db])
    if (age_band(label) is not None and is_age_dimension(da, a.dimensions[da])
            and is_age_dimension(db, b.dimensions[db]) and one_age):
        return True  # read as the ages it covers, as a reader reads it (Model.hierarchies)
    for h in model.hierarchies:
        if not (h.applies_to(a, da) and h.applies_to(b, db)) or (h.ages and not one_age):
            continue
        if (h.group == label and any(m in theirs for m in h.members)) or (
                label in h.members and h.group in theirs):
            return True
    return False


def unmatched_categories(model: Model, population: str, va: str, a: PublishedTable, vb: str,
                         b: PublishedTable) -> None:
    """Two tables of one population by dimensions that classify by one thing, with a hidden
    cell in either: every category of each must be tied to the other's, or the audit would
    miss what a reader matches by meaning ('Placement order (section 21)' is 'Placement
    order'; red team 7). What is not tied stops the build (Model.unmodelled)."""
    hidden = any(model.quantities.get((v, cell_kind(t), t.name, k), None) is not None
                 and model.quantities[(v, cell_kind(t), t.name, k)].role == HIDDEN
                 for v, t in ((va, a), (vb, b)) for k in t.cells)
    if not hidden:
        return
    for da, db in _same_meaning(a, b):
        loose = [f"'{c}' ({a.name})" for c in a.categories(da)
                 if c != TOTAL and not _accounted(model, c, a, da, b, db)]
        loose += [f"'{c}' ({b.name})" for c in b.categories(db)
                  if c != TOTAL and not _accounted(model, c, b, db, a, da)]
        if loose:
            ages = [f"'{d}'" for d, t in ((da, a), (db, b)) if is_age_dimension(d, t.dimensions[d])]
            hint = (f"; if they are one age, give the dimensions one name ({' and '.join(ages)} "
                    "are read as two ages)" if len(ages) == 2 and da != db else "")
            if hint and (_age_unsaid(a, da) or _age_unsaid(b, db)):
                hint += ("; if they are two, name the age of the table of a flow by its event "
                         "('age_at_entry', 'age_at_leaving'): a plain 'age' there may be either")
            model.unmodelled.append((vb, b.name, (
                f"'{a.name}' ({va}) and '{b.name}' ({vb}) count the same {population} by "
                f"{a.dimensions[da]} and by {b.dimensions[db]}, but the categories "
                f"{', '.join(loose)} are not in the other table: a reader matches categories "
                "by meaning, the audit only by their words. Declare under 'relations:' what "
                "each is in the other table's words, a 'hierarchy' (for a category worded "
                "differently, 'hierarchy: Placement order (section 21)' with 'members: "
                "[Placement order]'; for a broader one, the categories it is made of), or give "
                "the tables different 'population' names if they do not count the same "
                f"{population}{hint}")))


def same_label(label: str) -> str:
    """A category as a reader compares it: 'Placement Order' is 'Placement order'."""
    return " ".join(label.casefold().split())


def _shared_dimensions(a: PublishedTable, b: PublishedTable) -> list[tuple[str, str]]:
    """The dimensions two tables share, as (a's name, b's name): by name, else by label."""
    pairs: list[tuple[str, str]] = []
    for da in a.dims:
        db = da if da in b.dims else next(
            (d for d in b.dims if same_label(b.dimensions[d]) == same_label(a.dimensions[da])), None)
        if db is not None and db not in (p[1] for p in pairs):
            pairs.append((da, db))
    return pairs


def _cells_by_line(version: str, table: PublishedTable, dim: str, labels: set[str],
                   others: list[str]) -> dict[tuple[str, ...], list[Ref]]:
    """The cells of a table with one of `labels` along `dim`, by their categories along
    `others` (a Total there too); summed over every other dimension's categories."""
    out: dict[tuple[str, ...], list[Ref]] = {}
    for key in table.cells:
        if key[table.dims.index(dim)] not in labels or any(
                c == TOTAL for d, c in zip(table.dims, key, strict=True) if d not in others):
            continue
        line = tuple(same_label(key[table.dims.index(d)]) for d in others)
        out.setdefault(line, []).append((version, cell_kind(table), table.name, key))
    return out


def _add_groups_across(model: Model, why: str, vg: str, g_table: PublishedTable, vm: str,
                       m_table: PublishedTable) -> None:
    """Two tables of one population, one by a group and the other by its members: the group
    is its members (as in one table), for every category of every other dimension both
    tables have ('Under 5' girls are 'Under 1' and '1 to 4' girls; red team 7), and summed
    over all of them."""
    for hierarchy in model.hierarchies:
        group, members, exact = hierarchy.group, hierarchy.members, hierarchy.declared
        g_dims = [d for d in g_table.dims if hierarchy.applies_to(g_table, d)]
        m_dims = [d for d in m_table.dims if hierarchy.applies_to(m_table, d)]
        if hierarchy.ages:  # one age in both ('age' now is not 'age_at_entry')
            kinds = ({age_kind(d, g_table.dimensions[d]) for d in g_dims}
                     & {age_kind(d, m_table.dimensions[d]) for d in m_dims})
            g_dims = [d for d in g_dims if age_kind(d, g_table.dimensions[d]) in kinds]
            m_dims = [d for d in m_dims if age_kind(d, m_table.dimensions[d]) in kinds]
        present = {m for m in members if any(m in m_table.categories(d) for d in m_dims)}
        if not present or not any(group in g_table.categories(d) for d in g_dims):
            continue
        if any(group in m_table.categories(d) for d in m_dims) or any(
                m in g_table.categories(d) for d in g_dims for m in members):
            continue  # the group beside its members in one table: not a different level
        whole = not exact or len(present) == len(members)
        text = f"{why}: {group} is made of {', '.join(sorted(present))}"
        for dg in (d for d in g_dims if group in g_table.categories(d)):
            for dm in (d for d in m_dims if present & set(m_table.categories(d))):
                others = [p for p in _shared_dimensions(g_table, m_table)
                          if p[0] != dg and p[1] != dm]
                for size in range(len(others) + 1):
                    for chosen in combinations(others, size):
                        left = _cells_by_line(vg, g_table, dg, {group}, [p[0] for p in chosen])
                        right = _cells_by_line(vm, m_table, dm, present, [p[1] for p in chosen])
                        for line in sorted(left.keys() & right.keys()):
                            group_relation(model, text + (
                                f" ({', '.join(line)})" if line else ""), left[line],
                                right[line], whole)
