"""Suppressing one period and its earlier versions: publish it, audit it as a reader would
(audit.audit_period), and hide one more number per finding until nothing hidden can be
narrowed. Part of the publishing step (publish.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

from .audit import Finding, audit_period
from .metrics import compute_all
from .model import PEOPLE, TOTAL, Period, Site
from .publish_relations import period_relations
from .publish_tables import TableResult, publish_table
from .published import (
    PublishedChange,
    PublishedMetric,
    PublishedPeriod,
    PublishedRelation,
    PublishedSource,
    Ref,
)
from .quantities import (
    Raw,
    basis_of,
    counts_of,
    formula_of,
    is_disclosive,
    published_value,
    raw_quantities,
    status_of,
    target_of,
    with_derived,
)
from .settings import Config
from .suppress import Key, lines_of, rule_for

MAX_AUDIT_ROUNDS = 100


def build_period(period: Period, raws: dict[str, Raw], hidden: set[str],
                  tables: dict[str, TableResult], changes: dict[str, PublishedChange],
                  site: Site, relations: tuple[PublishedRelation, ...] | None = None,
                  ) -> PublishedPeriod:
    """The period as published with `hidden` figures and `tables` as suppressed.
    `relations`: the period's relations when already worked out (they depend on the raw
    period and site only, not on what is hidden), so that each suppression attempt does not
    recompute a stock and flow's own difference."""
    values: dict[str, PublishedMetric] = {}
    for name, raw in raws.items():
        value = published_value(raw, name in hidden)
        values[name] = PublishedMetric(
            name=name, label=raw.label, definition=raw.definition, value=value,
            date=raw.date, basis=basis_of(raw, period), source=raw.source,
            headline=raw.headline, target=target_of(period, raw.target),
            status=status_of(period, raw, value), change=changes.get(name), kind=raw.kind,
            note=raw.note, formula=formula_of(raw.result), sensitive=raw.sensitive,
            counts=counts_of(raw), series=raw.series)
    return PublishedPeriod(
        report=period.report, period=period.period, title=period.title,
        period_label=period.period_label, start=period.start, end=period.end,
        published=period.published, summary=period.summary,
        source=PublishedSource(period.source.file, period.source.title, period.source.publisher,
                               period.source.date, period.source.presented_to, period.source.url),
        next_update=period.next_update,
        notes=tuple(period.notes), previous=period.previous, values=values,
        targets={n: t for n in period.targets if (t := target_of(period, n))},
        tables={n: r.published for n, r in tables.items()}, draft=period.draft,
        relations=period_relations(period, raws, site) if relations is None else relations,
        hierarchies=tuple((r.label, r.members) for r in period.relations if r.kind == "hierarchy"))


def _complement_for(result: TableResult, ndims: int, cell: Key) -> Key | None:
    """The smallest positive visible cell sharing a line with `cell` (totals last); failing
    that, with any hidden cell of the table. Each call hides one more cell, so repeated
    rounds end, at worst with the whole table hidden."""
    return (_smallest_visible(result, ndims, lambda keys: cell in keys)
            or _smallest_visible(result, ndims, lambda keys: bool(result.hidden & set(keys))))


def _smallest_visible(result: TableResult, ndims: int, wanted: Callable[[list[Key]], bool]) -> Key | None:
    best: tuple[tuple[int, float], Key] | None = None
    for line in lines_of(result.values, ndims):
        keys = [*line.members, *([line.total] if line.total else [])]
        if not wanted(keys):
            continue
        for key in keys:
            value = result.values[key]
            if key in result.hidden or value != value or value <= 0:
                continue
            if result.published.cells[key].symbol:
                continue
            rank = (1 if TOTAL in key else 0, value)
            if best is None or rank < best[0]:
                best = (rank, key)
    return best[1] if best else None


class Suppressed(NamedTuple):
    """A period (or one earlier version of it) suppressed and audited."""

    raws: dict[str, Raw]  # its figures and metrics, raw
    hidden: set[str]  # the figures and metrics hidden
    tables: dict[str, TableResult]  # its tables, with the cells hidden in each
    findings: list[Finding]  # what the audit can still narrow (empty: safe to publish)


