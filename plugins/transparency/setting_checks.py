"""The checks a TRANSPARENCY setting's value must pass (settings.py declares which): each returns
None for a good value, or what is wrong with it in words. Independent of Pelican."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .schema import RELATIONS


def is_int_at_least(minimum: int) -> Callable[[Any], str | None]:
    """A check that a value is a whole number of at least `minimum`."""
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            return f"must be a whole number of at least {minimum}"
        return None
    return check


def is_text(value: Any) -> str | None:
    """Non-empty text."""
    return None if isinstance(value, str) and value.strip() else "must be non-empty text"


def is_bool(value: Any) -> str | None:
    """True or False."""
    return None if isinstance(value, bool) else "must be True or False"


def is_path(value: Any) -> str | None:
    """A folder path, as text or a Path."""
    return None if isinstance(value, (str, Path)) and str(value) else "must be a folder path"


def is_name_or_unset(value: Any) -> str | None:
    """Non-empty text, or '' while not yet set (a build then stops)."""
    if value == "" or (isinstance(value, str) and value.strip()):
        return None
    return "must be non-empty text (or '' while not yet set, which stops a build)"


def is_allowances(value: Any) -> str | None:
    """A dict of allowance names to regular expressions (numbers.allowances reads it)."""
    if not isinstance(value, dict) or not all(isinstance(k, str) and k for k in value):
        return "must be a dict of allowance names to regular expressions (or None)"
    from .numbers import allowances

    try:
        allowances(value)
    except ValueError as error:
        return f"is not valid: {error}"
    return None


DEPLOY_TARGETS = ("rsync", "s3", "github-pages")
_CREDENTIALS_IN_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/@]*:[^/@]*@")


def is_deploy_target(value: Any) -> str | None:
    """One of the deploy targets, or '' for none."""
    if value == "" or value in DEPLOY_TARGETS:
        return None
    return f"must be one of {', '.join(repr(t) for t in DEPLOY_TARGETS)} or '' (no deploy)"


def is_email_or_empty(value: Any) -> str | None:
    """An email address, or '' for none."""
    if value == "" or (isinstance(value, str) and re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value)):
        return None
    return "must be an email address such as 'reports@example.gov.uk', or '' for none"


def is_optional_text(value: Any) -> str | None:
    """Text, '' for none."""
    return None if isinstance(value, str) else "must be text ('' for none)"


def _luminance(colour: str) -> float:
    """WCAG relative luminance of '#rrggbb'."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two '#rrggbb' colours (1 to 21)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _full_hex(value: str) -> str:
    return "#" + "".join(c * 2 for c in value[1:]) if len(value) == 4 else value


def is_brand_colour(value: Any) -> str | None:
    """A hex colour that white text on it can be read on (WCAG 2.2 AA, 1.4.3: 4.5:1): the
    header is white text on the brand colour."""
    if not isinstance(value, str) or not re.fullmatch(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})", value):
        return "must be a colour such as '#0b3d5c'"
    ratio = contrast(_full_hex(value).lower(), "#ffffff")
    if ratio < 4.5:
        return (f"{value} has a contrast of {ratio:.1f}:1 against white, and the header's white "
                "text needs at least 4.5:1 (WCAG 2.2 AA); choose a darker shade of the colour")
    return None


def is_web_address_or_empty(value: Any) -> str | None:
    """A web address starting http:// or https://, or '' for none."""
    if value == "" or (isinstance(value, str) and re.fullmatch(r"https?://[^\s/]+\.[^\s]+", value)):
        return None
    return "must be a web address such as 'https://www.example.gov.uk', or '' for none"


def is_address(value: Any) -> str | None:
    """Text that holds no password or token: those come from the environment only."""
    if not isinstance(value, str):
        return "must be text ('' for none)"
    if _CREDENTIALS_IN_URL.match(value):
        return ("must not hold a password or token: credentials come from environment variables "
                "only (see docs/publishing.md)")
    return None


def _is_code(value: Any) -> bool:
    return (isinstance(value, str) and bool(value.strip())) or (
        isinstance(value, int) and not isinstance(value, bool))


def is_la_code(value: Any) -> str | None:
    """A code as text ('' for none). Whether it is a local authority's, and in the DfE's file,
    `invoke comparators` checks, with every other problem of the import at once."""
    if value == "" or _is_code(value):
        return None
    return "must be a local-authority code such as 'E08000032' or '380', or '' for none"


def is_la_codes(value: Any) -> str | None:
    """A list of codes. That there are ten, each a local authority's, `invoke comparators`
    checks, naming each wrong one."""
    if isinstance(value, (list, tuple)) and all(_is_code(v) for v in value):
        return None
    return "must be a list of local-authority codes such as ['E08000032', '380']"


def is_reports(value: Any) -> str | None:
    """Report kinds, each with its label, short label, description and any identities."""
    if not isinstance(value, Mapping) or not value:
        return "must be a mapping of report kind to {'label': ..., 'description': ...}"
    for key, spec in value.items():
        if not isinstance(key, str) or not key.isidentifier() or key != key.lower():
            return f"report kind '{key}' must be a lower-case name"
        if not isinstance(spec, Mapping) or not (
                {"label", "short_label", "description"} <= set(spec)
                <= {"label", "short_label", "description", "identities"}):
            return (f"report kind '{key}' needs 'label', 'short_label' and 'description' (and "
                    "may have 'identities')")
        problem = is_identities(spec.get("identities", []))
        if problem:
            return f"report kind '{key}': 'identities' {problem}"
    return None


def is_identities(value: Any) -> str | None:
    """A list of stock-and-flow identities over figure names, as in period.yaml's relations."""
    if not isinstance(value, (list, tuple)):
        return "must be a list"
    for identity in value:
        if (not isinstance(identity, Mapping) or not {"stock_flow", "start", "end"} <= set(identity)
                or set(identity) - RELATIONS["stock_flow"].names):
            return ("entries need 'stock_flow' (a label), 'start' and 'end', and may have 'in', "
                    "'out' and 'tolerance'")
        names = [identity["start"], identity["end"], *identity.get("in", ()),
                 *identity.get("out", ())]
        if not all(isinstance(n, str) for n in names):
            return "names figures by their names (text), 'previous.NAME' for the previous period"
    return None
