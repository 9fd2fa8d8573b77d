"""The Store: owns the one DuckDB connection, hands out a cursor per call, wraps writes in transactions.

The write discipline lives here, in one place. Write transactions from every session of the process run one at a
time (a lock, as datasette's single write thread); reads run alongside them. A conflict the database still reports
becomes `StoreConflict`, and `retry_conflicts` runs a whole write again, a bounded number of times, before the
error reaches the user. A store on another engine keeps its own discipline behind the same two names.
"""

from __future__ import annotations

import functools
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import duckdb

from safety.db.cursors import Cursor, fetch_dicts
from safety.db.integrity import deep_check, quick_check
from safety.db.migrations import migrate as run_migrations
from safety.db.results import SharedResults
from safety.errors import SafetyError, StoreConflict, StoreDamaged, StoreError, StoreLocked

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "vision_zero.duckdb"
ENV_DB_PATH = "VZ_DB_PATH"
CONFLICT_RETRIES = 3  # further attempts of a write the database refused for a conflict
# What DuckDB says about a file that is cut short, overwritten or of another kind (a SQLite file makes it look for
# the sqlite extension, which it may not fetch).
_DAMAGE = re.compile(
    r"not a valid DuckDB database|Corrupt database file|Could not read enough bytes|checksum|extension .* not found",
    re.IGNORECASE,
)
# Nothing is ever downloaded or loaded behind our back: a foreign file must not make DuckDB reach the internet.
_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}
P = ParamSpec("P")
T = TypeVar("T")


def default_db_path() -> Path:
    """Return the database path: $VZ_DB_PATH when set, else data/vision_zero.duckdb."""
    env = os.environ.get(ENV_DB_PATH, "").strip()
    return Path(env).expanduser() if env else DEFAULT_DB_PATH


def translate_error(exc: duckdb.Error, path: str) -> SafetyError:
    """Turn a DuckDB error into the library's own error, with a message a user can act on."""
    text = str(exc)
    if isinstance(exc, duckdb.TransactionException) and "conflict" in text.lower():
        return StoreConflict(path=path, detail=text.splitlines()[0][:300])
    if isinstance(exc, duckdb.IOException) and ("lock" in text.lower()):
        pid = re.search(r"PID (\d+)", text)
        return StoreLocked(path=path, pid=pid.group(1) if pid else "?")
    if _DAMAGE.search(text):
        return StoreDamaged(path=_full(path), detail=text.splitlines()[0][:300])
    return StoreError(path=path, detail=text.splitlines()[0][:300])


def _full(path: str) -> str:
    """The file's full path, for a message that tells an administrator which file to move aside."""
    return path if path == ":memory:" else str(Path(path).resolve())


class Store:
    """One embedded DuckDB database; the only object in the project that holds a connection."""

    def __init__(self, path: str | Path, *, migrate: bool = True):
        self.path = str(path)
        self._writer = threading.RLock()  # one write transaction at a time in this process
        self.data_version = 0  # advanced by every committed write that may change a figure; shared results key on it
        self.results = SharedResults()
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = duckdb.connect(self.path, config=_CONFIG)
        except duckdb.Error as exc:
            raise translate_error(exc, self.path) from exc
        try:
            self.check()
        except BaseException:
            self.close()
            raise
        if migrate:
            try:
                run_migrations(self)
            except BaseException:
                self.close()
                raise

    @contextmanager
    def cursor(self) -> Iterator[Cursor]:
        """Yield a fresh cursor (its own connection to the same database), closed afterwards."""
        cur = self._conn.cursor()
        try:
            yield cur
        except duckdb.Error as exc:
            raise translate_error(exc, self.path) from exc
        finally:
            cur.close()

    @contextmanager
    def transaction(self, *, changes_figures: bool = True) -> Iterator[Cursor]:
        """Yield a cursor inside BEGIN … COMMIT, one writer at a time; any exception rolls everything back. A write
        that only keeps sign-in state (sessions, failed attempts, the last sign-in) passes changes_figures=False and
        leaves the shared results valid: no figure, list or chart reads those columns."""
        with self._writer, self.cursor() as cur:
            cur.begin()
            try:
                yield cur
            except BaseException:
                cur.rollback()
                raise
            cur.commit()
            if changes_figures:
                self.data_version += 1

    def check(self, *, thorough: bool = False) -> None:
        """Refuse a damaged file with StoreDamaged: the quick check (its length, every table's row count) always,
        and with thorough=True a read of every stored value, which verifies every block's checksum."""
        try:
            with self._conn.cursor() as cur:
                quick_check(cur, self.path)
                if thorough:
                    deep_check(cur)
        except (duckdb.Error, ValueError) as exc:
            raise StoreDamaged(path=_full(self.path), detail=str(exc).splitlines()[0][:300]) from exc

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """Run one parameterised read and return all rows as tuples."""
        with self.cursor() as cur:
            return cur.execute(sql, list(params)).fetchall()

    def query_dicts(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run one parameterised read and return all rows as dicts keyed by column name."""
        with self.cursor() as cur:
            return fetch_dicts(cur.execute(sql, list(params)))

    def close(self) -> None:
        """Close the connection; the Store cannot be used afterwards."""
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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


def open_store(path: str | Path | None = None) -> Store:
    """Open (creating and migrating as needed) the database at path, or at the default path."""
    return Store(path if path is not None else default_db_path())
