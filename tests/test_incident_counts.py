"""The case summary the indicators read (incident_counts, accident_counts) stays equal to a fresh count of the
cases after every kind of write: hand entry, edit, investigation dates, delete, import, undo, the demo and its
removal; and so does the table of accidents that need a special investigation."""

import datetime as dt

from test_access_matrix import world  # noqa: F401 - the fixture

from safety.db import incident_counts
from safety.demo import remove_demo
from safety.incidents.imports import import_incidents, undo_import
from safety.incidents.log import add_incident, delete_incident, set_investigation_dates, update_incident

from conftest import DATA


def _serious(store, first_id: int) -> list[tuple]:
    return store.query("SELECT closed_on, act_sent_on, acts_done_on FROM serious_accidents WHERE first_id = ?",
                       [first_id])


def _stale(store) -> int:
    with store.cursor() as cur:
        return incident_counts.stale(cur)


def test_the_demo_is_counted(world):  # noqa: F811
    store = world[0]
    assert _stale(store) == 0
    assert store.query("SELECT count(*) FROM serious_accidents WHERE acts_done_on IS NULL")[0][0] > 0  # open ones
    assert store.query("SELECT sum(cases) FROM incident_counts") == store.query("SELECT count(*) FROM incidents")


def test_every_write_keeps_the_summary_right(world):  # noqa: F811
    store, users, own, _ = world
    officer = users["demo.officer"]
    case = add_incident(store, officer, own, {"occurred_on": dt.date(2025, 6, 1), "severity": "light",
                                              "lost_days": 4, "accident_no": "НС-99"})
    add_incident(store, officer, own, {"occurred_on": dt.date(2025, 6, 1), "severity": "fatal",
                                       "accident_no": "НС-99"})
    assert _stale(store) == 0
    update_incident(store, officer, case["id"], {"severity": "severe", "lost_days": 30,
                                                 "occurred_on": dt.date(2024, 2, 3)})
    assert _stale(store) == 0
    serious = add_incident(store, officer, own, {"occurred_on": dt.date(2025, 9, 1), "severity": "severe",
                                                 "lost_days": 20})
    assert _serious(store, serious["id"]) == [(None, None, None)] and _stale(store) == 0
    set_investigation_dates(store, officer, serious["id"], {"reported_on": dt.date(2025, 9, 1),
                                                            "commission_on": dt.date(2025, 9, 2),
                                                            "closed_on": dt.date(2025, 9, 10)})
    assert _serious(store, serious["id"]) == [(dt.date(2025, 9, 10), None, None)] and _stale(store) == 0
    set_investigation_dates(store, officer, serious["id"], {"reported_on": dt.date(2025, 9, 1),
                                                            "commission_on": dt.date(2025, 9, 2),
                                                            "closed_on": dt.date(2025, 9, 10),
                                                            "act_sent_on": dt.date(2025, 9, 12)})
    act = dt.date(2025, 9, 12)
    assert _serious(store, serious["id"]) == [(dt.date(2025, 9, 10), act, act)] and _stale(store) == 0
    delete_incident(store, officer, case["id"])
    assert _stale(store) == 0
    name = "log_ru_titles.xlsx"
    result = import_incidents(store, officer, (DATA / "logs" / name).read_bytes(), name, own)
    assert result.imported and _stale(store) == 0
    undo_import(store, officer, result.import_id)
    assert _stale(store) == 0


def test_removing_the_demo_removes_its_counts(world):  # noqa: F811
    store = world[0]
    remove_demo(store)
    assert _stale(store) == 0
    assert store.query("SELECT count(*) FROM incident_counts") == [(0,)]
    assert store.query("SELECT count(*) FROM serious_accidents") == [(0,)]
