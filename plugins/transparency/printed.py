"""How the site prints a number, a symbol or a date: rounding half up as people and the
DfE's tables do, thousands separators and units, the GSS symbols and what a screen reader
says for each. The published model (published.py), pages, tables and downloads write every
number through here."""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import ROUND_HALF_UP, Decimal

# What a screen reader says for each symbol, instead of "left bracket c right bracket": the
# page shows the symbol, hidden from assistive technology, and these words, hidden on screen.
SPOKEN = {"c": "hidden to protect privacy", "x": "not available", "z": "not applicable",
          "low": "rounds to 0", "u": "low reliability", "r": "revised"}

SYMBOLS = {
    "c": "confidential: a small number hidden to protect children's privacy, or a figure "
         "hidden so that a small number cannot be worked out",
    "x": "not available: the source report does not give this figure",
    "z": "not applicable",
    "low": "rounds to 0, but is not 0 (a comparator as its source publishes it)",
    "u": "low reliability: the source says this figure is not reliable (a comparator as its "
         "source publishes it)",
    "r": "revised: corrected since the report was first published (see the corrections log)",
}


# Significant digits a computed number is taken to: 3910 / 4000 × 100 is 97.75 to a reader,
# though a computer's arithmetic makes it 97.74999999999999.
SIGNIFICANT = 12


def _rounded(number: float, decimals: int) -> Decimal:
    return Decimal(format(number, f".{SIGNIFICANT}g")).quantize(
        Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def round_half_up(number: float, decimals: int) -> float:
    """A number to `decimals` places as people, Excel and the DfE's and ONS's tables round it:
    halves away from zero, on the number as a reader would write it (12.5% is 13%, 2.675 is
    2.68, and 3910 of 4000 is 97.8%; Python's round and format give 12, 2.67 and 97.7). Every
    printed number (HTML, CSV, PDF) is rounded so; the disclosure audit reads a printed 97.8
    as anything from 97.75 to 97.85."""
    return float(_rounded(number, decimals))


def decimals_written(text: str) -> int:
    """The decimal places a number is written with ("0.3%" 1, "1,234" 0)."""
    number = re.sub(r"[^\d.]", "", text)
    return len(number.split(".")[1]) if "." in number else 0


def half_unit(decimals: int) -> float:
    """Half of the last printed digit: a number printed to `decimals` places stands for
    anything within this of it."""
    return float(0.5 * 10.0 ** -decimals)


def whole_numbers_in(low: float, high: float) -> list[int]:
    """The whole numbers from `low` to `high`, both ends included (to within 1e-9)."""
    return list(range(math.ceil(low - 1e-9), math.floor(high + 1e-9) + 1))


def whole_quotients(total: float, mean: float, decimals: int, scale: float = 1.0) -> list[int]:
    """The whole numbers `total` / (`mean` × `scale`) can be, `mean` read at its printed
    precision (`scale`: days in the mean's unit, where the total is in days): how many
    people a total and its average stand for. [] where the mean may be 0."""
    half = half_unit(decimals)
    if mean - half <= 0:
        return []
    return whole_numbers_in(total / ((mean + half) * scale), total / ((mean - half) * scale))


def plain_number(number: float, decimals: int) -> str:
    """A number as a CSV writes it: '1446', '97.8' (round_half_up)."""
    return f"{_rounded(number, decimals):.{decimals}f}"


def format_number(number: float, unit: str, decimals: int) -> str:
    """A number as a page prints it, with its unit: '1,446', '97.8%', '35 per 10,000',
    '4.5 FTE' (round_half_up)."""
    text = f"{_rounded(number, decimals):,.{decimals}f}"
    if unit == "percent":
        return f"{text}%"
    if unit == "rate_per_10000":
        return f"{text} per 10,000"
    if unit == "fte":
        return f"{text} FTE"
    if unit in ("days", "weeks"):
        return f"{text} {unit}"
    return text


def format_date(date: dt.date | None) -> str:
    """A day as a page prints it: '31 March 2022' ('' for none)."""
    if date is None:
        return ""
    return f"{date.day} {date:%B %Y}"
