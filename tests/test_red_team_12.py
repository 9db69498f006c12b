"""A twelfth red-team pass, on the engine after red team 11's fixes (commit 91348b6): a
percentage typed in the narrative that is a hidden cell's share of its line's total, or its
change on another period's number; a typed difference of two hidden cells whose total is
shown; a count and its average per person; a figure of an age band ending at 17 beside a
line whose last band is open ("16 and over") (tests/fixtures/red_team/<name>/.NOTE.md for
the data findings, /work/redteam12/<folder>/FINDING.md for the text ones). Each must now be
refused, naming what a reader would work out; ordinary text about the same children must not
be."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_red_team_7_alike import _copy, _protected, _publish, assert_stops
from test_red_team_7_text import MARKDOWN, SENSITIVE
from test_red_team_8 import _add_relations, _relations

from transparency.lint import Knowns, check
from transparency.reader_text import markdown_passages

PERIOD = "iro/2022-23"
HEAD = "Title: T\n\n"  # the body starts on line 3


@pytest.fixture(scope="module")
def knowns() -> Knowns:
    """What the lint compares typed text with on the fixture council, as the build makes it."""
    from sites import COUNCIL
    from transparency.load import load_site
    from transparency.pipeline import _figures, _people_counts, hidden_labels
    from transparency.publish import hidden_lines, hidden_numbers, publish_site
    from transparency.settings import resolve

    config = resolve({"DATA_PATH": str(COUNCIL / "data")}, COUNCIL)
    site, problems = load_site(config.data_path, config.reports)
    assert not problems, problems.report()
    published = publish_site(site, config)
    return Knowns(hidden=hidden_numbers(site, published), lines=hidden_lines(site, published),
                  hidden_labels={key: hidden_labels(period)
                                 for key, period in published.periods.items()},
                  figures=_figures(published, SENSITIVE),
                  counts={key: _people_counts(period) for key, period in published.periods.items()})


def _problems(body: str, knowns: Knowns, period: str = PERIOD) -> list[str]:
    passages = markdown_passages(Path("n.md"), HEAD + body + "\n", MARKDOWN, period)
    return [p.message for p in check(passages, SENSITIVE, None, knowns).problems.items]


@pytest.mark.parametrize(("sentence", "expected"), [
    # typed-percent-remand: 0.25% to 0.35% of the 1,061 in the legal-status line is 3 (Remand).
    ("On 31 March 2023, 0.3% of children in care were on remand.",
     "0.3% of 1,061 (the legal status line's total) is 3, and the site hides 'Remand'"),
    # typed-percent: 8.5% to 9.5% of the 46 aged 16 and over who entered care is 4 girls.
    ("More boys than girls entered care, most of all among young people aged 16 and over, of "
     "whom 9% were girls.", "9% of 46 (the gender line's total) is 4, and the site hides "
     "'Female'"),
    # typed-percent-change, without a comparing word: 8 a year earlier, less 37.5%, is 5.
    ("Entries to care under an emergency protection order changed by 37.5% on 2021/22.",
     "8 ('Emergency protection order', legal order on entering care) changed by 37.5% is 5"),
])
def test_a_typed_percentage_that_pins_a_hidden_cell_is_refused(knowns, sentence, expected):
    found = _problems(sentence, knowns)
    assert any(expected in message for message in found), found


@pytest.mark.parametrize(("sentence", "word"), [
    ("Entries to care under an emergency protection order were down 37.5% on 2021/22.", "down"),
    ("On 31 March 2023, 0.3% of children in care were on remand.", "0.3%"),
    ("Children on remand were nine per cent of those in custody.", "per cent"),
])
def test_a_percentage_or_up_and_down_beside_a_named_hidden_category_sizes_it(knowns, sentence,
                                                                              word):
    found = _problems(sentence, knowns)
    assert any(f"'{word}' sizes or compares" in message for message in found), found


@pytest.mark.parametrize("sentence", [
    "Most reviews were held on time, against an aim of 98%.",
    "Children on a care order were 63% of children in care.",  # 668 of 1,061, both shown
    "Set up in 2019, the panel broke down its work by age.",
])
def test_a_percentage_that_pins_nothing_hidden_passes(knowns, sentence):
    assert _problems(sentence, knowns) == []


def test_a_typed_difference_of_two_hidden_cells_with_their_total_is_refused():
    # diff-words: aged 16 and over, girls 4 and boys 64 are both hidden and their total 68 is
    # shown; "60 more boys than girls" gives (68 - 60) / 2 = 4.
    from transparency.lint_findings import HiddenLine

    lines = {PERIOD: (HiddenLine("gender", "Gender", (("Female", 4.0, True), ("Male", 64.0, True))),
                      HiddenLine("gender", "Gender", (("Female", 60.0, False), ("Male", 44.0, False))))}
    knowns = Knowns(lines=lines)
    found = _problems("Among young people aged 16 and over, 60 more boys than girls entered "
                      "care.", knowns)
    assert found == ["'people aged 16 and over, 60 more boys than girls entered': 60 is the "
                     "difference between 'Female' and 'Male', which the sentence names, and the "
                     "site hides one of them or both: with what is shown, a reader works out "
                     "what is hidden"]
    assert _problems("Among babies under 1, 16 more girls than boys entered care.",
                     knowns) == []  # 60 and 44 are shown: 16 tells nothing new


STOPS_12 = {
    # 8 reviews / 2.65 to 2.75 reviews per young person is 3: Remand.
    "count-and-mean-of-records": "'remand_reviews' (8 count) divided by 'remand_reviews_average' "
                                 "(2.7 mean), of the same time (iro/2022-23), is 3",
    # Girls aged 11 to 17 (58) are girls 11 to 15 (54) and 16 and over: 4.
    "open-age-band-figure": "'girls_entering_care_11_to_17' (iro/2022-23) is 58, the cells "
                            "[11 to 15, Female; 16 and over, Female] of 'entering_care_age_gender'",
}


@pytest.mark.parametrize("name", sorted(STOPS_12))
def test_red_team_12_look_alikes_stop_the_build(name, tmp_path):
    assert_stops(name, STOPS_12[name], tmp_path)


def test_an_open_band_of_children_ends_where_a_band_to_17_does():
    from transparency.category_words import named

    age = ("age", "Age on entering care")
    bands = ["Under 1", "1 to 4", "5 to 10", "11 to 15", "16 and over"]
    assert named(bands, age, "Girls aged 11 to 17") == [3, 4]
    assert named(bands, age, "Girls aged 11 and over") == [3, 4]
    assert named(bands, age, "Girls aged 12 to 17") == []  # no bands make it up
    assert named(["Under 16", "16 to 17"], age, "aged 16 and over") == [1]


def test_girls_and_boys_name_the_dfe_gender_categories():
    from transparency.category_words import named

    gender = ("gender", "Gender")
    assert named(["Female", "Male"], gender, "60 more boys than girls") == [0, 1]
    assert named(["Female", "Male"], gender, "young women") == [0]
    assert named(["Female", "Male"], gender, "children aged 16") == []


def test_tables_of_girls_and_boys_that_add_up_to_all_children_are_related(tmp_path):
    # populations-that-add-up: all children by age, girls by age and boys by age, each naming
    # its own population: 46 aged 16 and over less 42 boys was 4 girls.
    published = _publish(_copy("populations-that-add-up", tmp_path))
    assert ("iro/2022-23: the tables 'entering_care_age_boys', 'entering_care_age_girls' add up "
            "to 'entering_care_age', cell by cell") in _relations(published)
    boys = published.periods[PERIOD].tables["entering_care_age_boys"]
    assert boys.cells[("16 and over",)].symbol == "c"  # hidden for the girls' 4
    _protected(published, tmp_path)


def publish_two_years(name: str, tmp_path):
    """Publish a fixture with a table of two years beside each year's own. Hiding more there
    shows informal challenges (41) equal to two newly hidden cells: a coincidence the data
    must settle, as a council's would, so it is declared."""
    data = _copy(name, tmp_path)
    _add_relations(data / PERIOD / "period.yaml", "".join(
        f"  - distinct: [informal_challenges, {{table: {table}, where: {{{where}}}}}]\n"
        "    reason: challenges IROs made, not children entering care\n"
        for table, where in (("entering_care_legal_order", "legal_order: Police protection"),
                             ("entering_care_age_gender", "age: Under 1, gender: Male"))))
    return _publish(data)


