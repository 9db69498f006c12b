"""The single choke point between raw data and every output.

`publish_site()` takes the raw `model.Site`, computes metrics and changes on raw values,
applies suppression, and returns a `published.PublishedSite` holding no raw value of any
suppressed figure. The raw site is not kept anywhere reachable by templates.
"""

from __future__ import annotations

import hashlib
import math
import pickle
from collections.abc import ItemsView, Iterator, KeysView, ValuesView
from dataclasses import dataclass, field, replace

from .audit import Finding, audit_site
from .corrections import with_revisions
from .knowledge import current_version
from .lint_findings import HiddenLine
from .lookalikes import unbalanced_declarations, undeclared, unnamed_populations
from .metrics import compute_all
from .model import TOTAL, Period, Site
from .period_cure import (
    Suppressed,
    build_period,
    hide_ref,
    hideable,
    in_words,
    same_time_counts,
    suppress_versions,
)
from .printed import round_half_up
from .publish_tables import table_cells
from .published import (
    PublishedChange,
    PublishedGeography,
    PublishedPeriod,
    PublishedSite,
    Ref,
)
from .quantities import change_of
from .settings import Config
from .suppress import Key, lines_of

MAX_SITE_ROUNDS = 20


def _assemble(site: Site, config: Config,
              versions: dict[str, tuple[Suppressed, list[Suppressed]]]) -> dict[str, PublishedPeriod]:
    computed = {key: current for key, (current, _) in versions.items()}
    periods: dict[str, PublishedPeriod] = {}
    for key, period in site.periods.items():
        raws, hidden, tables, _ = computed[key]
        prev_period = site.periods.get(f"{period.report}/{period.previous}") if period.previous else None
        changes: dict[str, PublishedChange] = {}
        if prev_period is not None:
            prev_raws, prev_hidden, _, _ = computed[prev_period.key]
            for name, raw in raws.items():
                if name in prev_raws:
                    changes[name] = change_of(raw, name in hidden, prev_raws[name],
                                            name in prev_hidden, period, prev_period, config)
        periods[key] = with_revisions(
            period, build_period(period, raws, hidden, tables, changes, site), computed[key],
            versions[key][1], site)
    return periods


def _site_cure(findings: list[Finding], site: Site,
               versions: dict[str, tuple[Suppressed, list[Suppressed]]],
               forced: dict[str, tuple[dict[str, set[Key]], set[str]]],
               reasons: list[str]) -> set[str]:
    """Hide one more published number for each site-wide finding (what ties periods together:
    stock and flow, the same snapshot twice, corrections). Returns the periods to redo, and
    adds to `reasons` what was hidden and which relation required it."""
    redo: set[str] = set()
    touched: set[Ref] = set()
    for finding in findings:
        if touched & set(finding.complements):
            continue  # this round already hid a number tied to it: audit again first
        for version, kind, name, key in finding.complements:
            period_key = current_version(version)
            if period_key not in versions:
                continue
            cells, metrics = forced.setdefault(period_key, ({}, set()))
            if not hideable(kind, name, key, versions[period_key][0], cells, metrics):
                continue
            touched |= hide_ref((version, kind, name, key), version, cells, metrics)
            redo.add(period_key)
            reasons.append(f"{period_key}: {in_words((version, kind, name, key))} hidden, as "
                           f"{finding.describe()}")
            break
    return redo


def _geography(config: Config) -> PublishedGeography | None:
    """The council in the DfE's open data, when the settings give it (resolve has checked
    that they give all of it or none)."""
    if not config.old_la_code:
        return None
    return PublishedGeography(config.la_code, config.old_la_code, config.la_name,
                              config.region_code, config.region_name)


