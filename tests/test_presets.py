"""Standard measures of the shipped report kinds (presets.py): filled in where period.yaml
leaves them out, refused where a standard name is made to measure something else, and listed
truly in docs/report-kinds.md."""

from __future__ import annotations

from pathlib import Path

from test_load_bad_input import find_problem

import support
from transparency import presets
from transparency.settings import DEFAULT_REPORTS

DOC = Path(__file__).parent.parent / "docs" / "report-kinds.md"


def test_a_standard_figure_and_metric_given_by_name_take_their_words(files) -> None:
    # reviews_held given with its value and source only; the metric with its formula only.
    text = files.yaml.read_text(encoding="utf-8")
    text = text.replace("""    label: Child in care reviews chaired by IROs
    value: 3560
    unit: count
    counts: records
""", "    value: 3560\n")
    text = text.replace("""    label: Reviews held on time
    definition: Reviews held on time as a percentage of all reviews held.
    type: percent""", "    type: percent")
    assert text != files.yaml.read_text(encoding="utf-8")
    files.yaml.write_text(text, encoding="utf-8")
    site, problems = support.load_data(files.data)
    assert not problems, problems.report()
    period = site.periods[files.key]
    figure = period.figures["reviews_held"]
    standard = presets.FIGURES["iro"]["reviews_held"]
    assert (figure.label, figure.unit, figure.counts, figure.value) == (
        standard.label, "count", "records", 3560)
    metric = period.metrics["review_timeliness"]
    assert (metric.label, metric.definition) == (
        presets.METRICS["iro"]["review_timeliness"].label,
        presets.METRICS["iro"]["review_timeliness"].definition)
    # The report's own wording is kept.
    assert period.figures["reviews_on_time"].label == "Child in care reviews held on time"


def test_a_standard_name_cannot_measure_something_else(files) -> None:
    support.replace_in(files.yaml, "    value: 3560\n    unit: count\n    counts: records",
                       "    value: 3560\n    unit: count\n    counts: children")
    _, problems = support.load_data(files.data)
    text = find_problem(problems, "period.yaml", "'reviews_held' is a standard iro measure with "
                        "counts 'records', not 'children'",
                        line=support.line_of(files.yaml, "counts: children"),
                        field="figures.reviews_held.counts")
    assert "a name of its own" in text


def test_a_kind_a_site_adds_has_no_standard_measures() -> None:
    assert presets.for_section("lado", "figures") == {}
    assert presets.for_section("iro", "tables") == {}


def test_every_shipped_kind_has_standard_measures_and_the_doc_lists_them() -> None:
    doc = DOC.read_text(encoding="utf-8")
    assert set(presets.FIGURES) == set(presets.METRICS) == set(DEFAULT_REPORTS)
    for kind in DEFAULT_REPORTS:
        assert f"(`{kind}`)" in doc
        for name, m in presets.FIGURES[kind].items():
            assert f"| `{name}` | {m.label} | {m.unit} | {m.counts} | {m.definition} |" in doc
        for name, m in presets.METRICS[kind].items():
            assert f"| `{name}` | {m.label} | {m.definition} |" in doc
    for kind, spec in DEFAULT_REPORTS.items():  # identities are over standard names
        for identity in spec.get("identities", []):
            names = [identity["start"].removeprefix("previous."), *identity["in"],
                     *identity["out"], identity["end"]]
            assert set(names) <= set(presets.FIGURES[kind]), names
            assert all(f"`{n}`" in doc.split("Identity")[1] for n in names)


def test_a_standard_figure_can_be_a_headline_card_and_a_metric_of_its_name_takes_its_words(
        files) -> None:
    # A new council's officer wanted children_in_care as a headline card: only metrics could
    # be, and a metric of that name was asked for a label and definition the standard figure
    # already has. A figure can now be a headline itself, with its standard definition.
    support.replace_in(files.yaml, "    value: 3560\n", "    value: 3560\n    headline: true\n")
    # The period's metric 'children_in_care' (a table's total) is the standard figure's
    # measure: without its own words it takes the figure's.
    support.replace_in(files.yaml, """    label: Children in care
    definition: Children looked after on the last day of the period.
    type: value""", "    type: value")
    site, problems = support.load_data(files.data)
    assert not problems, problems.report()
    period = site.periods[files.key]
    standard = presets.FIGURES["iro"]
    assert (period.metrics["children_in_care"].label,
            period.metrics["children_in_care"].definition) == (
        standard["children_in_care"].label, standard["children_in_care"].definition)
    held = period.figures["reviews_held"]
    assert held.headline and held.definition == standard["reviews_held"].definition
    from transparency.publish import publish_site

    published = publish_site(site, support.config(files.data, files.data.parent / "content"))
    cards = {m.name: m for m in published.periods[files.key].headlines}
    assert cards["reviews_held"].definition == standard["reviews_held"].definition
    assert cards["reviews_held"].value.text() == "3,560"
