"""Turn the date cells real spreadsheets hold (native dates, Excel serials, text in many orders) into dates."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

DateOrder = Literal["auto", "dmy", "mdy", "ymd"]

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 is 1900-01-01 once Excel's 1900 leap-year bug is allowed for
_SERIAL_MIN, _SERIAL_MAX = 1, 73050  # 1900-01-01 .. 2099-12-31
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_PARTS = re.compile(
    r"^(\d{1,4})[./\-](\d{1,2})[./\-](\d{1,4})"  # day, month and year in some order
    r"(?:[ T,]+\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?)?\s*(?:г\.?)?$"  # an optional time, an optional «г.»
)


def excel_serial_to_date(serial: float) -> dt.date | None:
    """Return the date of an Excel serial number, or None when it is out of the 1900–2099 range."""
    if not _SERIAL_MIN <= serial <= _SERIAL_MAX:
        return None
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


def parse_date(value: Any, order: DateOrder = "auto") -> dt.date | None:
    """Return the date a cell means, or None when it holds no recognisable date."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return excel_serial_to_date(float(value))
    text = str(value).strip()
    if re.fullmatch(r"\d{4,5}(\.0+)?", text):
        return excel_serial_to_date(float(text))
    match = _ISO.match(text)
    if match:
        return _safe(int(match[1]), int(match[2]), int(match[3]))
    match = _PARTS.match(text)
    if not match:
        return None
    a, b, c = match[1], match[2], match[3]
    if len(a) == 4:
        return _safe(int(a), int(b), int(c))
    year = _year(c)
    first, second = int(a), int(b)
    if order == "mdy" or (order == "auto" and "/" in text and first <= 12 < second):
        return _safe(year, first, second)
    return _safe(year, second, first)


def _year(text: str) -> int:
    year = int(text)
    if len(text) <= 2:
        year += 2000 if year < 70 else 1900
    return year


def _safe(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
