"""Shared fixtures: a fresh database per test, a demo database, and paths to fixture files."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from safety.access.auth import create_admin, now, user_from_row
from safety.db import Store
from safety.db import users as users_sql
from safety.demo import load_demo
from safety.register.enterprises import list_enterprises
from tests.pg_server import PgServer, server_binaries

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).with_name("data")


PASSWORD = "correct horse battery"  # the administrator of the `admin` fixture
T0 = dt.datetime(2026, 11, 25, 9, 0)  # a fixed "now" for sign-in and session tests


@pytest.fixture
def admin(store):
    """An administrator `boss` with PASSWORD, on the empty store."""
    return create_admin(store, "boss", PASSWORD, "Главный Администратор")


# The stores the store-level and domain tests run on: both by default; VZ_TEST_STORES=duckdb runs one.
STORES = [name.strip() for name in os.environ.get("VZ_TEST_STORES", "duckdb,postgresql").split(",") if name.strip()]


def _store_params() -> list[Any]:
    """The `store` fixture's parameters: PostgreSQL is skipped where its server is not installed, unless CI asks."""
    params: list[Any] = []
    for name in STORES:
        missing = name == "postgresql" and server_binaries() is None and not os.environ.get("VZ_REQUIRE_POSTGRES")
        params.append(
            pytest.param(name, marks=pytest.mark.skip(reason="PostgreSQL not installed")) if missing else name
        )
    return params


@pytest.fixture(scope="session")
def pg() -> Iterator[PgServer]:
    """A throw-away PostgreSQL server for this test process."""
    server = PgServer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_template(pg: PgServer) -> str:
    """A migrated, empty database on the test server, copied for each test."""
    name = pg.new_database()
    Store(pg.url(name)).close()
    return name


@pytest.fixture(scope="session")
def pg_demo_template(pg: PgServer, pg_template: str) -> str:
    """A database holding the demo data on the test server, built once per test process."""
    name = pg.new_database(pg_template)
    with Store(pg.url(name)) as s:
        load_demo(s)
    return name


@contextmanager
def pg_store(pg: PgServer, template: str) -> Iterator[Store]:
    """A fresh copy of a template database, opened; dropped afterwards."""
    name = pg.new_database(template)
    try:
        with Store(pg.url(name)) as s:
            yield s
    finally:
        pg.drop(name)


@pytest.fixture(params=_store_params())
def store_kind(request: pytest.FixtureRequest) -> str:
    """Which store a test runs on: "duckdb" or "postgresql"."""
    return request.param


def _opened(request: pytest.FixtureRequest, template: str, file: Callable[[], Path]) -> Iterator[Store]:
    """The store a test asked for: a copy of a PostgreSQL template database, or the DuckDB file `file()` gives."""
    if request.getfixturevalue("store_kind") == "postgresql":
        with pg_store(request.getfixturevalue("pg"), request.getfixturevalue(template)) as s:
            yield s
        return
    with Store(file()) as s:
        yield s


@pytest.fixture
def store(store_kind: str, tmp_path: Path, request: pytest.FixtureRequest):
    """An empty, fully migrated database: a DuckDB file in tmp_path, or a PostgreSQL database of its own."""
    yield from _opened(request, "pg_template", lambda: tmp_path / "test.duckdb")


@pytest.fixture(scope="session")
def demo_db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file holding the demo data, built once per test session."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    with Store(path) as s:
        load_demo(s)
    return path


@pytest.fixture
def demo_store(store_kind: str, tmp_path: Path, request: pytest.FixtureRequest):
    """A private copy of the demo database, free to change, on either store."""

    def copied() -> Path:
        return Path(shutil.copy(request.getfixturevalue("demo_db_file"), tmp_path / "demo.duckdb"))

    yield from _opened(request, "pg_demo_template", copied)


def made_real(store: Store) -> Store:
    """Keep the demo's records as if they were real ones (no demo flag, no published passwords), for tests that add
    real records to a populated database: beside the demo itself the library refuses them."""
    with store.transaction() as cur:
        cur.execute("UPDATE enterprises SET is_demo = FALSE")
        cur.execute("UPDATE users SET is_demo = FALSE")
        cur.execute("UPDATE meta SET value = '[]' WHERE key = 'demo_credentials'")
    return store


@pytest.fixture
def world(demo_store):
    """The demo store, its four demo users, their own enterprise's BIN and another enterprise's BIN."""
    with demo_store.cursor() as cur:
        users = {
            name: user_from_row(users_sql.by_username(cur, name))
            for name in ("demo.admin", "demo.region", "demo.head", "demo.officer")
        }
    own_id = users["demo.head"].enterprise_id
    everyone = list_enterprises(demo_store, users["demo.admin"])
    own = next(e.bin for e in everyone if e.id == own_id)
    other = next(e.bin for e in everyone if e.id != own_id)
    return demo_store, users, own, other


