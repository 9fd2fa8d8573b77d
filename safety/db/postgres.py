"""The shared engine: a PostgreSQL database that several app processes and commands use at once (psycopg 3 and
psycopg-pool; COPY for bulk rows).

The project's SQL is written with `?` placeholders; the cursor turns them into psycopg's `%s` (and doubles every
literal `%`) once per statement text. Writers from every process take one transaction-scoped advisory lock, so
writes run one at a time across the deployment as they do inside one process on DuckDB, while reads run freely.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
import pyarrow as pa
from psycopg import errors as pg_errors
from psycopg.adapt import Loader
from psycopg.types.string import TextLoader
from psycopg_pool import ConnectionPool, PoolTimeout

from safety.db import postgres_compat
from safety.db.cursors import Cursor
from safety.db.targets import shown
from safety.errors import SafetyError, StoreConflict, StoreDamaged, StoreError, StoreUnreachable

WRITE_LOCK = 0x565A_0017  # the advisory lock every write transaction holds ("VZ", issue 17)
ENV_POOL_SIZE = "VZ_PG_POOL_SIZE"
_COPY_BATCH = 50_000  # rows turned into Python values at once by bulk_insert
# Arrow types for the PostgreSQL types our tables and queries return; others are inferred from the values.
_ARROW = {
    "int2": pa.int16(),
    "int4": pa.int32(),
    "int8": pa.int64(),
    "float4": pa.float32(),
    "float8": pa.float64(),
    "numeric": pa.float64(),
    "bool": pa.bool_(),
    "text": pa.string(),
    "varchar": pa.string(),
    "json": pa.string(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us"),
    "timestamptz": pa.timestamp("us", tz="UTC"),
    "time": pa.time64("us"),
    "bytea": pa.binary(),
}
_STRING = re.compile(r"('(?:[^']|'')*')")


@functools.lru_cache(maxsize=4096)
def psycopg_sql(sql: str) -> str:
    """The statement for psycopg: every `?` outside a string literal becomes `%s`, every `%` becomes `%%`."""
    parts = _STRING.split(sql.replace("%", "%%"))
    return "".join(part if i % 2 else part.replace("?", "%s") for i, part in enumerate(parts))


class _NumericLoader(Loader):
    """numeric as int when whole (sum of integers), else float: DuckDB's HUGEINT and DOUBLE, not Decimal."""

    def load(self, data: Any) -> int | float:
        """Parse one numeric value."""
        text = bytes(data).decode()
        return float(text) if any(ch in text for ch in ".eEN") else int(text)


def _configure(conn: psycopg.Connection) -> None:
    """Make a new pooled connection return the same Python values as DuckDB does."""
    conn.adapters.register_loader("numeric", _NumericLoader)
    conn.adapters.register_loader("json", TextLoader)
    conn.adapters.register_loader("jsonb", TextLoader)


def translate_error(exc: BaseException, target: str) -> SafetyError:
    """Turn a psycopg error into the library's own error, with a message a user can act on."""
    text = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, pg_errors.SerializationFailure | pg_errors.DeadlockDetected | pg_errors.LockNotAvailable):
        return StoreConflict(path=target, detail=text)
    if isinstance(exc, psycopg.OperationalError | PoolTimeout) and not isinstance(exc, pg_errors.QueryCanceled):
        return StoreUnreachable(path=target, detail=text)
    if isinstance(exc, pg_errors.DataCorrupted | pg_errors.IndexCorrupted):
        return StoreDamaged(path=target, detail=text)
    return StoreError(path=target, detail=text)


