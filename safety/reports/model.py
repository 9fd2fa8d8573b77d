"""A report as plain data, before it is a file: sections of headings, generated sentences, tables of typed values
and charts. The renderers (safety/reports/pdf.py, safety/reports/xlsx.py) turn one into a PDF or a workbook, so
both files always say the same thing.

Values in tables stay typed (int, float, date, str, None) until a renderer writes them: the PDF formats them for
the report's language, the workbook keeps them as numbers and dates with a number format.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # a model is made without drawing anything: the charts' module (Altair) loads where they are drawn
    from safety.indicators.charts import Figure

# How a column's values are written: text as it is; a count grouped, without decimals; a number with `digits`
# decimals; a change in percent with its sign; a score out of 100; a date.
Kind = Literal["text", "count", "number", "change", "score", "date"]


@dataclass(frozen=True)
class Column:
    """A table column: its heading in the report's language, the kind of its values and its relative width."""

    heading: str
    kind: Kind = "text"
    digits: int = 0
    width: float = 1.0  # relative to the table's other columns (the PDF shares the page's width by these)


@dataclass(frozen=True)
class Table:
    """A table: columns and rows of typed values (None is "no data"); `note` says what it leaves out, if anything."""

    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]]
    title: str = ""
    note: str = ""
    # the decimals of each row's "number" cells, when rows differ (a table of indicators, one per row); empty: the
    # columns' own
    row_digits: tuple[int, ...] = ()
    # a background colour ("#rrggbb") or None for each cell, row by row (a heatmap's traffic lights); empty: none
    fills: tuple[tuple[str | None, ...], ...] = ()

    def column_in_row(self, column: Column, row: int) -> Column:
        """The column as the row's cells are written: with the row's decimals when the table gives them."""
        if column.kind != "number" or row >= len(self.row_digits):
            return column
        return replace(column, digits=self.row_digits[row])


@dataclass(frozen=True)
class Heading:
    """A heading inside a section."""

    text: str


@dataclass(frozen=True)
class Paragraph:
    """A sentence or a few, generated from the data in the report's language; `lead` ones stand out."""

    text: str
    lead: bool = False


@dataclass(frozen=True)
class Figures:
    """Key figures side by side: (label, value as text, change as text or "") each, the summary's tiles."""

    items: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class Chart:
    """A chart (a shared Figure or a whole Vega-Lite spec) and its name for files; `width` is a share of the page."""

    chart: Figure | dict[str, Any]
    name: str
    width: float = 1.0


Block = Heading | Paragraph | Figures | Table | Chart


@dataclass(frozen=True)
class Section:
    """A part of the report: a page (or more) of the PDF and a sheet of the workbook (named `sheet`)."""

    title: str
    sheet: str
    blocks: list[Block] = field(default_factory=list)
    new_page: bool = True


@dataclass(frozen=True)
class Report:
    """A whole report and what every page of it says in its header and footer."""

    title: str
    scope: str  # what it covers: «Жамбылская область · 2025», a district, an industry or one enterprise
    lang: str
    generated_by: str
    generated_at: dt.datetime
    demo: bool  # the demo data is loaded: every page says its figures are fictional
    sections: list[Section]
    file_stem: str  # the downloaded file's name without its extension

    def tables(self) -> list[Table]:
        """Every table of the report, in order."""
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]

    def paragraphs(self) -> list[str]:
        """Every generated sentence of the report, in order."""
        return [b.text for s in self.sections for b in s.blocks if isinstance(b, Paragraph)]
