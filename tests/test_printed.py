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


EXPLAINS_A_SOURCE_ERROR = ("the figures give", "actually", "correct", "original report gave",
                           "report gave", "adds up", "add up")


def check_source_errors_explained(site: Site, content: Path) -> int:
    """Where the source's arithmetic is wrong, the period says so: in its 'Notes on the data'
    (period.notes, where such asides belong, as ONS keeps them on methodology pages) or in
    its narrative. Returns the number of periods with a source error."""
    explained = 0
    for period in site.periods.values():
        if any(p.source_error for p in period.printed):
            narrative = (content / period.report / f"{period.period}.md").read_text()
            lowered = "\n".join([narrative, *period.notes]).lower()
            assert any(w in lowered for w in EXPLAINS_A_SOURCE_ERROR), (
                f"{period.key}: a printed figure is marked source_error, but neither the "
                f"period's notes nor its narrative explains it")
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


def test_source_errors_are_explained_in_the_notes_or_narrative():
    """Where the source's arithmetic is wrong, the period's notes (or its narrative) say so."""
    assert check_source_errors_explained(SITE, COUNCIL / "content") == 1


def test_an_unexplained_source_error_fails(tmp_path: Path):
    """The check can fail: with the explanation taken out of the notes, and a narrative
    that does not explain it either, the fixture's source error is caught."""
    site = load(COUNCIL)
    period = next(p for p in site.periods.values() if any(x.source_error for x in p.printed))
    period.notes = [n for n in period.notes
                    if not any(w in n.lower() for w in EXPLAINS_A_SOURCE_ERROR)]
    (tmp_path / period.report).mkdir()
    (tmp_path / period.report / f"{period.period}.md").write_text("Title: A period\n\nNo aside.\n")
    with pytest.raises(AssertionError, match="neither the period's notes nor its narrative"):
        check_source_errors_explained(site, tmp_path)