class PgCursor(Cursor):
    """A psycopg cursor behind the project's Cursor."""

    dialect = "postgresql"

    def __init__(self, conn: psycopg.Connection):
        self._conn = conn
        # Parameters are bound by psycopg on the client, quoted as literals: our SQL's `? IS NULL` filters then
        # work as in DuckDB (a NULL sent apart from the statement has no type PostgreSQL could infer). File
        # contents go as binary parameters instead (`_binary`).
        self._raw: psycopg.Cursor = psycopg.ClientCursor(conn)
        self._binary: psycopg.Cursor | None = None
        self._last: psycopg.Cursor = self._raw

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        """Run one statement with `?` placeholders; return self."""
        if not params:
            self._use(self._raw).execute(sql)  # type: ignore[arg-type]  # our SQL is constant text
        elif any(isinstance(p, bytes | bytearray | memoryview) for p in params):
            if self._binary is None:
                self._binary = self._conn.cursor()
            self._use(self._binary).execute(psycopg_sql(sql), list(params))  # type: ignore[arg-type]
        else:
            self._use(self._raw).execute(psycopg_sql(sql), list(params))  # type: ignore[arg-type]
        return self

    def _use(self, cursor: psycopg.Cursor) -> psycopg.Cursor:
        """Make `cursor` the one later fetches read from."""
        self._last = cursor
        return cursor

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> Cursor:
        """Run one statement once per parameter row (pipelined by psycopg)."""
        self._raw.executemany(psycopg_sql(sql), [list(r) for r in rows])  # type: ignore[arg-type]
        return self

    def fetchone(self) -> tuple | None:
        """Return the next row, or None."""
        return self._last.fetchone() if self._last.description else None

    def fetchall(self) -> list[tuple]:
        """Return the rest of the result."""
        return self._last.fetchall() if self._last.description else []

    @property
    def description(self) -> Sequence[Sequence[Any]] | None:
        """The last result's columns."""
        return self._last.description

    def arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        """Run one read and return an Arrow table typed after the result's columns."""
        self.execute(sql, params)
        described = self._last.description or []
        rows = self._last.fetchall()
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in described]
        arrays = {}
        for column, values in zip(described, columns, strict=True):
            arrays[column.name] = pa.array(list(values), type=self._arrow_type(column.type_code))
        return pa.table(arrays)

    def _arrow_type(self, oid: int) -> pa.DataType | None:
        """The Arrow type of a PostgreSQL result column (None: inferred from the values)."""
        info = self._conn.adapters.types.get(oid)
        if info is None:
            return None
        element = _ARROW.get(info.name)
        if oid == info.array_oid:  # an array of that type
            return pa.list_(element) if element is not None else None
        return element

    def load(self, name: str, data: pa.Table) -> None:
        """Copy `data` into a temporary table `name` (dropped by `unload`)."""
        columns = ", ".join(f'"{field.name}" {postgres_compat.pg_type(field.type)}' for field in data.schema)
        self._raw.execute(f'CREATE TEMPORARY TABLE "{name}" ({columns})')  # type: ignore[arg-type]
        self.bulk_insert(f'"{name}"', data, [f'"{n}"' for n in data.column_names])

    def unload(self, name: str) -> None:
        """Drop the temporary table (a failed transaction's rollback drops it by itself)."""
        if self._conn.info.transaction_status == psycopg.pq.TransactionStatus.INERROR:
            return
        self._raw.execute(f'DROP TABLE IF EXISTS "{name}"')  # type: ignore[arg-type]

    def bulk_insert(self, table: str, data: pa.Table, names: Sequence[str]) -> None:
        """COPY the rows in: one statement for the whole table, converted to Python values a batch at a time."""
        if data.num_rows == 0:
            return
        wanted = data.select([n.strip('"') for n in names])
        with self._raw.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:  # type: ignore[arg-type]
            for batch in wanted.to_batches(max_chunksize=_COPY_BATCH):
                for row in zip(*(column.to_pylist() for column in batch.columns), strict=True):
                    copy.write_row(row)

    def begin(self) -> None:
        """BEGIN."""
        self._raw.execute("BEGIN")

    def commit(self) -> None:
        """COMMIT."""
        self._raw.execute("COMMIT")

    def rollback(self) -> None:
        """ROLLBACK (nothing to do when the connection is already out of a transaction)."""
        if self._conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            self._raw.execute("ROLLBACK")

    def close(self) -> None:
        """Close the psycopg cursors."""
        self._raw.close()
        if self._binary is not None:
            self._binary.close()


class PgEngine:
    """A PostgreSQL database a Store reads and writes through a pool of connections."""

    dialect = "postgresql"
    shared = True  # other processes may write to the same database

    def __init__(self, url: str):
        self.url = url
        self.target = shown(url)
        self.path = self.target
        size = int(os.environ.get(ENV_POOL_SIZE, "10") or 10)
        try:
            self._pool = ConnectionPool(
                url,
                min_size=1,
                max_size=max(size, 2),
                # JIT compiling cost the dashboard's queries 0.2-3.5 s each at national scale (bench/pg_bench.py)
                kwargs={"autocommit": True, "options": "-c TimeZone=UTC -c jit=off"},
                configure=_configure,
                timeout=30,
                open=False,
            )
            self._pool.open(wait=True, timeout=10)
        except (psycopg.Error, PoolTimeout) as exc:
            raise translate_error(exc, self.target) from exc
        try:
            with self.cursor() as cur:
                postgres_compat.install(cur, self.lock_writes)
        except BaseException:
            self.close()
            raise

    @contextmanager
    def cursor(self) -> Iterator[Cursor]:
        """Yield a cursor on a pooled connection; the connection goes back to the pool outside any transaction."""
        try:
            conn = self._pool.getconn()
        except (psycopg.Error, PoolTimeout) as exc:
            raise translate_error(exc, self.target) from exc
        cur = PgCursor(conn)
        try:
            yield cur
        except psycopg.Error as exc:
            raise translate_error(exc, self.target) from exc
        finally:
            try:
                cur.rollback()
                cur.close()
            except psycopg.Error:
                pass
            self._pool.putconn(conn)

    def lock_writes(self, cur: Cursor) -> None:
        """Wait for, then hold until the transaction ends, the one write lock every process shares."""
        cur.execute("SELECT pg_advisory_xact_lock(?)", [WRITE_LOCK])

    def check(self, *, thorough: bool = False) -> None:
        """Reach the server; with thorough=True read every stored value of every table."""
        from safety.db.integrity import deep_check

        with self.cursor() as cur:
            cur.execute("SELECT 1").fetchall()
            if thorough:
                deep_check(cur)

    def size(self) -> int | None:
        """The database's size in bytes, as the server counts it."""
        with self.cursor() as cur:
            row = cur.execute("SELECT pg_database_size(current_database())").fetchone()
        return int(row[0]) if row else None

    def close(self) -> None:
        """Close every pooled connection."""
        self._pool.close()
