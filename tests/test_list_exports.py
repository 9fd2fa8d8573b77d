"""The Actions and Incidents lists download as .xlsx and .csv: the rows the page's filters show, headed in the
person's language, text kept text (never a formula), and only what the person may see."""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from safety.checklists.actions import create_action, list_actions
from safety.checklists.actions_export import export_actions
from safety.errors import PermissionDenied
from safety.i18n import t
from safety.incidents.export import export_incidents
from safety.incidents.log import add_incident, list_incidents
from safety.incidents.template import COLUMNS as TEMPLATE_COLUMNS

from conftest import recorded_downloads

FORMULA = '=HYPERLINK("http://example.com","click")'


def _sheet(data: bytes) -> list[list]:
    """The rows of a workbook's only sheet, headings first."""
    sheet = load_workbook(io.BytesIO(data)).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def _csv(data: bytes, delimiter: str) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())  # so Excel reads Cyrillic
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))


def test_the_actions_export_holds_the_filtered_rows_with_headings_in_the_language(world):
    store, users, _, _ = world
    region = users["demo.region"]
    for lang in ("ru", "kk", "en"):
        rows = _sheet(export_actions(store, region, lang, state="open", rule_id=3))
        expected = list_actions(store, region, state="open", rule_id=3)
        assert rows[0][:4] == [t("export.number", lang), t("enterprise.choose", lang), t("label.bin", lang),
                               t("label.due_on", lang)]  # fmt: skip
        assert [r[0] for r in rows[1:]] == [a["id"] for a in expected] and expected
        assert {r[4] for r in rows[1:]} == {t("state.open", lang)}
        assert all(isinstance(r[3], dt.datetime) for r in rows[1:])  # dates stay dates


def test_a_title_that_looks_like_a_formula_stays_text(world):
    """An action titled =HYPERLINK(…) is written as text, quote-prefixed, in the workbook, and with a leading
    apostrophe in the CSV file."""
    store, users, own, _ = world
    officer = users["demo.officer"]
    action = create_action(store, officer, own, {"title": FORMULA, "due_on": dt.date(2026, 12, 1)})
    data = export_actions(store, officer, "ru", bin_=own)
    sheet = load_workbook(io.BytesIO(data)).active
    [cell] = [c for c in sheet["G"] if c.value == FORMULA]  # the title column, whole
    assert cell.data_type == "s" and cell.quotePrefix
    assert sheet.cell(cell.row, 1).value == action["id"]
    rows = _csv(export_actions(store, officer, "ru", "csv", bin_=own), ";")  # ru: the decimal sign is a comma
    assert [r[6] for r in rows if r[0] == str(action["id"])] == ["'" + FORMULA]
    assert _csv(export_actions(store, officer, "en", "csv", bin_=own), ",")[0][0] == "No."


def test_an_incident_export_is_the_filtered_log_in_the_template_columns(world):
    store, users, own, _ = world
    officer = users["demo.officer"]
    case = add_incident(
        store,
        officer,
        own,
        {"occurred_on": dt.date(2026, 5, 4), "kind": "near_miss", "place": "@SUM(A1)", "person_name": "Иванов И."},
    )
    since, until = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    rows = _sheet(export_incidents(store, officer, "kk", kind="near_miss", since=since, until=until))
    expected = list_incidents(store, officer, kind="near_miss", since=since, until=until)
    assert [r[0] for r in rows[1:]] == [c["id"] for c in expected] and case["id"] in [r[0] for r in rows[1:]]
    assert rows[0][3:] == [t("incident.col." + name, "kk") for name in TEMPLATE_COLUMNS]  # the import reads them
    assert "Иванов И." not in str(rows)  # the person's name stays out
    mine = next(r for r in rows if r[0] == case["id"])
    assert mine[3 + TEMPLATE_COLUMNS.index("kind")] == t("kind.near_miss", "kk")
    place = load_workbook(io.BytesIO(export_incidents(store, officer, "ru", bin_=own))).active
    [cell] = [c for row in place.iter_rows() for c in row if c.value == "@SUM(A1)"]
    assert cell.data_type == "s" and cell.quotePrefix


def test_exports_ask_for_the_same_rights_as_the_lists(world):
    store, users, own, other = world
    officer = users["demo.officer"]
    with pytest.raises(PermissionDenied):
        export_actions(store, officer, "ru", bin_=other)
    with pytest.raises(PermissionDenied):
        export_incidents(store, officer, "ru", bin_=other)
    mine = _sheet(export_incidents(store, users["demo.head"], "ru"))
    assert {r[2] for r in mine[1:]} == {own}


@pytest.mark.parametrize(
    ("page", "key", "export", "chosen"),
    [
        ("app_pages/actions.py", "act_export", export_actions, {"act_state@ru": "open"}),
        ("app_pages/incidents.py", "inc_export", export_incidents, {"inc_kind@ru": "near_miss"}),
    ],
)
def test_the_page_downloads_exactly_the_rows_it_shows(demo_app, monkeypatch, page, key, export, chosen):
    """The download buttons (.xlsx and .csv) of a filtered list give the rows of the table above them."""
    downloads = recorded_downloads(monkeypatch, by="key")
    at = demo_app("demo.region")
    at.switch_page(page).run()
    for box, value in chosen.items():
        at.selectbox(key=box).set_value(value).run()
    assert not at.exception
    shown = list(at.dataframe[0].value["id"])
    assert shown and len(shown) < 1000
    assert [r[0] for r in _sheet(downloads[f"{key}_xlsx"]())[1:]] == shown
    assert [int(r[0]) for r in _csv(downloads[f"{key}_csv"](), ";")[1:]] == shown
