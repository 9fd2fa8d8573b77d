"""The one way the project writes spreadsheets (.xlsx, with openpyxl, and .csv): every report, export and template.

Text is always written as text. A cell that begins with =, +, -, @, a tab or a carriage return is stored as a
string with Excel's "quote prefix", so neither Excel nor LibreOffice evaluates it, even after an edit (OWASP's
advice against formula injection); the value itself stays unchanged, so our exports import back as they were.
A CSV file has no quote prefix, so there such a text gets a leading apostrophe, as OWASP advises.
Characters a worksheet cannot hold (control characters) are replaced with U+FFFD, visibly, instead of failing;
line breaks are written as LF.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.drawing.image import Image
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
REPLACEMENT = "\ufffd"


def new_workbook() -> Workbook:
    """A new, empty workbook for an export (its one sheet is `.active`); fill it with `put`, `append` or
    `write_table` and save it with `workbook_bytes`."""
    return Workbook()


def workbook_bytes(workbook: Workbook) -> bytes:
    """Return a workbook saved to bytes."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def put(sheet: Any, row: int, column: int, value: Any) -> Any:
    """Write one value into a cell, safely (see the module's docstring); return the cell."""
    cell = sheet.cell(row=row, column=column, value=_clean(value))
    _as_text(cell)
    return cell


def append(sheet: Any, values: list[Any]) -> None:
    """Write a row of values below the sheet's last row, safely."""
    sheet.append([_clean(v) for v in values])
    for cell in sheet[sheet.max_row]:
        _as_text(cell)


def style(cell: Any, bold: bool = False, size: float | None = None, colour: str | None = None) -> Any:
    """Give a cell's text a weight, a size in points and a colour ("B71C1C"); return the cell."""
    cell.font = Font(bold=bold, size=size, color=colour)
    return cell


def _clean(value: Any) -> Any:
    """Text without the characters a worksheet cannot hold (each replaced with U+FFFD) and with its line breaks as
    LF (a file's XML reads a CR back as LF anyway); other values as they are."""
    if not isinstance(value, str):
        return value
    return ILLEGAL_CHARACTERS_RE.sub(REPLACEMENT, value.replace("\r\n", "\n").replace("\r", "\n"))


def _as_text(cell: Any) -> None:
    """Keep a text cell text: never a formula, and quote-prefixed when it looks like one."""
    if isinstance(cell.value, str):
        cell.data_type = "s"  # openpyxl makes "=…" a formula
        if cell.value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True


def write_table(
    sheet: Any,
    headings: list[str],
    rows: list[list[Any]],
    text_columns: tuple[int, ...] = (),
    number_formats: dict[int, str] | None = None,
    start_row: int = 1,
    freeze: bool = True,
) -> int:
    """Write a header row (bold, filled) at `start_row` and the rows below it; text_columns (1-based) stay text,
    number_formats (1-based column → Excel format) format a column's values, other dates get dd.mm.yyyy. Columns
    widen to their values (never narrower than before); `freeze` keeps the rows down to the header in view. Return
    the row after the table's last."""
    formats = number_formats or {}
    for col, heading in enumerate(headings, start=1):
        cell = put(sheet, start_row, col, heading)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for number, row in enumerate(rows, start=start_row + 1):
        for col, value in enumerate(row, start=1):
            cell = put(sheet, number, col, value)
            if col in text_columns:
                cell.number_format = "@"
            elif col in formats:
                cell.number_format = formats[col]
            elif isinstance(value, dt.datetime):
                cell.number_format = "DD.MM.YYYY HH:MM:SS"
            elif isinstance(value, dt.date):
                cell.number_format = "DD.MM.YYYY"
    for col in range(1, len(headings) + 1):
        letter = get_column_letter(col)
        before = sheet.column_dimensions[letter].width if letter in sheet.column_dimensions else 0
        shown = _shown_length if col in formats else _length
        width = max([len(str(headings[col - 1]))] + [shown(r[col - 1]) for r in rows]) + 2
        sheet.column_dimensions[letter].width = max(min(width, 60), before or 0)
    if freeze:
        sheet.freeze_panes = f"A{start_row + 1}"
    return start_row + 1 + len(rows)


def _length(value: Any) -> int:
    """A value's length as text (None none), for a column's width."""
    return len(str(value or ""))


def _shown_length(value: Any) -> int:
    """About how long a formatted number looks (grouped, at most three decimals, a sign and « %»), for a column's
    width; a date as dd.mm.yyyy."""
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, int | float) and not isinstance(value, bool):
        return len(f"{value:+,.3f}") + 2
    return _length(value)


def add_image(sheet: Any, png: bytes, anchor: str, width_px: int) -> tuple[int, int]:
    """Put a PNG image on the sheet with its top-left corner at `anchor` ("F3"), `width_px` pixels wide, its aspect
    kept; return its size in pixels (width, height)."""
    picture = Image(io.BytesIO(png))
    height_px = round(picture.height * width_px / picture.width)
    picture.width, picture.height = width_px, height_px
    sheet.add_image(picture, anchor)
    return width_px, height_px


def csv_bytes(headings: list[str], rows: list[list[Any]], delimiter: str = ",") -> bytes:
    """A header row and rows as CSV, UTF-8 with a byte-order mark (so Excel reads Cyrillic): text that looks like a
    formula starts with an apostrophe, dates are written dd.mm.yyyy as in the workbooks, and None is empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([_csv_cell(h) for h in headings])
    writer.writerows([_csv_cell(v) for v in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_cell(value: Any) -> Any:
    """One CSV cell: safe text (see the module's docstring), a date as the workbooks show it, None empty."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return f"{value:%d.%m.%Y %H:%M:%S}"
    if isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, str):
        value = _clean(value)
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    return value


def table_bytes(
    fmt: str,
    title: str,
    headings: list[str],
    rows: list[list[Any]],
    text_columns: tuple[int, ...] = (),
    delimiter: str = ",",
) -> bytes:
    """One table as a file: an .xlsx workbook of one sheet named `title` (`fmt` "xlsx") or CSV (`fmt` "csv")."""
    if fmt == "csv":
        return csv_bytes(headings, rows, delimiter)
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = title[:31]  # Excel's limit for a sheet name
    write_table(sheet, headings, rows, text_columns)
    return workbook_bytes(workbook)


def rgb(colour: str) -> tuple[int, int, int]:
    """A "#rrggbb" colour as its three numbers."""
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def is_dark(colour: str) -> bool:
    """True when white text reads better than dark text on `colour` ("#rrggbb"), by its luma."""
    red, green, blue = rgb(colour)
    return 0.299 * red + 0.587 * green + 0.114 * blue < 150


def shade_cell(cell: Any, colour: str) -> None:
    """Fill a cell with `colour` ("#rrggbb"); its text white on a dark colour (a heatmap's traffic light)."""
    cell.fill = PatternFill("solid", fgColor=colour[1:].upper())
    if is_dark(colour):
        cell.font = Font(color="FFFFFF")
