"""The Store: cursors, transactions that roll back, migrations, the default path and a locked file."""

import pytest

from safety.db import Store, default_db_path
from safety.db.cursors import fetch_arrow
from safety.db.migrations import LATEST, MIGRATIONS, applied_version, migrate
from safety.db.store import DEFAULT_DB_PATH
from safety.errors import SchemaTooNew, StoreError, StoreLocked

from conftest import ROOT, held_by_another_process


def test_new_database_has_every_migration_recorded(store):
    rows = store.query("SELECT version, name FROM schema_migrations ORDER BY version")
    assert [r[0] for r in rows] == [m.number for m in MIGRATIONS]
    assert applied_version(store) == LATEST


def test_transaction_rolls_back_everything_on_error(store):
    with pytest.raises(RuntimeError), store.transaction() as cur:
        cur.execute("INSERT INTO meta VALUES ('a', '1')")
        cur.execute("INSERT INTO meta VALUES ('b', '2')")
        raise RuntimeError("boom")
    assert store.query("SELECT count(*) FROM meta") == [(0,)]


def test_transaction_commits(store):
    with store.transaction() as cur:
        cur.execute("INSERT INTO meta VALUES ('a', '1')")
    assert store.query_dicts("SELECT key, value FROM meta") == [{"key": "a", "value": "1"}]


def test_database_errors_become_store_errors(store):
    with pytest.raises(StoreError) as info:
        store.query("SELECT * FROM no_such_table")
    assert "no_such_table" in info.value.render("en")


def test_old_schema_is_upgraded_and_keeps_its_data(tmp_path):
    path = tmp_path / "old.duckdb"
    with Store(path, migrate=False) as old:
        migrate(old, target=1)
        with old.transaction() as cur:
            cur.execute(
                "INSERT INTO enterprises (bin, name_ru, name_kk, kato, oked, industry, joined_on) "
                "VALUES ('940140000385', 'A', 'A', '311000000', '20150', 'x', DATE '2020-01-01')"
            )
        assert applied_version(old) == 1
        tables = {r[0] for r in old.query("SELECT table_name FROM information_schema.tables")}
        assert "enterprise_years" not in tables
    with Store(path) as upgraded:
        assert applied_version(upgraded) == LATEST
        assert upgraded.query("SELECT bin FROM enterprises") == [("940140000385",)]
        assert upgraded.query("SELECT count(*) FROM enterprise_years") == [(0,)]


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "new.duckdb"
    with Store(path) as s, s.transaction() as cur:
        cur.execute("INSERT INTO schema_migrations (version, name) VALUES (?, 'from the future')", [LATEST + 1])
    with pytest.raises(SchemaTooNew) as info:
        Store(path)
    message = info.value.render("en")
    assert str(LATEST + 1) in message and "newer version" in message
    assert "более новой версией" in info.value.render("ru")


def test_default_path_and_env_override(monkeypatch, tmp_path):
    monkeypatch.delenv("VZ_DB_PATH", raising=False)
    assert default_db_path() == DEFAULT_DB_PATH == ROOT / "data" / "vision_zero.duckdb"
    monkeypatch.setenv("VZ_DB_PATH", str(tmp_path / "x.duckdb"))
    assert default_db_path() == tmp_path / "x.duckdb"


def test_a_file_held_by_another_process_gives_a_clear_message(tmp_path):
    path = tmp_path / "held.duckdb"
    Store(path).close()
    with held_by_another_process(path) as pid, pytest.raises(StoreLocked) as info:
        Store(path)
    message = info.value.render("en")
    assert str(path) in message and "another process" in message and "Traceback" not in message
    assert f"PID {pid}" in message


def test_fetch_arrow_after_a_result_left_half_read(store):
    with store.cursor() as cur:
        cur.execute("SELECT * FROM generate_series(1, 5)").fetchone()  # four rows never read
        table = fetch_arrow(cur, "SELECT ? AS a, ? AS b", [1, "x"])
    assert table.to_pylist() == [{"a": 1, "b": "x"}]
