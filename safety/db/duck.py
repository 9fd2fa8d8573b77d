"""The embedded engine: one DuckDB file (or :memory:), one connection per process, a cursor per call.

DuckDB lets one process open a file at a time; inside that process every cursor is its own connection to the
same database, so reads run beside the one writer the Store lets through.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from safety.db.cursors import Cursor
from safety.db.integrity import deep_check, quick_check
from safety.errors import SafetyError, StoreConflict, StoreDamaged, StoreError, StoreLocked

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


def full_path(path: str) -> str:
    """The file's full path, for a message that tells an administrator which file to move aside."""
    return path if path == ":memory:" else str(Path(path).resolve())


def translate_error(exc: duckdb.Error, path: str) -> SafetyError:
    """Turn a DuckDB error into the library's own error, with a message a user can act on."""
    text = str(exc)
    if isinstance(exc, duckdb.TransactionException) and "conflict" in text.lower():
        return StoreConflict(path=path, detail=text.splitlines()[0][:300])
    if isinstance(exc, duckdb.IOException) and ("lock" in text.lower()):
        pid = re.search(r"PID (\d+)", text)
        return StoreLocked(path=path, pid=pid.group(1) if pid else "?")
    if _DAMAGE.search(text):
        return StoreDamaged(path=full_path(path), detail=text.splitlines()[0][:300])
    return StoreError(path=path, detail=text.splitlines()[0][:300])


class DuckCursor(Cursor):
    """A DuckDB cursor behind the project's Cursor."""

    dialect = "duckdb"

    def __init__(self, raw: duckdb.DuckDBPyConnection):
        self._raw = raw

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        """Run one statement with `?` placeholders; return self."""
        self._raw.execute(sql, list(params))
        return self

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> Cursor:
        """Run one statement once per parameter row."""
        self._raw.executemany(sql, [list(r) for r in rows])
        return self

    def fetchone(self) -> tuple | None:
        """Return the next row, or None."""
        return self._raw.fetchone()

    def fetchall(self) -> list[tuple]:
        """Return the rest of the result."""
        return self._raw.fetchall()

    @property
    def description(self) -> Sequence[Sequence[Any]] | None:
        """The last result's columns."""
        return self._raw.description

    def arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        """Run one read and return an Arrow table."""
        self._raw.complete()  # a result of an earlier execute(), not read to its end, would block sql()
        return self._raw.sql(sql, params=list(params)).to_arrow_table()

    def load(self, name: str, data: pa.Table) -> None:
        """Register `data` as a view on this cursor."""
        self._raw.register(name, data)

    def unload(self, name: str) -> None:
        """Drop the registered view."""
        self._raw.unregister(name)

    def bulk_insert(self, table: str, data: pa.Table, names: Sequence[str]) -> None:
        """Insert through a registered view, in one statement."""
        listed = ", ".join(names)
        self.load("incoming_rows", data)
        try:
            self._raw.execute(f"INSERT INTO {table} ({listed}) SELECT {listed} FROM incoming_rows")
        finally:
            self.unload("incoming_rows")

    def begin(self) -> None:
        """BEGIN."""
        self._raw.begin()

    def commit(self) -> None:
        """COMMIT."""
        self._raw.commit()

    def rollback(self) -> None:
        """ROLLBACK."""
        self._raw.rollback()


class DuckEngine:
    """The DuckDB file a Store reads and writes."""

    dialect = "duckdb"
    shared = False  # only this process opens the file

    def __init__(self, path: str):
        self.path = path
        self.target = path
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = duckdb.connect(path, config=_CONFIG)
        except duckdb.Error as exc:
            raise translate_error(exc, path) from exc

    @contextmanager
    def cursor(self) -> Iterator[Cursor]:
        """Yield a fresh cursor (its own connection to the same database), closed afterwards."""
        raw = self._conn.cursor()
        try:
            yield DuckCursor(raw)
        except duckdb.Error as exc:
            raise translate_error(exc, self.path) from exc
        finally:
            raw.close()

    def lock_writes(self, cur: Cursor) -> None:
        """Nothing to do: the Store's lock already lets one writer of this process through at a time."""

    def check(self, *, thorough: bool = False) -> None:
        """Refuse a damaged file with StoreDamaged: the quick check always, a read of every value when thorough."""
        try:
            with self.cursor() as cur:
                quick_check(cur, self.path)
                if thorough:
                    deep_check(cur)
        except (duckdb.Error, SafetyError, ValueError) as exc:
            raise StoreDamaged(path=full_path(self.path), detail=str(exc).splitlines()[0][:300]) from exc

    def size(self) -> int | None:
        """The bytes of the file and its write-ahead log (None in memory or when the file is gone)."""
        main, wal = Path(self.path), Path(self.path + ".wal")
        if self.path == ":memory:" or not main.exists():
            return None
        return main.stat().st_size + (wal.stat().st_size if wal.exists() else 0)

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()
