"""The narrative's references: parse, check and render each kind
(`{{ name }}`, `value`, `change`, `previous`, `target`, `table`, `chart`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import support
from support import fig, make_figure, make_period, make_table, metric, tab
from transparency import publish, references
from transparency.model import Site, Target, Where
from transparency.problems import Problems
from transparency.published import PublishedPeriod

T = "Total"
END = dt.date(2022, 3, 31)
PREV_END = dt.date(2021, 3, 31)
FILE = Path("content/iro/2021-22.md")


def parse(text: str) -> tuple[list[references.Reference], Problems]:
    problems = Problems()
    refs = references.parse(text, FILE, problems)
    return refs, problems


def messages(problems: Problems) -> list[str]:
    return [p.message for p in problems.items]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("refs")
    target = Target(name="review_timeliness_target", label="Aspiration", unit="percent",
                    source="Section 4", where=Where(Path("period.yaml"), 1), value=98)
    legal = make_table("legal_status", ["legal_status"], {
        ("Care order",): 845, ("Interim care order",): 281, ("Placement order",): 86,
        ("Remand",): 3, (T,): 1215}, date=END)
    health = make_table("health_needs", ["need"], {("A",): 40, ("B",): 45, (T,): 85},
                        sensitive=True)
    rate = metric("review_timeliness", "percent", numerator=fig("reviews_on_time"),
                  denominator=fig("reviews_held"), target="review_timeliness_target")
    current = make_period(
        previous="2020-21",
        figures=[make_figure("children_in_care", 1446, date=END),
                 make_figure("reviews_held", 3560, counts="records"),
                 make_figure("reviews_on_time", 3482, counts="records"),
                 make_figure("uasc", 3),
                 make_figure("new_measure", 70)],
        tables=[legal, health], targets=[target],
        metrics=[rate, metric("remand", "value", of=[tab("legal_status", legal_status="Remand")]),
                 metric("health_total", "value", of=[tab("health_needs")])])
    earlier = make_period(
        period="2020-21", start=dt.date(2020, 4, 1), end=PREV_END,
        figures=[make_figure("children_in_care", 1352, date=PREV_END),
                 make_figure("reviews_held", 3578, counts="records"),
                 make_figure("reviews_on_time", 3482, counts="records"),
                 make_figure("uasc", 40)],
        targets=[target], metrics=[rate])
    short = make_period(
        period="2016-04-to-2016-12", start=dt.date(2016, 4, 1), end=dt.date(2016, 12, 31),
        figures=[make_figure("reviews_held", 2500, counts="records")])
    after_short = make_period(
        period="2017-18", start=dt.date(2017, 4, 1), end=dt.date(2018, 3, 31),
        previous="2016-04-to-2016-12",
        figures=[make_figure("reviews_held", 3300, counts="records")])
    periods = [current, earlier, short, after_short]
    config = support.config(tmp / "data", tmp / "content")
    return publish.publish_site(Site({p.key: p for p in periods}), config)


@pytest.fixture
def period(site) -> PublishedPeriod:
    return site.periods["iro/2021-22"]


def check(text: str, period: PublishedPeriod) -> Problems:
    refs, problems = parse(text)
    assert not problems, problems.report()
    references.check(refs, period, FILE, problems)
    return problems


# --- parse ----------------------------------------------------------------------------

def test_parse_a_value_reference() -> None:
    refs, problems = parse("Title: x\n\nThere were {{ children_in_care }} children.\n")
    assert not problems
    assert refs == [references.Reference("value", "children_in_care", 3, "{{ children_in_care }}")]


def test_parse_without_spaces_and_with_an_explicit_value_kind() -> None:
    refs, _ = parse("{{children_in_care}} and {{ value uasc }}")
    assert [(r.kind, r.name) for r in refs] == [("value", "children_in_care"), ("value", "uasc")]
    assert refs[1].text == "{{ value uasc }}"


@pytest.mark.parametrize("kind", ["change", "previous", "target"])
def test_parse_inline_kinds(kind: str) -> None:
    refs, problems = parse(f"It was {{{{ {kind} children_in_care }}}} then.")
    assert not problems
    assert [(r.kind, r.name, r.line) for r in refs] == [(kind, "children_in_care", 1)]


def test_parse_table_reference() -> None:
    refs, problems = parse("Intro.\n\n{{ table legal_status }}\n")
    assert not problems
    assert refs == [references.Reference("table", "legal_status", 3, "{{ table legal_status }}")]


def test_parse_chart_reference_with_options() -> None:
    refs, problems = parse('{{ chart legal_status type=line title="Children in care" }}')
    assert not problems
    assert refs[0].kind == "chart"
    assert refs[0].options == {"type": "line", "title": "Children in care"}


def test_parse_chart_reference_defaults_to_no_options() -> None:
    refs, problems = parse("  {{ chart legal_status }}  ")
    assert not problems
    assert refs[0].options == {}


def test_parse_gives_each_reference_its_line() -> None:
    text = "Title: T\n\nA {{ a }} and {{ b }}.\n\nC {{ change c }}.\n"
    refs, _ = parse(text)
    assert [(r.name, r.line) for r in refs] == [("a", 3), ("b", 3), ("c", 5)]


@pytest.mark.parametrize(("text", "phrase"), [
    ("It was {{ chnage children_in_care }}.", "'chnage' is not a kind of reference (did you mean 'change'?)"),
    ("{{ tabel legal_status }}", "'tabel' is not a kind of reference (did you mean 'table'?)"),
    ("{{ chart legal_status type=pie }}", "'pie' is not a chart type"),
    ("{{ chart legal_status colour=red }}", "'colour=red' is not an option of a chart reference"),
    ("{{ table legal_status type=bar }}", "'type=bar' is not an option of a table reference"),
    ("{{ change x y }}", "'y' is not an option of a change reference"),
    ("See {{ table legal_status }}.", "a table reference must stand alone on its line"),
    ("{{ chart legal_status }} shows it.", "a chart reference must stand alone on its line"),
    ("Empty {{ }} here.", "the reference '{{ }}' is empty"),
    ("Open {{ children_in_care without closing", "does not close with '}}' on the same line"),
    ('{{ chart legal_status title="Open }}', "has an unclosed quote"),
    ("{{ change type=bar }}", "has no name"),
])
def test_parse_reports_malformed_references(text: str, phrase: str) -> None:
    refs, problems = parse("Title: T\n\n" + text + "\n")
    assert refs == []
    assert any(phrase in m for m in messages(problems)), problems.report()
    assert all(p.line == 3 and p.file == FILE for p in problems.items)
    assert all(p.hint for p in problems.items)


def test_parse_reports_an_unclosed_second_reference() -> None:
    _, problems = parse("{{ children_in_care }} children and {{ uasc young people\n")
    assert any("does not close" in m for m in messages(problems)), problems.report()


def test_parse_keeps_good_references_beside_bad_ones() -> None:
    refs, problems = parse("{{ a }} and {{ chnage b }}\n{{ c }}\n")
    assert [r.name for r in refs] == ["a", "c"]
    assert len(problems) == 1


# --- check ----------------------------------------------------------------------------

def test_check_accepts_valid_references(period) -> None:
    text = ("{{ children_in_care }} {{ change children_in_care }} {{ previous children_in_care }}\n"
            "{{ review_timeliness }} {{ target review_timeliness }} {{ review_timeliness_target }}\n"
            "{{ change uasc }} {{ previous reviews_held }}\n"
            "\n{{ table legal_status }}\n\n{{ chart legal_status type=bar }}\n")
    problems = check(text, period)
    assert not problems, problems.report()


def test_check_unknown_name_with_a_suggestion(period) -> None:
    problems = check("x\n{{ children_in_kare }}", period)
    assert messages(problems) == ["'children_in_kare' is not a name in iro/2021-22 "
                                  "(did you mean 'children_in_care'?)"]
    assert problems.items[0].line == 2
    assert "invoke catalogue iro/2021-22" in problems.items[0].hint


def test_check_a_kind_word_used_alone_is_an_unknown_name(period) -> None:
    assert "'table' is not a name in iro/2021-22" in messages(check("{{ table }}", period))[0]


def test_check_table_reference_to_a_figure(period) -> None:
    assert messages(check("{{ table uasc }}", period)) == ["'uasc' is a figure, not a table"]
    assert messages(check("{{ chart review_timeliness }}", period)) == [
        "'review_timeliness' is a metric, not a table"]


@pytest.mark.parametrize("kind", ["value", "change", "previous", "target"])
def test_check_inline_reference_to_a_table(period, kind: str) -> None:
    problems = check(f"{{{{ {kind} legal_status }}}}", period)
    assert messages(problems) == ["'legal_status' is a table"]
    assert "{{ table legal_status }}" in problems.items[0].hint


@pytest.mark.parametrize("kind", ["change", "previous"])
def test_check_change_of_a_target(period, kind: str) -> None:
    assert messages(check(f"{{{{ {kind} review_timeliness_target }}}}", period)) == [
        f"'review_timeliness_target' is a target, which has no {kind}"]


def test_check_change_without_a_previous_period(site) -> None:
    earlier = site.periods["iro/2020-21"]
    assert messages(check("{{ change children_in_care }}", earlier)) == [
        "'change children_in_care': iro/2020-21 has no previous period"]
    assert messages(check("{{ previous uasc }}", earlier)) == [
        "'previous uasc': iro/2020-21 has no previous period"]


def test_check_change_of_a_name_missing_from_the_previous_period(period) -> None:
    assert messages(check("{{ change new_measure }}", period)) == [
        "'new_measure' does not exist in the previous period (2020-21)"]


def test_check_change_that_is_not_comparable(site) -> None:
    later = site.periods["iro/2017-18"]
    problems = check("{{ change reviews_held }}", later)
    assert len(problems) == 1
    message = messages(problems)[0]
    assert message.startswith("'reviews_held' cannot be compared with 2016-04-to-2016-12:")
    assert "12 months" in message and "covers 9" in message


def test_check_target_of_something_without_a_target(period) -> None:
    assert messages(check("{{ target children_in_care }}", period)) == [
        "'children_in_care' has no target"]
    assert messages(check("{{ target remand }}", period)) == ["'remand' has no target"]


def test_check_reports_every_problem(period) -> None:
    problems = check("{{ nosuch }}\n\n{{ table uasc }}\n\n{{ target uasc }}\n", period)
    assert [p.line for p in problems.items] == [1, 3, 5]


def test_check_rejects_quoting_figures_from_a_sensitive_table(period) -> None:
    """docs/data-format.md: the narrative may not quote figures from a sensitive table."""
    problems = check("Title: T\n\nNeeds: {{ health_total }}.", period)
    assert len(problems) == 1, problems.report()
    assert "'health_total' comes from a sensitive breakdown" in problems.items[0].message
    assert problems.items[0].line == 3
    # The table itself may still be shown.
    assert not check("{{ table health_needs }}", period)


# --- render ---------------------------------------------------------------------------

def ref(text: str) -> references.Reference:
    refs, problems = parse(text)
    assert not problems and len(refs) == 1
    return refs[0]


def test_render_value(period) -> None:
    html = references.render_inline(ref("{{ children_in_care }}"), period)
    assert html.startswith('<span class="app-ref"')
    assert ">1,446</span>" in html


def test_render_percent_value(period) -> None:
    html = references.render_inline(ref("{{ review_timeliness }}"), period)
    assert ">97.8%</span>" in html


def test_render_suppressed_value_shows_c_and_explains_it(period) -> None:
    html = references.render_inline(ref("{{ uasc }}"), period)
    assert '<span aria-hidden="true">[c]</span>' in html
    assert 'class="app-symbol"' in html
    assert '<span class="app-visually-hidden"> hidden to protect privacy</span>' in html
    assert ">3<" not in html and "3</span>" not in html


def test_render_target(period) -> None:
    assert references.render_inline(ref("{{ target review_timeliness }}"), period) == "98%"
    assert references.render_inline(ref("{{ review_timeliness_target }}"), period) == "98%"


def test_render_change(period) -> None:
    html = references.render_inline(ref("{{ change children_in_care }}"), period)
    assert html == ('<span class="app-ref">up 94 (7.0%) from 1,352 at 31 March 2021</span>')


def test_render_change_of_a_suppressed_value(period) -> None:
    html = references.render_inline(ref("{{ change uasc }}"), period)
    assert "compared with 40 in April 2020 to March 2021" in html
    assert "37" not in html


def test_render_previous(period) -> None:
    html = references.render_inline(ref("{{ previous children_in_care }}"), period)
    assert ">1,352</span>" in html
    html = references.render_inline(ref("{{ previous review_timeliness }}"), period)
    assert ">97.3%</span>" in html


def test_symbol_html_escapes_text() -> None:
    from transparency.published import Issuer, Value

    assert references.symbol_html(Value(1234.5, "", "count", 1, issuer=Issuer.PUBLISH)) == "1,234.5"
    html = references.symbol_html(Value(None, "x"))
    assert "[x]" in html and "not available" in html


def test_substitute_replaces_inline_and_block_references(period) -> None:
    text = ("Title: T\n\nThere were {{ children_in_care }} children, "
            "{{ change children_in_care }}.\n\n{{ table legal_status }}\n\nEnd.")
    refs, problems = parse(text)
    assert not problems
    body, blocks = references.substitute(text, refs, period,
                                         lambda r, p: f"<figure>{r.kind}:{r.name}</figure>")
    assert "{{" not in body
    assert ">1,446</span> children, <span" in body
    assert "up 94 (7.0%)" in body
    assert list(blocks.values()) == ["<figure>table:legal_status</figure>"]
    token = next(iter(blocks))
    assert f"\n{token}\n" in body
    html = references.swap_blocks(f"<p>x</p>\n<p>{token}</p>\n<p>End.</p>", blocks)
    assert html == "<p>x</p>\n<figure>table:legal_status</figure>\n<p>End.</p>"


def test_substitute_two_references_to_the_same_name_on_one_line(period) -> None:
    text = "{{ uasc }} and {{ uasc }} again"
    refs, _ = parse(text)
    body, blocks = references.substitute(text, refs, period, lambda r, p: "")
    assert body.count("[c]") == 2
    assert "{{" not in body and not blocks


def test_curly_quotes_from_word_are_read_as_quotes(tmp_path):
    # Issue 13: title=“…” gave seven "'care' is not an option" errors.
    problems = Problems()
    refs = references.parse("{{ chart legal_status title=\u201cChildren in care by order\u201d }}\n\n"
                            "{{ chart legal_status title=\u2018One more\u2019 }}\n",
                            tmp_path / "n.md", problems)
    assert not problems, problems.report()
    assert [r.options["title"] for r in refs] == ["Children in care by order", "One more"]
