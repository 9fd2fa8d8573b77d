"""The incident log: manual entry with the import's checks, edits and deletes (audited), investigations, demo."""

import datetime as dt

import pytest

from safety.access.roles import SYSTEM
from safety.db import incidents as incident_sql
from safety.errors import PermissionDenied, ValidationFailed
from safety.incidents.log import (
    add_incident,
    delete_incident,
    investigations,
    list_incidents,
    set_investigation_dates,
    update_incident,
)
from safety.incidents.model import FIELDS

CASE = {
    "occurred_on": dt.date(2025, 3, 4),
    "kind": "accident",
    "severity": "light",
    "lost_days": 6,
    "place": "Цех №2",
    "description": "Порез руки",
}


def test_manual_entry_validates_like_an_import(world):
    store, users, own, _ = world
    officer = users["demo.officer"]
    case = add_incident(store, officer, own, CASE)
    assert case["severity"] == "light" and case["created_by"] == "demo.officer"
    with pytest.raises(ValidationFailed) as info:
        add_incident(store, officer, own, CASE | {"severity": None})
    assert [p.key for p in info.value.problems] == ["incident.severity_needed"]
    with pytest.raises(ValidationFailed):
        add_incident(store, officer, own, CASE | {"kind": "near_miss", "severity": None, "lost_days": 3})
    with pytest.raises(ValidationFailed):
        add_incident(store, officer, own, CASE | {"occurred_on": dt.date.today() + dt.timedelta(days=1)})


def test_only_the_own_officer_writes_cases(world):
    store, users, own, other = world
    case = add_incident(store, users["demo.officer"], own, CASE)
    for name in ("demo.admin", "demo.region", "demo.head"):
        with pytest.raises(PermissionDenied):
            add_incident(store, users[name], own, CASE)
        with pytest.raises(PermissionDenied):
            update_incident(store, users[name], case["id"], {"lost_days": 1})
    with pytest.raises(PermissionDenied):
        add_incident(store, users["demo.officer"], other, CASE)
    assert all(c["bin"] == own for c in list_incidents(store, users["demo.head"]))


def test_edit_and_delete_are_audited(world):
    store, users, own, _ = world
    officer = users["demo.officer"]
    case = add_incident(store, officer, own, CASE)
    assert update_incident(store, officer, case["id"], {"lost_days": 9})["lost_days"] == 9
    delete_incident(store, officer, case["id"])
    actions = [r[0] for r in store.query("SELECT action FROM audit_log WHERE entity = 'incident' ORDER BY id")]
    assert actions[-3:] == ["incident.create", "incident.update", "incident.delete"]


def test_serious_and_group_accidents_need_an_investigation_with_due_dates(world):
    store, users, own, _ = world
    officer = users["demo.officer"]
    severe = add_incident(store, officer, own, CASE | {"severity": "severe", "occurred_on": dt.date(2026, 3, 19)})
    for job in ("Слесарь", "Оператор"):  # a group accident of two light cases
        add_incident(store, officer, own, CASE | {"accident_no": "НС-7", "job_title": job})
    found = {a["incident_id"]: a for a in investigations(store, officer, bin_=own, today=dt.date(2026, 4, 20))}
    assert severe["id"] in found and any(a["group"] and a["injured"] == 2 for a in found.values())
    set_investigation_dates(
        store,
        officer,
        severe["id"],
        {"reported_on": dt.date(2026, 3, 20), "commission_on": dt.date(2026, 3, 20)},
        today=dt.date(2026, 4, 20),
    )
    accident = {a["incident_id"]: a for a in investigations(store, officer, bin_=own, today=dt.date(2026, 4, 20))}
    steps = {s.name: s for s in accident[severe["id"]]["steps"]}
    assert steps["report"].due == dt.date(2026, 3, 20)
    assert steps["investigation"].due == dt.date(2026, 4, 8)  # 10 working days, Nauryz 23–25 March off
    assert accident[severe["id"]]["overdue"] == ["investigation"]
    with pytest.raises(ValidationFailed):
        set_investigation_dates(
            store,
            officer,
            severe["id"],
            {"commission_on": dt.date(2026, 3, 20), "closed_on": dt.date(2026, 3, 1)},
            today=dt.date(2026, 4, 20),
        )


def test_demo_cases_are_plausible(demo_store):
    cases = list_incidents(demo_store, SYSTEM)
    by_kind = {k: sum(1 for c in cases if c["kind"] == k) for k in ("accident", "near_miss")}
    assert by_kind["near_miss"] > 5 * by_kind["accident"] > 0
    injured = {
        y: sum(1 for c in cases if c["kind"] == "accident" and c["occurred_on"].year == y) for y in range(2022, 2027)
    }
    heads = dict(demo_store.query("SELECT year, sum(avg_headcount) FROM enterprise_years GROUP BY year"))
    rate = {y: injured[y] * 1000 / heads[y] for y in injured}
    assert 0.7 <= rate[2026] / rate[2025] <= 0.85  # the last year: down by about a fifth, as in the region
    assert 0.7 <= rate[2026] / rate[2024] <= 0.85  # and over the last two years
    late = [a for a in investigations(demo_store, SYSTEM, today=dt.date(2026, 11, 25)) if a["overdue"]]
    assert late and all(a["severity"] in ("severe", "fatal") or a["group"] for a in late)


def test_the_incidents_table_holds_every_field_of_the_model():
    assert incident_sql.CASE_COLUMNS == FIELDS
