"""SQL for corrective actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from safety.db.cursors import Cursor, fetch_dicts, insert_frame

FIELDS = (
    "enterprise_id",
    "assessment_id",
    "item_id",
    "rule_id",
    "incident_id",
    "title",
    "owner",
    "due_on",
    "priority",
    "state",
    "completed_on",
    "completion_note",
    "cancel_reason",
    "created_by",
)
EDITABLE = ("title", "owner", "due_on", "priority", "state", "completed_on", "completion_note", "cancel_reason")
COLUMNS = "a.id, " + ", ".join("a." + f for f in FIELDS) + ", a.created_at, a.updated_at, e.bin"


def insert(cur: Cursor, record: dict[str, Any]) -> int:
    """Create an action and return its id."""
    row = cur.execute(
        f"INSERT INTO corrective_actions ({', '.join(FIELDS)}) VALUES ({', '.join('?' for _ in FIELDS)}) RETURNING id",
        [record.get(f) for f in FIELDS],
    ).fetchall()[0]
    return int(row[0])


def update(cur: Cursor, action_id: int, record: dict[str, Any]) -> None:
    """Overwrite an action's editable fields."""
    cur.execute(
        f"UPDATE corrective_actions SET {', '.join(f + ' = ?' for f in EDITABLE)}, updated_at = current_timestamp "
        "WHERE id = ?",
        [record.get(f) for f in EDITABLE] + [action_id],
    )


def by_id(cur: Cursor, action_id: int) -> dict[str, Any] | None:
    """Return an action, or None."""
    rows = fetch_dicts(
        cur.execute(
            f"SELECT {COLUMNS} FROM corrective_actions a JOIN enterprises e ON e.id = a.enterprise_id WHERE a.id = ?",
            [action_id],
        )
    )
    return rows[0] if rows else None


def select(
    cur: Cursor,
    *,
    enterprise_id: int | None = None,
    rule_id: int | None = None,
    state: str | None = None,
    overdue_on: dt.date | None = None,
    assessment_id: int | None = None,
    incident_id: int | None = None,
) -> list[dict[str, Any]]:
    """List actions with optional filters; overdue_on keeps those past due and not done or cancelled."""
    return fetch_dicts(
        cur.execute(
            f"SELECT {COLUMNS} FROM corrective_actions a JOIN enterprises e ON e.id = a.enterprise_id "
            "WHERE (? IS NULL OR a.enterprise_id = ?) AND (? IS NULL OR a.rule_id = ?) AND (? IS NULL OR a.state = ?) "
            "AND (? IS NULL OR (a.due_on < ? AND a.state NOT IN ('done', 'cancelled'))) "
            "AND (? IS NULL OR a.assessment_id = ?) AND (? IS NULL OR a.incident_id = ?) ORDER BY a.due_on, a.id",
            [
                enterprise_id,
                enterprise_id,
                rule_id,
                rule_id,
                state,
                state,
                overdue_on,
                overdue_on,
                assessment_id,
                assessment_id,
                incident_id,
                incident_id,
            ],
        )
    )


def insert_many(cur: Cursor, rows: list[dict[str, Any]]) -> None:
    """Insert many actions at once with their own created_at and updated_at (the demo's history)."""
    types = {
        f: "Int64" if f.endswith("_id") and f != "item_id" else "object" for f in (*FIELDS, "created_at", "updated_at")
    }
    insert_frame(cur, "corrective_actions", types, rows)