def hideable(kind: str, name: str, key: Key, result: Suppressed, extra: dict[str, set[Key]],
              extra_metrics: set[str]) -> bool:
    """Whether a published number of a suppressed period can still be hidden as a complement:
    a figure not hidden yet, or a table cell not hidden yet holding a positive number (a zero
    is always shown, so hiding one would mislead; a symbol hides nothing)."""
    raws, hidden, tables, _ = result
    if kind == "figure":
        return name in raws and name not in hidden | extra_metrics
    if kind != "table" or name not in tables:
        return False
    value = tables[name].values.get(key)
    return (value is not None and value == value and value > 0 and key not in tables[name].hidden
            and key not in extra.get(name, set()))


COMPLEMENT_TRIALS = 4


def _about_small_count(finding: Finding, result: Suppressed, config: Config) -> bool:
    """Whether a finding is about a count hidden for being small (not a complement)."""
    raws, _, tables, _ = result
    if finding.kind == "table" and finding.table in tables:
        value = tables[finding.table].values.get(finding.cell)
    elif finding.kind == "figure" and finding.table in raws:
        value = raws[finding.table].value
    else:
        return False
    return value is not None and value == value and 0 < value <= config.suppression_threshold


def hide_ref(ref: Ref, key_of: str, extra: dict[str, set[Key]], extra_metrics: set[str]) -> set[Ref]:
    """Add a published number to the cells (`extra`) or figures (`extra_metrics`) to hide;
    returns it as a reference in version `key_of`."""
    _, kind, name, key = ref
    if kind == "table":
        extra.setdefault(name, set()).add(key)
    else:
        extra_metrics.add(name)
    return {(key_of, kind, name, key)}


def _complement_that_widens(finding: Finding, result: Suppressed, extra: dict[str, set[Key]],
                            extra_metrics: set[str],
                            attempt: Callable[[dict[str, set[Key]], set[str]], Suppressed],
                            ) -> Ref | None:
    """Of the first COMPLEMENT_TRIALS numbers the audit ranks as tied to `finding` (least
    information first), the first whose hiding alone settles it, tried by publishing and
    auditing the period again: a number that is only in the same relations (a 5 to 9 beside
    'Under 5' = 'Under 1' + '1 to 4') would be hidden for nothing. None when none does; the
    caller then hides the first usable one, and the next round goes on from there."""
    candidates = [ref for ref in finding.complements
                  if hideable(ref[1], ref[2], ref[3], result, extra, extra_metrics)]
    if len(candidates) < 2:
        return None  # no choice to make
    same = (finding.period, finding.table, finding.cell)
    for ref in candidates[:COMPLEMENT_TRIALS]:
        trial_extra = {name: set(keys) for name, keys in extra.items()}
        trial_metrics = set(extra_metrics)
        hide_ref(ref, "", trial_extra, trial_metrics)
        if not any((f.period, f.table, f.cell) == same for f in attempt(trial_extra, trial_metrics).findings):
            return ref
    return None


def _hide_complement(finding: Finding, result: Suppressed, key_of: str,
                     extra: dict[str, set[Key]], extra_metrics: set[str],
                     ndims: dict[str, int]) -> set[Ref]:
    """Hide one more published number so that `finding` widens: the first usable of the
    numbers the audit names as tied to it (a cell or a figure), else a cell sharing a line with
    it, else the derived figures that use its table. Returns what it hid (nothing when nothing
    is left to hide)."""
    raws, hidden, tables, _ = result
    for ref in finding.complements:
        if hideable(ref[1], ref[2], ref[3], result, extra, extra_metrics):
            return hide_ref(ref, key_of, extra, extra_metrics)
    if finding.kind == "table" and finding.table in tables:
        complement = _complement_for(tables[finding.table], ndims[finding.table], finding.cell)
        if complement is not None:
            extra.setdefault(finding.table, set()).add(complement)
            return {(key_of, "table", finding.table, complement)}
    names = {name for name, raw in raws.items() if name not in hidden | extra_metrics
             and raw.result is not None and any(p.table == finding.table for p in raw.result.parts)}
    extra_metrics |= names
    return {(key_of, "figure", name, ()) for name in names}


def table_times(period: Period) -> set[object]:
    """When the tables of a period (and of its earlier versions) count: ('at', date) for a
    snapshot, ('over', start, end) for a flow over the period."""
    out: set[object] = set()
    for version in (period, *(r.previous for r in period.revisions)):
        out |= {("at", t.date) if t.date else ("over", version.start, version.end)
                for t in version.tables.values()}
    return out


