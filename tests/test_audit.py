"""The audit trail: who, what, when, before and after; filters; export; and no way to change it."""

import datetime as dt
import inspect
import io
import json

from openpyxl import load_workbook

import safety.db.audit as audit_sql
from safety.access.audit import COLUMNS, audit_entries, export_audit
from safety.access.roles import SYSTEM
from safety.register.enterprises import add_enterprise, update_enterprise

from conftest import ROOT, made_real
from test_register import GOOD


def test_a_change_is_recorded_with_before_and_after(store):
    add_enterprise(store, SYSTEM, GOOD)
    update_enterprise(store, SYSTEM, GOOD["bin"], GOOD | {"name_ru": "ТОО «Новое имя»"})
    newest, created = audit_entries(store, SYSTEM)
    assert (newest["action"], newest["username"], newest["entity"], newest["entity_id"]) == (
        "enterprise.update",
        "cli",
        "enterprise",
        GOOD["bin"],
    )
    assert json.loads(newest["before"])["name_ru"] == "ТОО «Тест»"
    assert json.loads(newest["after"])["name_ru"] == "ТОО «Новое имя»"
    assert created["action"] == "enterprise.create" and created["before"] is None
    assert newest["enterprise_bin"] == GOOD["bin"]
    assert abs(newest["logged_at"] - dt.datetime.now(dt.UTC).replace(tzinfo=None)) < dt.timedelta(minutes=5)


def test_filters(demo_store):
    add_enterprise(made_real(demo_store), SYSTEM, GOOD)
    assert {r["action"] for r in audit_entries(demo_store, SYSTEM, username="demo")} == {"demo.load"}
    assert [r["action"] for r in audit_entries(demo_store, SYSTEM, enterprise_bin=GOOD["bin"])] == ["enterprise.create"]
    assert audit_entries(demo_store, SYSTEM, action="enterprise.create")[0]["entity_id"] == GOOD["bin"]
    today = dt.date.today()
    assert len(audit_entries(demo_store, SYSTEM, since=today, until=today)) == 2
    assert audit_entries(demo_store, SYSTEM, until=today - dt.timedelta(days=1)) == []
    assert audit_entries(demo_store, SYSTEM, enterprise_bin="210349000099") == []


def test_export_opens_with_headings_in_the_language(store):
    add_enterprise(store, SYSTEM, GOOD)
    rows = audit_entries(store, SYSTEM)
    sheet = load_workbook(io.BytesIO(export_audit(store, SYSTEM, rows, "en"))).active
    assert [c.value for c in sheet[1]] == [
        "Time (UTC)",
        "User",
        "Action",
        "Entity",
        "Entity id",
        "Enterprise BIN",
        "Before",
        "After",
    ]
    assert sheet.cell(2, 3).value == "enterprise.create" and sheet.max_row == 2
    assert len(COLUMNS) == 8


def test_nothing_can_update_or_delete_the_trail():
    public = {
        name
        for name, f in inspect.getmembers(audit_sql, inspect.isfunction)
        if not name.startswith("_") and f.__module__ == audit_sql.__name__
    }
    assert public == {"entry", "write", "select", "actions", "count"}
    for path in (ROOT / "safety").rglob("*.py"):
        text = path.read_text(encoding="utf-8").upper()
        assert "UPDATE AUDIT_LOG" not in text and "DELETE FROM AUDIT_LOG" not in text, path
