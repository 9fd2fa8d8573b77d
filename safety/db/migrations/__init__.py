"""Numbered schema migrations, each applied once in its own transaction and recorded in schema_migrations.

Migrations are frozen history: each module holds its own SQL and, where SQL alone cannot do a step, its own copy
of the computation as it stood when the migration was written. None of them calls live code, so changing today's
code never changes what an old migration builds.

No FOREIGN KEY constraints: DuckDB checks them against the state before the transaction, so a delete of
child and parent rows in one transaction fails. The library keeps references whole instead (all writes go
through it, and deletes remove children first in the same transaction).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from contextlib import AbstractContextManager
from typing import Any, Protocol

from safety.db.migrations.step import Migration
from safety.errors import SchemaTooNew

__all__ = ["LATEST", "MIGRATIONS", "Migration", "applied_version", "migrate"]

# Every module mNN_name.py beside this one is a step; a new migration is a new module and nothing else.
_STEPS = sorted(m.name for m in pkgutil.iter_modules(__path__) if re.fullmatch(r"m\d{2}_\w+", m.name))
MIGRATIONS: tuple[Migration, ...] = tuple(importlib.import_module(f"{__name__}.{name}").MIGRATION for name in _STEPS)
if [m.number for m in MIGRATIONS] != list(range(1, len(MIGRATIONS) + 1)):
    raise RuntimeError(f"migrations must be numbered 1, 2, 3 … in their file names' order: {_STEPS}")
LATEST = MIGRATIONS[-1].number


class Database(Protocol):
    """What the migrations need of a store: its path, a cursor and a transaction."""

    path: str

    def cursor(self) -> AbstractContextManager[Any]: ...

    def transaction(self, *, changes_figures: bool = True) -> AbstractContextManager[Any]: ...


def applied_version(store: Database) -> int:
    """Return the highest migration number recorded in the database (0 for a new one)."""
    with store.transaction(changes_figures=False) as cur:
        return _applied(cur)


def _applied(cur: Any) -> int:
    """The highest migration recorded, creating the record's table when it is missing (inside a write)."""
    cur.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
    )
    row = cur.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
    return int(row[0]) if row else 0


def migrate(store: Database, target: int = LATEST) -> list[int]:
    """Apply the missing migrations up to target; refuse a database newer than this code."""
    current = applied_version(store)
    if current > LATEST:
        raise SchemaTooNew(path=store.path, found=current, known=LATEST)
    done = []
    for migration in (m for m in MIGRATIONS if current < m.number <= target):
        with store.transaction() as cur:
            if _applied(cur) >= migration.number:
                continue  # another process applied it while this one waited for the write lock
            for statement in migration.statements:
                cur.execute(statement)
            if migration.run:
                migration.run(cur)
            cur.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                [migration.number, migration.name],
            )
        done.append(migration.number)
    return done
