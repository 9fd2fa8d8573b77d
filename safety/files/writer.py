"""Small helpers for writing .xlsx reports with openpyxl."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter


def workbook_bytes(workbook: Workbook) -> bytes:
    """Return a workbook saved to bytes."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_table(sheet: Any, headings: list[str], rows: list[list[Any]], text_columns: tuple[int, ...] = ()) -> None:
    """Write a header row (bold, filled, frozen) and rows; text_columns (1-based) stay text, dates get dd.mm.yyyy."""
    sheet.append(headings)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for row in rows:
        sheet.append(row)
    for col in range(1, len(headings) + 1):
        letter = get_column_letter(col)
        width = max([len(str(headings[col - 1]))] + [len(str(r[col - 1] or "")) for r in rows]) + 2
        sheet.column_dimensions[letter].width = min(width, 60)
        for cell in sheet[letter][1:]:
            if col in text_columns:
                cell.number_format = "@"
            elif isinstance(cell.value, dt.datetime):
                cell.number_format = "DD.MM.YYYY HH:MM:SS"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "DD.MM.YYYY"
    sheet.freeze_panes = "A2"