class _Reading(dict[str, Period]):
    """A site's periods that note which of them are read: what one period's suppression
    depends on besides the period itself (a `previous.NAME` term reads another period)."""

    def __init__(self, periods: dict[str, Period]) -> None:
        super().__init__(periods)
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> Period:
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Period | None = None) -> Period | None:  # type: ignore[override]
        self.read.add(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self.read.add(str(key))
        return super().__contains__(key)

    def _all(self) -> None:
        self.read.update(super().keys())

    def __iter__(self) -> Iterator[str]:
        self._all()
        return super().__iter__()

    # A view, not dict's own view type: what is read is noted when the view is asked for.
    def keys(self) -> KeysView[str]:  # type: ignore[override]
        self._all()
        return super().keys()

    def values(self) -> ValuesView[Period]:  # type: ignore[override]
        self._all()
        return super().values()

    def items(self) -> ItemsView[str, Period]:  # type: ignore[override]
        self._all()
        return super().items()


def _digest(value: object) -> str:
    return hashlib.sha256(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()


@dataclass
class SuppressionMemo:
    """Each period's own suppression and audit (with its earlier versions), kept by a
    long-lived process (the preview) between builds: reused only while the period, every
    period it read and the settings are exactly as they were (compared by a hash of their
    pickled form). The site-wide audit is never kept: it runs on every publication."""

    # period key -> (its digest with the settings', {period read: its digest},
    #                the pickled (result, reasons))
    entries: dict[str, tuple[str, dict[str, str], bytes]] = field(default_factory=dict)


def _settings_digest(config: Config) -> str:
    return _digest(repr(sorted((k, str(v)) for k, v in vars(config).items())))


def _suppress_remembered(site: Site, config: Config, memo: SuppressionMemo | None,
                         reasons: dict[str, list[str]]) -> dict[str, tuple[Suppressed,
                                                                           list[Suppressed]]]:
    """suppress_versions for every period, reusing `memo`'s where nothing it depends on
    changed, and keeping the new ones in it."""
    if memo is None:
        return {key: suppress_versions(period, config, reasons=reasons[key], site=site)
                for key, period in site.periods.items()}
    settings = _settings_digest(config)
    digests = {key: _digest(period) for key, period in site.periods.items()}
    out: dict[str, tuple[Suppressed, list[Suppressed]]] = {}
    kept: dict[str, tuple[str, dict[str, str], bytes]] = {}
    for key, period in site.periods.items():
        # What other periods' figures give away (a table's sum) is read as a summary, so a
        # period depends on those counts, not on everything else in every other period.
        elsewhere = same_time_counts(period, site.periods.values(), config)
        own = digests[key] + settings + _digest(sorted((repr(k), sorted(v))
                                                       for k, v in elsewhere.items()))
        entry = memo.entries.get(key)
        if entry is not None and entry[0] == own and all(
                digests.get(read) == digest for read, digest in entry[1].items()):
            out[key], reasons[key][:] = pickle.loads(entry[2])  # noqa: S301 - made here
            kept[key] = entry
            continue
        reading = _Reading(site.periods)
        out[key] = suppress_versions(period, config, reasons=reasons[key], site=Site(reading),
                                     elsewhere=elsewhere)
        depends = {read: digests.get(read, "absent") for read in reading.read}
        kept[key] = (own, depends, pickle.dumps((out[key], reasons[key]),
                                                protocol=pickle.HIGHEST_PROTOCOL))
    memo.entries = kept
    return out


def publish_site(site: Site, config: Config, memo: SuppressionMemo | None = None) -> PublishedSite:
    """Compute, suppress and publish every period. The only way raw data reaches output.

    Each period (with its earlier versions) is suppressed and audited on its own first (or
    taken from `memo`, where nothing it depends on changed); then the whole site is audited
    as one reader's knowledge (`knowledge.reader_model`), always, and what ties periods
    together hides more, period by period, until nothing can be narrowed."""
    forced: dict[str, tuple[dict[str, set[Key]], set[str]]] = {}
    # What each period's own cure hid beyond its tables' line rule, and why.
    in_period: dict[str, list[str]] = {key: [] for key in site.periods}
    versions = _suppress_remembered(site, config, memo, in_period)
    findings: list[Finding] = []
    reasons: list[str] = []
    for _ in range(MAX_SITE_ROUNDS):
        published = PublishedSite(
            periods={key: replace(period, area=config.area)
                     for key, period in _assemble(site, config, versions).items()},
            reports={k: dict(v) for k, v in config.reports.items()},
            organisation=config.organisation, service=config.service,
            contact_email=config.contact_email, threshold=config.suppression_threshold,
            sensitive_threshold=config.sensitive_threshold,
            min_feasible_range=config.min_feasible_range, geography=_geography(config))
        findings = audit_site(published, config.min_feasible_range)
        redo = _site_cure(findings, site, versions, forced, reasons) if findings else set()
        if not redo:
            break
        for key in redo:
            versions[key] = suppress_versions(site.periods[key], config, *forced[key],
                                               reasons=in_period[key], site=site)
    return replace(published, findings=tuple(findings)
                   + tuple(undeclared(site, versions, config.area, config.suppression_threshold))
                   + tuple(unnamed_populations(site, versions))
                   + tuple(unbalanced_declarations(site, findings)),
                   combined=tuple(r for key in sorted(in_period) for r in in_period[key])
                   + tuple(reasons))


def hidden_lines(site: Site, published: PublishedSite) -> dict[str, tuple[HiddenLine, ...]]:
    """Each period's lines of count tables of children or records, with their true numbers
    and which are hidden, for the narrative lint: a typed number equal to the sum of cells its
    sentence names, a hidden one among them, undoes the suppression ("749 children were on a
    care order or a placement order"; red team 9), as does a typed percentage of a line's
    total or a change on the same category's number in another period, shown there ("down
    37.5% on 2021/22"; red team 12), so lines without a hidden cell are kept too, for periods
    of a report that hides one. Never part of the published site."""
    out: dict[str, tuple[HiddenLine, ...]] = {}
    for key, shown in published.periods.items():
        period = site.periods.get(key)
        if period is None:
            continue
        lines: list[HiddenLine] = []
        for name, table in shown.tables.items():
            if name not in period.tables or not table.of_people or table.comparator:
                continue
            values, _ = table_cells(period.tables[name])
            hidden = {cell for cell, value in table.cells.items() if value.symbol == "c"}
            grand = (values.get((TOTAL,) * len(table.dims), math.nan) if len(table.dims) > 1
                     else math.nan)
            for line in lines_of(values, len(table.dims)):
                dim = table.dims[line.dim]
                cells = tuple((cell[line.dim], values[cell], cell in hidden)
                              for cell in line.members if not math.isnan(values[cell]))
                lines.append(HiddenLine(dim, table.dimensions[dim], cells, grand))
        out[key] = tuple(lines)
    hiding = {key.split("/")[0] for key, lines in out.items()
              if any(h for line in lines for _, _, h in line.cells)}
    return {key: lines if key.split("/")[0] in hiding else () for key, lines in out.items()}


def hidden_numbers(site: Site, published: PublishedSite) -> dict[str, frozenset[float]]:
    """The true numbers behind each period's [c], for the narrative lint: a number typed by
    hand that equals one of them undoes the suppression (lint.py). Keyed by period
    ("iro/2021-22"); values are table cells, figures and metrics as published would give
    them (metrics rounded to their decimals). Never part of the published site."""
    out: dict[str, frozenset[float]] = {}
    for key, shown in published.periods.items():
        period = site.periods.get(key)
        if period is None:
            continue
        numbers: set[float] = set()
        for name, table in shown.tables.items():
            if name not in period.tables:
                continue
            values, _ = table_cells(period.tables[name])
            numbers |= {values[cell] for cell, value in table.cells.items()
                        if value.symbol == "c" and cell in values and not math.isnan(values[cell])}
        results = compute_all(period)
        for name, metric in shown.values.items():
            if metric.value.symbol != "c":
                continue
            if name in period.figures and period.figures[name].value is not None:
                numbers.add(float(period.figures[name].value or 0))
            elif name in results and (number := results[name].value) is not None:
                numbers.add(round_half_up(float(number), results[name].decimals))
        out[key] = frozenset(numbers)
    return out
