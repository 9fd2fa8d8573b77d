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
    """Return the names of the database's own tables (in its current schema)."""
    rows = cur.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database() "
        "AND table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
    ).fetchall()
    return [checked(name) for (name,) in rows]


def column_types(cur: Cursor, table: str) -> list[tuple[str, str]]:
    """Return a table's columns with their types in upper case (VARCHAR, BLOB, BYTEA, …), in their order."""
    rows = cur.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_catalog = current_database() "
        "AND table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return [(checked(name), str(kind).upper()) for name, kind in rows]


def row_counts(cur: Cursor) -> dict[str, int]:
    """Count the rows of every table."""
    return {table: int(cur.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0]) for table in tables(cur)}
