"""A report of the model as an .xlsx workbook, written through the one safe writer: a sheet per section, headed by
the section's title and a line with the scope, who generated it and (demo data) the marker; its paragraphs,
figures and tables below, the tables' values as numbers and dates with number formats; its charts as images to
the right of them."""

from __future__ import annotations

import math
from typing import Any

from openpyxl.utils import get_column_letter

from safety.files.writer import add_image, new_workbook, put, shade_cell, style, workbook_bytes, write_table
from safety.i18n import t
from safety.indicators.charts import sheet_title
from safety.reports.model import Chart, Figures, Heading, Paragraph, Report, Section, Table
from safety.reports.rendering import chart_pngs, generated_text, number_format, typed

FIRST_ROW = 4  # below the title, the header line and a blank row
CHART_PX = 640  # a whole-width chart's width on the sheet, in pixels
ROW_PX = 20  # a default row's height, in pixels
GREY = "666666"
DEMO = "B71C1C"


def report_xlsx(report: Report) -> bytes:
    """The report as the bytes of an .xlsx workbook: one sheet per section, no formula anywhere."""
    pngs = chart_pngs(report)
    book = new_workbook()
    book.remove(book.active)
    used: set[str] = set()
    line = " · ".join(p for p in (report.scope, generated_text(report)) if p)
    if report.demo:
        line += " · " + t("report.demo_marker", report.lang)
    for section in report.sections:
        _section(book.create_sheet(sheet_title(section.sheet, used)), section, line, report.demo, pngs)
    if not book.worksheets:
        sheet = book.create_sheet(sheet_title(report.title, used))
        style(put(sheet, 1, 1, report.title), bold=True, size=14)
    return workbook_bytes(book)


def _section(sheet: Any, section: Section, line: str, demo: bool, pngs: dict[int, bytes]) -> None:
    """One section on its sheet: its title, the header line and its blocks in order; charts beside its tables, or
    in their place among the text on a sheet without a table."""
    style(put(sheet, 1, 1, section.title), bold=True, size=14)
    style(put(sheet, 2, 1, line), bold=demo, colour=DEMO if demo else GREY)
    row, first_data_row = FIRST_ROW, 0
    charts: list[Chart] = []
    beside = any(isinstance(b, Table) for b in section.blocks)
    label_width = 0
    for block in section.blocks:
        if isinstance(block, Heading):
            style(put(sheet, row, 1, block.text), bold=True, size=12)
            row += 1
        elif isinstance(block, Paragraph):
            style(put(sheet, row, 1, block.text), bold=block.lead)
            row += 2
        elif isinstance(block, Figures):
            for label, value, change in block.items:
                put(sheet, row, 1, label)
                style(put(sheet, row, 2, value), bold=True)
                put(sheet, row, 3, change)
                label_width = max(label_width, len(label))
                row += 1
            row += 1
        elif isinstance(block, Table):
            row, data_row = _table(sheet, block, row, freeze=not first_data_row)
            first_data_row = first_data_row or data_row
        elif isinstance(block, Chart) and beside:
            charts.append(block)
        elif isinstance(block, Chart):  # under the heading or sentence before it, no text runs under a picture
            _, height = add_image(sheet, pngs[id(block.chart)], f"A{row}", round(CHART_PX * block.width))
            row += math.ceil(height / ROW_PX) + 1
    if label_width:
        width = sheet.column_dimensions["A"].width if "A" in sheet.column_dimensions else 0
        sheet.column_dimensions["A"].width = max(width or 0, min(label_width + 2, 50))
    _charts(sheet, charts, first_data_row, pngs)


def _table(sheet: Any, table: Table, row: int, freeze: bool) -> tuple[int, int]:
    """A table from `row`: its title, the heading row and the typed values with their formats, its note; return
    the row after it (and a blank one) and the row of its first value."""
    if table.title:
        style(put(sheet, row, 1, table.title), bold=True)
        row += 1
    columns = table.columns
    rows = [[typed(r[i]) if i < len(r) else None for i in range(len(columns))] for r in table.rows]
    text = tuple(i for i, c in enumerate(columns, start=1) if c.kind == "text")
    formats = {i: f for i, c in enumerate(columns, start=1) if (f := number_format(c))}
    after = write_table(
        sheet,
        [c.heading for c in columns],
        rows,
        text_columns=text,
        number_formats=formats,
        start_row=row,
        freeze=freeze,
    )
    for r, shades in enumerate(table.fills[: len(rows)]):  # coloured cells, their text white on a dark colour
        for i, shade in enumerate(shades, start=1):
            if shade:
                shade_cell(sheet.cell(row=row + 1 + r, column=i), shade)
    for r in range(min(len(table.row_digits), len(rows))):  # rows of their own decimals
        for i, column in enumerate(columns, start=1):
            if column.kind == "number":
                sheet.cell(row=row + 1 + r, column=i).number_format = number_format(table.column_in_row(column, r))
    if table.note:
        style(put(sheet, after, 1, table.note), colour=GREY)
        after += 1
    return after + 1, row + 1


def _charts(sheet: Any, charts: list[Chart], first_data_row: int, pngs: dict[int, bytes]) -> None:
    """A sheet's charts one below the other, a column right of its content from the row of the first table's
    first value (so the frozen rows never hold part of a chart, and a long table does not push one out of
    sight)."""
    column, free = get_column_letter(sheet.max_column + 2), first_data_row
    for chart in charts:
        _, height = add_image(sheet, pngs[id(chart.chart)], f"{column}{free}", round(CHART_PX * chart.width))
        free += math.ceil(height / ROW_PX) + 1
