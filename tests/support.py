"""Helpers for tests: write a minimal valid period folder (and narrative) into a temporary
folder, so that a test can break one thing at a time and check what is reported.

The default period (`iro/2021-22`) has:

* figures `reviews_held` and `reviews_on_time` (counts of records, flows over the year);
* a target `review_timeliness_target` (98%, higher is better);
* a 1-D table `legal_status` (children in care at the period's end) with a Total row;
* a 2-D table `age_gender` (children entering care by age and gender) with Total rows
  and columns;
* a value metric `children_in_care` (the total of `legal_status`) and a percent metric
  `review_timeliness` (`reviews_on_time` / `reviews_held`, against the target).

`metrics:` is the last section of period.yaml, so more metrics can be added by appending
indented text with `append_yaml`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from transparency import load, model, settings
from transparency.problems import Problems

REPORTS = settings.resolve(None, ".").reports

LEGAL_STATUS = {
    "Care order": 845,
    "Interim care order": 281,
    "Placement order": 86,
    "Remand": 20,
    "Total": 1232,
}

# (age, gender) -> value, with Total rows for each age, each gender and overall.
AGE_GENDER = {
    ("Under 1", "Female"): 42,
    ("Under 1", "Male"): 57,
    ("Under 1", "Total"): 99,
    ("1 to 4", "Female"): 43,
    ("1 to 4", "Male"): 50,
    ("1 to 4", "Total"): 93,
    ("Total", "Female"): 85,
    ("Total", "Male"): 107,
    ("Total", "Total"): 192,
}

PERIOD_YAML = """\
report: {report}
period: {period}
title: Independent Reviewing Officers annual report {period}
period_label: {period_label}
period_start: {start}
period_end: {end}
published: 2022-06-06
{previous_line}source:
  file: 001_source.txt
  title: Independent Reviewing Officers Annual Report
  publisher: Test Council
  date: 2022-06-06
summary: Figures for children in care and their reviews.
figures:
  reviews_held:
    label: Child in care reviews chaired by IROs
    value: {reviews_held}
    unit: count
    counts: records
    source: Section 4
  reviews_on_time:
    label: Child in care reviews held on time
    value: {reviews_on_time}
    unit: count
    counts: records
    source: Section 4
targets:
  review_timeliness_target:
    label: Aspiration for reviews held on time
    value: {target}
    unit: percent
    direction: {direction}
    source: Section 4
tables:
  legal_status:
    file: legal_status.csv
    title: Children in care by legal status
    dimensions:
      legal_status: Legal status
    measure: Children in care
    unit: count
    counts: children
    date: {end}
    population: children_in_care
    source: Table 4
  age_gender:
    file: age_gender.csv
    title: Children entering care by age and gender
    dimensions:
      age: Age
      gender: Gender
    measure: Children entering care
    unit: count
    counts: children
    population: children_entering_care
    source: Table 6
metrics:
  children_in_care:
    label: Children in care
    definition: Children looked after on the last day of the period.
    type: value
    of: {{table: legal_status}}
    headline: true
  review_timeliness:
    label: Reviews held on time
    definition: Reviews held on time as a percentage of all reviews held.
    type: percent
    numerator: reviews_on_time
    denominator: reviews_held
    decimals: 1
    target: review_timeliness_target
    headline: true
"""


@dataclass(frozen=True)
class PeriodFiles:
    """Paths of one written period folder."""

    data: Path  # the data root (data/)
    folder: Path  # data/<report>/<period>/
    yaml: Path  # data/<report>/<period>/period.yaml
    legal_status: Path  # the 1-D table's CSV
    age_gender: Path  # the 2-D table's CSV

    @property
    def key(self) -> str:
        return f"{self.folder.parent.name}/{self.folder.name}"


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    lines = [",".join(header)] + [",".join(str(c) for c in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _label(start: dt.date, end: dt.date) -> str:
    return f"{start:%B %Y} to {end:%B %Y}"


def write_period(data: Path, *, report: str = "iro", period: str = "2021-22",
                 start: str = "2021-04-01", end: str = "2022-03-31", previous: str | None = None,
                 reviews_held: object = 3560, reviews_on_time: object = 3482,
                 target: object = 98, direction: str = "higher",
                 legal_status: Mapping[str, object] | None = None,
                 age_gender: Mapping[tuple[str, str], object] | None = None) -> PeriodFiles:
    """Write a valid period folder data/<report>/<period>/ and return its paths."""
    folder = data / report / period
    folder.mkdir(parents=True, exist_ok=True)
    text = PERIOD_YAML.format(
        report=report, period=period, start=start, end=end,
        period_label=_label(dt.date.fromisoformat(start), dt.date.fromisoformat(end)),
        previous_line=f"previous: {previous}\n" if previous else "",
        reviews_held=reviews_held, reviews_on_time=reviews_on_time, target=target,
        direction=direction)
    yaml_path = folder / "period.yaml"
    yaml_path.write_text(text, encoding="utf-8")
    legal = LEGAL_STATUS if legal_status is None else legal_status
    ls_path = write_csv(folder / "legal_status.csv", ["legal_status", "value"],
                        [(k, v) for k, v in legal.items()])
    ages = AGE_GENDER if age_gender is None else age_gender
    ag_path = write_csv(folder / "age_gender.csv", ["age", "gender", "value"],
                        [(a, g, v) for (a, g), v in ages.items()])
    return PeriodFiles(data, folder, yaml_path, ls_path, ag_path)


def append_yaml(path: Path, text: str) -> None:
    """Append text to a period.yaml (whose last section is `metrics:`)."""
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a file, failing loudly if the text is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    """1-based line number of the n-th line containing needle."""
    seen = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not found in {path}")


def load_data(data: Path) -> tuple[model.Site, Problems]:
    return load.load_site(data, REPORTS)


def load_problems(files: PeriodFiles) -> Problems:
    """The problems of loading a written period's data root."""
    _, problems = load_data(files.data)
    return problems


