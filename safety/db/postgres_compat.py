"""The few DuckDB functions our SQL uses that PostgreSQL lacks, defined in PostgreSQL with DuckDB's meaning, so one
SQL text serves both engines. The engine (re)creates them at every start, before the migrations; they are
functions, not schema, and carry no data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pyarrow as pa

from safety.db.cursors import Cursor

STATEMENTS: tuple[str, ...] = (
    # The engine's own bookkeeping, outside the application's schema (backups and copies never see it): the data
    # version every figure-changing write advances, so each process knows when its shared results are stale.
    "CREATE SCHEMA IF NOT EXISTS vz_engine",
    "CREATE TABLE IF NOT EXISTS vz_engine.data_version"
    " (id INTEGER PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL)",
    "INSERT INTO vz_engine.data_version VALUES (1, 0) ON CONFLICT (id) DO NOTHING",
    # list_contains(list, value): whether the value is an element of the list (false for NULL, as in DuckDB).
    """CREATE OR REPLACE FUNCTION list_contains(anycompatiblearray, anycompatible) RETURNS boolean
       LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT coalesce($2 = ANY($1), false)'""",
    """CREATE OR REPLACE FUNCTION list_distinct(anyarray) RETURNS anyarray
       LANGUAGE sql IMMUTABLE PARALLEL SAFE
       AS 'SELECT array_agg(DISTINCT x) FROM unnest($1) AS x WHERE x IS NOT NULL'""",
    "CREATE OR REPLACE FUNCTION year(date) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE "
    "AS 'SELECT CAST(extract(year FROM $1) AS integer)'",
    "CREATE OR REPLACE FUNCTION year(timestamp) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE "
    "AS 'SELECT CAST(extract(year FROM $1) AS integer)'",
    "CREATE OR REPLACE FUNCTION month(date) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE "
    "AS 'SELECT CAST(extract(month FROM $1) AS integer)'",
    "CREATE OR REPLACE FUNCTION month(timestamp) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE "
    "AS 'SELECT CAST(extract(month FROM $1) AS integer)'",
    # round(double, digits): PostgreSQL rounds only numeric to digits; both round halves away from zero.
    "CREATE OR REPLACE FUNCTION round(double precision, integer) RETURNS double precision LANGUAGE sql IMMUTABLE "
    "PARALLEL SAFE AS 'SELECT CAST(round(CAST($1 AS numeric), $2) AS double precision)'",
    "CREATE OR REPLACE FUNCTION starts_with(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE "
    "AS 'SELECT left($1, length($2)) = $2'",
    # json_extract_string(json, path with wildcards): the matched values as texts, as DuckDB gives for such paths.
    """CREATE OR REPLACE FUNCTION json_extract_string(json, text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
       AS 'SELECT array_agg(v #>> ''{}'') FROM jsonb_path_query(CAST($1 AS jsonb), CAST($2 AS jsonpath)) AS v'""",
    """CREATE OR REPLACE FUNCTION json_extract_string(text, text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
       AS 'SELECT array_agg(v #>> ''{}'') FROM jsonb_path_query(CAST($1 AS jsonb), CAST($2 AS jsonpath)) AS v'""",
    # any_value and first: the first non-NULL value of the group (in the ORDER BY given to first).
    """CREATE OR REPLACE FUNCTION vz_first_value(anyelement, anyelement) RETURNS anyelement
       LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT coalesce($1, $2)'""",
    "CREATE OR REPLACE AGGREGATE any_value(anyelement) (SFUNC = vz_first_value, STYPE = anyelement)",
    "CREATE OR REPLACE AGGREGATE first(anyelement) (SFUNC = vz_first_value, STYPE = anyelement)",
)


DIGEST = hashlib.sha256("\n".join(STATEMENTS).encode()).hexdigest()[:16]  # which definitions a database holds


def install(cur: Cursor, lock_writes: Callable[[Cursor], None]) -> None:
    """Define the functions unless the database already holds these very definitions (one read at most starts)."""
    held = cur.execute("SELECT obj_description(to_regclass('vz_engine.data_version'), 'pg_class')").fetchone()
    if held and held[0] == DIGEST:
        return
    cur.begin()
    try:
        lock_writes(cur)
        for statement in STATEMENTS:
            cur.execute(statement)
        cur.execute(f"COMMENT ON TABLE vz_engine.data_version IS '{DIGEST}'")  # hex digits only
    except BaseException:
        cur.rollback()
        raise
    cur.commit()


def pg_type(kind: pa.DataType) -> str:
    """The PostgreSQL column type for an Arrow type (a temporary table of loaded rows)."""
    if pa.types.is_boolean(kind):
        return "boolean"
    if pa.types.is_integer(kind):
        return "bigint"
    if pa.types.is_floating(kind):
        return "double precision"
    if pa.types.is_date(kind):
        return "date"
    if pa.types.is_timestamp(kind):
        return "timestamp"
    if pa.types.is_time(kind):
        return "time"
    if pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
        return "bytea"
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return pg_type(kind.value_type) + "[]"
    return "text"
