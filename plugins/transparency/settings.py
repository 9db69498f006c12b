"""The plugin's settings: one namespaced dict, TRANSPARENCY, declared once with defaults and help.

docs/settings.md's table is generated from SETTINGS (doctables.py, `invoke docs`) and checked
against it by tests/test_docs.py; the checks a value must pass are in setting_checks.py.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .setting_checks import (
    DEPLOY_TARGETS,
    is_address,
    is_allowances,
    is_bool,
    is_brand_colour,
    is_deploy_target,
    is_email_or_empty,
    is_int_at_least,
    is_la_code,
    is_la_codes,
    is_name_or_unset,
    is_optional_text,
    is_path,
    is_reports,
    is_text,
    is_web_address_or_empty,
)
from .terms import NEW_LA_CODE_PATTERN, OLD_LA_CODE_PATTERN, REGION_CODE_PATTERN

SETTINGS_KEY = "TRANSPARENCY"


@dataclass(frozen=True)
class Setting:
    """One TRANSPARENCY key: its default, its help (docs/settings.md is generated from both) and
    the check a value must pass."""

    name: str
    default: Any
    help: str
    check: Callable[[Any], str | None]
    # The default in words for docs/settings.md, where its value is too long to show.
    doc_default: str = ""


# What every council's children-in-care figures obey, by the names docs/data-format.md gives.
CHILDREN_IN_CARE_IDENTITY = {
    "stock_flow": "children in care", "start": "previous.children_in_care",
    "in": ["children_entering_care"], "out": ["children_leaving_care"], "end": "children_in_care"}


# Settings about how the site looks and whom readers contact: Config.branding, keyed in lower case.
BRANDING = ("BRAND_COLOUR", "LOGO", "LOGO_ALT", "FOOTER_TEXT", "HOME_INTRODUCTION", "CONTACT_PHONE",
            "COUNCIL_URL")

# The report kinds the engine ships (a site keeps those it publishes, and may add its own).
DEFAULT_REPORTS: dict[str, dict[str, Any]] = {
        "iro": {"label": "Independent Reviewing Officer annual reports",
                "short_label": "Independent Reviewing Officers",
                "description": "How independent reviewing officers check the care plans of "
                               "children in care, and how children take part in their reviews.",
                "identities": [CHILDREN_IN_CARE_IDENTITY]},
        "cp": {"label": "Child protection conference reports",
               "short_label": "Child protection",
               "description": "Child protection conferences, the plans they make and how quickly "
                              "they are held."},
        "qa": {"label": "Quality assurance and case file audit reports",
               "short_label": "Quality assurance",
               "description": "How the council checks the quality of its social work by auditing "
                              "children's case files."},
}

SETTINGS: tuple[Setting, ...] = (
    Setting("DATA_PATH", "data",
            "Folder holding data/<report>/<period>/ folders. Relative paths are taken from the "
            "folder Pelican runs in.", is_path),
    Setting("REPORTS", DEFAULT_REPORTS,
            "Report kinds: folder name mapped to its label, short label and description. Data and "
       "narrative folders must use one of these names. A kind may ship 'identities': stock-and-"
       "flow relations between standard figure names that the disclosure audit applies to every "
       "period holding those figures (see docs/data-format.md, Relations).", is_reports,
            doc_default="the three report kinds the engine ships: `iro` (with the children-in-care identity: "
            "`previous.children_in_care` + `children_entering_care` − `children_leaving_care` = "
            "`children_in_care`), `cp`, `qa`"),
    Setting("ORGANISATION", "",
            "The publishing body's name, shown in the header, footer and page titles. Required: "
            "a build stops while it is ''.", is_name_or_unset),
    Setting("AREA", "",
            "The area the figures are for, as chart subtitles and comparator tables name it "
            "(e.g. 'Anytown'); '' leaves it out of subtitles.", is_optional_text),
    Setting("BRAND_COLOUR", "#0b3d5c",
            "The council's colour, for the header behind white text; refused unless white text "
            "on it has the 4.5:1 contrast WCAG 2.2 AA asks for.", is_brand_colour),
    Setting("LOGO", "",
            "The council's logo (an image file: SVG or PNG), shown in the header of every page "
            "and PDF; '' for none. Relative paths are taken from the folder Pelican runs in. "
            "LOGO_ALT must say what it shows.", is_optional_text),
    Setting("LOGO_ALT", "",
            "The logo's text alternative, e.g. 'Northshire County Council logo'; a LOGO without "
            "it is refused.", is_optional_text),
    Setting("FOOTER_TEXT", "",
            "A sentence of the council's own in every page's footer (plain text); '' for none.",
            is_optional_text),
    Setting("HOME_INTRODUCTION", "",
            "The home page's introduction, in Markdown; '' for the engine's, which names the "
            "organisation. Checked for typed numbers like the narrative.", is_optional_text),
    Setting("CONTACT_PHONE", "",
            "A telephone number readers can call, shown beside CONTACT_EMAIL; '' for none.",
            is_optional_text),
    Setting("COUNCIL_URL", "",
            "The council's own website, linked from every page's footer; '' for none.",
            is_web_address_or_empty),
    Setting("SERVICE", "Children's Services",
            "The service whose reports are published.", is_text),
    Setting("CONTACT_EMAIL", "",
            "Where readers report a mistake or ask for a report in another format; shown in "
            "every page's footer and on the accessibility statement's page. While it is '' the "
            "footer names only the service, and every build warns.", is_email_or_empty),
    Setting("SUPPRESSION_THRESHOLD", 5,
            "Counts of children or their records from 1 to this number are suppressed (shown "
            "as [c]); 0 is shown.", is_int_at_least(1)),
    Setting("SENSITIVE_THRESHOLD", 10,
            "For sensitive breakdowns, counts from 0 to this number are suppressed.",
            is_int_at_least(1)),
    Setting("MIN_FEASIBLE_RANGE", 3,
            "The disclosure audit fails if any suppressed cell could be narrowed to fewer than "
            "this many whole numbers from what is published.", is_int_at_least(2)),
    Setting("CHART_CACHE", ".cache/charts",
            "Folder where rendered chart SVGs are kept, keyed by a hash of their spec (and "
            "vl-convert's version), and the specs themselves, keyed by their table and the "
            "plugin's code, so an unchanged chart is neither built nor rendered again. Relative "
            "paths are taken from the folder Pelican runs in.", is_path),
    Setting("DATA_CACHE", ".cache/data",
            "Folder where the published (suppressed and audited) data is kept, keyed by a hash "
            "of the data files, the settings and the plugin's code, so a rebuild after a "
            "narrative edit does not suppress and audit again; and the narrative check's "
            "findings per passage, so only passages that changed are checked again.", is_path),
    Setting("CHART_WORKERS", 2,
            "Processes used to render charts in parallel (1 renders in the build process).",
            is_int_at_least(1)),
    Setting("PDF_CACHE", ".cache/pdf",
            "Folder where the PDF of each report period is kept, keyed by a hash of its built "
            "page, the stylesheets it uses and the PDF code, so an unchanged report is not "
            "printed again; and a mark for each PDF the output audit passed, so it is not read "
            "again. Relative paths are taken from the folder Pelican runs in.", is_path),
    Setting("PDF_WORKERS", 2,
            "Processes used to print report PDFs in parallel (1 prints in the build process).",
            is_int_at_least(1)),
    Setting("NARRATIVE_LINT_STRICT", False,
            "When True (publishconf.py), numbers typed by hand that could be counts of children "
            "(in the narrative, pages, chart titles, labels and notes) stop the build unless an "
            "allowance or a reviewed mark lets them through; otherwise they are warnings in "
            "'invoke check'.", is_bool),
    Setting("NARRATIVE_ALLOWANCES", {},
            "This site's own allowances for numbers typed by hand, added to the built-in ones "
            "(docs/editing.md): a name and a regular expression with a group named n around "
            "the number, e.g. {'wards': r'\\bward (?P<n>\\d+)'}; a built-in name with None "
            "switches that allowance off.", is_allowances),
    Setting("INCLUDE_DRAFTS", False,
            "When True (pelicanconf.py, for preview), periods marked 'status: draft' are built "
            "with a draft banner; when False (the default, and publishconf.py) they are left out "
            "of every page, download, search index and feed.", is_bool),
    Setting("LA_CODE", "",
            "The council's code in the Department for Education's statistics: the nine-"
            "character code (e.g. 'E08000032') or the three-digit old code ('380'). 'invoke "
            "comparators' finds the council, its region and England by it in the DfE's open-data "
            "files ('' until comparators are imported; see docs/comparators.md).", is_la_code),
    Setting("STATISTICAL_NEIGHBOURS", [],
            "The council's ten statistical neighbours, as the DfE's children's services "
            "statistical neighbour benchmarking tool lists them: ten local-authority codes, "
            "new or old as for LA_CODE. 'invoke comparators' gives their average as the "
            "'Statistical neighbours' comparator (see docs/comparators.md).", is_la_codes),
    Setting("OLD_LA_CODE", "",
            "The council's three-digit old code in the DfE's statistics (e.g. '380'). With "
            "LA_CODE as the nine-character code, REGION_CODE and REGION_NAME, each report period's "
            "tables are also published in the DfE's open data format (docs/data-format.md); '' "
            "for none.", is_la_code),
    Setting("LA_NAME", "",
            "The council's name as the DfE's statistics write it (their la_name, e.g. 'Anytown'), "
            "for the downloads in the DfE's open data format; '' uses AREA.", is_optional_text),
    Setting("REGION_CODE", "",
            "The code of the council's region in the DfE's statistics (E12 and six digits, e.g. "
            "'E12000003'), for the downloads in the DfE's open data format; '' for none.",
            is_optional_text),
    Setting("REGION_NAME", "",
            "The council's region as the DfE's statistics name it (their region_name), for the "
            "downloads in the DfE's open data format; '' for none.", is_optional_text),
    Setting("DEPLOY_TARGET", "",
            "Where 'invoke publish' deploys: 'rsync', 's3' or 'github-pages'; '' for none "
            "('invoke publish' then says so and stops). 'invoke publish --target' overrides it.",
            is_deploy_target),
    Setting("DEPLOY_PATH", "",
            "rsync target: a local folder, or user@host:/folder over SSH. Each deploy is a new "
            "folder in its releases/ folder; the web server serves its 'current' symlink.",
            is_optional_text),
    Setting("DEPLOY_KEEP_RELEASES", 5,
            "rsync target: how many releases to keep, newest first (the live one is always "
            "kept), so 'invoke rollback' has releases to go back to.", is_int_at_least(2)),
    Setting("DEPLOY_S3_BUCKET", "",
            "s3 target: the bucket's name.", is_optional_text),
    Setting("DEPLOY_S3_PREFIX", "",
            "s3 target: the folder in the bucket the site goes in ('' for the bucket's top). "
            "Objects under it that the site no longer has are deleted.", is_optional_text),
    Setting("DEPLOY_S3_ENDPOINT", "",
            "s3 target: the address of an S3-compatible service (for example Cloudflare R2 or "
            "MinIO); '' for Amazon S3.", is_address),
    Setting("DEPLOY_S3_REGION", "",
            "s3 target: the bucket's region, where the service needs one.", is_optional_text),
    Setting("DEPLOY_S3_PROVIDER", "",
            "s3 target: rclone's name for the service ('AWS', 'Cloudflare', 'Minio' and so on); "
            "'' means 'AWS', or 'Other' when DEPLOY_S3_ENDPOINT is set.", is_optional_text),
    Setting("DEPLOY_GH_REPO", "",
            "github-pages target: the git URL or path of the repository GitHub Pages serves. "
            "Git's own SSH key or credential helper signs in; never put a token here.",
            is_address),
    Setting("DEPLOY_GH_BRANCH", "gh-pages",
            "github-pages target: the branch GitHub Pages serves; each deploy replaces its "
            "files with one new commit.", is_text),
    Setting("DEPLOY_GH_CNAME", "",
            "github-pages target: the custom domain written to the branch's CNAME file ('' for "
            "none).", is_optional_text),
)

_BY_NAME = {s.name: s for s in SETTINGS}


class SettingsError(ValueError):
    """A TRANSPARENCY setting that is unknown or has a wrong value; the message says which."""


@dataclass(frozen=True)
class DeployConfig:
    """The DEPLOY_ settings: where 'invoke publish' sends the site. No credentials: those are
    read from the environment by the deploy code (docs/publishing.md)."""

    target: str = ""
    path: str = ""
    keep_releases: int = 5
    s3_bucket: str = ""
    s3_prefix: str = ""
    s3_endpoint: str = ""
    s3_region: str = ""
    s3_provider: str = ""
    gh_repo: str = ""
    gh_branch: str = "gh-pages"
    gh_cname: str = ""


# What each deploy target cannot do without.
DEPLOY_NEEDS = {"rsync": ("DEPLOY_PATH", "path"), "s3": ("DEPLOY_S3_BUCKET", "s3_bucket"),
                "github-pages": ("DEPLOY_GH_REPO", "gh_repo")}


def deploy_problems(deploy: DeployConfig, target: str) -> list[str]:
    """What stops a deploy to `target` with these settings (empty if nothing does)."""
    if target == "":
        return []
    if target not in DEPLOY_TARGETS:
        return [f"deploy target '{target}' is not known: use one of {', '.join(DEPLOY_TARGETS)}"]
    name, field = DEPLOY_NEEDS[target]
    if not getattr(deploy, field):
        return [f"{SETTINGS_KEY}['{name}'] must be set to deploy to {target}"]
    return []


@dataclass(frozen=True)
class Config:
    data_path: Path
    content_path: Path
    reports: Mapping[str, Mapping[str, str]]
    organisation: str
    area: str
    service: str
    contact_email: str
    suppression_threshold: int
    sensitive_threshold: int
    min_feasible_range: int
    narrative_lint_strict: bool
    include_drafts: bool
    chart_cache: Path
    chart_workers: int
    pdf_cache: Path
    pdf_workers: int
    data_cache: Path
    deploy: DeployConfig = DeployConfig()
    # The DfE comparators' areas (ees.py): the council's code and its statistical neighbours'.
    la_code: str = ""
    statistical_neighbours: tuple[str, ...] = ()
    # Where the council is in the DfE's open data, for the EES-format downloads (all set, or
    # all ''; resolve checks them): its old code, name, region's code and name.
    old_la_code: str = ""
    la_name: str = ""
    region_code: str = ""
    region_name: str = ""
    narrative_allowances: Mapping[str, str | None] = field(default_factory=dict)
    # Pelican's MARKDOWN setting: the lint renders the narrative as the pages do.
    markdown: Mapping[str, Any] = field(default_factory=dict)
    # How the site looks and whom readers contact (the BRAND_COLOUR … COUNCIL_URL settings).
    branding: Mapping[str, str] = field(default_factory=dict)


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
    if values["LOGO"] and not values["LOGO_ALT"].strip():
        raise SettingsError(f"{SETTINGS_KEY}['LOGO_ALT'] is empty: say what the logo shows (e.g. "
                            "'Northshire County Council logo'), so that screen readers and the PDF "
                            "can name it")
    if values["SENSITIVE_THRESHOLD"] < values["SUPPRESSION_THRESHOLD"]:
        raise SettingsError(f"{SETTINGS_KEY}['SENSITIVE_THRESHOLD'] must be at least "
                            "SUPPRESSION_THRESHOLD")
    problems = ees_geography_problems(values)
    if problems:
        raise SettingsError("\n".join(problems))
    deploy = DeployConfig(**{f.name: values[f"DEPLOY_{f.name.upper()}"] for f in fields(DeployConfig)})
    problems = deploy_problems(deploy, deploy.target)
    if problems:
        raise SettingsError("\n".join(problems))
    return Config(
        data_path=Path(values["DATA_PATH"]).resolve(),
        content_path=Path(content_path).resolve(),
        reports=values["REPORTS"],
        organisation=values["ORGANISATION"],
        area=values["AREA"],
        service=values["SERVICE"],
        contact_email=values["CONTACT_EMAIL"],
        suppression_threshold=values["SUPPRESSION_THRESHOLD"],
        sensitive_threshold=values["SENSITIVE_THRESHOLD"],
        min_feasible_range=values["MIN_FEASIBLE_RANGE"],
        narrative_lint_strict=values["NARRATIVE_LINT_STRICT"],
        include_drafts=values["INCLUDE_DRAFTS"],
        chart_cache=Path(values["CHART_CACHE"]).resolve(),
        chart_workers=values["CHART_WORKERS"],
        pdf_cache=Path(values["PDF_CACHE"]).resolve(),
        pdf_workers=values["PDF_WORKERS"],
        data_cache=Path(values["DATA_CACHE"]).resolve(),
        deploy=deploy,
        la_code=str(values["LA_CODE"]).strip(),
        statistical_neighbours=tuple(str(v).strip() for v in values["STATISTICAL_NEIGHBOURS"]),
        narrative_allowances=dict(values["NARRATIVE_ALLOWANCES"]),
        branding={name.lower(): values[name] for name in BRANDING},
        old_la_code=str(values["OLD_LA_CODE"]).strip(),
        # Set only with the rest (ees_geography_problems): the name, or else the area's.
        la_name=((values["LA_NAME"].strip() or values["AREA"].strip())
                 if str(values["OLD_LA_CODE"]).strip() else ""),
        region_code=values["REGION_CODE"].strip(),
        region_name=values["REGION_NAME"].strip(),
    )


# What the downloads in the DfE's open data format need: the settings that say where the
# council is, each with the pattern it must match ('' for any non-empty text).
EES_GEOGRAPHY_SETTINGS = (
    ("OLD_LA_CODE", OLD_LA_CODE_PATTERN, "the council's three-digit old code (e.g. '380')"),
    ("REGION_CODE", REGION_CODE_PATTERN, "the region's code (E12 and six digits, e.g. 'E12000003')"),
    ("REGION_NAME", "", "the region's name as the DfE's files write it"),
)


def ees_geography_problems(values: Mapping[str, Any]) -> list[str]:
    """Why the settings cannot place the council in the DfE's open data format: none when
    none of OLD_LA_CODE, LA_NAME, REGION_CODE and REGION_NAME is set (the site then publishes
    no EES-format files) or when all it needs is set and well formed."""
    named = [n for n, _, _ in EES_GEOGRAPHY_SETTINGS] + ["LA_NAME"]
    if not any(str(values.get(n, "")).strip() for n in named):
        return []
    why = "to publish the downloads in the DfE's open data format (docs/settings.md)"
    problems = []
    code = str(values.get("LA_CODE", "")).strip()
    if not re.fullmatch(NEW_LA_CODE_PATTERN, code):
        problems.append(f"{SETTINGS_KEY}['LA_CODE'] must be the council's nine-character code "
                        f"(E06, E08, E09 or E10 and six digits, e.g. 'E08000032') {why}; it is "
                        f"{code!r}")
    for name, pattern, what in EES_GEOGRAPHY_SETTINGS:
        value = str(values.get(name, "")).strip()
        if not value or (pattern and not re.fullmatch(pattern, value)):
            problems.append(f"{SETTINGS_KEY}['{name}'] must be {what} {why}; it is {value!r}")
    if not (str(values.get("LA_NAME", "")).strip() or str(values.get("AREA", "")).strip()):
        problems.append(f"{SETTINGS_KEY}['LA_NAME'] (or AREA) must name the council {why}")
    return problems
