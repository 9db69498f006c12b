"""The fields of period.yaml, declared once: each section's fields with their type, whether they
are required, their default, their allowed values, what `invoke new` writes for them in the next
period, and one line of help.

The loader (load*.py) reads every field through this declaration (which fields are known, which
are required, their allowed values and defaults), `invoke new` (scaffold.py) writes each field
of the next period as its `renew` says, and the field tables of docs/data-format.md are
generated from it (`invoke docs`; tests/test_docs.py fails when they drift). Rules that tie
fields together (a percentage's `of`, a table's `base`) stay in the loader's code.

Plain data, independent of Pelican.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .terms import COUNTS, METRIC_TYPES, PEOPLE, UNITS

# How a field is written, for the loader's readers and the docs: `text` is any text, `name` the
# name of something else of the period (a figure, a table, a period), `selector` a figure name
# or {table: name, where: {...}}, `choice` one of the field's `choices`.
FieldType = Literal["text", "name", "date", "number", "bool", "choice", "selector", "mapping", "list"]

# What `invoke new` writes for a field in the next period, from the previous period's value:
#   keep          the value as it was
#   drop          nothing: it belongs to the old source
#   fill          FILL IN, with the field's prompt
#   fill_showing  FILL IN, with the prompt and last period's value
#   ask_again     FILL IN with last period's reason: it vouches for the new report's numbers
#   retime        text moved on to the new period; FILL IN where it still names an older date
#   date          moved on when it is the previous period's first or last day, else FILL IN
#   years         comparator years moved on by the distance between the periods
#   values        FILL IN for every comparator value
#   file          the table's file (a CSV named like the table, or the workbook with --excel)
#   base          FILL IN for each number of a percentage table's base ('unknown' kept)
#   keep_or_fill  the value as it was, or FILL IN where it was empty
#   new           written for the new period (its name, dates, status: draft, previous)
#   entries       each entry written as its own fields say
Renew = Literal["keep", "drop", "fill", "fill_showing", "ask_again", "retime", "date", "years",
                "values", "file", "base", "keep_or_fill", "new", "entries"]

# How the docs say what `invoke new` writes (docs/data-format.md, the field tables).
RENEW_WORDS: dict[Renew, str] = {
    "keep": "kept",
    "drop": "left out",
    "fill": "`FILL IN`",
    "fill_showing": "`FILL IN`, showing last period's",
    "ask_again": "`FILL IN`, showing last period's: asked again",
    "retime": "moved on (`FILL IN` if it names an earlier date)",
    "date": "moved on (`FILL IN` unless the period's first or last day)",
    "years": "moved on",
    "values": "`FILL IN` for each value",
    "file": "kept (`tables.xlsx` with `--excel`)",
    "base": "`FILL IN`, showing last period's (`unknown` kept)",
    "keep_or_fill": "kept (`FILL IN` if empty)",
    "new": "for the new period",
    "entries": "as its own fields say",
}

STATUSES = ("published", "draft")  # a period's `status:`
DIRECTIONS = ("higher", "lower")  # a target's `direction:`
ORDERS = ("listed", "value")  # a table's `order:` (model.Table.order)
TOTAL_KINDS = ("printed", "computed")  # a table's `total:` (model.Table.total)
CHANGES = ("value", "change", "percent")  # a printed figure's `change:`


@dataclass(frozen=True)
class Field:
    """One field of a section of period.yaml."""

    name: str
    type: FieldType
    help: str
    required: bool = False
    # Where a field is required only sometimes, the condition in words (for the docs); the
    # loader's code then decides.
    when: str = ""
    default: object = None
    choices: tuple[str, ...] = ()
    renew: Renew = "keep"
    # What `invoke new` asks for where it writes FILL IN ('' for the bare placeholder).
    prompt: str = ""
    # The loader reads it by rules of its own (load_*.py), beyond its type: a name it looks up,
    # a reason, a value that may be one of several shapes. Any other field the code does not
    # read is still checked, by its declared type alone (load_fields.FieldReader.finish).
    custom: bool = False


@dataclass(frozen=True)
class Section:
    """The fields of one kind of mapping in period.yaml (the top level, a figure, a table ...)."""

    name: str
    fields: tuple[Field, ...]

    @property
    def names(self) -> set[str]:
        """Every field name this section knows."""
        return {f.name for f in self.fields}

    def get(self, name: str) -> Field | None:
        """The field called `name`, or None if the section has no such field."""
        return next((f for f in self.fields if f.name == name), None)

    def __getitem__(self, name: str) -> Field:
        found = self.get(name)
        if found is None:
            raise KeyError(f"'{name}' is not a field of {self.name} in schema.py")
        return found


_UNIT = Field("unit", "choice", "how the number is shown and what kind of number it is (see "
              "[Units](#units-and-what-a-number-counts))", required=True, choices=UNITS)
_COUNTS = Field("counts", "choice", "what one unit of the number is: a child, a record, staff, or "
                "none (see [Units](#units-and-what-a-number-counts))", required=True,
                choices=COUNTS)
_WHERE = Field("source", "text", "where in the source document (a section, table or page)",
               required=True, renew="fill_showing", prompt="where in the new report")
_NOTE = Field("note", "text", "shown under the figure or table", renew="drop")
_SENSITIVE = Field("sensitive", "bool", "`true` for gender identity, sexuality, religion, "
                   "disability or health detail: a stricter suppression rule applies and the "
                   "narrative may not quote figures from it", default=False)
_NOT_PEOPLE = Field("not_people", "text", "why a number that says `counts: none` counts no one "
                    "(see [Units](#counts-none-must-say-why-not_people))", renew="ask_again",
                    prompt="why these numbers count no child or record, for the new report",
                    custom=True)
_SNAPSHOT = Field("date", "date", "snapshot date (a stock at a date); omit for flows over the "
                  "period", renew="date")
_COVERS = Field("covers", "text", "the part of the period it covers, where that is not all of it "
                "(`July 2020`); never compared with another period", renew="fill_showing",
                prompt="the part of the period it covers")
_HEADLINE = Field("headline", "bool", "`true` to show it as a headline card on its period's page "
                  "and the home page", default=False)

PERIOD = Section("period", (
    Field("report", "name", "report kind; must equal the folder name", required=True, renew="new"),
    Field("period", "name", "period name; must equal the folder name", required=True,
          renew="new"),
    Field("title", "text", "the period's page title, e.g. `Independent Reviewing Officers annual "
          "report 2021/22`", required=True, renew="retime", prompt="the page title"),
    Field("period_label", "text", "plain-English span, e.g. `April 2021 to March 2022`",
          required=True, renew="new"),
    Field("period_start", "date", "the first day, as an ISO date (`2021-04-01`)", required=True,
          renew="new"),
    Field("period_end", "date", "the last day, as an ISO date; it may not precede the start",
          required=True, renew="new"),
    Field("status", "choice", "A draft is built with a draft banner for preview (`invoke build`, "
          "`invoke serve`) and left out of publish builds (`invoke build --publish`, `invoke "
          "publish`): no page, no download, no search entry, no feed entry. To publish it, set "
          "`status: published` and its `published` date", default="published", choices=STATUSES,
          renew="new"),
    Field("example", "bool", "`true` on the example periods `transparency new-site` writes: every "
          "figure is invented, so the period may not be `status: published`, and `invoke new` "
          "asks for a new title and summary instead of carrying the example's on", default=False,
          renew="drop"),
    Field("published", "date", "date the source report was published or presented (ISO date); a "
          "draft may give its planned publication date", when="yes, unless `status: draft`",
          renew="drop"),
    Field("previous", "name", "name of the earlier period of the same report that this one is "
          "compared with; `{{ change … }}` needs it", renew="new"),
    Field("source", "mapping", "the source document (see [Source](#source))", required=True,
          renew="entries"),
    Field("next_update", "text", "when the next report is due, in words (`June 2024`, `not "
          "planned`); the page shows it beside the published and last-updated dates",
          renew="drop"),
    Field("summary", "text", "one or two plain sentences describing what the report covers (used "
          "in listings and meta descriptions)", required=True, renew="retime",
          prompt="one or two sentences saying what the report covers"),
    Field("notes", "list", "list of transcription notes: what the source left unreadable or "
          "ambiguous and what we did about it", renew="drop"),
    Field("figures", "mapping", "scalar figures (see [Figures](#figures))", renew="entries"),
    Field("targets", "mapping", "targets and recommended ranges (see [Targets](#targets))",
          renew="entries"),
    Field("comparators", "mapping", "the council's figures beside other areas' (see "
          "[Comparators](#comparators))", renew="entries"),
    Field("tables", "mapping", "breakdown tables (see [Tables](#tables))", renew="entries"),
    Field("metrics", "mapping", "headline metrics computed from figures and tables (see "
          "[Metrics](#metrics))", renew="entries"),
    Field("printed", "list", "derived figures the source printed, which tests check we reproduce "
          "(see [Printed figures](#printed-figures))", renew="drop"),
    Field("relations", "list", "facts that tie figures and tables together, which the disclosure "
          "audit uses: stock and flow, a figure that is a cell of a table, a rate of a "
          "population, two equal numbers that are not the same count (see "
          "[Relations](#relations))", renew="entries"),
    Field("revisions", "list", "corrections made after publication, oldest first: each `- date: "
          "YYYY-MM-DD` with a `note` saying what was corrected and why; the data as it was before "
          "each correction sits in `revisions/<date>/` (see [Revisions](#revisions))",
          renew="drop"),
))

SOURCE = Section("source", (
    Field("file", "text", "the source document's file name, as the council keeps it",
          required=True, renew="fill", prompt="the source document's file name"),
    Field("title", "text", "the source document's title", required=True, renew="fill_showing",
          prompt="the source document's title"),
    Field("publisher", "text", "who published it", required=True, renew="keep_or_fill",
          prompt="who published it"),
    Field("date", "date", "the date it was published or presented", required=True, renew="fill",
          prompt="the date it was published or presented, YYYY-MM-DD"),
    Field("presented_to", "text", "the committee it was presented to", renew="fill_showing",
          prompt="the committee, or delete this line"),
    Field("url", "text", "where the council publishes it, `https://…`: the page links to it",
          renew="drop"),
))

FIGURE = Section("figures", (
    Field("label", "text", "what the figure is, as the page labels it", required=True,
          renew="retime", prompt="the label"),
    Field("value", "number", "a non-negative number (a whole number for `unit: count`), or `x` "
          "when the source does not give it", required=True, renew="fill"),
    _UNIT,
    _COUNTS,
    _SNAPSHOT,
    _WHERE,
    _NOTE,
    _SENSITIVE,
    _COVERS,
    Field("of", "name", "for a percentage: the count figure it is a percentage of (the whole)",
          custom=True),
    Field("part", "name", "for a percentage: the count figure that is the share", custom=True),
    _NOT_PEOPLE,
    _HEADLINE,
    Field("definition", "text", "what it measures, for the headline card's \"How these figures "
          "are defined\" (default: the standard figure's, or the label)"),
    Field("series", "name", "for a snapshot (`date`): the measure of this report it is a reading "
          "of, where it has another name (`children_in_care_september_2019` is a reading of "
          "`children_in_care`): its trend page shows it at its date", custom=True),
))

TARGET = Section("targets", (
    Field("label", "text", "what the target is", required=True, renew="retime",
          prompt="the label"),
    Field("value", "number", "the target", when="unless `range`", renew="fill_showing",
          custom=True),
    Field("direction", "choice", "whether higher or lower is better", default="higher",
          choices=DIRECTIONS),
    Field("range", "list", "a recommended range instead of a value: `[low, high]`",
          renew="fill_showing", prompt="[low, high]"),
    _UNIT,
    _WHERE,
    _NOTE,
))

COMPARATOR = Section("comparators", (
    Field("title", "text", "the table's caption, saying what, where and when", required=True,
          renew="retime", prompt="the title"),
    _UNIT,
    Field("counts", "choice", "what one unit counts; a comparator with `unit: count` must say "
          "(`children`, `records` or `staff`)", default="none", choices=COUNTS),
    _WHERE,
    Field("years", "list", "the years of the values, as text (`[\"2019\", \"2020\"]`); without "
          "it, each area has one value", renew="years"),
    Field("values", "mapping", "each area's value, or list of values (one per year): a "
          "non-negative number or the source's symbol (`x`, `z`, `c`, `low`, `u`)",
          required=True, renew="values"),
    _NOTE,
    _SNAPSHOT,
    _NOT_PEOPLE,
))

TABLE = Section("tables", (
    Field("file", "text", "CSV file name in the period folder, or an Excel workbook's (`.xlsx`, "
          "see below)", required=True, renew="file"),
    Field("sheet", "text", "for a workbook: the sheet that holds the table (default: the sheet "
          "named like the table)", renew="drop"),
    Field("title", "text", "caption, saying what, where and when", required=True, renew="retime",
          prompt="the title"),
    Field("dimensions", "mapping", "ordered mapping of CSV column name to its display label, one "
          "per breakdown (1 to 3)", required=True),
    Field("measure", "text", "what the values are, e.g. `Children in care`, `Reviews held`",
          required=True),
    _UNIT,
    _COUNTS,
    _SNAPSHOT,
    Field("population", "name", "name of the group the table breaks down (`children_in_care`, "
          "`children_entering_care`, `reviews_held` …). Tables of a period with the same "
          "population must agree on their totals; the disclosure audit links them, in any "
          "periods and reports. Two count tables of one time (one `date`, or flows over one "
          "span) with equal grand totals, one of them with a hidden cell, look like the same "
          "children, whatever their categories: the build stops until both name their "
          "population, the same name if they are the same children and different names if "
          "not"),
    _WHERE,
    _NOTE,
    _SENSITIVE,
    Field("collapse", "mapping", "categories to merge before publishing when they would be "
          "suppressed: `{dimension: {New label: [old, labels]}}`", custom=True),
    Field("base", "number", "a table with `unit: percent` and `counts: children` (or `records`) "
          "must say what the percentages are of: one number (`base: 331`), or per category of "
          "one dimension (`base: {age_group: {\"4 to 6\": 77, \"10 to 15\": 214}}`), or `base: "
          "unknown` when the source does not say (every cell is then hidden). Suppression then "
          "applies to the counts the percentages imply: \"0.6% of 331\" is 2 children, so it is "
          "shown as `[c]`. Where the percentages along a dimension add up to 100, that 100% "
          "counts as a published total for secondary suppression, and the audit reads the "
          "counts of every such line as adding up to its base (a line with an `[x]` is not "
          "checked, and does not stop the others being read so); where the cells of a table of "
          "two or more dimensions, all of one base, add up to 100% only together, the audit "
          "reads their counts as adding up to the base. With `population:`, a table whose "
          "shares cover its people (along such a dimension, or together) is linked, through the "
          "counts behind its shares, to the count tables of that population. A percentage "
          "table of children is never `counts: none`", when="for percentages of children", renew="base",
          custom=True),
    Field("not_people", "text", "why a table that says `counts: none` counts no one, where its "
          "dimensions describe people or its values are all whole numbers (see "
          "[Units](#counts-none-must-say-why-not_people))", when="for some `counts: none` tables",
          renew="ask_again", prompt=_NOT_PEOPLE.prompt, custom=True),
    Field("not_total", "mapping", "categories that equal the sum of the other categories of their "
          "line but are not totals, each with the reason: `not_total: {\"Foster care\": \"a "
          "placement type that equals the others by chance\"}` (see [The CSV "
          "file](#the-csv-file))", renew="drop", custom=True),
    Field("order", "choice", "how a bar chart orders the categories: `listed` (as in the file: "
          "grades, stages, any order of their own) or `value` (largest first). Without it, times, "
          "ages, numbered codes and ethnic groups keep their order and other categories are "
          "drawn largest first, by published numbers only: hidden ones after the shown ones, and "
          "`Other` or `Not known` last. Tables on the page keep the file's order",
          choices=ORDERS),
    Field("total", "choice", "`computed` where the source prints no total and the file's `Total` "
          "rows are the sum of the rows, worked out for this site: the table's caption says so",
          default="printed", choices=TOTAL_KINDS),
))

_SELECTOR = ("a **selector**: a figure name, or `{table: name}` for a table's total, or `{table: "
             "name, where: {dimension: value or [values]}}` for the sum of matching cells")

METRIC = Section("metrics", (
    Field("label", "text", "what the metric is, as the page labels it", required=True,
          renew="retime", prompt="the label"),
    Field("definition", "text", "shown beside the figure. A trend joins only periods whose "
          "definitions are the same (dates, capitals and spacing aside: \"at 31 March 2022\" and "
          "\"at 31 March 2023\" are one definition); under a different definition the figures "
          "are a separate series, lettered A, B … on the trend page, which lists each definition "
          "with its periods. Write the same definition in every period where the measure is the "
          "same, and a different one where it is not", required=True, renew="retime",
          prompt="the definition"),
    Field("type", "choice", "`value` (one selector in `of`), `sum` (the sum of the selectors "
          "listed in `of`), `percent` (`numerator` ÷ `denominator` × 100), `ratio` "
          "(`numerator` ÷ `denominator`) or `rate` (`numerator`, a count of children, per "
          "10,000 of `denominator`, a figure giving the child population: shown on the count's "
          "headline card too)", required=True, choices=METRIC_TYPES),
    Field("of", "selector", "for `value` and `sum`: " + _SELECTOR + " (a list of them for `sum`)",
          when="for `value` and `sum`"),
    Field("numerator", "selector", "for `percent`, `ratio` and `rate`: " + _SELECTOR,
          when="for `percent`, `ratio` and `rate`"),
    Field("denominator", "selector", "for `percent`, `ratio` and `rate`: " + _SELECTOR
          + " (for `rate`, a figure: the population, such as the ONS mid-year estimate of "
          "children aged under 18, with its source)", when="for `percent`, `ratio` and `rate`"),
    Field("decimals", "number", "decimal places shown, 0 to 3 (default 0 for counts, 1 for "
          "percentages)", custom=True),
    Field("target", "name", "name of a target; the page shows whether it was met", custom=True),
    _HEADLINE,
    _COVERS,
))

PRINTED = Section("printed", (
    Field("quote", "text", "the source's words, as printed", required=True),
    Field("where", "text", "where in the source document", required=True),
    Field("metric", "name", "the metric (or figure) the printed number is of", when="or `of`",
          custom=True),
    Field("of", "selector", "a selector, as in metrics, instead of `metric`",
          when="or `metric`"),
    Field("change", "choice", "`value`, `change` (the difference on the previous period) or "
          "`percent` (the percentage change on the previous period)", default="value",
          choices=CHANGES),
    Field("value", "number", "the number as printed; a decrease is written as its size",
          required=True),
    Field("source_error", "bool", "`true` when the source's arithmetic is wrong: the test then "
          "checks we differ, and the notes (or narrative) must say so", default=False),
))

_NAME_OR_NAMES = "a figure or metric name, or a list of them"
RELATIONS: dict[str, Section] = {
    "stock_flow": Section("relations.stock_flow", (
        Field("stock_flow", "text", "a label for messages", required=True, custom=True),
        Field("start", "name", "the stock at the start (`previous.NAME` for the previous "
              "period's)", required=True, custom=True),
        Field("in", "list", "flows in: " + _NAME_OR_NAMES),
        Field("out", "list", "flows out: " + _NAME_OR_NAMES),
        Field("end", "name", "the stock at the end", required=True, custom=True),
        Field("tolerance", "number", "how far the source's own figures are from balancing",
              default=0, renew="fill_showing", prompt="how far the new report's own figures are "
              "from balancing, 0 if they balance"),
    )),
    "same": Section("relations.same", (
        Field("same", "selector", "a figure name, or one table cell (a comparator's value for "
              "the council: `{table: name, where: {area: ..., year: ...}}`)", required=True,
              custom=True),
        Field("as", "selector", "the table cell or margin it is the same number as",
              required=True),
    )),
    "rate": Section("relations.rate", (
        Field("rate", "selector", "a figure name, or one cell of a table: name a category of every "
              "dimension", required=True),
        Field("population", "name", "a count figure given as a number: where the report does not "
              "print it, enter the ONS mid-year estimate with its source", required=True,
              custom=True),
        Field("per", "number", "follows the rate's unit: 10000 for `rate_per_10000`, 100 for "
              "`percent`; another value is refused"),
        Field("counts", "choice", "what the rate counts", default="children", choices=PEOPLE),
    )),
    "distinct": Section("relations.distinct", (
        Field("distinct", "list", "a list of names or table selections; a single name says that "
              "count is in no relation but those declared", required=True),
        Field("reason", "text", "why, in words, for whoever reviews the release; it switches a "
              "check off", required=True, custom=True),
    )),
    "hierarchy": Section("relations.hierarchy", (
        Field("hierarchy", "text", "the group's label", required=True, custom=True),
        Field("members", "list", "their labels", required=True),
    )),
}

REVISION = Section("revisions", (
    Field("date", "date", "the date of the correction; its data as published before sits in "
          "`revisions/<date>/`", required=True, custom=True),
    Field("note", "text", "what was corrected and why: readers see it in the corrections log",
          required=True, custom=True),
))

# Every section by name, as the loader and `invoke new` look them up (at call time, so that a
# test may declare a field and see both follow).
SCHEMA: dict[str, Section] = {s.name: s for s in (
    PERIOD, SOURCE, FIGURE, TARGET, COMPARATOR, TABLE, METRIC, PRINTED, REVISION,
    *RELATIONS.values())}

# The sections of named entries, in the order period.yaml gives them and the loader reads them.
ENTRY_SECTIONS = ("figures", "targets", "comparators", "tables", "metrics")


def section(name: str) -> Section:
    """The declared section called `name` ('period', 'figures', 'relations.rate' ...)."""
    return SCHEMA[name]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def default_words(field: Field) -> str:
    """The field's default as the docs show it ('' where it has none)."""
    if field.default is None:
        return ""
    if isinstance(field.default, bool):
        return f"`{str(field.default).lower()}`"
    return f"`{field.default}`"


