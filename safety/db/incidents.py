"""SQL for incident cases and their imports."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa

from safety.db import evidence
from safety.db.cursors import Cursor, fetch_arrow, fetch_dicts, insert_frame, registered
from safety.db.summaries import CaseWrites

# The incidents table's writable columns with their pandas dtypes, for bulk inserts.
_TYPES = {
    "enterprise_id": "Int64",
    "occurred_on": "object",
    "occurred_at": "object",
    "kind": "object",
    "severity": "object",
    "lost_days": "Int64",
    "restricted_days": "Int64",
    "accident_no": "object",
    "place": "object",
    "description": "object",
    "cause": "object",
    "job_title": "object",
    "gender": "object",
    "age": "Int64",
    "experience_years": "Float64",
    "rule": "Int64",
    "external_id": "object",
    "person_name": "object",
    "fingerprint": "object",
    "import_id": "Int64",
    "created_by": "object",
}
# The columns that hold a case's own fields (safety/incidents/model.py's FIELDS; a test keeps the two equal).
CASE_COLUMNS = tuple(n for n in _TYPES if n not in ("enterprise_id", "fingerprint", "import_id", "created_by"))
INVESTIGATION = ("reported_on", "commission_on", "closed_on", "act_sent_on")
COLUMNS = (
    "i.id, i.enterprise_id, e.bin, "
    + ", ".join("i." + f for f in CASE_COLUMNS)
    + ", "
    + ", ".join("i." + f for f in INVESTIGATION)
    + ", i.fingerprint, i.import_id, i.created_by, i.created_at"
)


def insert_many(writes: CaseWrites, rows: list[dict[str, Any]]) -> None:
    """Insert many cases in one statement (with their investigation dates where the rows have them)."""
    dated = [n for n in INVESTIGATION if any(n in r for r in rows)]
    insert_frame(writes.cursor, "incidents", _TYPES | dict.fromkeys(dated, "object"), rows)
    writes.changed(r["enterprise_id"] for r in rows)


def insert(writes: CaseWrites, row: dict[str, Any]) -> int:
    """Insert one case and return its id."""
    names = list(_TYPES)
    result = writes.cursor.execute(
        f"INSERT INTO incidents ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)}) RETURNING id",
        [row.get(n) for n in names],
    ).fetchall()[0]
    writes.changed([row["enterprise_id"]])
    return int(result[0])


def update(writes: CaseWrites, incident_id: int, row: dict[str, Any]) -> None:
    """Overwrite a case's fields and fingerprint."""
    names = [*CASE_COLUMNS, "fingerprint"]
    cur = writes.cursor
    cur.execute(
        f"UPDATE incidents SET {', '.join(n + ' = ?' for n in names)} WHERE id = ?",
        [row.get(n) for n in names] + [incident_id],
    )
    writes.changed(_owner(cur, "SELECT enterprise_id FROM incidents WHERE id = ?", incident_id))


def set_investigation(writes: CaseWrites, enterprise_id: int, incident_ids: list[int], dates: dict[str, Any]) -> None:
    """Set the investigation dates on the cases of one accident."""
    writes.cursor.execute(
        f"UPDATE incidents SET {', '.join(n + ' = ?' for n in INVESTIGATION)} "
        "WHERE enterprise_id = ? AND list_contains(?, id)",
        [dates.get(n) for n in INVESTIGATION] + [enterprise_id, incident_ids],
    )
    writes.changed([enterprise_id])


def delete(writes: CaseWrites, incident_id: int) -> None:
    """Delete one case."""
    writes.changed(_owner(writes.cursor, "SELECT enterprise_id FROM incidents WHERE id = ?", incident_id))
    evidence.delete_of_incident(writes.cursor, incident_id)
    writes.cursor.execute("DELETE FROM incidents WHERE id = ?", [incident_id])


def _owner(cur: Cursor, query: str, key: int) -> list[int]:
    """The enterprise a case or an import belongs to (empty when it does not exist)."""
    return [r[0] for r in cur.execute(query, [key]).fetchall()]


def by_id(cur: Cursor, incident_id: int) -> dict[str, Any] | None:
    """Return a case, or None."""
    rows = fetch_dicts(
        cur.execute(
            f"SELECT {COLUMNS} FROM incidents i JOIN enterprises e ON e.id = i.enterprise_id WHERE i.id = ?",
            [incident_id],
        )
    )
    return rows[0] if rows else None


def select(
    cur: Cursor,
    *,
    enterprise_id: int | None = None,
    kind: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = 50_000,
) -> list[dict[str, Any]]:
    """List cases, newest first, with optional filters."""
    return fetch_dicts(
        cur.execute(
            f"SELECT {COLUMNS} FROM incidents i JOIN enterprises e ON e.id = i.enterprise_id "
            "WHERE (? IS NULL OR i.enterprise_id = ?) AND (? IS NULL OR i.kind = ?) "
            "AND (? IS NULL OR i.occurred_on >= ?) AND (? IS NULL OR i.occurred_on <= ?) "
            "ORDER BY i.occurred_on DESC, i.id DESC LIMIT ?",
            [enterprise_id, enterprise_id, kind, kind, since, since, until, until, limit],
        )
    )


def fingerprints(cur: Cursor, enterprise_id: int) -> set[str]:
    """Return the fingerprints of an enterprise's cases."""
    return {
        r[0]
        for r in cur.execute("SELECT fingerprint FROM incidents WHERE enterprise_id = ?", [enterprise_id]).fetchall()
    }


