"""Standard classifications a reader knows without being told (classifications.py): the DfE
ethnic groups, and age bands read from their labels."""

from __future__ import annotations

import math

import pytest

from transparency.classifications import age_band, age_groups, is_age_dimension

INF = math.inf


@pytest.mark.parametrize(("label", "band"), [
    ("Under 1", (0, 1)), ("under 1 year", (0, 1)), ("1 to 4", (1, 5)), ("1-4", (1, 5)),
    ("5 \u2013 9", (5, 10)), ("10 to 15 years", (10, 16)), ("Aged 10 to 15", (10, 16)),
    ("16 and over", (16, INF)), ("16+", (16, INF)), ("16 or older", (16, INF)),
    ("Over 16", (17, INF)), ("Under 5", (0, 5)), ("0-4 years", (0, 5)), ("17", (17, 18)),
    ("Aged 10", (10, 11)),
])
def test_age_band_labels_are_read_as_whole_years(label, band):
    assert age_band(label) == band


@pytest.mark.parametrize("label", ["Unborn", "Total", "1 to 2 placements", "Not known",
                                   "9 to 5", "Pre-school"])
def test_labels_that_are_not_age_bands(label):
    assert age_band(label) is None


def test_a_band_made_of_narrower_bands_is_their_group():
    labels = ["Under 1", "1 to 4", "5 to 9", "10 to 15", "16 to 17", "Under 5", "5 to 17",
              "Total"]
    assert sorted(age_groups(labels)) == [
        ("5 to 17", ("5 to 9", "10 to 15", "16 to 17")), ("Under 5", ("Under 1", "1 to 4"))]


def test_two_labels_for_one_band_are_one_number_and_gaps_make_no_group():
    assert age_groups(["Under 5", "0 to 4"]) == [("0 to 4", ("Under 5",))]
    # 5 to 9 and 12 to 17 leave 10 and 11 out: not the whole of 5 to 17.
    assert age_groups(["5 to 17", "5 to 9", "12 to 17"]) == []
    # Overlapping bands are not a tiling either.
    assert age_groups(["Under 5", "Under 3", "2 to 4"]) == []


def test_only_dimensions_of_age_hold_age_bands():
    assert is_age_dimension("age", "Age") and is_age_dimension("age_group", "Group")
    assert is_age_dimension("band", "Age at entry")
    assert not is_age_dimension("placements", "Number of placements")
    assert not is_age_dimension("stage", "Stage")  # 'age' inside another word
