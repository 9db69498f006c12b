"""The plugin's settings: one namespaced dict, TRANSPARENCY, declared once with defaults and help.

Docs (docs/settings.md) are checked against this table by tests/test_docs.py.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SETTINGS_KEY = "TRANSPARENCY"


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    check: Callable[[Any], str | None]


def _is_int_at_least(minimum: int) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            return f"must be a whole number of at least {minimum}"
        return None
    return check


def _is_text(value: Any) -> str | None:
    return None if isinstance(value, str) and value.strip() else "must be non-empty text"


def _is_bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be True or False"


def _is_path(value: Any) -> str | None:
    return None if isinstance(value, (str, Path)) and str(value) else "must be a folder path"


def _is_reports(value: Any) -> str | None:
    if not isinstance(value, Mapping) or not value:
        return "must be a mapping of report kind to {'label': ..., 'description': ...}"
    for key, spec in value.items():
        if not isinstance(key, str) or not key.isidentifier() or key != key.lower():
            return f"report kind '{key}' must be a lower-case name"
        if not isinstance(spec, Mapping) or set(spec) != {"label", "short_label", "description"}:
            return f"report kind '{key}' needs exactly 'label', 'short_label' and 'description'"
    return None


SETTINGS: tuple[Setting, ...] = (
    Setting("DATA_PATH", "data",
            "Folder holding data/<report>/<period>/ folders. Relative paths are taken from the "
            "folder Pelican runs in.", _is_path),
    Setting("REPORTS", {
        "iro": {"label": "Independent Reviewing Officer annual reports",
                "short_label": "Independent Reviewing Officers",
                "description": "How independent reviewing officers check the care plans of "
                               "children in care, and how children take part in their reviews."},
        "cp": {"label": "Child protection conference reports",
               "short_label": "Child protection",
               "description": "Child protection conferences, the plans they make and how quickly "
                              "they are held."},
        "qa": {"label": "Quality assurance and case file audit reports",
               "short_label": "Quality assurance",
               "description": "How the council checks the quality of its social work by auditing "
                              "children's case files."},
    }, "Report kinds: folder name mapped to its label, short label and description. Data and "
       "narrative folders must use one of these names.", _is_reports),
    Setting("ORGANISATION", "City of Bradford Metropolitan District Council",
            "The publishing body's name, shown in the header, footer and page titles.", _is_text),
    Setting("SERVICE", "Children's Services",
            "The service whose reports are published.", _is_text),
    Setting("SUPPRESSION_THRESHOLD", 5,
            "Counts of children or their records from 1 to this number are suppressed (shown "
            "as [c]); 0 is shown.", _is_int_at_least(1)),
    Setting("SENSITIVE_THRESHOLD", 10,
            "For sensitive breakdowns, counts from 0 to this number are suppressed.",
            _is_int_at_least(1)),
    Setting("MIN_FEASIBLE_RANGE", 3,
            "The disclosure audit fails if any suppressed cell could be narrowed to fewer than "
            "this many whole numbers from what is published.", _is_int_at_least(2)),
    Setting("CHART_CACHE", ".cache/charts",
            "Folder where rendered chart SVGs are kept, keyed by a hash of their spec, so an "
            "unchanged chart is not rendered again. Relative paths are taken from the folder "
            "Pelican runs in.", _is_path),
    Setting("DATA_CACHE", ".cache/data",
            "Folder where the published (suppressed and audited) data is kept, keyed by a hash "
            "of the data files, the settings and the plugin's code, so a rebuild after a "
            "narrative edit does not suppress and audit again.", _is_path),
    Setting("CHART_WORKERS", 2,
            "Processes used to render charts in parallel (1 renders in the build process).",
            _is_int_at_least(1)),
    Setting("NARRATIVE_LINT_STRICT", False,
            "When True (publishconf.py), hand-typed small counts of people in the narrative "
            "stop the build unless marked as reviewed; otherwise they are warnings in "
            "'invoke check'.", _is_bool),
    Setting("INCLUDE_DRAFTS", False,
            "When True (pelicanconf.py, for preview), periods marked 'status: draft' are built "
            "with a draft banner; when False (the default, and publishconf.py) they are left out "
            "of every page, download, search index and feed.", _is_bool),
)

_BY_NAME = {s.name: s for s in SETTINGS}


class SettingsError(ValueError):
    pass


@dataclass(frozen=True)
class Config:
    data_path: Path
    content_path: Path
    reports: Mapping[str, Mapping[str, str]]
    organisation: str
    service: str
    suppression_threshold: int
    sensitive_threshold: int
    min_feasible_range: int
    narrative_lint_strict: bool
    include_drafts: bool
    chart_cache: Path
    chart_workers: int
    data_cache: Path


def resolve(user: Mapping[str, Any] | None, content_path: Path | str) -> Config:
    """Merge the user's TRANSPARENCY dict over the defaults; unknown keys are errors."""
    user = dict(user or {})
    errors = []
    for key in user:
        if key not in _BY_NAME:
            upper = str(key).upper()
            close = difflib.get_close_matches(upper, list(_BY_NAME), n=1, cutoff=0.6) or [
                n for n in _BY_NAME if n.split("_")[0] == upper.split("_")[0]]
            suggestion = f" (did you mean {close[0]}?)" if close else ""
            errors.append(f"{SETTINGS_KEY}['{key}'] is not a setting{suggestion}; "
                          f"known settings: {', '.join(sorted(_BY_NAME))}")
    values = {}
    for setting in SETTINGS:
        value = user.get(setting.name, setting.default)
        problem = setting.check(value)
        if problem:
            errors.append(f"{SETTINGS_KEY}['{setting.name}'] {problem}")
        values[setting.name] = value
    if errors:
        raise SettingsError("\n".join(errors))
    if values["SENSITIVE_THRESHOLD"] < values["SUPPRESSION_THRESHOLD"]:
        raise SettingsError(f"{SETTINGS_KEY}['SENSITIVE_THRESHOLD'] must be at least "
                            "SUPPRESSION_THRESHOLD")
    return Config(
        data_path=Path(values["DATA_PATH"]).resolve(),
        content_path=Path(content_path).resolve(),
        reports=values["REPORTS"],
        organisation=values["ORGANISATION"],
        service=values["SERVICE"],
        suppression_threshold=values["SUPPRESSION_THRESHOLD"],
        sensitive_threshold=values["SENSITIVE_THRESHOLD"],
        min_feasible_range=values["MIN_FEASIBLE_RANGE"],
        narrative_lint_strict=values["NARRATIVE_LINT_STRICT"],
        include_drafts=values["INCLUDE_DRAFTS"],
        chart_cache=Path(values["CHART_CACHE"]).resolve(),
        chart_workers=values["CHART_WORKERS"],
        data_cache=Path(values["DATA_CACHE"]).resolve(),
    )
