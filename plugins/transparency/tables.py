"""Render published tables as accessible HTML (caption, scoped headers, numeric cells)."""

from __future__ import annotations

import html
from itertools import product

from .printed import format_date, format_number
from .published import PublishedPeriod, PublishedTable, Value
from .references import REVISED_HTML, symbol_html
from .terms import TOTAL


def download_path(period: PublishedPeriod, table: PublishedTable) -> str:
    return f"data/{period.report}/{period.period}/{table.name}.csv"


# Units said once, in the table's header and caption, not in every cell: "3.8 per 10,000"
# in each cell of a comparator table wrapped each value onto three lines on a phone.
UNIT_WORDS = {"rate_per_10000": "per 10,000 children", "fte": "full-time equivalent (FTE)",
              "days": "days", "weeks": "weeks"}
UNIT_CAPTIONS = {"rate_per_10000": "Figures are rates per 10,000 children.",
                 "fte": "Figures are full-time equivalents (FTE).",
                 "days": "Figures are in days.", "weeks": "Figures are in weeks."}


def _cell(table: PublishedTable, key: tuple[str, ...]) -> str:
    value = table.cells.get(key)
    if value is None:  # a combination the source does not give
        value = Value(None, "x", table.unit, 0)
    mark = ' data-disclosure="count"' if table.of_people else ""
    text = symbol_html(value)
    if value.number is not None and table.unit in UNIT_WORDS:
        text = html.escape(format_number(value.number, "count", value.decimals)) + (
            REVISED_HTML if value.revised else "")
    return f'<td class="app-table__cell app-table__cell--numeric"{mark}>{text}</td>'


# More value columns than a portrait A4 page holds at the print size.
WIDE_COLUMNS = 8


def _row_class(label: str) -> str:
    return ' class="app-table__row app-table__row--total"' if label == TOTAL else ' class="app-table__row"'


# How a comparator's source names a national statistics release taken directly, not through
# the council's report ("Department for Education, Explore Education Statistics: ...").
NATIONAL_SOURCES = ("Department for Education", "DfE", "Office for National Statistics", "ONS")


def render_table(table: PublishedTable, period: PublishedPeriod, site_url: str = "",
                 download: bool = True) -> str:
    dims = table.dims
    e = html.escape
    row_dim = dims[0]
    col_dims = dims[1:]
    col_keys = list(product(*(table.categories(d) for d in col_dims))) if col_dims else [()]
    col_keys = [k for k in col_keys if any(
        (r, *k) in table.cells for r in table.categories(row_dim))]
    # A table too wide for a portrait page prints on landscape pages (print.css).
    wide = " app-table-figure--wide" if len(col_keys) > WIDE_COLUMNS else ""
    parts = [f'<figure class="app-table-figure{wide}" id="table-{e(table.name)}">',
             '<div class="app-table-wrapper" tabindex="0" role="region" '
             f'aria-labelledby="caption-{e(table.name)}">',
             '<table class="app-table">',
             f'<caption class="app-table__caption" id="caption-{e(table.name)}">{e(table.title)}</caption>']
    parts.append("<thead>")
    parts.extend(_header_rows(table, col_keys))
    parts.append("</thead><tbody>")
    for row in table.categories(row_dim):
        cells = [f'<th scope="row" class="app-table__header">{e(row)}</th>']
        cells.extend(_cell(table, (row, *k)) for k in col_keys)
        parts.append(f"<tr{_row_class(row)}>{''.join(cells)}</tr>")
    parts.append("</tbody></table></div>")
    caption = _caption(table, period)
    parts.append(f'<figcaption class="app-table-figure__notes"><p>{" ".join(caption)}</p>')
    if download:
        parts.append(f'<p><a class="app-link" href="{e(site_url)}/{e(download_path(period, table))}" '
                     f'download>Download this table as CSV</a></p>')
    parts.append("</figcaption></figure>")
    return "\n".join(parts)


def _header_rows(table: PublishedTable, col_keys: list[tuple[str, ...]]) -> list[str]:
    """The table's header rows: the row dimension and the measure (with its unit) for a table
    of one dimension; else one row per column dimension, the last naming each column fully."""
    e = html.escape
    row_dim, col_dims = table.dims[0], table.dims[1:]
    if not col_dims:
        words = UNIT_WORDS.get(table.unit, "")
        unit = f" ({words})" if words and words.casefold() not in table.measure.casefold() else ""
        return [f'<tr><th scope="col" class="app-table__header">{e(table.dimensions[row_dim])}</th>'
                f'<th scope="col" class="app-table__header app-table__header--numeric">'
                f"{e(table.measure)}{e(unit)}</th></tr>"]
    rows = []
    for level, dim in enumerate(col_dims):
        cells = [f'<td class="app-table__header">{e(table.dimensions[dim])}</td>'
                 if level < len(col_dims) - 1 else
                 f'<th scope="col" class="app-table__header">{e(table.dimensions[row_dim])}</th>']
        for label, count in _spans(col_keys, level):
            colspan = f' colspan="{count}"' if count > 1 else ""
            scope = "colgroup" if count > 1 else "col"
            cells.append(f'<th scope="{scope}"{colspan} class="app-table__header '
                         f'app-table__header--numeric">{e(label)}</th>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return rows


def _spans(col_keys: list[tuple[str, ...]], level: int) -> list[tuple[str, int]]:
    """The headings of one level of the columns, each with how many columns it spans."""
    previous = None
    spans: list[tuple[str, int]] = []
    for key in col_keys:
        label = key[level]
        prefix = key[:level + 1]
        if prefix == previous:
            spans[-1] = (spans[-1][0], spans[-1][1] + 1)
        else:
            spans.append((label, 1))
        previous = prefix
    return spans


def _caption(table: PublishedTable, period: PublishedPeriod) -> list[str]:
    """The sentences under a table (HTML-escaped): its source, when the figures are for, its
    unit, note, combined categories and the symbols it uses."""
    e = html.escape
    if table.trend:
        caption = ["Source: the report for each period, as published on this site."]
    elif table.comparator and table.source.startswith(NATIONAL_SOURCES):
        # Figures taken from the DfE's or ONS's own releases are theirs, not the report's.
        caption = [f"Source: {e(table.source)}."]
    else:
        caption = [f"Source: {e(period.source.title)}, {e(table.source)}."]
    if table.total_computed:
        caption.append("The Total is the sum of the rows, worked out for this site: the report "
                       "does not print it.")
    if table.date:
        caption.append(f"Figures at {e(format_date(table.date))}.")
    elif not table.comparator and not table.trend:
        caption.append(f"Figures for {e(period.period_label)}.")
    if table.unit in UNIT_CAPTIONS:
        caption.append(UNIT_CAPTIONS[table.unit])
    if table.note:
        caption.append(e(table.note))
    if table.collapsed:
        caption.append("Some small categories are combined to protect privacy: "
                       f"{e(', '.join(table.collapsed))}.")
    symbols = sorted(table.symbols_used())
    if symbols:
        caption.append("Symbols: " + "; ".join(f"[{s}] {e(_symbol_short(s))}" for s in symbols) + ".")
    return caption


def _symbol_short(symbol: str) -> str:
    return {"c": "hidden to protect privacy", "x": "not available", "z": "not applicable",
            "low": "rounds to 0 but is not 0", "u": "low reliability",
            "r": "revised since first published"}[symbol]