def insert_import(cur: Cursor, record: dict[str, Any]) -> int:
    """Record an import and return its id."""
    names = (
        "enterprise_id",
        "file_name",
        "sha256",
        "sheet",
        "profile",
        "username",
        "rows_read",
        "imported",
        "duplicates",
        "identical_in_file",
        "skipped",
        "rejected",
    )
    row = cur.execute(
        f"INSERT INTO incident_imports ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)}) RETURNING id",
        [record[n] for n in names],
    ).fetchall()[0]
    return int(row[0])


def imports(cur: Cursor, enterprise_id: int | None = None) -> list[dict[str, Any]]:
    """List imports, newest first."""
    return fetch_dicts(
        cur.execute(
            "SELECT m.*, e.bin FROM incident_imports m JOIN enterprises e ON e.id = m.enterprise_id "
            "WHERE ? IS NULL OR m.enterprise_id = ? ORDER BY m.id DESC",
            [enterprise_id, enterprise_id],
        )
    )


def import_by_id(cur: Cursor, import_id: int) -> dict[str, Any] | None:
    """Return one import, or None."""
    rows = fetch_dicts(cur.execute("SELECT * FROM incident_imports WHERE id = ?", [import_id]))
    return rows[0] if rows else None


def undo_import(writes: CaseWrites, import_id: int, username: str) -> int:
    """Delete an import's cases and mark it undone; return how many cases went."""
    cur = writes.cursor
    count = cur.execute("SELECT count(*) FROM incidents WHERE import_id = ?", [import_id]).fetchall()[0][0]
    evidence.delete_of_import(cur, import_id)
    cur.execute("DELETE FROM incidents WHERE import_id = ?", [import_id])
    writes.changed(_owner(cur, "SELECT enterprise_id FROM incident_imports WHERE id = ?", import_id))
    cur.execute(
        "UPDATE incident_imports SET undone_at = current_timestamp, undone_by = ? WHERE id = ?", [username, import_id]
    )
    return int(count)


def save_profile(cur: Cursor, enterprise_id: int, name: str, profile_json: str, username: str) -> None:
    """Insert or replace a named mapping profile of an enterprise."""
    cur.execute("DELETE FROM mapping_profiles WHERE enterprise_id = ? AND name = ?", [enterprise_id, name])
    cur.execute(
        "INSERT INTO mapping_profiles (enterprise_id, name, profile, saved_by) VALUES (?, ?, ?, ?)",
        [enterprise_id, name, profile_json, username],
    )


def profiles(cur: Cursor, enterprise_id: int) -> list[dict[str, Any]]:
    """Return an enterprise's saved mapping profiles."""
    return fetch_dicts(
        cur.execute(
            "SELECT name, CAST(profile AS VARCHAR) AS profile, saved_by, saved_at FROM mapping_profiles "
            "WHERE enterprise_id = ? ORDER BY name",
            [enterprise_id],
        )
    )


def insert_staged(writes: CaseWrites, cases: Any, enterprise_id: int, import_id: int, username: str) -> None:
    """Insert an import's new cases (an Arrow table of the case fields and fingerprint) in one statement."""
    names = ", ".join([*CASE_COLUMNS, "fingerprint"])
    with registered(writes.cursor, "staged_cases", cases):
        writes.cursor.execute(
            f"INSERT INTO incidents ({names}, enterprise_id, import_id, created_by) "
            f"SELECT {names}, ?, ?, ? FROM staged_cases",
            [enterprise_id, import_id, username],
        )
    writes.changed([enterprise_id])


def md5(texts: pa.Array) -> pa.Array:
    """The md5 of each text, hashed in bulk by an in-memory DuckDB of its own, whatever the store's engine."""
    import duckdb

    with duckdb.connect() as side:
        side.register("hash_input", pa.table({"text": texts}))
        return side.sql("SELECT md5(text) AS hash FROM hash_input").to_arrow_table().column("hash").combine_chunks()


def taken_fingerprints(cur: Cursor, enterprise_id: int, base: str, skip_id: int | None = None) -> set[str]:
    """The fingerprints of an enterprise's cases that start with `base` (all occurrences of one case), but the
    case `skip_id`'s own."""
    return {
        r[0]
        for r in cur.execute(
            "SELECT fingerprint FROM incidents WHERE enterprise_id = ? AND starts_with(fingerprint, ?) "
            "AND id IS DISTINCT FROM ?",
            [enterprise_id, base + ":", skip_id],
        ).fetchall()
    }


def stored_cases(cur: Cursor) -> pa.Table:
    """Every stored case's id, enterprise, fingerprint and fields, as an Arrow table."""
    return fetch_arrow(cur, f"SELECT id, enterprise_id, fingerprint, {', '.join(CASE_COLUMNS)} FROM incidents")


def renumber_fingerprints(cur: Cursor, ids: pa.Array, bases: pa.Array) -> None:
    """Give each case the fingerprint `base:n`, numbering the cases of an enterprise that share a base 1, 2, … in
    the order of their old numbers (then of their ids)."""
    with registered(cur, "new_bases", pa.table({"id": ids, "base": bases})):
        cur.execute("""
            UPDATE incidents SET fingerprint = numbered.print FROM (
                SELECT i.id, b.base || ':' || row_number() OVER (
                    PARTITION BY i.enterprise_id, b.base
                    ORDER BY CASE WHEN split_part(i.fingerprint, ':', 2) SIMILAR TO '[0-9]{1,9}'
                                  THEN CAST(split_part(i.fingerprint, ':', 2) AS INTEGER) END NULLS LAST, i.id) AS print
                FROM incidents i JOIN new_bases b ON b.id = i.id) AS numbered
            WHERE incidents.id = numbered.id""")
