"""Several processes on one PostgreSQL database (issue 17, item 5): two command-line imports at the same time lose
no case, and what one app process writes (a sign-in session, a case) is seen by another process's Store."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook

from safety.access.auth import now, user_from_row
from safety.access.roles import SYSTEM, User
from safety.access.sessions import end_session, resume_session, start_session
from safety.db import Store
from safety.db import users as users_sql
from safety.incidents.log import add_incident
from safety.incidents.summaries import check_summaries
from safety.indicators.formulas import scope_for, yearly
from safety.register.enterprises import list_enterprises
from tests.pg_server import PgServer, server_binaries

from conftest import ROOT, STORES, cli

pytestmark = pytest.mark.skipif(
    "postgresql" not in STORES or (server_binaries() is None and not os.environ.get("VZ_REQUIRE_POSTGRES")),
    reason="PostgreSQL not installed (or not among VZ_TEST_STORES)",
)

CASES = 400  # rows of the log; each half goes to its own process
HEADINGS = ("Дата", "Вид происшествия", "Тяжесть", "Дни нетрудоспособности", "Цех", "Описание")
KINDS = ("несчастный случай", "микротравма", "потенциально опасное происшествие")


@pytest.fixture
def database(pg: PgServer, pg_demo_template: str) -> Iterator[str]:
    """The URL of a fresh copy of the demo database on the test server; dropped afterwards."""
    name = pg.new_database(pg_demo_template)
    try:
        yield pg.url(name)
    finally:
        pg.drop(name)


def _log(path: Path, numbers: range) -> Path:
    """An incident log workbook with one case per number; every case differs from every other (its description)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Журнал")
    sheet.append(list(HEADINGS))
    first = dt.date(2024, 1, 1)
    for n in numbers:
        kind = KINDS[n % 3]
        severity, lost = ("лёгкий", 1 + n % 20) if n % 3 == 0 else (None, 0)
        sheet.append([first + dt.timedelta(days=n % 600), kind, severity, lost, f"Цех {n % 7}", f"Случай номер {n}"])
    workbook.save(path)
    return path


def _import(url: str, log: Path, bin_: str) -> subprocess.Popen[str]:
    """Start `python -m safety import-incidents` on the database in a process of its own."""
    command = [sys.executable, "-m", "safety", "--db", url, "import-incidents", str(log), "--enterprise", bin_]
    return subprocess.Popen([*command, "--json"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _report(process: subprocess.Popen[str]) -> dict:
    """The JSON report of a finished import process (failing the test with its error output otherwise)."""
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return json.loads(out)


def _cases(url: str, bin_: str) -> int:
    """How many cases the enterprise has, read through a Store of its own."""
    with Store(url) as store:
        rows = store.query(
            "SELECT count(*) FROM incidents i JOIN enterprises e ON e.id = i.enterprise_id WHERE e.bin = ?", [bin_]
        )
    return int(rows[0][0])


def _user(store: Store, username: str) -> User:
    """A demo account as the library sees it."""
    with store.cursor() as cur:
        row = users_sql.by_username(cur, username)
    assert row is not None
    return user_from_row(row)


def test_two_imports_at_once_store_every_case_and_the_whole_log_again_is_all_duplicates(database, tmp_path):
    with Store(database) as store:
        bin_ = list_enterprises(store, SYSTEM)[0].bin
    before = _cases(database, bin_)
    half = CASES // 2
    first = _log(tmp_path / "first_half.xlsx", range(half))
    second = _log(tmp_path / "second_half.xlsx", range(half, CASES))
    whole = _log(tmp_path / "whole.xlsx", range(CASES))

    processes = [_import(database, first, bin_), _import(database, second, bin_)]  # both running at once
    reports = [_report(p) for p in processes]
    assert [(r["imported"], r["duplicates"], r["rejected"]) for r in reports] == [(half, 0, 0), (half, 0, 0)]
    assert _cases(database, bin_) == before + CASES

    done = cli("--db", database, "import-incidents", str(whole), "--enterprise", bin_, "--json")  # in this process
    assert done.returncode == 0, done.stderr
    again = json.loads(done.stdout)
    assert (again["imported"], again["duplicates"], again["rejected"]) == (0, CASES, 0)
    assert _cases(database, bin_) == before + CASES
    with Store(database) as store:
        assert check_summaries(store, SYSTEM) == []
        imports = store.query("SELECT count(*) FROM incident_imports WHERE file_name LIKE '%half.xlsx'")
    assert imports == [(2,)]


def test_two_imports_at_once_of_overlapping_logs_store_each_shared_case_once(database, tmp_path):
    """The rows both logs hold are new to both processes when they start: the one that writes second must find
    them stored by the first (nothing stops a case being stored twice but the write lock and the fingerprints)."""
    with Store(database) as store:
        bin_ = list_enterprises(store, SYSTEM)[0].bin
    before = _cases(database, bin_)
    first = _log(tmp_path / "early.xlsx", range(0, 250))
    second = _log(tmp_path / "late.xlsx", range(150, CASES))
    reports = [_report(p) for p in (_import(database, first, bin_), _import(database, second, bin_))]
    assert sum(r["imported"] for r in reports) == CASES and sum(r["duplicates"] for r in reports) == 100
    assert _cases(database, bin_) == before + CASES


def test_a_session_started_in_one_process_is_accepted_and_ended_in_another(database):
    with Store(database) as one, Store(database) as other:
        person = _user(one, "demo.region")
        token = start_session(one, person)
        assert resume_session(other, token) == person  # the other process accepts the browser's cookie
        later = now() + dt.timedelta(minutes=5)
        assert resume_session(other, token, later) == person  # and notes the use (a touch) in the database
        [(seen,)] = one.query("SELECT last_seen_at FROM sign_in_sessions")
        assert seen == later
        end_session(other, token)  # signing out on the other process ends it for the first one too
        assert resume_session(one, token) is None


def test_a_write_in_one_process_changes_the_figures_another_process_shares(database):
    with Store(database) as one, Store(database) as other:
        year = dt.date.today().year
        region = scope_for(other, SYSTEM)
        injured = yearly(other, region, year, year)[0]["injured"]  # computed, and kept in the shared results
        version = other.data_version
        officer = _user(one, "demo.officer")
        own = next(e.bin for e in list_enterprises(one, officer))
        token = start_session(one, officer)  # sign-in state is no figure: the shared results stay
        assert other.data_version == version
        case = {"occurred_on": dt.date(year, 1, 5), "kind": "accident", "severity": "light", "lost_days": 3}
        add_incident(one, officer, own, case)
        assert other.data_version != version
        assert yearly(other, region, year, year)[0]["injured"] == injured + 1
        end_session(one, token)
