"""SQL of backup and restore: every table exported as Parquet in one read transaction, and the loading of those
files into a new database built by this app's own migrations (a restore never runs SQL taken from an archive)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from safety.db.catalog import checked, row_counts, tables
from safety.db.cursors import Cursor
from safety.db.migrations import migrate
from safety.db.store import Store

# Tables an empty database may already fill by itself: the migrations' record and small facts such as the demo state.
BOOKKEEPING = frozenset({"schema_migrations", "meta"})
_NEXTVAL = re.compile(r"nextval\('([a-z_][a-z0-9_]*)'\)")


@dataclass(frozen=True)
class Snapshot:
    """What one export saw, all read in the transaction that wrote the files."""

    schema_version: int
    rows: dict[str, int]  # table -> rows
    sequences: dict[str, int | None]  # sequence -> the last value it handed out (None: never used)


def export_snapshot(store: Store, directory: Path) -> Snapshot:
    """Export every table into directory (a new folder) with EXPORT DATABASE … (FORMAT parquet), inside one read
    transaction: the files, the row counts and the sequences are one consistent state, however many write meanwhile."""
    target = _path_literal(directory)
    with store.cursor() as cur:
        cur.begin()
        try:
            snapshot = Snapshot(schema_version(cur), row_counts(cur), sequences(cur))
            cur.execute(f"EXPORT DATABASE {target} (FORMAT parquet)")
        finally:
            cur.rollback()  # it only read
    return snapshot


def _path_literal(path: Path) -> str:
    """A folder path as a SQL string literal: paths cannot be parameters of EXPORT DATABASE. The folder is one we
    made ourselves, but the path is still checked: absolute, no control characters, quotes doubled."""
    text = str(path)
    if not path.is_absolute() or any(ord(ch) < 32 for ch in text):
        raise ValueError(f"not a folder path we can export to: {text!r}")
    return "'" + text.replace("'", "''") + "'"


def sequences(cur: Cursor) -> dict[str, int | None]:
    """Return the last value each sequence handed out (None for one never used)."""
    rows = cur.execute(
        "SELECT sequence_name, last_value FROM duckdb_sequences() WHERE database_name = current_database() "
        "ORDER BY sequence_name"
    ).fetchall()
    return {checked(name): None if last is None else int(last) for name, last in rows}


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
        "SELECT table_name, column_name, column_default FROM duckdb_columns() "
        "WHERE database_name = current_database() AND column_default LIKE 'nextval(%'"
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
