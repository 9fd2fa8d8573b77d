"""A report as a file: the one call the Reports page and the command line make. It builds the enterprise card or
the regional report for the user and renders it as PDF or .xlsx."""

from __future__ import annotations

import datetime as dt

from safety.access.roles import User
from safety.db import Store
from safety.errors import ValidationFailed
from safety.identifiers import normalise_bin
from safety.register.geography import DISTRICTS_BY_KATO, DIVISIONS_BY_CODE
from safety.reports.model import Report

FORMATS = ("pdf", "xlsx")


def render(report: Report, fmt: str) -> bytes:
    """The report as the bytes of a .pdf or .xlsx file; ValidationFailed for any other format."""
    # the renderers are imported on use: a page that only offers the buttons loads neither
    if fmt == "pdf":
        from safety.reports.pdf import report_pdf

        return report_pdf(report)
    if fmt == "xlsx":
        from safety.reports.xlsx import report_xlsx

        return report_xlsx(report)
    raise ValidationFailed("report.file.bad_format", value=fmt)


def file_name(
    fmt: str, *, year: int, district: str | None = None, division: str | None = None, bin_: str | None = None
) -> str:
    """The name `report_file` gives the file of these choices, known before the report is built (a download
    button needs it up front)."""
    if bin_:
        return f"report_card_{normalise_bin(bin_)}_{year}.{fmt}"
    return f"{_regional_stem(year, district, division)}.{fmt}"


def report_file(
    store: Store,
    user: User,
    *,
    year: int,
    lang: str,
    fmt: str,
    district: str | None = None,
    division: str | None = None,
    bin_: str | None = None,
    today: dt.date | None = None,
) -> tuple[str, bytes]:
    """(file name, bytes) of the enterprise card when a BIN is given, otherwise of the regional report (of a
    district or an industry when given), in `lang` and `fmt`; each checks the user may have it."""
    if fmt not in FORMATS:
        raise ValidationFailed("report.file.bad_format", value=fmt)
    if district is not None and district not in DISTRICTS_BY_KATO:
        raise ValidationFailed("district.unknown", value=district)
    if division is not None and division not in DIVISIONS_BY_CODE:
        raise ValidationFailed("report.file.bad_division", value=division)
    # imported on use, as the renderers are: every command of the command line imports this module, and the
    # reports' charts (Altair, vl-convert) would add most of a second to each one's start
    if bin_:
        from safety.reports.card import enterprise_card

        report = enterprise_card(store, user, bin_, year, lang, today=today)
    else:
        from safety.reports.regional import regional_report

        report = regional_report(store, user, year, lang, district=district, division=division, today=today)
    return f"{report.file_stem}.{fmt}", render(report, fmt)


def _regional_stem(year: int, district: str | None, division: str | None) -> str:
    """The regional report's file stem for these choices (the same as its `file_stem`; a test holds them equal)."""
    parts = ["vision_zero_report", district or "", division or "", str(year)]
    return "_".join(p for p in parts if p)