def formatted(problems: Problems) -> list[str]:
    """Each problem as the text `invoke check` shows."""
    return [p.format() for p in problems.items]


def config(data: Path, content: Path, **extra: object) -> settings.Config:
    return settings.resolve({"DATA_PATH": str(data), **extra}, content)


NARRATIVE = """\
Title: Independent Reviewing Officers annual report 2021/22
Summary: Test narrative.

## Children in care

There were {{ children_in_care }} children in care.

{{ table legal_status }}

Reviews on time: {{ review_timeliness }} against an aspiration of {{ target review_timeliness }}.
"""


def write_narrative(content: Path, report: str = "iro", period: str = "2021-22",
                    text: str = NARRATIVE) -> Path:
    path = content / report / f"{period}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# Raw model objects built directly, for unit tests of metrics and publishing.

def make_table(name: str, dims: Sequence[str], rows: Mapping[tuple[str, ...], object], *,
               unit: str = "count", counts: str = "children", date: dt.date | None = None,
               sensitive: bool = False, collapse: dict | None = None) -> model.Table:
    """A raw table from {key tuple: value}; a value of 'x' or 'z' becomes a symbol."""
    records = []
    for row_number, (key, value) in enumerate(rows.items(), start=2):
        if value in (model.NOT_AVAILABLE, model.NOT_APPLICABLE):
            records.append((*key, float("nan"), value, row_number))
        else:
            records.append((*key, float(value), "", row_number))  # type: ignore[arg-type]
    frame = pd.DataFrame.from_records(records, columns=[*dims, "value", "symbol", "row"])
    return model.Table(name=name, title=name.replace("_", " ").capitalize(),
                       dimensions={d: d.capitalize() for d in dims}, measure="Children",
                       unit=unit, counts=counts, source="Table 1",
                       where=model.Where(Path("period.yaml"), 1), frame=frame, date=date,
                       sensitive=sensitive, collapse=collapse or {})


def make_figure(name: str, value: float | None, *, unit: str = "count", counts: str = "children",
                date: dt.date | None = None, sensitive: bool = False) -> model.Figure:
    return model.Figure(name=name, label=name.replace("_", " ").capitalize(), value=value,
                        unit=unit, counts=counts, source="Section 1",
                        where=model.Where(Path("period.yaml"), 1), date=date,
                        sensitive=sensitive)


def make_period(*, report: str = "iro", period: str = "2021-22",
                start: dt.date = dt.date(2021, 4, 1), end: dt.date = dt.date(2022, 3, 31),
                previous: str | None = None, figures: Sequence[model.Figure] = (),
                tables: Sequence[model.Table] = (), targets: Sequence[model.Target] = (),
                metrics: Sequence[model.MetricSpec] = ()) -> model.Period:
    return model.Period(
        report=report, period=period, title=f"Report {period}",
        period_label=_label(start, end), start=start, end=end, published=end,
        source=model.Source("001.txt", "Source report", "Test Council", end), summary="Summary.",
        folder=Path(report) / period, previous=previous,
        figures={f.name: f for f in figures}, targets={t.name: t for t in targets},
        tables={t.name: t for t in tables}, metrics={m.name: m for m in metrics})


def metric(name: str, type: str, *, of: Sequence[model.Selector] = (),
           numerator: model.Selector | None = None, denominator: model.Selector | None = None,
           decimals: int | None = None, target: str | None = None) -> model.MetricSpec:
    return model.MetricSpec(name=name, label=name.replace("_", " ").capitalize(),
                            definition="Definition.", type=type,
                            where=model.Where(Path("period.yaml"), 1), of=tuple(of),
                            numerator=numerator, denominator=denominator, decimals=decimals,
                            target=target)


def fig(name: str) -> model.Selector:
    return model.Selector(figure=name)


def tab(name: str, **where: str | Sequence[str]) -> model.Selector:
    parts = tuple((d, (v,) if isinstance(v, str) else tuple(v)) for d, v in where.items())
    return model.Selector(table=name, where=parts)
