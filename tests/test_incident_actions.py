"""Corrective actions created from a case: linked to it, listed under it, and only by the case's own officer."""

import dataclasses
import datetime as dt
import json

import pytest

from safety.access.roles import SYSTEM
from safety.checklists.actions import actions_for_incident, create_action, list_actions
from safety.errors import Conflict, NotFound, PermissionDenied
from safety.incidents.log import add_incident
from safety.register.enterprises import get_enterprise

CASE = {
    "occurred_on": dt.date(2025, 3, 4),
    "kind": "accident",
    "severity": "light",
    "lost_days": 6,
    "place": "Цех №2",
    "description": "Порез руки",
    "rule": 4,
}
ACTION = {
    "title": "Установить защитный кожух на станок",
    "owner": "Мастер цеха №2",
    "due_on": dt.date(2025, 4, 1),
    "priority": "high",
    "rule_id": 4,
}


def _other_officer(store, users, other):
    """A safety officer of another enterprise (the demo has one officer only)."""
    return dataclasses.replace(
        users["demo.officer"], id=None, username="other.officer", enterprise_id=get_enterprise(store, SYSTEM, other).id
    )


def test_an_action_created_from_a_case_lists_under_it(world):
    store, users, own, _ = world
    officer = users["demo.officer"]
    case = add_incident(store, officer, own, CASE)
    other_case = add_incident(store, officer, own, CASE | {"description": "Ушиб ноги"})
    assert actions_for_incident(store, officer, case["id"]) == []
    action = create_action(store, officer, own, ACTION, incident_id=case["id"])
    create_action(store, officer, own, ACTION | {"title": "Другое"}, incident_id=other_case["id"])
    assert action["incident_id"] == case["id"] and action["state"] == "open"
    linked = actions_for_incident(store, officer, case["id"], today=dt.date(2025, 4, 2))
    assert [a["id"] for a in linked] == [action["id"]] and linked[0]["overdue"]
    assert action["id"] in {a["id"] for a in list_actions(store, officer, bin_=own)}
    for name in ("demo.admin", "demo.region", "demo.head"):  # every role may read them
        assert [a["id"] for a in actions_for_incident(store, users[name], case["id"])] == [action["id"]]
    [(after,)] = store.query(
        "SELECT after FROM audit_log WHERE action = 'action.create' AND entity_id = ?", [str(action["id"])]
    )
    assert json.loads(after)["incident_id"] == case["id"]


def test_another_enterprises_officer_cannot_create_or_list_for_the_case(world):
    store, users, own, other = world
    case = add_incident(store, users["demo.officer"], own, CASE)
    stranger = _other_officer(store, users, other)
    with pytest.raises(PermissionDenied):
        create_action(store, stranger, own, ACTION, incident_id=case["id"])
    with pytest.raises(PermissionDenied):  # in its own enterprise, but linked to our case
        create_action(store, stranger, other, ACTION, incident_id=case["id"])
    with pytest.raises(PermissionDenied):
        actions_for_incident(store, stranger, case["id"])
    with pytest.raises(PermissionDenied):  # a case that does not exist is refused the same way
        actions_for_incident(store, stranger, 999_999)
    assert actions_for_incident(store, users["demo.officer"], case["id"]) == []


def test_read_only_roles_cannot_create_an_action_from_a_case(world):
    store, users, own, _ = world
    case = add_incident(store, users["demo.officer"], own, CASE)
    for name in ("demo.admin", "demo.region", "demo.head"):
        with pytest.raises(PermissionDenied):
            create_action(store, users[name], own, ACTION, incident_id=case["id"])
    assert actions_for_incident(store, users["demo.head"], case["id"]) == []


def test_the_case_must_exist_and_belong_to_the_same_enterprise(world):
    store, users, own, other = world
    case = add_incident(store, users["demo.officer"], own, CASE)
    with pytest.raises(PermissionDenied):  # scoped users learn nothing about which cases exist
        create_action(store, users["demo.officer"], own, ACTION, incident_id=999_999)
    with pytest.raises(NotFound):
        create_action(store, SYSTEM, own, ACTION, incident_id=999_999)
    with pytest.raises(Conflict):  # even the command line cannot link one enterprise's action to another's case
        create_action(store, SYSTEM, other, ACTION, incident_id=case["id"])
    assert actions_for_incident(store, SYSTEM, case["id"]) == []