def printed_count(value: float | None, unit: str, counts: str, sensitive: bool,
                  config: Config) -> bool:
    """Whether a count figure or metric is printed by its own rule, so that a reader may take
    it for the sum of a table without Total rows: a count of children or records that is not
    small by its own rule (a sensitive one above the sensitive threshold: a red team's 43
    disabled children gave a sensitive table's hidden 10), or a count of anything else
    (staff, posts), which is never hidden. Zero is left out: a table adding up to 0 hides
    nothing."""
    if unit != "count" or value is None or value != value or value <= 0:
        return False
    rule = rule_for(counts, sensitive, config.suppression_threshold, config.sensitive_threshold)
    return rule is None or not rule.is_small(value)


def same_time_counts(period: Period, periods: Iterable[Period],
                     config: Config) -> dict[object, set[float]]:
    """Counts of children or records that figures of other periods and reports give as
    numbers, by the time they count at: ('at', date) for a snapshot, ('over', start, end) for
    a flow over a whole period. Every count figure the site prints (printed_count), as for the
    period's own figures. (A table's printed Total of the same time and sum is left to
    `lookalikes.unnamed_populations`, which asks both tables to name their population.)"""
    out: dict[object, set[float]] = {}
    wanted = table_times(period)
    for other in periods:
        if other.key == period.key:
            continue
        for fig in other.figures.values():
            if fig.value is None or fig.covers or not printed_count(
                    fig.value, fig.unit, fig.counts, fig.sensitive, config):
                continue
            when = ("at", fig.date) if fig.date else ("over", other.start, other.end)
            if when in wanted:  # only times the period's tables count at can matter
                out.setdefault(when, set()).add(float(fig.value))
    return out


def _known_totals(period: Period, raws: dict[str, Raw], config: Config,
                  elsewhere: dict[object, set[float]]) -> dict[str, float]:
    """Count tables without Total rows whose sum a published figure or metric gives away: a
    reader could subtract, so the sum counts as the table's total (for a one-dimensional
    table, in secondary suppression too; for more, the audit links it). Besides the period's
    own figures and metrics, a figure of another period or report gives it too, at the
    table's date (or, for a flow, over the same span): a red team found 1,061 children in care
    at 31 March in one report give away the 4 a table without a Total row hid in another."""
    published = {r.value for r in raws.values()
                 if r.value is not None and printed_count(r.value, r.unit, r.counts, r.sensitive,
                                                          config)}
    known: dict[str, float] = {}
    for name, table in period.tables.items():
        frame = table.frame
        if (table.unit != "count" or table.counts not in PEOPLE or table.comparator
                or any((frame[d] == TOTAL).any() for d in table.dims)
                or frame["symbol"].ne("").any()):
            continue
        total = float(frame["value"].sum())
        when = ("at", table.date) if table.date else ("over", period.start, period.end)
        if total in published or total in elsewhere.get(when, ()):
            known[name] = total
    return known


def _suppress_period(period: Period, config: Config, forced: dict[str, set[Key]] | None = None,
                     forced_metrics: set[str] | None = None, reasons: list[str] | None = None,
                     *, site: Site, collapsed: dict[str, frozenset[str]] | None = None,
                     elsewhere: dict[object, set[float]] | None = None) -> Suppressed:
    """Suppress one period, then audit it as an attacker would and hide further cells (or
    derived figures) until no hidden cell can be narrowed: covers linked tables, metrics
    and patterns the line-by-line rule misses."""

    ndims = {name: len(t.dims) for name, t in period.tables.items()}
    raws = raw_quantities(period, compute_all(period))
    if elsewhere is None:
        elsewhere = same_time_counts(period, site.periods.values(), config)
    known = _known_totals(period, raws, config, elsewhere)
    relations = period_relations(period, raws, site)  # the same for every attempt

    def attempt(extra: dict[str, set[Key]], extra_metrics: set[str]) -> Suppressed:
        """Publish the period with `extra` cells and figures hidden besides the rule's, and
        audit it."""
        tables = {name: publish_table(t, config, extra.get(name, set()), known.get(name),
                                      (collapsed or {}).get(name, frozenset()))
                  for name, t in period.tables.items()}
        hidden = with_derived(extra_metrics | {n for n, r in raws.items()
                                                if is_disclosive(r, config, tables, ndims)},
                               raws)
        return Suppressed(raws, hidden, tables, replay_findings(period.key, tables) + audit_period(
            build_period(period, raws, hidden, tables, {}, site, relations),
            config.min_feasible_range,
            (config.suppression_threshold, config.sensitive_threshold)))

    # Cells and figures hidden in another version of this period start hidden here.
    extra: dict[str, set[Key]] = {name: set(keys) for name, keys in (forced or {}).items()}
    extra_metrics: set[str] = set(forced_metrics or ()) & set(raws)
    for _ in range(MAX_AUDIT_ROUNDS):
        result = attempt(extra, extra_metrics)
        raws, hidden, tables, findings = result
        if not findings:
            return result
        touched: set[Ref] = set()
        # Small counts first: protecting one can make an earlier complement unneeded (shown
        # again when its table's complements are chosen anew), which settles a finding about
        # that complement without hiding more.
        small = [f for f in findings if _about_small_count(f, result, config)]
        for finding in small or findings:
            if touched & set(finding.complements):
                continue  # this round already hid a number tied to it: audit again first
            chosen = _complement_that_widens(finding, result, extra, extra_metrics, attempt)
            hid = (hide_ref(chosen, period.key, extra, extra_metrics) if chosen else
                   _hide_complement(finding, result, period.key, extra, extra_metrics, ndims))
            touched |= hid
            if reasons is not None:
                reasons += [f"{period.key}: {in_words(ref)} hidden, as {finding.describe()}"
                            for ref in sorted(hid)]
        if not touched:
            break
    # Give up: return what we have with its findings; the pipeline reports them and the
    # build stops.
    return Suppressed(raws, hidden, tables, findings)


