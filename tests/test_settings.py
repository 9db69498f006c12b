"""The TRANSPARENCY settings: defaults, unknown keys and bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from transparency import settings
from transparency.settings import SettingsError, resolve


def error_of(user: dict) -> str:
    with pytest.raises(SettingsError) as info:
        resolve(user, "content")
    return str(info.value)


# --- defaults -------------------------------------------------------------------------

def test_defaults_are_applied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = resolve(None, "content")
    assert config.data_path == (tmp_path / "data").resolve()
    assert config.content_path == (tmp_path / "content").resolve()
    assert set(config.reports) == {"iro", "cp", "qa"}
    # Nothing of any council: a site names its own (a build stops while it is '').
    assert config.organisation == "" and config.area == ""
    assert config.service == "Children's Services"
    assert config.suppression_threshold == 5
    assert config.sensitive_threshold == 10
    assert config.min_feasible_range == 3
    assert config.narrative_lint_strict is False


def test_empty_dict_is_the_same_as_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve({}, "content") == resolve(None, "content")


def test_user_values_override_defaults(tmp_path: Path) -> None:
    config = resolve({"DATA_PATH": str(tmp_path / "d"), "SUPPRESSION_THRESHOLD": 9,
                      "SENSITIVE_THRESHOLD": 12, "NARRATIVE_LINT_STRICT": True,
                      "ORGANISATION": "Test Council"}, tmp_path / "c")
    assert config.data_path == (tmp_path / "d").resolve()
    assert config.content_path == (tmp_path / "c").resolve()
    assert config.suppression_threshold == 9
    assert config.sensitive_threshold == 12
    assert config.narrative_lint_strict is True
    assert config.organisation == "Test Council"
    # Others keep their defaults.
    assert config.min_feasible_range == 3
    assert config.service == "Children's Services"


def test_data_path_may_be_a_path_object(tmp_path: Path) -> None:
    assert resolve({"DATA_PATH": tmp_path}, "content").data_path == tmp_path.resolve()


def test_every_setting_has_help_and_a_valid_default() -> None:
    for setting in settings.SETTINGS:
        assert setting.help.strip(), setting.name
        assert setting.check(setting.default) is None, setting.name


def test_custom_reports(tmp_path: Path) -> None:
    reports = {"lac": {"label": "Looked after children", "short_label": "LAC",
                       "description": "Children in care."}}
    assert resolve({"REPORTS": reports}, "content").reports == reports


# --- unknown keys ---------------------------------------------------------------------

def test_unknown_key_is_rejected_with_a_suggestion() -> None:
    message = error_of({"DATA_DIR": "data"})
    assert "TRANSPARENCY['DATA_DIR'] is not a setting" in message
    assert "did you mean DATA_PATH?" in message
    assert "known settings:" in message and "SUPPRESSION_THRESHOLD" in message


def test_unknown_key_naming_part_of_a_setting_is_pointed_at_it() -> None:
    assert "did you mean SENSITIVE_THRESHOLD?" in error_of({"SENSITIVE_LIMIT": 10})
    assert "did you mean REPORTS?" in error_of({"REPORT": {}})


def test_unknown_key_with_nothing_close_lists_the_known_settings() -> None:
    message = error_of({"COLOUR": "blue"})
    assert "TRANSPARENCY['COLOUR'] is not a setting" in message
    for name in ("DATA_PATH", "REPORTS", "SUPPRESSION_THRESHOLD", "NARRATIVE_LINT_STRICT"):
        assert name in message


def test_misspelt_key_gets_a_suggestion() -> None:
    assert "did you mean SUPPRESSION_THRESHOLD?" in error_of({"SUPRESSION_THRESHOLD": 5})


def test_unknown_lower_case_key_is_rejected() -> None:
    assert "TRANSPARENCY['data_path'] is not a setting" in error_of({"data_path": "data"})


# --- bad types ------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["5", 0, -1, 2.5, True, None])
def test_threshold_must_be_a_whole_number_of_at_least_one(value: object) -> None:
    assert "TRANSPARENCY['SUPPRESSION_THRESHOLD'] must be a whole number of at least 1" in error_of(
        {"SUPPRESSION_THRESHOLD": value})


def test_min_feasible_range_must_be_at_least_two() -> None:
    assert "TRANSPARENCY['MIN_FEASIBLE_RANGE'] must be a whole number of at least 2" in error_of(
        {"MIN_FEASIBLE_RANGE": 1})
    assert resolve({"MIN_FEASIBLE_RANGE": 2}, "content").min_feasible_range == 2


@pytest.mark.parametrize("value", ["yes", 1, 0, None])
def test_lint_strict_must_be_a_boolean(value: object) -> None:
    assert "TRANSPARENCY['NARRATIVE_LINT_STRICT'] must be True or False" in error_of(
        {"NARRATIVE_LINT_STRICT": value})


@pytest.mark.parametrize("value", ["   ", 3, None])
def test_organisation_must_be_text(value: object) -> None:
    assert "TRANSPARENCY['ORGANISATION'] must be non-empty text" in error_of({"ORGANISATION": value})


@pytest.mark.parametrize("value", ["", 3, None, ["data"]])
def test_data_path_must_be_a_path(value: object) -> None:
    assert "TRANSPARENCY['DATA_PATH'] must be a folder path" in error_of({"DATA_PATH": value})


@pytest.mark.parametrize(("reports", "phrase"), [
    ({}, "must be a mapping of report kind"),
    (["iro"], "must be a mapping of report kind"),
    ({"IRO": {"label": "a", "short_label": "b", "description": "c"}}, "must be a lower-case name"),
    ({"two words": {"label": "a", "short_label": "b", "description": "c"}},
     "must be a lower-case name"),
    ({"iro": {"label": "a", "description": "c"}}, "needs 'label', 'short_label' and"),
    ({"iro": {"label": "a", "short_label": "b", "description": "c", "colour": "d"}},
     "needs 'label', 'short_label' and"),
    ({"iro": "IRO reports"}, "needs 'label'"),
    ({"iro": {"label": "a", "short_label": "b", "description": "c", "identities": {}}},
     "'identities' must be a list"),
    ({"iro": {"label": "a", "short_label": "b", "description": "c",
              "identities": [{"stock_flow": "x", "start": "a"}]}},
     "entries need 'stock_flow' (a label), 'start' and 'end'"),
])
def test_reports_must_be_well_formed(reports: object, phrase: str) -> None:
    message = error_of({"REPORTS": reports})
    assert "TRANSPARENCY['REPORTS']" in message
    assert phrase in message


def test_sensitive_threshold_may_not_be_below_the_threshold() -> None:
    message = error_of({"SUPPRESSION_THRESHOLD": 10, "SENSITIVE_THRESHOLD": 5})
    assert "SENSITIVE_THRESHOLD'] must be at least SUPPRESSION_THRESHOLD" in message
    config = resolve({"SUPPRESSION_THRESHOLD": 7, "SENSITIVE_THRESHOLD": 7}, "content")
    assert config.sensitive_threshold == 7


def test_all_errors_are_reported_together() -> None:
    message = error_of({"COLOUR": "blue", "SUPPRESSION_THRESHOLD": "5",
                        "NARRATIVE_LINT_STRICT": "no"})
    lines = message.splitlines()
    assert len(lines) == 3
    assert any("COLOUR" in line for line in lines)
    assert any("SUPPRESSION_THRESHOLD'] must be" in line for line in lines)
    assert any("NARRATIVE_LINT_STRICT'] must be" in line for line in lines)


def test_settings_error_is_a_value_error() -> None:
    assert issubclass(SettingsError, ValueError)


def test_contact_email_is_an_address_or_empty() -> None:
    assert resolve(None, "content").contact_email == ""
    assert resolve({"CONTACT_EMAIL": "reports@example.gov.uk"}, "content").contact_email == \
        "reports@example.gov.uk"
    message = error_of({"CONTACT_EMAIL": "Children's Services"})
    assert "TRANSPARENCY['CONTACT_EMAIL'] must be an email address" in message


def test_the_councils_code_and_its_neighbours_are_codes_as_text() -> None:
    config = resolve(None, "content")
    assert config.la_code == "" and config.statistical_neighbours == ()
    config = resolve({"LA_CODE": 999, "STATISTICAL_NEIGHBOURS": ["E09999002", 998]}, "content")
    assert config.la_code == "999"
    assert config.statistical_neighbours == ("E09999002", "998")
    # Whether they are ten local authorities' codes, in the DfE's file, `invoke comparators`
    # checks with the file's own problems (tests/test_ees.py).
    message = error_of({"LA_CODE": ["E09999001"], "STATISTICAL_NEIGHBOURS": "E09999002"})
    assert "TRANSPARENCY['LA_CODE'] must be a local-authority code" in message
    assert "TRANSPARENCY['STATISTICAL_NEIGHBOURS'] must be a list of local-authority codes" in message


@pytest.mark.parametrize(("colour", "fine"), [("#0b3d5c", True), ("#1d70b8", True), ("#003", True),
                                              ("#ffdd00", False), ("#78a2c8", False), ("blue", False),
                                              ("#12345", False)])
def test_a_brand_colour_must_carry_white_text(colour: str, fine: bool) -> None:
    if fine:
        assert resolve({"BRAND_COLOUR": colour}, ".").branding["brand_colour"] == colour
    else:
        assert "TRANSPARENCY['BRAND_COLOUR']" in error_of({"BRAND_COLOUR": colour})


def test_contrast_is_the_wcag_ratio() -> None:
    from transparency.setting_checks import contrast

    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#767676", "#ffffff"), 2) == 4.54  # the lightest grey that passes AA


def test_a_logo_needs_its_text_alternative() -> None:
    assert "LOGO_ALT" in error_of({"LOGO": "logo.svg"})
    assert resolve({"LOGO": "logo.svg", "LOGO_ALT": "Northshire logo"}, ".").branding["logo"] == "logo.svg"


@pytest.mark.parametrize("value", ["www.example.gov.uk", "ftp://example.gov.uk", 3])
def test_the_council_url_is_a_web_address(value: object) -> None:
    assert "TRANSPARENCY['COUNCIL_URL']" in error_of({"COUNCIL_URL": value})

FICTIONAL_PLACE = {"LA_CODE": "E09999001", "OLD_LA_CODE": "999", "REGION_CODE": "E12999001",
                   "REGION_NAME": "Fictional Region", "AREA": "Fictional Borough"}


def test_the_council_in_the_dfes_open_data_is_all_set_or_none() -> None:
    # None set: no EES-format downloads, and no problem (a site that does not publish them).
    assert resolve({"LA_CODE": "E09999001"}, "content").old_la_code == ""
    config = resolve({**FICTIONAL_PLACE, "OLD_LA_CODE": 999}, "content")
    assert (config.la_code, config.old_la_code, config.region_code, config.region_name) == (
        "E09999001", "999", "E12999001", "Fictional Region")
    assert config.la_name == "Fictional Borough"  # AREA, where LA_NAME is not given
    assert resolve({**FICTIONAL_PLACE, "LA_NAME": "Fictional"}, "content").la_name == "Fictional"
    # Any one set asks for the rest, each named with what it must be.
    message = error_of({"REGION_NAME": "Fictional Region", "LA_CODE": "999"})
    assert "TRANSPARENCY['LA_CODE'] must be the council's nine-character code" in message
    assert "TRANSPARENCY['OLD_LA_CODE'] must be the council's three-digit old code" in message
    assert "TRANSPARENCY['REGION_CODE'] must be the region's code" in message
    assert "TRANSPARENCY['LA_NAME'] (or AREA) must name the council" in message
    message = error_of({**FICTIONAL_PLACE, "REGION_CODE": "E09999001", "OLD_LA_CODE": "9999"})
    assert "it is 'E09999001'" in message and "it is '9999'" in message
    assert "['LA_CODE']" not in message and "['LA_NAME']" not in message
