"""The database's own catalogue: its tables, their columns and row counts, with every name checked before it is
quoted into SQL (names come from the catalogue, never from users, but are checked all the same)."""

from __future__ import annotations

import re

from safety.db.cursors import Cursor

_NAME = re.compile(r"[a-z_][a-z0-9_]*")


def checked(name: str) -> str:
    """A table, column or sequence name from the catalogue, checked before it is quoted into SQL."""
    if not _NAME.fullmatch(name):
        raise ValueError(f"unexpected name in the catalogue: {name!r}")
    return name


def tables(cur: Cursor) -> list[str]:
    """Return the names of the database's own tables."""
    rows = cur.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' "
        "AND NOT internal ORDER BY table_name"
    ).fetchall()
    return [checked(name) for (name,) in rows]


def column_types(cur: Cursor, table: str) -> list[tuple[str, str]]:
    """Return a table's columns with their types (VARCHAR, BLOB, …), in their order."""
    rows = cur.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND table_name = ? ORDER BY column_index",
        [table],
    ).fetchall()
    return [(checked(name), str(kind)) for name, kind in rows]


def row_counts(cur: Cursor) -> dict[str, int]:
    """Count the rows of every table."""
    return {table: int(cur.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0]) for table in tables(cur)}
