"""Copying a whole database between stores: DuckDB to PostgreSQL and back gives the same figures, a non-empty
target is refused, and a backup taken from PostgreSQL restores."""

from __future__ import annotations

import pytest

from safety.access.roles import SYSTEM
from safety.copying import copy_database
from safety.db import Store, catalog
from safety.errors import Conflict, PermissionDenied
from safety.indicators.formulas import metrics

from conftest import cli, pg_store

YEARS = range(2021, 2027)


def _figures(store: Store) -> dict[int, dict]:
    """metrics() of every demo year."""
    return {year: metrics(store, SYSTEM, year) for year in YEARS}


def _counts(store: Store) -> dict[str, int]:
    with store.cursor() as cur:
        return catalog.row_counts(cur)


@pytest.fixture
def pg_empty(pg, pg_template):
    """An empty, migrated PostgreSQL database."""
    with pg_store(pg, pg_template) as s:
        yield s


def test_demo_copied_to_postgresql_and_back_keeps_every_figure(demo_db_file, pg_empty, tmp_path):
    with Store(demo_db_file) as duck:
        before, rows = _figures(duck), _counts(duck)
        report = copy_database(SYSTEM, duck, pg_empty)
    assert report.rows == rows and report.total > 1000
    assert _figures(pg_empty) == before
    with Store(tmp_path / "back.duckdb") as back:
        copy_database(SYSTEM, pg_empty, back)
        assert _figures(back) == before
        counts = _counts(back)
    assert counts == rows | {"audit_log": rows["audit_log"] + 2}  # each copy wrote its audit entry


def test_ids_continue_after_the_copied_ones(demo_db_file, pg_empty):
    with Store(demo_db_file) as duck:
        copy_database(SYSTEM, duck, pg_empty)
        highest = duck.query("SELECT max(id) FROM enterprises")[0][0]
    with pg_empty.transaction() as cur:
        new = cur.execute(
            "INSERT INTO enterprises (bin, name_ru, name_kk, kato, oked, industry, joined_on) "
            "VALUES ('990140000012', 'Новое', 'Жаңа', '311000000', '20150', 'x', DATE '2026-01-01') RETURNING id"
        ).fetchone()[0]
    assert new > highest


def test_a_target_with_data_is_refused_and_left_as_it_was(demo_store, store):
    rows = _counts(demo_store)
    with pytest.raises(Conflict) as refused:
        copy_database(SYSTEM, store, demo_store)
    assert refused.value.key == "copy.target_not_empty" and "enterprises" in refused.value.render("en")
    assert _counts(demo_store) == rows
    with pytest.raises(Conflict) as same:
        copy_database(SYSTEM, store, store)
    assert same.value.key == "copy.same_database"


def test_only_an_administrator_may_copy(world, store):
    demo, users, _, _ = world
    with pytest.raises(PermissionDenied):
        copy_database(users["demo.region"], demo, store)


def test_copy_command_moves_the_demo_into_postgresql(demo_db_file, pg, pg_template, tmp_path):
    name = pg.new_database(pg_template)
    try:
        done = cli("copy", "--from", str(demo_db_file), "--to", pg.url(name))
        assert done.returncode == 0, done.stderr
        assert "tables" in done.stdout or "таблиц" in done.stdout
        again = cli("copy", "--from", str(demo_db_file), "--to", pg.url(name))
        assert again.returncode == 2 and "enterprises" in again.stderr
    finally:
        pg.drop(name)


def test_backup_of_postgresql_restores_into_a_file_and_into_postgresql(pg, pg_demo_template, pg_template, tmp_path):
    from safety.backup import restore_backup, write_backup

    with pg_store(pg, pg_demo_template) as source:
        write_backup(source, SYSTEM, tmp_path / "pg.vzbackup")
        before = _figures(source)
    restore_backup(SYSTEM, tmp_path / "pg.vzbackup", tmp_path / "restored.duckdb")
    with Store(tmp_path / "restored.duckdb") as restored:
        assert _figures(restored) == before
    name = pg.new_database(pg_template)
    try:
        restore_backup(SYSTEM, tmp_path / "pg.vzbackup", pg.url(name))
        with Store(pg.url(name)) as again:
            assert _figures(again) == before
    finally:
        pg.drop(name)
