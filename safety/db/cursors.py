"""The cursor toolkit every SQL module uses: the cursor type, dict and Arrow fetches, and bulk inserts of a
DataFrame or an Arrow table through a registered view."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import duckdb
import pyarrow as pa

Cursor = duckdb.DuckDBPyConnection
T = TypeVar("T")


def fetch_dicts(cur: Cursor) -> list[dict[str, Any]]:
    """Return the rest of a cursor's result as dicts keyed by column name."""
    names = [d[0] for d in cur.description or ()]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def fetch_arrow(cur: Cursor, sql: str, params: Sequence[Any] = ()) -> pa.Table:
    """Run one parameterised read and return its result as an Arrow table: no Python object per value, for the
    reads of thousands of rows (the dashboard's league at national scale)."""
    cur.complete()  # a result of an earlier execute() on this cursor, not read to its end, would block sql()
    return cur.sql(sql, params=list(params)).to_arrow_table()


def frame(rows: list[dict[str, Any]], columns: dict[str, str]) -> Any:
    """A pandas DataFrame of `rows` with explicit dtypes per column ("object", "Int64", "Float64", "boolean"), so
    None stays NULL (never NaN) in integer columns."""
    import pandas as pd  # only bulk writers need it

    return pd.DataFrame({name: pd.Series([r.get(name) for r in rows], dtype=dtype) for name, dtype in columns.items()})


@contextmanager
def registered(cur: Cursor, name: str, data: Any) -> Iterator[None]:
    """`data` (a DataFrame or an Arrow table) readable as the view `name` on this cursor while the block runs."""
    cur.register(name, data)
    try:
        yield
    finally:
        cur.unregister(name)


def insert_frame(cur: Cursor, table: str, columns: dict[str, str], rows: list[dict[str, Any]]) -> None:
    """Insert many rows in one statement through a registered DataFrame (callers pass constant names only).

    `columns` maps each column to a pandas dtype (see `frame`).
    """
    if not rows:
        return
    insert_table(cur, table, frame(rows, columns), list(columns))


def insert_table(cur: Cursor, table: str, data: Any, names: Sequence[str]) -> None:
    """Insert every row of a DataFrame or Arrow table into `table`, the columns `names`, in one statement (callers
    pass constant names only)."""
    listed = ", ".join(names)
    with registered(cur, "incoming_rows", data):
        cur.execute(f"INSERT INTO {table} ({listed}) SELECT {listed} FROM incoming_rows")


def present(row: T | None) -> T:
    """A row the caller has just written or checked in this transaction: never None (that would be a bug)."""
    if row is None:
        raise LookupError("a row written or checked in this transaction is missing")
    return row
