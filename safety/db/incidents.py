"""SQL for incident cases and their imports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from safety.db.store import Cursor, fetch_dicts, insert_frame
from safety.incident_model import FIELDS, IDENTITY, TEXT_FIELDS


def _identity_part(name: str) -> str:
    if name in TEXT_FIELDS:  # text compared without case and with runs of spaces as one
        return f"coalesce(regexp_replace(lower(trim({name})), '\\s+', ' ', 'g'), '')"
    return f"coalesce(CAST({name} AS VARCHAR), '')"


# The case fingerprint before its occurrence number: a hash of the enterprise and the normalised fields. It is
# computed here, in SQL, for imports, manual entries and migrations alike, so every path agrees.
BASE_FINGERPRINT = ("md5(concat_ws(chr(31), CAST(enterprise_id AS VARCHAR), "
                    + ", ".join(_identity_part(n) for n in IDENTITY) + "))")
REFINGERPRINT = f"""UPDATE incidents SET fingerprint = numbered.print FROM (
    SELECT id, base || ':' || row_number() OVER (
        PARTITION BY enterprise_id, base
        ORDER BY TRY_CAST(split_part(fingerprint, ':', 2) AS INTEGER) NULLS LAST, id) AS print
    FROM (SELECT id, enterprise_id, fingerprint, {BASE_FINGERPRINT} AS base FROM incidents)
) AS numbered WHERE incidents.id = numbered.id"""
INVESTIGATION = ("reported_on", "commission_on", "closed_on", "act_sent_on")
COLUMNS = ("i.id, i.enterprise_id, e.bin, " + ", ".join("i." + f for f in FIELDS) + ", "
           + ", ".join("i." + f for f in INVESTIGATION) + ", i.fingerprint, i.import_id, i.created_by, i.created_at")
_SQL_TYPES = {"occurred_on": "DATE", "occurred_at": "TIME", "lost_days": "INTEGER", "restricted_days": "INTEGER",
              "age": "INTEGER", "experience_years": "DOUBLE", "rule": "INTEGER"} | {n: "VARCHAR" for n in TEXT_FIELDS}
_TYPES = {"enterprise_id": "Int64", "occurred_on": "object", "occurred_at": "object", "kind": "object",
          "severity": "object", "lost_days": "Int64", "restricted_days": "Int64", "accident_no": "object",
          "place": "object", "description": "object", "cause": "object", "job_title": "object", "gender": "object",
          "age": "Int64", "experience_years": "Float64", "rule": "Int64", "external_id": "object",
          "person_name": "object", "fingerprint": "object", "import_id": "Int64", "created_by": "object"}


def insert_many(cur: Cursor, rows: list[dict[str, Any]]) -> None:
    """Insert many cases in one statement."""
    insert_frame(cur, "incidents", _TYPES, rows)


def insert(cur: Cursor, row: dict[str, Any]) -> int:
    """Insert one case and return its id."""
    names = list(_TYPES)
    result = cur.execute(f"INSERT INTO incidents ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)}) "
                         "RETURNING id", [row.get(n) for n in names]).fetchone()
    return int(result[0])


def update(cur: Cursor, incident_id: int, row: dict[str, Any]) -> None:
    """Overwrite a case's fields and fingerprint."""
    names = [*FIELDS, "fingerprint"]
    cur.execute(f"UPDATE incidents SET {', '.join(n + ' = ?' for n in names)} WHERE id = ?",
                [row.get(n) for n in names] + [incident_id])


def set_investigation(cur: Cursor, enterprise_id: int, incident_ids: list[int], dates: dict[str, Any]) -> None:
    """Set the investigation dates on the cases of one accident."""
    cur.execute(f"UPDATE incidents SET {', '.join(n + ' = ?' for n in INVESTIGATION)} "
                "WHERE enterprise_id = ? AND list_contains(?, id)",
                [dates.get(n) for n in INVESTIGATION] + [enterprise_id, incident_ids])


def delete(cur: Cursor, incident_id: int) -> None:
    """Delete one case."""
    cur.execute("DELETE FROM incidents WHERE id = ?", [incident_id])


def by_id(cur: Cursor, incident_id: int) -> dict[str, Any] | None:
    """Return a case, or None."""
    rows = fetch_dicts(cur.execute(
        f"SELECT {COLUMNS} FROM incidents i JOIN enterprises e ON e.id = i.enterprise_id WHERE i.id = ?",
        [incident_id]))
    return rows[0] if rows else None


def select(cur: Cursor, *, enterprise_id: int | None = None, kind: str | None = None,
           since: dt.date | None = None, until: dt.date | None = None, limit: int = 50_000) -> list[dict[str, Any]]:
    """List cases, newest first, with optional filters."""
    return fetch_dicts(cur.execute(
        f"SELECT {COLUMNS} FROM incidents i JOIN enterprises e ON e.id = i.enterprise_id "
        "WHERE (? IS NULL OR i.enterprise_id = ?) AND (? IS NULL OR i.kind = ?) "
        "AND (? IS NULL OR i.occurred_on >= ?) AND (? IS NULL OR i.occurred_on <= ?) "
        "ORDER BY i.occurred_on DESC, i.id DESC LIMIT ?",
        [enterprise_id, enterprise_id, kind, kind, since, since, until, until, limit]))


