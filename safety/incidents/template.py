"""A blank incident-log template (.xlsx) in the user's language: drop-down lists, checks, and how to fill it in."""

from __future__ import annotations

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from safety.files.writer import new_workbook, put, workbook_bytes, write_table
from safety.i18n import t
from safety.incidents.model import FIELDS, GENDERS, KINDS, SEVERITIES

LAST_ROW = 5000
INSTRUCTION_LINES = 10
COLUMNS = tuple(f for f in FIELDS if f != "person_name")
LISTS = {"kind": KINDS, "severity": SEVERITIES, "gender": GENDERS}
# Whole-number checks: field -> (minimum, maximum or None).
WHOLE_NUMBERS = {"lost_days": (0, None), "restricted_days": (0, None), "age": (14, 100), "rule": (1, 7)}
NUMBER_FORMATS = {"occurred_on": "DD.MM.YYYY", "occurred_at": "HH:MM", "accident_no": "@", "external_id": "@"}
WIDTHS = {"description": 50, "cause": 40, "place": 24, "job_title": 24}


def _column(field: str) -> str:
    return get_column_letter(COLUMNS.index(field) + 1)


def _lists_sheet(workbook: Workbook, lang: str) -> dict[str, str]:
    """Write each field's drop-down words into a hidden sheet; return field -> absolute range formula."""
    sheet = workbook.create_sheet(t("template.sheet.lists", lang))
    sheet.sheet_state = "hidden"
    ranges = {}
    for col, (field, values) in enumerate(LISTS.items(), start=1):
        letter = get_column_letter(col)
        put(sheet, 1, col, t("incident.col." + field, lang)).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            put(sheet, row, col, t(f"{field}.{value}", lang))
        sheet.column_dimensions[letter].width = 40
        ranges[field] = f"{quote_sheetname(sheet.title)}!${letter}$2:${letter}${len(values) + 1}"
    return ranges


def _validations(sheet: Worksheet, ranges: dict[str, str]) -> None:
    """Add the drop-down lists and the whole-number checks to rows 2..LAST_ROW of the log."""
    for field, formula in ranges.items():
        check = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True)
        check.add(f"{_column(field)}2:{_column(field)}{LAST_ROW}")
        sheet.add_data_validation(check)
    for field, (low, high) in WHOLE_NUMBERS.items():
        operator = "greaterThanOrEqual" if high is None else "between"
        check = DataValidation(
            type="whole",
            operator=operator,
            formula1=str(low),
            formula2=None if high is None else str(high),
            allow_blank=True,
            showErrorMessage=True,
        )
        check.add(f"{_column(field)}2:{_column(field)}{LAST_ROW}")
        sheet.add_data_validation(check)


def _instructions(workbook: Workbook, lang: str) -> None:
    sheet = workbook.create_sheet(t("template.sheet.instructions", lang))
    put(sheet, 1, 1, t("template.title", lang)).font = Font(bold=True, size=14)
    for number in range(1, INSTRUCTION_LINES + 1):
        cell = put(sheet, number + 2, 1, t(f"template.line{number}", lang))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 110


def incident_template(lang: str) -> bytes:
    """Return a blank incident log (.xlsx) headed and explained in the language, ready to fill and import."""
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = t("template.sheet.log", lang)
    write_table(sheet, [t("incident.col." + f, lang) for f in COLUMNS], [])
    for field in COLUMNS:
        letter = _column(field)
        heading = str(sheet[f"{letter}1"].value)
        sheet.column_dimensions[letter].width = max(WIDTHS.get(field, 12), min(len(heading) + 4, 40))
        if field in LISTS:
            words = [t(f"{field}.{v}", lang) for v in LISTS[field]]
            sheet.column_dimensions[letter].width = max(
                sheet.column_dimensions[letter].width, min(max(map(len, words)) + 4, 40)
            )
        if field in NUMBER_FORMATS:
            for row in range(2, LAST_ROW + 1):
                sheet[f"{letter}{row}"].number_format = NUMBER_FORMATS[field]
    for cell in sheet[1]:
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    _instructions(workbook, lang)
    _validations(sheet, _lists_sheet(workbook, lang))
    return workbook_bytes(workbook)
