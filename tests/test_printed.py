"""Every derived figure the source reports printed is reproduced by our computation, at the
printed precision, except where the data records that the source's arithmetic is wrong;
then ours must differ (and the narrative says so).

On the fictional fixture council's data (tests/fixtures/council/); tests/test_bradford_site.py
runs the same checks on Bradford's."""

from __future__ import annotations

from pathlib import Path

import pytest

from sites import COUNCIL
from transparency.load import load_site
from transparency.metrics import compute, percent_change, select
from transparency.model import Period, Printed, Site
from transparency.settings import resolve


def load(project: Path) -> Site:
    """A site's data, loaded as `invoke check` loads it."""
    config = resolve({"DATA_PATH": str(project / "data")}, project / "content")
    site, problems = load_site(config.data_path, config.reports)
    assert not problems, problems.report(project)
    return site


def printed_cases(site: Site) -> list[tuple[Period, Printed]]:
    return [(period, printed) for period in site.periods.values() for printed in period.printed]


def _value(period: Period, printed: Printed) -> float | None:
    if printed.metric:
        if printed.metric in period.metrics:
            return compute(period, period.metrics[printed.metric]).value
        return period.figures[printed.metric].value
    assert printed.of is not None
    return select(period, printed.of).value


def ours(site: Site, period: Period, printed: Printed) -> float:
    current = _value(period, printed)
    assert current is not None, "the figure is not available in our data"
    if printed.change == "value":
        return current
    assert period.previous, f"{period.key} has no previous period to compare with"
    previous_period = site.periods[f"{period.report}/{period.previous}"]
    previous = _value(previous_period, printed)
    assert previous is not None
    if printed.change == "change":
        return current - previous
    result = percent_change(current, previous)
    assert result is not None
    return result


def check_printed(site: Site, period: Period, printed: Printed) -> None:
    value = ours(site, period, printed)
    # Decreases are recorded as their size ("a 5.5% decrease" -> 5.5).
    if printed.change != "value" and printed.value >= 0 > value:
        value = -value
    tolerance = 0.5 * 10 ** (-printed.decimals) + 1e-9
    matches = abs(value - printed.value) <= tolerance
    if printed.source_error:
        assert not matches, (f"'{printed.quote}' is marked as a source error but our figure "
                             f"{value:.3f} matches it")
    else:
        assert matches, (f"'{printed.quote}' ({printed.where_in_source}): the source printed "
                         f"{printed.value}, our computation gives {value:.4f}")


def check_source_errors_explained(site: Site, content: Path) -> int:
    """Where the source's arithmetic is wrong, the narrative says so; the number of periods
    with a source error."""
    explained = 0
    for period in site.periods.values():
        if any(p.source_error for p in period.printed):
            text = (content / period.report / f"{period.period}.md").read_text()
            lowered = text.lower()
            assert any(w in lowered for w in ("the figures give", "actually", "correct",
                                              "original report gave", "report gave", "adds up",
                                              "add up")), period.key
            explained += 1
    return explained


SITE = load(COUNCIL)
CASES = printed_cases(SITE)


def test_there_are_printed_figures_to_check():
    assert len(CASES) == 5
    assert [x.source_error for _, x in CASES].count(True) == 1  # and one the source got wrong


@pytest.mark.parametrize(("period", "printed"), CASES,
                         ids=[f"{p.key}:{x.quote[:40]}" for p, x in CASES])
def test_printed_figure(period: Period, printed: Printed):
    check_printed(SITE, period, printed)


def test_source_errors_are_explained_in_the_narrative():
    """Where the source's arithmetic is wrong, the narrative says so."""
    assert check_source_errors_explained(SITE, COUNCIL / "content") == 1
