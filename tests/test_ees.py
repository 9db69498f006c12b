"""DfE comparators from the source: reading Explore Education Statistics (EES) open-data files
(plugins/transparency/ees.py) into a period's `comparators:`, keeping the DfE's symbols."""

from __future__ import annotations

from pathlib import Path

from support import append_yaml, config, formatted, load_data, write_narrative, write_period
from transparency.publish import publish_site

SYMBOL_COMPARATOR = """\
comparators:
  entering_care_rate:
    title: Children entering care per 10,000 children, 2021 and 2022
    unit: rate_per_10000
    counts: none
    not_people: Rates per 10,000 children published by the DfE for whole areas.
    source: DfE children looked after statistics
    years: ["2021", "2022"]
    values:
      Fictional Borough: [c, 31]
      Fictional Region: [low, 28.5]
      Statistical neighbours: [x, u]
      England: [z, 25]
"""


def test_a_comparator_keeps_the_sources_symbols(tmp_path: Path) -> None:
    files = write_period(tmp_path / "data")
    append_yaml(files.yaml, SYMBOL_COMPARATOR)
    site, problems = load_data(files.data)
    assert not problems, formatted(problems)
    write_narrative(tmp_path / "content")
    published = publish_site(site, config(files.data, tmp_path / "content"))
    cells = published.periods[files.key].tables["entering_care_rate"].cells
    shown = {key: value.text() for key, value in cells.items()}
    assert shown[("Fictional Borough", "2021")] == "[c]"
    assert shown[("Fictional Region", "2021")] == "[low]"
    assert shown[("Statistical neighbours", "2022")] == "[u]"
    assert shown[("England", "2021")] == "[z]"
    assert shown[("Fictional Region", "2022")] == "28.5 per 10,000"
    assert published.periods[files.key].tables["entering_care_rate"].symbols_used() == {
        "c", "low", "x", "u", "z"}


def test_a_comparator_refuses_a_word_that_is_no_symbol(tmp_path: Path) -> None:
    files = write_period(tmp_path / "data")
    append_yaml(files.yaml, SYMBOL_COMPARATOR.replace("[z, 25]", "[n/a, 25]"))
    _, problems = load_data(files.data)
    [text] = formatted(problems)
    assert "'n/a' for 'England' is not a non-negative number" in text
    assert "low (rounds to 0 but is not 0)" in text
