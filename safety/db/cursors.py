"""The cursor every SQL module uses, whatever the engine: parameterised execute and fetches, Arrow reads, data made
readable as a table for one statement, and bulk inserts of a DataFrame or an Arrow table.

SQL is written once, with `?` placeholders, in the subset DuckDB and PostgreSQL share (plus the few functions
`safety/db/postgres_compat.py` gives PostgreSQL). Each engine's cursor class lives beside its engine.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import pyarrow as pa

T = TypeVar("T")


class Cursor(ABC):
    """One connection's cursor; the only way SQL reaches a database."""

    dialect: str = ""  # "duckdb" or "postgresql"

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        """Run one statement with `?` placeholders; return self, ready to fetch."""

    @abstractmethod
    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> Cursor:
        """Run one statement once per parameter row."""

    @abstractmethod
    def fetchone(self) -> tuple | None:
        """Return the next row of the last result, or None."""

    @abstractmethod
    def fetchall(self) -> list[tuple]:
        """Return the rest of the last result."""

    @property
    @abstractmethod
    def description(self) -> Sequence[Sequence[Any]] | None:
        """The last result's columns (name first), as DB-API describes them."""

    @abstractmethod
    def arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        """Run one read and return its result as an Arrow table."""

    @abstractmethod
    def load(self, name: str, data: pa.Table) -> None:
        """Make `data` readable as the table `name` on this cursor until `unload`."""

    @abstractmethod
    def unload(self, name: str) -> None:
        """Forget what `load` made readable."""

    @abstractmethod
    def bulk_insert(self, table: str, data: pa.Table, names: Sequence[str]) -> None:
        """Insert every row of `data` into `table`, the columns `names` (constant names only)."""

    @abstractmethod
    def begin(self) -> None:
        """Start a transaction."""

    @abstractmethod
    def commit(self) -> None:
        """Commit the transaction."""

    @abstractmethod
    def rollback(self) -> None:
        """Roll the transaction back."""


def fetch_dicts(cur: Cursor) -> list[dict[str, Any]]:
    """Return the rest of a cursor's result as dicts keyed by column name."""
    names = [d[0] for d in cur.description or ()]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def fetch_arrow(cur: Cursor, sql: str, params: Sequence[Any] = ()) -> pa.Table:
    """Run one parameterised read and return its result as an Arrow table: no Python object per value, for the
    reads of thousands of rows (the dashboard's league at national scale)."""
    return cur.arrow(sql, params)


def frame(rows: list[dict[str, Any]], columns: dict[str, str]) -> Any:
    """A pandas DataFrame of `rows` with explicit dtypes per column ("object", "Int64", "Float64", "boolean"), so
    None stays NULL (never NaN) in integer columns."""
    import pandas as pd  # only bulk writers need it

    return pd.DataFrame({name: pd.Series([r.get(name) for r in rows], dtype=dtype) for name, dtype in columns.items()})


def as_arrow(data: Any) -> pa.Table:
    """An Arrow table of a DataFrame or Arrow table."""
    return data if isinstance(data, pa.Table) else pa.Table.from_pandas(data, preserve_index=False)


@contextmanager
def registered(cur: Cursor, name: str, data: Any) -> Iterator[None]:
    """`data` (a DataFrame or an Arrow table) readable as the table `name` on this cursor while the block runs."""
    cur.load(name, as_arrow(data))
    try:
        yield
    finally:
        cur.unload(name)


def insert_frame(cur: Cursor, table: str, columns: dict[str, str], rows: list[dict[str, Any]]) -> None:
    """Insert many rows at once (callers pass constant names only). `columns` maps each column to a pandas dtype
    (see `frame`)."""
    if not rows:
        return
    insert_table(cur, table, frame(rows, columns), list(columns))


def insert_table(cur: Cursor, table: str, data: Any, names: Sequence[str]) -> None:
    """Insert every row of a DataFrame or Arrow table into `table`, the columns `names` (constant names only)."""
    cur.bulk_insert(table, as_arrow(data), list(names))


def present(row: T | None) -> T:
    """A row the caller has just written or checked in this transaction: never None (that would be a bug)."""
    if row is None:
        raise LookupError("a row written or checked in this transaction is missing")
    return row