@pytest.fixture
def data_file():
    """Return the bytes of a fixture file in tests/data/."""

    def read(name: str) -> bytes:
        return (DATA / name).read_bytes()

    return read


@contextmanager
def held_by_another_process(path: Path) -> Iterator[int]:
    """Keep a DuckDB file open in a second process (as a running app would); yield that process's PID."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sys, duckdb
            con = duckdb.connect({str(path)!r})
            print("ready", flush=True)
            sys.stdin.readline()
        """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        yield holder.pid
    finally:
        holder.communicate("\n", timeout=30)


def signed_in(at, user_id: int):
    """Put a signed-in session into an AppTest before its next run (as the sign-in page would)."""
    at.session_state["user_id"] = user_id
    at.session_state["last_seen"] = now()
    return at


@pytest.fixture
def demo_app(demo_db_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Open app.py in AppTest on a private copy of the demo database, signed in as a demo user (or not)."""
    path = tmp_path / "app.duckdb"
    shutil.copy(demo_db_file, path)
    monkeypatch.setenv("VZ_DB_PATH", str(path))

    def open_app(username: str | None = None, *, real: bool = False):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.db_path = path
        if real:
            with Store(path) as store:
                made_real(store)
        if username:
            with Store(path) as store:
                signed_in(at, user_id_of(store, username))
        return at.run()

    return open_app


def user_id_of(store: Store, username: str) -> int:
    """Return the id of an account."""
    with store.cursor() as cur:
        row = users_sql.by_username(cur, username)
    assert row is not None, username
    return row["id"]


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `python -m safety` with these arguments from the project folder; capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "safety", *args], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env
    )


def cli(*args: str) -> subprocess.CompletedProcess:
    """`python -m safety` with these arguments run in this process (a new interpreter costs a second or two per
    run; `run` is for what needs a process of its own): its exit status and output, as `run` gives them."""
    from safety.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(list(args))
        except SystemExit as exc:  # argparse refusing an option, or --help
            status = exc.code if isinstance(exc.code, int) else 2
    return subprocess.CompletedProcess(list(args), status, out.getvalue(), err.getvalue())


def at_once(count: int, work: Callable[[int], Any]) -> tuple[list[Any], list[BaseException]]:
    """Run work(0) … work(count - 1) in as many threads, all released together; return results and errors."""
    barrier = threading.Barrier(count)

    def run(number: int) -> Any:
        barrier.wait()
        return work(number)

    with ThreadPoolExecutor(count) as pool:
        futures = [pool.submit(run, number) for number in range(count)]
    results, errors = [], []
    for future in futures:
        error = future.exception()
        if error is None:
            results.append(future.result())
        else:
            errors.append(error)
    return results, errors


@contextmanager
def time_limit(seconds: int, what: str = "the call") -> Iterator[None]:
    """Fail with TimeoutError, instead of hanging the run, when the block takes longer than `seconds`."""

    def stop(*_: object) -> None:
        raise TimeoutError(f"{what} took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def recorded_downloads(monkeypatch: pytest.MonkeyPatch, by: str = "file_name") -> dict:
    """The data (or the function giving it) of every download button a page shows from now on, by its `by`
    argument (its file name, or its key when the name holds a time)."""
    captured: dict = {}
    original = streamlit.download_button

    def recording(label, data, *args, **kwargs):
        captured[kwargs.get(by)] = data
        return original(label, data, *args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", recording)
    return captured


def sheet_table(sheet, first_heading: str) -> list[tuple]:
    """The rows of a report sheet's table, from its header row (the first whose first cell is `first_heading`) to
    the first empty row after it: a report's sheet has its title and scope above the table."""
    rows = list(sheet.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row and row[0] == first_heading)
    end = next((i for i in range(start + 1, len(rows)) if all(v is None for v in rows[i])), len(rows))
    return rows[start:end]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked one_store run on DuckDB only; the real-browser tests start first, on both workers, as they take
    longest: the rest fills in behind them."""
    dropped = [item for item in items if item.get_closest_marker("one_store") and _store_of(item) == "postgresql"]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if item not in set(dropped)]
    items.sort(key=lambda item: item.get_closest_marker("browser") is None)


def _store_of(item: pytest.Item) -> str | None:
    """The store a collected test runs on, if it is parametrised by store."""
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("store_kind") if callspec else None
