"""Standard measures of the report kinds the engine ships: names, words and meanings written
once, so that every council's period starts from them and a name means one thing on every
site that uses it.

A period's `period.yaml` may give a standard figure or metric by its name alone, with its
value (a figure) or its formula (a metric): the label, unit, what it counts and, for a metric,
its definition are filled in from here (`apply`). It may reword the label or definition; it
may not change what a standard figure measures (its unit or what it counts): a figure that
measures something else takes its own name. docs/report-kinds.md lists these measures (a test
keeps it true), with the stock-and-flow identities each kind ships (settings.DEFAULT_REPORTS).

Definitions follow the Department for Education's statistics (children looked after in
England; characteristics of children in need), the IRO Handbook (2010) and Working Together
to Safeguard Children (2023).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Measure:
    """A standard figure or metric: its label and meaning; for a figure, also its unit and
    what it counts (terms.UNITS, terms.COUNTS)."""

    label: str
    definition: str
    unit: str = ""  # figures only
    counts: str = ""  # figures only


def _figure(label: str, unit: str, counts: str, definition: str) -> Measure:
    return Measure(label, definition, unit, counts)


FIGURES: dict[str, dict[str, Measure]] = {
    "iro": {
        "children_in_care": _figure(
            "Children in care", "count", "children",
            "Children looked after by the council on the last day of the period."),
        "children_entering_care": _figure(
            "Children who started to be looked after", "count", "children",
            "Children who started to be looked after during the period."),
        "children_leaving_care": _figure(
            "Children who stopped being looked after", "count", "children",
            "Children who ceased to be looked after during the period."),
        "reviews_held": _figure(
            "Child in care reviews held", "count", "records",
            "Reviews of children's care plans chaired by an Independent Reviewing Officer "
            "during the period."),
        "reviews_on_time": _figure(
            "Child in care reviews held on time", "count", "records",
            "Reviews held within the statutory timescales: the first within 20 working days "
            "of a child coming into care, the second within three months of the first, then "
            "at least every six months."),
        "iro_fte": _figure(
            "Independent Reviewing Officers (full-time equivalent)", "fte", "none",
            "Independent Reviewing Officer posts filled at the end of the period, as "
            "full-time equivalents."),
        "iro_caseload": _figure(
            "Children per Independent Reviewing Officer", "mean", "none",
            "The average number of children in care for whom one full-time Independent "
            "Reviewing Officer is responsible; the IRO Handbook recommends 50 to 70."),
    },
    "cp": {
        "children_on_cp_plans": _figure(
            "Children on child protection plans", "count", "children",
            "Children who were the subject of a child protection plan on the last day of the "
            "period."),
        "cp_plans_started": _figure(
            "Child protection plans started", "count", "children",
            "Children who became the subject of a child protection plan during the period."),
        "cp_plans_ended": _figure(
            "Child protection plans ended", "count", "children",
            "Children who stopped being the subject of a child protection plan during the "
            "period."),
        "icpcs_held": _figure(
            "Initial child protection conferences held", "count", "records",
            "Initial child protection conferences (ICPCs) held during the period."),
        "icpcs_within_15_days": _figure(
            "Initial child protection conferences held within 15 working days", "count",
            "records",
            "ICPCs held within 15 working days of the strategy discussion at which the "
            "section 47 enquiry was started."),
        "review_conferences_held": _figure(
            "Review child protection conferences held", "count", "records",
            "Review child protection conferences held during the period."),
        "review_conferences_on_time": _figure(
            "Review child protection conferences held on time", "count", "records",
            "Review conferences held within timescale: the first within three months of the "
            "initial conference, then at intervals of no more than six months."),
    },
    "qa": {
        "audits_completed": _figure(
            "Case file audits completed", "count", "records",
            "Audits of children's case files completed during the period."),
        "audits_good_or_better": _figure(
            "Case file audits graded good or outstanding", "count", "records",
            "Completed case file audits whose overall grade was good or outstanding."),
    },
}

METRICS: dict[str, dict[str, Measure]] = {
    "iro": {
        "review_timeliness": Measure(
            "Reviews held on time",
            "Child in care reviews held within the statutory timescales, as a percentage of "
            "all reviews held."),
    },
    "cp": {
        "icpc_timeliness": Measure(
            "Initial conferences held within 15 working days",
            "Initial child protection conferences held within 15 working days of the "
            "strategy discussion, as a percentage of all initial conferences held."),
        "review_conference_timeliness": Measure(
            "Review conferences held on time",
            "Review child protection conferences held within timescale, as a percentage of "
            "all review conferences held."),
    },
    "qa": {
        "audits_good_or_better_rate": Measure(
            "Case file audits graded good or outstanding",
            "Completed case file audits graded good or outstanding, as a percentage of all "
            "audits completed."),
    },
}


# Standard figures that are part of another (part, whole): reviews held on time are some of
# the reviews held. Wherever a period publishes both, the audit knows their difference is a
# count too (the late reviews), as it does for a percentage's numerator and denominator:
# "200 reviews, 197 on time" would otherwise publish 3 late ones (a red-team finding).
PARTS: dict[str, tuple[tuple[str, str], ...]] = {
    "iro": (("reviews_on_time", "reviews_held"),),
    "cp": (("icpcs_within_15_days", "icpcs_held"),
           ("review_conferences_on_time", "review_conferences_held")),
    "qa": (("audits_good_or_better", "audits_completed"),),
}


def for_section(report: str, section: str) -> Mapping[str, Measure]:
    """The standard measures of one report kind for a `period.yaml` section ('figures' or
    'metrics'); empty for other sections and for kinds a site adds itself. A metric may take
    a standard figure's name (a headline card of `children_in_care`, `type: value` of the
    figure): it is the same measure, so it takes the figure's label and definition."""
    if section == "metrics":
        return {**FIGURES.get(report, {}), **METRICS.get(report, {})}
    return {"figures": FIGURES}.get(section, {}).get(report, {})


def defaults(measure: Measure, section: str) -> dict[str, str]:
    """The fields a standard measure fills in when `period.yaml` leaves them out."""
    if section == "figures":
        return {"label": measure.label, "unit": measure.unit, "counts": measure.counts,
                "definition": measure.definition}
    return {"label": measure.label, "definition": measure.definition}
