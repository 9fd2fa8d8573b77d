"""The case summary the indicators read (incident_counts, accident_counts) stays equal to a fresh count of the
cases after every kind of write: hand entry, edit, investigation dates, delete, import, undo, the demo and its
removal; and so does the table of accidents that need a special investigation. The check lists any difference and
the rebuild mends it in one transaction, from the library and the command line."""

import datetime as dt

import pytest

from safety.access.roles import SYSTEM
from safety.db import summaries
from safety.demo import remove_demo
from safety.errors import PermissionDenied
from safety.incidents.imports.history import undo_import
from safety.incidents.imports.pipeline import import_incidents
from safety.incidents.log import add_incident, delete_incident, set_investigation_dates, update_incident
from safety.incidents.summaries import check_summaries, rebuild_summaries

from conftest import DATA, cli


def _serious(store, first_id: int) -> list[tuple]:
    return store.query(
        "SELECT closed_on, act_sent_on, acts_done_on FROM serious_accidents WHERE first_id = ?", [first_id]
    )


def _stale(store) -> int:
    return sum(d["missing"] + d["extra"] for d in check_summaries(store, SYSTEM))


def test_the_demo_is_counted(world):
    store = world[0]
    assert _stale(store) == 0
    assert store.query("SELECT count(*) FROM serious_accidents WHERE acts_done_on IS NULL")[0][0] > 0  # open ones
    assert store.query("SELECT sum(cases) FROM incident_counts") == store.query("SELECT count(*) FROM incidents")


def test_every_write_keeps_the_summary_right(world):
    store, users, own, _ = world
    officer = users["demo.officer"]
    case = add_incident(
        store,
        officer,
        own,
        {"occurred_on": dt.date(2025, 6, 1), "severity": "light", "lost_days": 4, "accident_no": "НС-99"},
    )
    add_incident(store, officer, own, {"occurred_on": dt.date(2025, 6, 1), "severity": "fatal", "accident_no": "НС-99"})
    assert _stale(store) == 0
    update_incident(
        store, officer, case["id"], {"severity": "severe", "lost_days": 30, "occurred_on": dt.date(2024, 2, 3)}
    )
    assert _stale(store) == 0
    serious = add_incident(
        store, officer, own, {"occurred_on": dt.date(2025, 9, 1), "severity": "severe", "lost_days": 20}
    )
    assert _serious(store, serious["id"]) == [(None, None, None)] and _stale(store) == 0
    set_investigation_dates(
        store,
        officer,
        serious["id"],
        {"reported_on": dt.date(2025, 9, 1), "commission_on": dt.date(2025, 9, 2), "closed_on": dt.date(2025, 9, 10)},
    )
    assert _serious(store, serious["id"]) == [(dt.date(2025, 9, 10), None, None)] and _stale(store) == 0
    set_investigation_dates(
        store,
        officer,
        serious["id"],
        {
            "reported_on": dt.date(2025, 9, 1),
            "commission_on": dt.date(2025, 9, 2),
            "closed_on": dt.date(2025, 9, 10),
            "act_sent_on": dt.date(2025, 9, 12),
        },
    )
    act = dt.date(2025, 9, 12)
    assert _serious(store, serious["id"]) == [(dt.date(2025, 9, 10), act, act)] and _stale(store) == 0
    delete_incident(store, officer, case["id"])
    assert _stale(store) == 0
    name = "log_ru_titles.xlsx"
    result = import_incidents(store, officer, (DATA / "logs" / name).read_bytes(), name, own)
    assert result.imported and _stale(store) == 0
    undo_import(store, officer, result.import_id)
    assert _stale(store) == 0


def test_removing_the_demo_removes_its_counts(demo_store):
    store = demo_store
    remove_demo(store, SYSTEM)
    assert _stale(store) == 0
    assert store.query("SELECT count(*) FROM incident_counts") == [(0,)]
    assert store.query("SELECT count(*) FROM serious_accidents") == [(0,)]


def _damage(store) -> str:
    """Spoil two summaries as a bug or a hand edit would; return the BIN of the enterprise concerned."""
    with store.transaction() as cur:
        enterprise_id = cur.execute("SELECT min(enterprise_id) FROM serious_accidents").fetchall()[0][0]
        cur.execute("UPDATE incident_counts SET cases = cases + 1 WHERE enterprise_id = ?", [enterprise_id])
        cur.execute("DELETE FROM serious_accidents WHERE enterprise_id = ?", [enterprise_id])
        return cur.execute("SELECT bin FROM enterprises WHERE id = ?", [enterprise_id]).fetchall()[0][0]


def test_check_lists_each_damaged_summary_and_rebuild_mends_it_audited(world):
    store, users, _, _ = world
    bin_ = _damage(store)
    found = {d["table"]: d for d in check_summaries(store, SYSTEM)}
    assert set(found) == {"incident_counts", "serious_accidents"}
    assert found["serious_accidents"]["missing"] > 0 and found["serious_accidents"]["extra"] == 0
    assert found["incident_counts"]["missing"] == found["incident_counts"]["extra"] > 0
    assert all(d["bins"] == [bin_] for d in found.values())
    mended = rebuild_summaries(store, users["demo.admin"])
    assert {d["table"] for d in mended} == set(found)
    assert check_summaries(store, SYSTEM) == [] and _stale(store) == 0
    assert store.query("SELECT username FROM audit_log WHERE action = 'summaries.rebuild'") == [("demo.admin",)]


def test_a_failed_rebuild_changes_nothing(world, monkeypatch):
    store = world[0]
    _damage(store)
    before = {table: sorted(store.query(f"SELECT * FROM {table}"), key=repr) for table in summaries.TABLES}

    real = summaries._insert

    def broken(cur, table, *args):  # the last summary fails after the others were emptied and refilled
        if table == "serious_accidents":
            raise RuntimeError("deadline rule failed")
        real(cur, table, *args)

    monkeypatch.setattr(summaries, "_insert", broken)
    with pytest.raises(RuntimeError):
        rebuild_summaries(store, SYSTEM)
    assert {table: sorted(store.query(f"SELECT * FROM {table}"), key=repr) for table in summaries.TABLES} == before


@pytest.mark.parametrize("username", ["demo.region", "demo.head", "demo.officer"])
def test_only_an_administrator_checks_or_rebuilds(world, username):
    store, users, _, _ = world
    for call in (check_summaries, rebuild_summaries):
        with pytest.raises(PermissionDenied):
            call(store, users[username])


def test_check_and_rebuild_from_the_command_line(world):
    store = world[0]
    bin_ = _damage(store)
    path = store.path
    store.close()  # the command line opens the file itself
    checked = cli("--db", path, "--lang", "en", "check")
    assert checked.returncode == 1, checked.stderr
    assert "serious_accidents" in checked.stdout and bin_ in checked.stdout and "rebuild-summaries" in checked.stdout
    rebuilt = cli("--db", path, "--lang", "en", "rebuild-summaries")
    assert rebuilt.returncode == 0 and "rebuilt in one transaction" in rebuilt.stdout
    again = cli("--db", path, "--lang", "ru", "check")
    assert again.returncode == 0 and "совпадают" in again.stdout
