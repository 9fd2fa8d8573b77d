"""What the two renderers of the report model share: a table value written as text in the report's language (the
PDF) or kept typed with an Excel number format (the workbook), the line saying who generated the report, and the
charts drawn once as PNG images. One place knows the column kinds of the model."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import threading
from collections import OrderedDict
from decimal import Decimal
from typing import Any

from safety.i18n import format_change, format_date, format_datetime, format_number, t
from safety.indicators.charts import Figure, chart_png
from safety.reports.model import Chart, Column, Report

# The workbook keeps a change as the percentage itself (-22.68 is −22.68 %), so the format writes the sign and «%».
CHANGE_FORMAT = '+0.0" %";-0.0" %";0.0" %"'
NO_DATA = "\u2013"  # an en dash, as format_number writes None
DATE = "dd.MM.y"  # a table's dates as the workbook writes them: short enough for a narrow column


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
        return format_date(value, lang, DATE) if isinstance(value, dt.date) else str(value)
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
    return {key: _png(chart, scale) for key, chart in charts.items()}


def _png(chart: Figure | dict[str, Any], scale: float) -> bytes:
    """A chart's PNG, kept by what it draws (its spec and data) for the next report that shows the same chart: a
    chart takes about half a second to draw, and after a write elsewhere most charts hold the same data as before."""
    key = (_content(chart), scale)
    with _DRAWN_LOCK:
        kept = _DRAWN.get(key)
        if kept is not None:
            _DRAWN.move_to_end(key)
            return kept
    png = chart_png(chart, scale=scale)
    with _DRAWN_LOCK:
        _DRAWN[key] = png
        while len(_DRAWN) > DRAWN_KEPT:
            _DRAWN.popitem(last=False)
    return png


def _content(chart: Figure | dict[str, Any]) -> str:
    """A digest of everything a chart draws: its spec and each dataset (a Figure's as its Arrow bytes)."""
    digest = hashlib.sha256()
    spec = chart.spec if isinstance(chart, Figure) else chart
    digest.update(json.dumps(spec, sort_keys=True, default=str).encode())
    for name, data in sorted(chart.arrow.items()) if isinstance(chart, Figure) else ():
        digest.update(name.encode() + b"\0" + data)
    return digest.hexdigest()


def forget_drawn() -> None:
    """Forget every kept PNG (a benchmark's new report draws its charts again)."""
    with _DRAWN_LOCK:
        _DRAWN.clear()


DRAWN_KEPT = 32  # PNGs kept, the most recently drawn (a few hundred kilobytes each)
_DRAWN: OrderedDict[tuple[str, float], bytes] = OrderedDict()
_DRAWN_LOCK = threading.Lock()