def type_words(field: Field) -> str:
    """How the field is written, as the docs say it."""
    if field.choices:
        return " or ".join(f"`{c}`" for c in field.choices)
    return {"bool": "`true` or `false`", "date": "date (`YYYY-MM-DD`)"}.get(field.type, field.type)


def required_words(field: Field) -> str:
    """Whether the field must be given, as the docs say it."""
    return field.when or ("yes" if field.required else "no")


def renewed(name: str) -> bool:
    """Whether `invoke new` writes the section at all (it leaves out printed figures and
    revisions, which belong to the old source)."""
    top = section("period").get(name)
    return top is None or top.renew != "drop"


def markdown_table(name: str) -> str:
    """The section's fields as the Markdown table docs/data-format.md shows, one row a field,
    with what `invoke new` writes for each where it writes the section."""
    renew = renewed(name)
    rows = ["| field | type | required | default | meaning |" + (" `invoke new` writes |" if renew
                                                                   else ""),
            "|---|---|---|---|---|" + ("---|" if renew else "")]
    for f in section(name).fields:
        rows.append(f"| `{f.name}` | {_cell(type_words(f))} | {_cell(required_words(f))} | "
                    f"{default_words(f)} | {_cell(f.help)} |"
                    + (f" {RENEW_WORDS[f.renew]} |" if renew else ""))
    return "\n".join(rows) + "\n"
