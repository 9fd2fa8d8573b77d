"""What the two renderers of the report model share: a table value written as text in the report's language (the
PDF) or kept typed with an Excel number format (the workbook), the line saying who generated the report, and the
charts drawn once as PNG images. One place knows the column kinds of the model."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

from safety.i18n import format_change, format_date, format_datetime, format_number, t
from safety.indicators.charts import chart_png
from safety.reports.model import Chart, Column, Report

# The workbook keeps a change as the percentage itself (-22.68 is −22.68 %), so the format writes the sign and «%».
CHANGE_FORMAT = '+0.0" %";-0.0" %";0.0" %"'
NO_DATA = "\u2013"  # an en dash, as format_number writes None


def typed(value: Any) -> Any:
    """The value as the workbook stores it: a Decimal as a float, NaN as None (an empty cell), others as they are."""
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def format_cell(value: Any, column: Column, lang: str) -> str:
    """A table value as the PDF writes it in the language: text as it is (None empty), a count grouped, a number
    with the column's decimals, a change signed in percent, a score with one decimal, a date; no value in a
    column of numbers or dates is an en dash."""
    value = typed(value)
    if column.kind == "text":
        return "" if value is None else str(value)
    if value is None:
        return NO_DATA
    if isinstance(value, str):  # a word where a number was expected: shown as it is
        return value
    if column.kind == "date":
        return format_date(value, lang) if isinstance(value, dt.date) else str(value)
    if column.kind == "change":
        return format_change(value, lang)
    if column.kind == "count":
        return format_number(value, lang)
    if column.kind == "score":
        return format_number(value, lang, 1)
    return format_number(value, lang, column.digits)


def align(column: Column) -> str:
    """'L' for a text column, 'R' for numbers, changes, scores and dates."""
    return "L" if column.kind == "text" else "R"


def number_format(column: Column) -> str | None:
    """The Excel number format of the column's kind (None for text, which stays as it is)."""
    if column.kind == "count":
        return "#,##0"
    if column.kind == "number":
        return "#,##0" + ("." + "0" * column.digits if column.digits > 0 else "")
    if column.kind == "change":
        return CHANGE_FORMAT
    if column.kind == "score":
        return "0.0"
    if column.kind == "date":
        return "DD.MM.YYYY"
    return None


def generated_text(report: Report) -> str:
    """When and by whom the report was generated, in its language."""
    return t(
        "report.generated", report.lang, at=format_datetime(report.generated_at, report.lang), by=report.generated_by
    )


def chart_pngs(report: Report, scale: float = 2.0) -> dict[int, bytes]:
    """Each chart of the report drawn once as a PNG, by the id of its Figure or spec (a chart shown twice is drawn
    once). One after another: vl-convert draws one chart at a time, so threads gained nothing when measured."""
    charts = {id(b.chart): b.chart for s in report.sections for b in s.blocks if isinstance(b, Chart)}
    return {key: chart_png(chart, scale=scale) for key, chart in charts.items()}