def replay_findings(key: str, tables: dict[str, TableResult]) -> list[Finding]:
    """A problem for each withheld table whose hidden cells a reader who replays the rule
    could still narrow against its totals: the build stops (fail closed) and says how to
    settle it."""
    out = []
    for name, result in sorted(tables.items()):
        if result.narrowed:
            cells = "; ".join(", ".join(k) for k in sorted(result.narrowed))
            out.append(Finding(key, name, (), 0, 0, "undeclared", through=(
                f"table '{name}' is withheld, as a reader who repeats the suppression rule "
                f"could narrow its hidden cells ({cells}), and its totals still let them: "
                "merge its small categories with `collapse:` (docs/data-format.md)",)))
    return out


def in_words(ref: Ref) -> str:
    """A published number in words, for `invoke check`: "'legal_status' [Remand]"."""
    return f"'{ref[2]}'" + (f" [{', '.join(ref[3])}]" if ref[3] else "")


def suppress_versions(period: Period, config: Config, forced: dict[str, set[Key]] | None = None,
                       forced_metrics: set[str] | None = None, reasons: list[str] | None = None,
                       *, site: Site, elsewhere: dict[object, set[float]] | None = None,
                       ) -> tuple[Suppressed, list[Suppressed]]:
    """Suppress a period and its earlier versions consistently: whatever is hidden in one
    version is hidden in all, and a group collapsed in one is collapsed in all, repeated
    until nothing more is hidden, so that comparing two versions cannot reveal a value
    either of them hides (a red team read a collapsed 5 off the correction that showed its
    partner on its own). `forced`: cells and figures the site-wide audit asked to hide.
    `elsewhere`: same_time_counts for the period, when worked out already (the preview's
    memo depends on it, not on every other period)."""
    versions = [period] + [r.previous for r in period.revisions]
    forced = {name: set(keys) for name, keys in (forced or {}).items()}
    forced_metrics = set(forced_metrics or ())
    collapsed: dict[str, frozenset[str]] = {}
    while True:
        found: list[str] = []
        results = [_suppress_period(v, config, forced, forced_metrics, found, site=site,
                                    collapsed=collapsed, elsewhere=elsewhere)
                   for v in versions]
        union: dict[str, set[Key]] = {name: set(keys) for name, keys in forced.items()}
        groups: dict[str, frozenset[str]] = dict(collapsed)
        for _, _, tables, _ in results:
            for name, result in tables.items():
                union.setdefault(name, set()).update(result.hidden)
                groups[name] = groups.get(name, frozenset()) | set(result.published.collapsed)
        groups = {name: labels for name, labels in groups.items() if labels}
        union_metrics = forced_metrics.union(*(hidden for _, hidden, _, _ in results))
        if len(versions) == 1 or (union == forced and union_metrics == forced_metrics
                                  and groups == collapsed):
            if reasons is not None:
                found += [f"{period.key}: table '{name}' withheld (every cell but its totals "
                          "hidden), as a reader who repeats the suppression rule could work "
                          "out a hidden cell from the ones it would show; merging its small "
                          "categories (`collapse:`) may let it be shown"
                          for name, result in sorted(results[0].tables.items())
                          if result.withheld]
                reasons[:] = list(dict.fromkeys(found))
            return results[0], results[1:]
        forced, forced_metrics, collapsed = union, union_metrics, groups
