"""SQL of backup, restore and copy: every table exported as Parquet in one read transaction, the loading of those
files into a new database built by this app's own migrations (a restore never runs SQL taken from an archive), and
the table-by-table reads and writes of a copy between two stores."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from safety.db.catalog import checked, row_counts, tables
from safety.db.cursors import Cursor
from safety.db.migrations import migrate
from safety.db.store import Store

# Tables an empty database may already fill by itself: the migrations' record and small facts such as the demo state.
BOOKKEEPING = frozenset({"schema_migrations", "meta"})
_NEXTVAL = re.compile(r"nextval\('([a-z_][a-z0-9_]*)'(?:::regclass)?\)")


@dataclass(frozen=True)
class Snapshot:
    """What one export saw, all read in the transaction that wrote the files."""

    schema_version: int
    rows: dict[str, int]  # table -> rows
    sequences: dict[str, int | None]  # sequence -> the last value it handed out (None: never used)


def export_snapshot(store: Store, directory: Path) -> Snapshot:
    """Export every table into directory (a new folder) as Parquet, inside one read transaction: the files, the
    row counts and the sequences are one consistent state, however many write meanwhile. DuckDB writes the files
    itself (EXPORT DATABASE); from PostgreSQL each table is read as Arrow and written with pyarrow."""
    with snapshot(store) as cur:
        found = Snapshot(schema_version(cur), row_counts(cur), sequences(cur))
        if cur.dialect == "duckdb":
            cur.execute(f"EXPORT DATABASE {_path_literal(directory)} (FORMAT parquet)")
        else:
            directory.mkdir(parents=True)
            for table in found.rows:
                pq.write_table(table_rows(cur, table), directory / f"{table}.parquet")
    return found


@contextmanager
def snapshot(store: Store) -> Iterator[Cursor]:
    """A cursor in a read-only transaction that sees one state of the whole database from its first read on."""
    with store.cursor() as cur:
        cur.begin()
        try:
            if cur.dialect == "postgresql":
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield cur
        finally:
            cur.rollback()  # it only read


def table_rows(cur: Cursor, table: str) -> pa.Table:
    """Every row of one of the database's own tables, as Arrow."""
    return cur.arrow(f'SELECT * FROM "{checked(table)}"')


def append_rows(cur: Cursor, table: str, rows: pa.Table) -> None:
    """Add rows (whose columns are named as the table's) to one of the database's own tables."""
    cur.bulk_insert(f'"{checked(table)}"', rows, [f'"{checked(name)}"' for name in rows.column_names])


def clear_bookkeeping(cur: Cursor) -> None:
    """Empty the tables a new database fills by itself, before a copy writes the source's rows into them."""
    for table in sorted(BOOKKEEPING):
        cur.execute(f'DELETE FROM "{checked(table)}"')


def _path_literal(path: Path) -> str:
    """A folder path as a SQL string literal: paths cannot be parameters of EXPORT DATABASE. The folder is one we
    made ourselves, but the path is still checked: absolute, no control characters, quotes doubled."""
    text = str(path)
    if not path.is_absolute() or any(ord(ch) < 32 for ch in text):
        raise ValueError(f"not a folder path we can export to: {text!r}")
    return "'" + text.replace("'", "''") + "'"


def sequences(cur: Cursor) -> dict[str, int | None]:
    """Return the last value each sequence handed out (None for one never used)."""
    if cur.dialect == "postgresql":
        sql = "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema() ORDER BY 1"
    else:
        sql = (
            "SELECT sequence_name, last_value FROM duckdb_sequences() WHERE database_name = current_database() "
            "ORDER BY sequence_name"
        )
    return {checked(name): None if last is None else int(last) for name, last in cur.execute(sql).fetchall()}


def schema_version(cur: Cursor) -> int:
    """Return the highest migration recorded in the database."""
    return int(cur.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchall()[0][0])


def tables_with_data(cur: Cursor) -> list[str]:
    """Return the tables, bookkeeping aside, that hold at least one row: an empty database has none."""
    return [t for t in tables(cur) if t not in BOOKKEEPING and cur.execute(f'SELECT 1 FROM "{t}" LIMIT 1').fetchall()]


def new_database(path: Path, version: int) -> Store:
    """Create a database at path with the migrations up to version applied, and no more."""
    store = Store(path, migrate=False)
    try:
        migrate(store, target=version)
    except BaseException:
        store.close()
        raise
    return store


def upgrade(store: Store) -> list[int]:
    """Apply the migrations a restored database still lacks; return their numbers."""
    return migrate(store)


def load_table(cur: Cursor, table: str, file: Path) -> None:
    """Replace the rows of a table by those of a Parquet file, matching the columns by name."""
    if table not in tables(cur):
        raise ValueError(f"no table {table!r} in this database")
    cur.execute(f'DELETE FROM "{table}"')
    cur.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM read_parquet(?)', [str(file)])


def continue_sequences(cur: Cursor, last_values: dict[str, int | None]) -> None:
    """Move every sequence past the last value it had handed out and past the highest id it feeds, so that new rows
    after a restore never take an id already used."""
    owners = cur.execute(
        "SELECT table_name, column_name, column_default FROM information_schema.columns "
        "WHERE table_catalog = current_database() AND table_schema = current_schema() "
        "AND column_default LIKE 'nextval(%'"
    ).fetchall()
    highest: dict[str, int] = {}
    for table, column, default in owners:
        found = _NEXTVAL.fullmatch(default)
        if found is None:
            continue
        top = cur.execute(f'SELECT max("{checked(column)}") FROM "{checked(table)}"').fetchall()[0][0]
        highest[found.group(1)] = max(highest.get(found.group(1), 0), int(top or 0))
    for name in sequences(cur):
        last = max(last_values.get(name) or 0, highest.get(name, 0))
        if last > 0:
            cur.execute("SELECT setval(?, ?)", [name, last])
