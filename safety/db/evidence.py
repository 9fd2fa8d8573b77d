"""SQL for evidence files: the files attached to an answer, a case or an action, their content kept as BLOBs."""

from __future__ import annotations

from typing import Any

from safety.db.cursors import Cursor, fetch_dicts

# What a file is attached to -> the column holding that record's id (an answer is also known by its item_id).
OWNER_COLUMNS = {"answer": "assessment_id", "incident": "incident_id", "action": "action_id"}
FIELDS = (
    "enterprise_id",
    "attached_to",
    "assessment_id",
    "item_id",
    "incident_id",
    "action_id",
    "file_name",
    "content_type",
    "size_bytes",
    "sha256",
    "content",
    "thumbnail",
    "uploaded_by",
    "uploaded_at",
)
# Everything but the content: lists carry the small thumbnail, never the file itself.
LISTED = ", ".join(f for f in ("id", *FIELDS) if f != "content")


def _owner(attached_to: str) -> str:
    """The id column of what a file is attached to (from the constant, never from input)."""
    return OWNER_COLUMNS[attached_to]


def insert(cur: Cursor, record: dict[str, Any]) -> int:
    """Store one file and return its id."""
    row = cur.execute(
        f"INSERT INTO evidence_files ({', '.join(FIELDS)}) VALUES ({', '.join('?' for _ in FIELDS)}) RETURNING id",
        [record.get(f) for f in FIELDS],
    ).fetchall()[0]
    return int(row[0])


def attached(cur: Cursor, attached_to: str, owner_id: int, item_id: str | None = None) -> list[dict[str, Any]]:
    """List the files of one answer (assessment and item), case or action, oldest first, without their content."""
    return fetch_dicts(
        cur.execute(
            f"SELECT {LISTED} FROM evidence_files WHERE attached_to = ? AND {_owner(attached_to)} = ? "
            "AND item_id IS NOT DISTINCT FROM ? ORDER BY id",
            [attached_to, owner_id, item_id],
        )
    )


def of_assessment(cur: Cursor, assessment_id: int) -> list[dict[str, Any]]:
    """List the files of every answer of an assessment, by item and then oldest first, without their content."""
    return fetch_dicts(
        cur.execute(
            f"SELECT {LISTED} FROM evidence_files WHERE attached_to = 'answer' AND assessment_id = ? "
            "ORDER BY item_id, id",
            [assessment_id],
        )
    )


def by_id(cur: Cursor, evidence_id: int, *, content: bool = False) -> dict[str, Any] | None:
    """Return one file's record (with its content when asked), or None."""
    listed = LISTED + (", content" if content else "")
    rows = fetch_dicts(cur.execute(f"SELECT {listed} FROM evidence_files WHERE id = ?", [evidence_id]))
    return rows[0] if rows else None


def total_bytes(cur: Cursor, attached_to: str, owner_id: int, item_id: str | None = None) -> int:
    """The bytes the files of one answer, case or action take together (read in the write that adds one)."""
    row = cur.execute(
        f"SELECT coalesce(sum(size_bytes), 0) FROM evidence_files WHERE attached_to = ? AND {_owner(attached_to)} = ? "
        "AND item_id IS NOT DISTINCT FROM ?",
        [attached_to, owner_id, item_id],
    ).fetchall()[0]
    return int(row[0])


def delete(cur: Cursor, evidence_id: int) -> None:
    """Delete one file."""
    cur.execute("DELETE FROM evidence_files WHERE id = ?", [evidence_id])


def names_of_incident(cur: Cursor, incident_id: int) -> list[str]:
    """The names of a case's files, for the audit entry of the case's deletion."""
    rows = cur.execute(
        "SELECT file_name FROM evidence_files WHERE attached_to = 'incident' AND incident_id = ? ORDER BY id",
        [incident_id],
    ).fetchall()
    return [r[0] for r in rows]


def names_of_import(cur: Cursor, import_id: int) -> list[str]:
    """The names of the files of the cases an import wrote, for the audit entry of the import's undoing."""
    rows = cur.execute(
        "SELECT file_name FROM evidence_files WHERE attached_to = 'incident' "
        "AND incident_id IN (SELECT id FROM incidents WHERE import_id = ?) ORDER BY id",
        [import_id],
    ).fetchall()
    return [r[0] for r in rows]


def delete_of_incident(cur: Cursor, incident_id: int) -> None:
    """Delete a case's files, with the case."""
    cur.execute("DELETE FROM evidence_files WHERE attached_to = 'incident' AND incident_id = ?", [incident_id])


def delete_of_import(cur: Cursor, import_id: int) -> int:
    """Delete the files of the cases an import wrote, with those cases; return how many went."""
    row = cur.execute(
        "DELETE FROM evidence_files WHERE attached_to = 'incident' "
        "AND incident_id IN (SELECT id FROM incidents WHERE import_id = ?) RETURNING id",
        [import_id],
    ).fetchall()
    return len(row)


def item_in_assessment(cur: Cursor, assessment_id: int, item_id: str) -> bool:
    """True when the checklist version an assessment was started on has this item."""
    row = cur.execute(
        "SELECT list_contains(json_extract_string(v.definition, '$.rules[*].items[*].id'), ?) "
        "FROM assessments a JOIN checklist_versions v ON v.checklist_id = a.checklist_id AND v.version = a.version "
        "WHERE a.id = ?",
        [item_id, assessment_id],
    ).fetchall()
    return bool(row and row[0][0])