def test_a_table_of_two_years_is_tied_to_each_years_own_table(tmp_path):
    # table-of-two-years: 13 emergency protection orders over the two years less last year's 8
    # was this year's 5.
    published = publish_two_years("table-of-two-years", tmp_path)
    relations = _relations(published)
    for year, period in (("2021/22", " of iro/2021-22"), ("2022/23", "")):
        assert (f"iro/2022-23: the table 'entering_care_legal_order'{period} is the year "
                f"'{year}' of 'entering_care_legal_order_two_years', cell by cell") in relations
    _protected(published, tmp_path)


def _parts_of(frames: dict[str, dict[str, float]]) -> list[str]:
    from factories import raw_period, raw_table, site_of
    from transparency.population_parts import population_parts

    period = raw_period([raw_table(name, ["age"], {(k,): v for k, v in cells.items()},
                                   population=name) for name, cells in frames.items()])
    return sorted({r.why for r in population_parts(period, site_of(period))})


def test_tables_that_add_up_cell_by_cell_are_related_and_others_are_not():
    whole = {"A": 10, "B": 20, "Total": 30}
    assert _parts_of({"all": whole, "girls": {"A": 4, "B": 9, "Total": 13},
                      "boys": {"A": 6, "B": 11, "Total": 17}}) == [
        "iro/2021-22: the tables 'boys', 'girls' add up to 'all', cell by cell"]
    # 13 + 18 is 31, not 30: nothing is related.
    assert _parts_of({"all": whole, "girls": {"A": 4, "B": 9, "Total": 13},
                      "boys": {"A": 6, "B": 12, "Total": 18}}) == []


def test_the_narrowing_words_read_girls_and_boys_as_the_gender_categories():
    from transparency.lint_narrowing import hidden_category_named

    female = frozenset({("Female",)})
    assert hidden_category_named("Fewer girls entered care this year.", female) == [(6, 11)]
    assert hidden_category_named("Young women leaving care", female) == [(6, 11)]
    assert hidden_category_named("Fewer boys entered care this year.", female) is None
