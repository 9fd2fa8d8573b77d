"""Results many sessions share: computed once per data version, never older than the caller's own last write,
bounded, computed once while many wait, and a private copy for each caller."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest

from safety.access.auth import SignInFailed, authenticate
from safety.access.roles import SYSTEM
from safety.access.sessions import end_session, resume_session, start_session, touch_session
from safety.db.results import SharedResults
from safety.demo import demo_credentials
from safety.incidents.log import add_incident
from safety.indicators import dashboard
from safety.indicators.formulas import scope_for, yearly

from conftest import at_once


def test_a_result_is_computed_once_per_key_and_the_oldest_go_first():
    results = SharedResults(max_entries=3)
    calls: list[int] = []
    for key in (1, 2, 1, 3, 4, 1):
        results.get(key, lambda key=key: calls.append(key) or key * 10)
    assert calls == [1, 2, 3, 4] and len(results) == 3  # 1 was used again, so 2 went when 4 came
    assert results.get(2, lambda: 99) == 99


def test_no_room_means_no_sharing():
    results = SharedResults(max_entries=0)  # what the dashboard benchmark uses, to time the work itself
    calls: list[int] = []
    for _ in range(2):
        results.get("x", lambda: calls.append(1))
    assert len(calls) == 2 and len(results) == 0


def test_many_asking_at_once_wait_for_one_computation():
    results = SharedResults()
    calls = []

    def slow() -> str:
        calls.append(threading.get_ident())
        time.sleep(0.2)
        return "figures"

    found, errors = at_once(12, lambda n: results.get("dashboard", slow))
    assert errors == [] and found == ["figures"] * 12 and len(calls) == 1


def test_a_failed_computation_is_not_kept_and_the_next_caller_computes():
    results = SharedResults()
    with pytest.raises(ZeroDivisionError):
        results.get("x", lambda: 1 / 0)
    assert results.get("x", lambda: "ok") == "ok"


def test_the_dashboard_is_shared_until_a_write_changes_the_data(world, monkeypatch):
    store, users, own, _ = world
    queries = []
    real = dashboard.sql.league
    monkeypatch.setattr(dashboard.sql, "league", lambda *a, **k: queries.append(1) or real(*a, **k))
    region = scope_for(store, SYSTEM)
    year = dt.date.today().year
    first = dashboard.league(store, region, year, "ru")
    again = dashboard.league(store, region, year, "ru")
    assert len(queries) == 1 and again.rows() == first.rows()
    before = yearly(store, region, year, year)[0]["injured"]
    add_incident(
        store,
        users["demo.officer"],
        own,
        {"occurred_on": dt.date(year, 1, 5), "kind": "accident", "severity": "light", "lost_days": 3},
    )
    assert yearly(store, region, year, year)[0]["injured"] == before + 1  # the writer sees their own change
    dashboard.league(store, region, year, "ru")
    assert len(queries) == 2


def test_signing_in_and_out_keeps_the_shared_figures(world, monkeypatch):
    store = world[0]
    queries = []
    real = dashboard.sql.league
    monkeypatch.setattr(dashboard.sql, "league", lambda *a, **k: queries.append(1) or real(*a, **k))
    region = scope_for(store, SYSTEM)
    year = dt.date.today().year
    dashboard.league(store, region, year, "ru")
    account = next(a for a in demo_credentials(store) if a["username"] == "demo.region")
    with pytest.raises(SignInFailed):
        authenticate(store, "demo.region", "not the password")
    person = authenticate(store, "demo.region", account["password"])
    token = start_session(store, person)
    later = dt.datetime.now() + dt.timedelta(minutes=10)
    touch_session(store, token, later)
    assert resume_session(store, token, later) == person
    end_session(store, token)
    dashboard.league(store, region, year, "ru")
    assert len(queries) == 1  # sign-in state is no figure: 20 people signing in do not empty the shared results


def test_each_caller_gets_its_own_copy(world):
    store = world[0]
    region = scope_for(store, SYSTEM)
    year = dt.date.today().year
    rows = yearly(store, region, year - 1, year)
    rows[0]["injured"] = -1
    rows.clear()
    assert len(yearly(store, region, year - 1, year)) == 2
    assert yearly(store, region, year - 1, year)[0]["injured"] >= 0
