"""The Store: owns the engine (a DuckDB file, or a PostgreSQL database shared by several processes), hands out a
cursor per call, wraps writes in transactions.

The write discipline lives here, in one place. Write transactions from every session of the process run one at a
time (a lock, as datasette's single write thread); on PostgreSQL they also take one lock the database holds for
every process. Reads run alongside them. A conflict the database still reports becomes `StoreConflict`, and
`retry_conflicts` runs a whole write again, a bounded number of times, before the error reaches the user.
"""

from __future__ import annotations

import functools
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, ParamSpec, Protocol, TypeVar

from safety.db.cursors import Cursor, fetch_dicts
from safety.db.migrations import migrate as run_migrations
from safety.db.results import SharedResults
from safety.db.targets import is_url
from safety.errors import StoreConflict

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "vision_zero.duckdb"
ENV_DB_PATH = "VZ_DB_PATH"
ENV_DATABASE_URL = "VZ_DATABASE_URL"
CONFLICT_RETRIES = 3  # further attempts of a write the database refused for a conflict
P = ParamSpec("P")
T = TypeVar("T")


class Engine(Protocol):
    """What a Store needs of a database engine (safety/db/duck.py, safety/db/postgres.py)."""

    dialect: str
    shared: bool  # True when other processes may write to the same database
    path: str  # the file, or the URL without its password: what messages name

    def cursor(self) -> AbstractContextManager[Cursor]: ...

    def lock_writes(self, cur: Cursor) -> None: ...

    def check(self, *, thorough: bool = False) -> None: ...

    def size(self) -> int | None: ...

    def close(self) -> None: ...


def default_db_path() -> Path:
    """Return the database path: $VZ_DB_PATH when set, else data/vision_zero.duckdb."""
    env = os.environ.get(ENV_DB_PATH, "").strip()
    return Path(env).expanduser() if env else DEFAULT_DB_PATH


def default_target() -> str | Path:
    """Return the database to open: $VZ_DATABASE_URL when set, else the DuckDB file of default_db_path()."""
    url = os.environ.get(ENV_DATABASE_URL, "").strip()
    return url if url else default_db_path()


def open_engine(target: str | Path) -> Engine:
    """The engine for a target: PostgreSQL for a postgresql:// URL, else the DuckDB file at that path."""
    if is_url(target):
        from safety.db.postgres import PgEngine  # psycopg loads only where PostgreSQL is used

        return PgEngine(str(target))
    from safety.db.duck import DuckEngine

    return DuckEngine(str(target))


class Store:
    """One database; the only object in the project that holds connections."""

    def __init__(self, target: str | Path, *, migrate: bool = True):
        self._engine = open_engine(target)
        self.path = self._engine.path
        self.dialect = self._engine.dialect
        self._writer = threading.RLock()  # one write transaction at a time in this process
        self._version = 0  # advanced by every committed write that may change a figure (this process's writes)
        self.results = SharedResults()
        try:
            self.check()
            if migrate:
                run_migrations(self)
        except BaseException:
            self.close()
            raise

    @property
    def shared(self) -> bool:
        """True when other processes may write to this database (PostgreSQL)."""
        return self._engine.shared

    @property
    def data_version(self) -> int:
        """A number that changes with every committed write that may change a figure; shared results key on it.
        On a shared database it is kept in the database, so a write by another process counts too."""
        if not self._engine.shared:
            return self._version
        with self.cursor() as cur:
            row = cur.execute("SELECT version FROM vz_engine.data_version").fetchone()
        return int(row[0]) if row else 0

    @contextmanager
    def cursor(self) -> Iterator[Cursor]:
        """Yield a fresh cursor, closed (or given back to the pool) afterwards."""
        with self._engine.cursor() as cur:
            yield cur

    @contextmanager
    def transaction(self, *, changes_figures: bool = True) -> Iterator[Cursor]:
        """Yield a cursor inside BEGIN … COMMIT, one writer at a time; any exception rolls everything back. A write
        that only keeps sign-in state (sessions, failed attempts, the last sign-in) passes changes_figures=False and
        leaves the shared results valid: no figure, list or chart reads those columns."""
        with self._writer, self.cursor() as cur:
            cur.begin()
            try:
                self._engine.lock_writes(cur)
                yield cur
                if changes_figures and self._engine.shared:
                    _advance_version(cur)
            except BaseException:
                cur.rollback()
                raise
            cur.commit()
            if changes_figures:
                self._version += 1

    def check(self, *, thorough: bool = False) -> None:
        """Refuse a damaged database with StoreDamaged: a quick check always, and with thorough=True a read of every
        stored value (on DuckDB, that verifies every block's checksum)."""
        self._engine.check(thorough=thorough)

    def size(self) -> int | None:
        """The database's size in bytes (None for an in-memory database)."""
        return self._engine.size()

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """Run one parameterised read and return all rows as tuples."""
        with self.cursor() as cur:
            return cur.execute(sql, list(params)).fetchall()

    def query_dicts(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run one parameterised read and return all rows as dicts keyed by column name."""
        with self.cursor() as cur:
            return fetch_dicts(cur.execute(sql, list(params)))

    def close(self) -> None:
        """Close the connections; the Store cannot be used afterwards."""
        self._engine.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _advance_version(cur: Cursor) -> None:
    """Count one more figure-changing write in the database itself (inside the write's own transaction)."""
    cur.execute("UPDATE vz_engine.data_version SET version = version + 1")


def retry_conflicts(write: Callable[P, T]) -> Callable[P, T]:
    """Run a write function again when the database refused it for a conflict with another writer (at most
    CONFLICT_RETRIES more times, after a short growing pause); the last refusal reaches the caller."""

    @functools.wraps(write)
    def attempt(*args: P.args, **kwargs: P.kwargs) -> T:
        for retry in range(CONFLICT_RETRIES):
            try:
                return write(*args, **kwargs)
            except StoreConflict:
                time.sleep(0.01 * 2**retry)
        return write(*args, **kwargs)

    return attempt


def open_store(target: str | Path | None = None) -> Store:
    """Open (creating and migrating as needed) the database at target (a path or a postgresql:// URL), or the
    default one ($VZ_DATABASE_URL, $VZ_DB_PATH, data/vision_zero.duckdb)."""
    return Store(target if target is not None else default_target())