def next_fingerprint(cur: Cursor, enterprise_id: int, record: dict[str, Any], skip_id: int | None = None) -> str:
    """The fingerprint a case entered by hand gets: its base plus the first occurrence number not yet taken."""
    values = ", ".join(f"CAST(? AS {_SQL_TYPES[n]}) AS {n}" for n in IDENTITY)
    base = cur.execute(f"SELECT {BASE_FINGERPRINT} FROM (SELECT CAST(? AS INTEGER) AS enterprise_id, {values})",
                       [enterprise_id, *(record.get(n) for n in IDENTITY)]).fetchone()[0]
    taken = {r[0] for r in cur.execute(
        "SELECT fingerprint FROM incidents WHERE enterprise_id = ? AND starts_with(fingerprint, ?) "
        "AND id IS DISTINCT FROM ?", [enterprise_id, base + ":", skip_id]).fetchall()}
    occurrence = 1
    while f"{base}:{occurrence}" in taken:
        occurrence += 1
    return f"{base}:{occurrence}"


def stage(cur: Cursor, enterprise_id: int, cases: Any) -> Any:
    """Fingerprint an import's checked cases (an Arrow table with source_row) against what is stored.

    Returns the cases in file order with `fingerprint`, `occurrence` (1 for the first of identical rows) and
    `duplicate` (the enterprise already holds that fingerprint).
    """
    cur.register("incoming_cases", cases)
    try:
        return cur.sql(f"""
            WITH based AS (
                SELECT *, {BASE_FINGERPRINT} AS base
                FROM (SELECT CAST(? AS INTEGER) AS enterprise_id, * FROM incoming_cases)),
            numbered AS (
                SELECT * EXCLUDE (enterprise_id),
                       row_number() OVER (PARTITION BY base ORDER BY source_row) AS occurrence
                FROM based)
            SELECT * EXCLUDE (base), base || ':' || occurrence AS fingerprint,
                   (base || ':' || occurrence) IN (SELECT fingerprint FROM incidents WHERE enterprise_id = ?)
                       AS duplicate
            FROM numbered ORDER BY source_row""", params=[enterprise_id, enterprise_id]).to_arrow_table()
    finally:
        cur.unregister("incoming_cases")


def insert_staged(cur: Cursor, cases: Any, enterprise_id: int, import_id: int, username: str) -> None:
    """Insert an import's new cases (a staged Arrow table) in one statement."""
    names = ", ".join([*FIELDS, "fingerprint"])
    cur.register("staged_cases", cases)
    try:
        cur.execute(f"INSERT INTO incidents ({names}, enterprise_id, import_id, created_by) "
                    f"SELECT {names}, ?, ?, ? FROM staged_cases", [enterprise_id, import_id, username])
    finally:
        cur.unregister("staged_cases")


def refingerprint(cur: Cursor) -> None:
    """Recompute every stored fingerprint (after a bulk insert that left them blank, or a new formula)."""
    cur.execute(REFINGERPRINT)


def insert_import(cur: Cursor, record: dict[str, Any]) -> int:
    """Record an import and return its id."""
    names = ("enterprise_id", "file_name", "sha256", "sheet", "profile", "username", "rows_read", "imported",
             "duplicates", "identical_in_file", "skipped", "rejected")
    row = cur.execute(f"INSERT INTO incident_imports ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)}) "
                      "RETURNING id", [record[n] for n in names]).fetchone()
    return int(row[0])


def imports(cur: Cursor, enterprise_id: int | None = None) -> list[dict[str, Any]]:
    """List imports, newest first."""
    return fetch_dicts(cur.execute(
        "SELECT m.*, e.bin FROM incident_imports m JOIN enterprises e ON e.id = m.enterprise_id "
        "WHERE ? IS NULL OR m.enterprise_id = ? ORDER BY m.id DESC", [enterprise_id, enterprise_id]))


def import_by_id(cur: Cursor, import_id: int) -> dict[str, Any] | None:
    """Return one import, or None."""
    rows = fetch_dicts(cur.execute("SELECT * FROM incident_imports WHERE id = ?", [import_id]))
    return rows[0] if rows else None


def undo_import(cur: Cursor, import_id: int, username: str) -> int:
    """Delete an import's cases and mark it undone; return how many cases went."""
    count = cur.execute("SELECT count(*) FROM incidents WHERE import_id = ?", [import_id]).fetchone()[0]
    cur.execute("DELETE FROM incidents WHERE import_id = ?", [import_id])
    cur.execute("UPDATE incident_imports SET undone_at = current_timestamp, undone_by = ? WHERE id = ?",
                [username, import_id])
    return int(count)


def save_profile(cur: Cursor, enterprise_id: int, name: str, profile_json: str, username: str) -> None:
    """Insert or replace a named mapping profile of an enterprise."""
    cur.execute("DELETE FROM mapping_profiles WHERE enterprise_id = ? AND name = ?", [enterprise_id, name])
    cur.execute("INSERT INTO mapping_profiles (enterprise_id, name, profile, saved_by) VALUES (?, ?, ?, ?)",
                [enterprise_id, name, profile_json, username])


def profiles(cur: Cursor, enterprise_id: int) -> list[dict[str, Any]]:
    """Return an enterprise's saved mapping profiles."""
    return fetch_dicts(cur.execute(
        "SELECT name, CAST(profile AS VARCHAR) AS profile, saved_by, saved_at FROM mapping_profiles "
        "WHERE enterprise_id = ? ORDER BY name", [enterprise_id]))


def insert_many_with_investigations(cur: Cursor, rows: list[dict[str, Any]]) -> None:
    """Insert many cases with their investigation dates (the demo)."""
    insert_frame(cur, "incidents", _TYPES | {n: "object" for n in INVESTIGATION}, rows)
