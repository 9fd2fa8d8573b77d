"""Copy a whole database between any two stores (a DuckDB file, a PostgreSQL database), table by table.

Both stores are opened with this app's migrations, so both hold the same schema. The source is read in one
read-only transaction (one consistent state, however many write meanwhile); the target is written in one
transaction: every table's rows, the sequences moved past the copied ids, the row counts checked against the
source's, and an audit entry. A failure anywhere leaves the target as it was. A target that already holds data is
refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from safety.access.roles import User, require
from safety.db import Store, catalog, retry_conflicts
from safety.db import audit as audit_sql
from safety.db import backup as sql
from safety.errors import Conflict, StoreError


@dataclass(frozen=True)
class CopyReport:
    """What a copy moved: tables and rows per table."""

    rows: dict[str, int]

    @property
    def total(self) -> int:
        """All rows copied."""
        return sum(self.rows.values())


@retry_conflicts
def copy_database(user: User, source: Store, target: Store) -> CopyReport:
    """Copy every table of source into target, which must hold no data yet (administrators only)."""
    require(user, "database.maintain")
    if source.path == target.path:
        raise Conflict("copy.same_database", path=target.path)
    with target.cursor() as cur:
        full = sql.tables_with_data(cur)
    if full:
        raise Conflict("copy.target_not_empty", path=target.path, tables=", ".join(full))
    with sql.snapshot(source) as reading, target.transaction() as writing:
        tables = catalog.tables(reading)
        if tables != catalog.tables(writing):
            differ = ", ".join(sorted(set(tables) ^ set(catalog.tables(writing))))
            raise StoreError(path=target.path, detail=f"the two databases' tables differ: {differ}")
        expected = catalog.row_counts(reading)
        last_values = sql.sequences(reading)
        sql.clear_bookkeeping(writing)
        for table in tables:
            sql.append_rows(writing, table, sql.table_rows(reading, table))
        sql.continue_sequences(writing, last_values)
        found = catalog.row_counts(writing)
        for table in tables:
            if found[table] != expected[table]:
                raise StoreError(
                    path=target.path, detail=f"{table}: {expected[table]} rows read, {found[table]} written"
                )
        after = {"from": source.path, "tables": len(tables), "rows": sum(expected.values())}
        audit_sql.write(writing, [audit_sql.entry(user, "database.copy", "database", None, None, after=after)])
    return CopyReport(expected)
