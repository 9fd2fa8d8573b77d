"""The incident-log template: headings, drop-down lists and checks in each language, and it imports back as is."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from safety.access.auth import user_from_row
from safety.db import users as users_sql
from safety.i18n import LANGUAGES, t
from safety.incidents.imports.pipeline import import_incidents
from safety.incidents.model import FIELDS, KINDS, SEVERITIES
from safety.incidents.template import INSTRUCTION_LINES, LAST_ROW, incident_template
from safety.register.enterprises import list_enterprises

COLUMNS = [f for f in FIELDS if f != "person_name"]


def _open(lang):
    return load_workbook(io.BytesIO(incident_template(lang)))


def _letter(field):
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[COLUMNS.index(field)]


def _list_words(workbook, check):
    """The words a list validation offers, read from the range it points at."""
    sheet_name, cells = check.formula1.rsplit("!", 1)
    sheet = workbook[sheet_name.strip("'")]
    return [row[0].value for row in sheet[cells.replace("$", "")]]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_log_sheet_headings_and_frozen_header(lang):
    workbook = _open(lang)
    sheet = workbook.worksheets[0]
    assert sheet.title == t("template.sheet.log", lang)
    assert [c.value for c in sheet[1]] == [t("incident.col." + f, lang) for f in COLUMNS]
    assert all(c.font.bold and c.fill.fgColor.rgb.endswith("DDEBF7") for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions[_letter("description")].width >= 30
    assert sheet[f"{_letter('occurred_on')}2"].number_format == "DD.MM.YYYY"
    assert sheet[f"{_letter('occurred_on')}{LAST_ROW}"].number_format == "DD.MM.YYYY"
    assert sheet[f"{_letter('occurred_at')}2"].number_format == "HH:MM"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_drop_down_lists_and_number_checks(lang):
    workbook = _open(lang)
    sheet = workbook.worksheets[0]
    lists = workbook[t("template.sheet.lists", lang)]
    assert lists.sheet_state == "hidden"
    by_range = {str(c.sqref): c for c in sheet.data_validations.dataValidation}
    expected = {
        "kind": [t("kind." + k, lang) for k in KINDS],
        "severity": [t("severity." + s, lang) for s in SEVERITIES],
        "gender": [t("gender." + g, lang) for g in ("male", "female")],
    }
    for field, words in expected.items():
        check = by_range[f"{_letter(field)}2:{_letter(field)}{LAST_ROW}"]
        assert check.type == "list" and _list_words(workbook, check) == words
    for field, low, high in (
        ("lost_days", "0", None),
        ("restricted_days", "0", None),
        ("age", "14", "100"),
        ("rule", "1", "7"),
    ):
        check = by_range[f"{_letter(field)}2:{_letter(field)}{LAST_ROW}"]
        assert (check.type, check.formula1, check.formula2) == ("whole", low, high)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_instructions_sheet(lang):
    sheet = _open(lang)[t("template.sheet.instructions", lang)]
    texts = [c.value for c in sheet["A"] if c.value]
    assert texts[0] == t("template.title", lang)
    assert texts[1:] == [t(f"template.line{n}", lang) for n in range(1, INSTRUCTION_LINES + 1)]
    assert not any(text.startswith("template.") for text in texts)  # every key is in the catalogue
    assert "import-incidents" in " ".join(texts)


@pytest.fixture
def world(demo_store):
    """The demo store, the demo officer and the BIN of the officer's own enterprise."""
    with demo_store.cursor() as cur:
        officer = user_from_row(users_sql.by_username(cur, "demo.officer"))
    own = next(e.bin for e in list_enterprises(demo_store, officer) if e.id == officer.enterprise_id)
    return demo_store, officer, own


@pytest.mark.parametrize("lang", LANGUAGES)
def test_filled_template_imports_without_a_profile(world, lang):
    store, officer, bin_ = world
    workbook = _open(lang)
    sheet = workbook.worksheets[0]
    rows = [
        {
            "occurred_on": dt.date(2024, 3, 5),
            "occurred_at": dt.time(9, 30),
            "kind": t("kind.accident", lang),
            "severity": t("severity.light", lang),
            "lost_days": 5,
            "accident_no": "НС-1",
            "place": "Цех 1",
            "gender": t("gender.male", lang),
            "age": 34,
            "rule": 3,
            "external_id": "T-1",
        },
        {
            "occurred_on": dt.date(2024, 4, 12),
            "kind": t("kind.near_miss", lang),
            "place": "Склад",
            "external_id": "T-2",
        },
        {
            "occurred_on": dt.date(2024, 5, 20),
            "kind": t("kind.accident", lang),
            "severity": t("severity.fatal", lang),
            "accident_no": "НС-2",
            "gender": t("gender.female", lang),
            "age": 51,
            "external_id": "T-3",
        },
    ]
    for number, row in enumerate(rows, start=2):
        for field, value in row.items():
            sheet[f"{_letter(field)}{number}"] = value
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = import_incidents(store, officer, buffer.getvalue(), "template.xlsx", bin_)

    assert result.errors == [] and result.rejected == 0 and result.warnings == []
    assert result.imported == 3 and result.import_id is not None
    assert set(result.columns) == set(COLUMNS)
    cases = {c["external_id"]: c for c in result.cases}
    assert (cases["T-1"]["kind"], cases["T-1"]["severity"], cases["T-1"]["lost_days"]) == ("accident", "light", 5)
    assert cases["T-1"]["occurred_on"] == dt.date(2024, 3, 5) and cases["T-1"]["occurred_at"] == dt.time(9, 30)
    assert (cases["T-1"]["gender"], cases["T-1"]["age"], cases["T-1"]["rule"]) == ("male", 34, 3)
    assert (cases["T-2"]["kind"], cases["T-2"]["severity"], cases["T-2"]["lost_days"]) == ("near_miss", None, 0)
    assert (cases["T-3"]["kind"], cases["T-3"]["severity"], cases["T-3"]["gender"]) == ("accident", "fatal", "female")
    assert cases["T-3"]["occurred_on"] == dt.date(2024, 5, 20)

    again = import_incidents(store, officer, buffer.getvalue(), "template.xlsx", bin_)
    assert (again.imported, again.duplicates) == (0, 3)
