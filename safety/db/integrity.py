"""Checks that a database file is whole: a quick one at every opening, a thorough one on demand.

DuckDB has no PRAGMA integrity_check. A file cut short still opens and even counts its rows (the counts sit in
the table metadata), so the quick check also compares the file's length with the blocks it uses. Only
reading every stored value checks the checksum of every block of table data; `deep_check` does that (`python -m
safety check`). Index blocks are read when a write first needs them; damage there reaches the user as the same
StoreDamaged message, through the store's error translation.
"""

from __future__ import annotations

import os

from safety.db import catalog
from safety.db.cursors import Cursor

HEADER_BYTES = 3 * 4096  # DuckDB's main header and its two alternating database headers, before the first block


def quick_check(cur: Cursor, path: str) -> dict[str, int]:
    """Raise (a duckdb.Error or ValueError) when the file is too short for the blocks it uses, or a table's row
    count cannot be read; return the row count of each table."""
    if path != ":memory:" and os.path.exists(path):
        block_size, used = cur.execute("SELECT block_size, used_blocks FROM pragma_database_size()").fetchall()[0]
        # DuckDB cuts free blocks off the end of the file, so the file need only hold the blocks in use and the
        # last block any table's data sits in.
        last = max(
            (
                cur.execute(f"SELECT coalesce(max(block_id), -1) FROM pragma_storage_info('{table}')").fetchall()[0][0]
                for table in catalog.tables(cur)
            ),
            default=-1,
        )
        needed = HEADER_BYTES + block_size * max(used, last + 1)
        found = os.path.getsize(path)
        if found < needed:
            raise ValueError(f"the file is {found} bytes long, though its blocks need {needed}")
    return catalog.row_counts(cur)


def deep_check(cur: Cursor) -> int:
    """Read every stored value of every table, so DuckDB verifies each block's checksum; return the tables read."""
    tables = catalog.tables(cur)
    for table in tables:
        # A BLOB (an evidence file) is read whole by its length in bytes, four times faster than as escaped text.
        lengths = ", ".join(
            f'sum(octet_length("{c}"))' if kind in ("BLOB", "BYTEA") else f'sum(length(CAST("{c}" AS VARCHAR)))'
            for c, kind in catalog.column_types(cur, table)
        )
        cur.execute(f'SELECT count(*), {lengths} FROM "{table}"').fetchall()
    return len(tables)
