"""SQL for incident cases and their imports."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from safety.db import incident_counts as counts
from safety.db.store import Cursor, fetch_arrow, fetch_dicts, insert_frame, registered
from safety.incidents.model import FIELDS, IDENTITY, TEXT_FIELDS

INVESTIGATION = ("reported_on", "commission_on", "closed_on", "act_sent_on")
COLUMNS = ("i.id, i.enterprise_id, e.bin, " + ", ".join("i." + f for f in FIELDS) + ", "
           + ", ".join("i." + f for f in INVESTIGATION) + ", i.fingerprint, i.import_id, i.created_by, i.created_at")
_TYPES = {"enterprise_id": "Int64", "occurred_on": "object", "occurred_at": "object", "kind": "object",
          "severity": "object", "lost_days": "Int64", "restricted_days": "Int64", "accident_no": "object",
          "place": "object", "description": "object", "cause": "object", "job_title": "object", "gender": "object",
          "age": "Int64", "experience_years": "Float64", "rule": "Int64", "external_id": "object",
          "person_name": "object", "fingerprint": "object", "import_id": "Int64", "created_by": "object"}


def insert_many(cur: Cursor, rows: list[dict[str, Any]]) -> None:
    """Insert many cases in one statement."""
    insert_frame(cur, "incidents", _TYPES, rows)
    counts.refresh(cur, (r["enterprise_id"] for r in rows))


def insert(cur: Cursor, row: dict[str, Any]) -> int:
    """Insert one case and return its id."""
    names = list(_TYPES)
    result = cur.execute(f"INSERT INTO incidents ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)}) "
                         "RETURNING id", [row.get(n) for n in names]).fetchone()
    counts.refresh(cur, [row["enterprise_id"]])
    return int(result[0])


def update(cur: Cursor, incident_id: int, row: dict[str, Any]) -> None:
    """Overwrite a case's fields and fingerprint."""
    names = [*FIELDS, "fingerprint"]
    cur.execute(f"UPDATE incidents SET {', '.join(n + ' = ?' for n in names)} WHERE id = ?",
                [row.get(n) for n in names] + [incident_id])
    counts.refresh(cur, _owner(cur, "SELECT enterprise_id FROM incidents WHERE id = ?", incident_id))


def set_investigation(cur: Cursor, enterprise_id: int, incident_ids: list[int], dates: dict[str, Any]) -> None:
    """Set the investigation dates on the cases of one accident."""
    cur.execute(f"UPDATE incidents SET {', '.join(n + ' = ?' for n in INVESTIGATION)} "
                "WHERE enterprise_id = ? AND list_contains(?, id)",
                [dates.get(n) for n in INVESTIGATION] + [enterprise_id, incident_ids])
    counts.refresh(cur, [enterprise_id])


def delete(cur: Cursor, incident_id: int) -> None:
    """Delete one case."""
    owner = _owner(cur, "SELECT enterprise_id FROM incidents WHERE id = ?", incident_id)
    cur.execute("DELETE FROM incidents WHERE id = ?", [incident_id])
    counts.refresh(cur, owner)


def _owner(cur: Cursor, query: str, key: int) -> list[int]:
    """The enterprise a case or an import belongs to (empty when it does not exist)."""
    return [r[0] for r in cur.execute(query, [key]).fetchall()]


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


def fingerprints(cur: Cursor, enterprise_id: int) -> set[str]:
    """Return the fingerprints of an enterprise's cases."""
    return {r[0] for r in cur.execute("SELECT fingerprint FROM incidents WHERE enterprise_id = ?",
                                      [enterprise_id]).fetchall()}


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
    counts.refresh(cur, _owner(cur, "SELECT enterprise_id FROM incident_imports WHERE id = ?", import_id))
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
    counts.refresh(cur, (r["enterprise_id"] for r in rows))


def insert_staged(cur: Cursor, cases: Any, enterprise_id: int, import_id: int, username: str) -> None:
    """Insert an import's new cases (an Arrow table of the case fields and fingerprint) in one statement."""
    names = ", ".join([*FIELDS, "fingerprint"])
    with registered(cur, "staged_cases", cases):
        cur.execute(f"INSERT INTO incidents ({names}, enterprise_id, import_id, created_by) "
                    f"SELECT {names}, ?, ?, ? FROM staged_cases", [enterprise_id, import_id, username])
    counts.refresh(cur, [enterprise_id])


# Arrow types of the case fields, for bulk inserts and fingerprints.
ARROW_TYPES = {"occurred_on": pa.date32(), "occurred_at": pa.time64("us"), "lost_days": pa.int32(),
               "restricted_days": pa.int32(), "age": pa.int32(), "experience_years": pa.float64(),
               "rule": pa.int32()} | {name: pa.string() for name in TEXT_FIELDS}
_SPACE = r"\s\x{0B}\x{1C}-\x{1F}\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}"
_ODD_SPACE = f"[{_SPACE}]{{2}}|[{_SPACE[2:]}\\t\\n\\r\\f]|^ | $"  # a run, a space that is not " ", an edge space


def case_table(columns: dict[str, list[Any]]) -> pa.Table:
    """The case fields (one list per field, all the same length; a missing field is empty) as an Arrow table."""
    count = len(next(iter(columns.values())))
    return pa.table({name: case_array(name, columns.get(name, [None] * count)) for name in FIELDS})


def case_array(name: str, values: list[Any]) -> pa.Array:
    """One case field's values as an Arrow array (a field with no value at all costs nothing)."""
    if values and values[0] is None and values.count(None) == len(values):
        return pa.nulls(len(values), ARROW_TYPES[name])
    return pa.array(values, ARROW_TYPES[name])


FINGERPRINT_BATCH = 100_000  # cases hashed at a time, so a million-row import never holds all the texts at once


def base_fingerprints(cur: Cursor, enterprise_id: int | pa.Array, cases: pa.Table) -> pa.Array:
    """The fingerprint of each case before its occurrence number: an md5 of the enterprise and the identity
    fields, text lower-cased with each run of spaces as one (so a retyped log still matches)."""
    batches = []
    for start in range(0, max(cases.num_rows, 1), FINGERPRINT_BATCH):
        ids = enterprise_id if isinstance(enterprise_id, int) else enterprise_id.slice(start, FINGERPRINT_BATCH)
        batches.append(_base_batch(cur, ids, cases.slice(start, FINGERPRINT_BATCH)))
    return pa.concat_arrays(batches)


def _base_batch(cur: Cursor, enterprise_id: int | pa.Array, cases: pa.Table) -> pa.Array:
    parts: list[Any] = [pa.scalar(str(enterprise_id)) if isinstance(enterprise_id, int)
                        else pc.cast(enterprise_id, pa.string())]
    for name in IDENTITY:
        column = cases.column(name).combine_chunks()
        if pa.types.is_string(column.type):
            sample = column.slice(0, 1000).to_pylist()
            if len(set(sample)) * 2 < len(sample):  # few distinct values (a shop, a job): tidy each once
                coded = column.dictionary_encode()
                column = pc.take(_tidy(coded.dictionary), coded.indices)
            else:
                column = _tidy(column)
        else:
            column = pc.cast(column, pa.string())
        parts.append(pc.fill_null(column, "\x00"))
    # A side connection: DuckDB keeps what a connection registered until the connection closes, and the joined
    # texts of a million-row import would otherwise stay in memory for the whole transaction.
    with cur.cursor() as side:
        side.register("fingerprint_input", pa.table({"text": pc.binary_join_element_wise(*parts, "\x1f")}))
        return fetch_arrow(side, "SELECT md5(text) AS base FROM fingerprint_input").column("base").combine_chunks()


def _tidy(text: Any) -> Any:
    """Text as the fingerprint compares it: lower case, each run of spaces as one space, no edge spaces."""
    text = pc.utf8_lower(text)
    odd = pc.fill_null(pc.match_substring_regex(text, _ODD_SPACE), False)
    if not pc.any(odd).as_py():
        return text
    tidy = pc.utf8_trim_whitespace(pc.replace_substring_regex(pc.filter(text, odd), f"[{_SPACE}]+", " "))
    if isinstance(tidy, pa.ChunkedArray):
        tidy = tidy.combine_chunks()
    return pc.replace_with_mask(text, odd, tidy)


def next_fingerprint(cur: Cursor, enterprise_id: int, record: dict[str, Any], skip_id: int | None = None) -> str:
    """The fingerprint of a case entered by hand: its base plus the first occurrence number not yet taken."""
    base = base_fingerprints(cur, enterprise_id, case_table({name: [record.get(name)] for name in FIELDS}))[0].as_py()
    taken = {r[0] for r in cur.execute(
        "SELECT fingerprint FROM incidents WHERE enterprise_id = ? AND starts_with(fingerprint, ?) "
        "AND id IS DISTINCT FROM ?", [enterprise_id, base + ":", skip_id]).fetchall()}
    occurrence = 1
    while f"{base}:{occurrence}" in taken:
        occurrence += 1
    return f"{base}:{occurrence}"


def refingerprint(cur: Cursor) -> None:
    """Recompute every stored fingerprint, keeping identical cases numbered in their order (a migration step
    when the formula changes, and after the demo's bulk insert)."""
    stored = fetch_arrow(cur, f"SELECT id, enterprise_id, fingerprint, {', '.join(FIELDS)} FROM incidents")
    if not stored.num_rows:
        return
    cases = case_table({name: stored.column(name).to_pylist() for name in FIELDS})
    bases = base_fingerprints(cur, stored.column("enterprise_id").combine_chunks(), cases)
    with registered(cur, "new_bases", pa.table({"id": stored.column("id"), "base": bases})):
        cur.execute("""
            UPDATE incidents SET fingerprint = numbered.print FROM (
                SELECT i.id, b.base || ':' || row_number() OVER (
                    PARTITION BY i.enterprise_id, b.base
                    ORDER BY TRY_CAST(split_part(i.fingerprint, ':', 2) AS INTEGER) NULLS LAST, i.id) AS print
                FROM incidents i JOIN new_bases b ON b.id = i.id) AS numbered
            WHERE incidents.id = numbered.id""")
