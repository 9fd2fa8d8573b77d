"""SQL for each person's work items, the regional manager's attention list and the administrator's overview."""

from __future__ import annotations

import datetime as dt
from typing import Any

from safety.db.cursors import Cursor, fetch_dicts


def drafts(cur: Cursor, enterprise_id: int) -> list[dict[str, Any]]:
    """The enterprise's assessments in progress (one per checklist at most), oldest first."""
    return fetch_dicts(
        cur.execute(
            "SELECT id, checklist_id, started_at FROM assessments WHERE enterprise_id = ? AND status = 'draft' "
            "ORDER BY started_at, id",
            [enterprise_id],
        )
    )


def last_assessed(cur: Cursor, checklist_id: str) -> dict[int, dt.date]:
    """Each enterprise's latest submitted assessment date for a checklist (enterprises with none are missing)."""
    rows = cur.execute(
        "SELECT enterprise_id, max(assessed_on) FROM assessments WHERE status = 'submitted' AND checklist_id = ? "
        "GROUP BY enterprise_id",
        [checklist_id],
    ).fetchall()
    return {int(r[0]): r[1] for r in rows}


def overdue_actions(cur: Cursor, today: dt.date) -> dict[int, int]:
    """How many actions of each active enterprise are past due and neither done nor cancelled."""
    rows = cur.execute(
        "SELECT a.enterprise_id, count(*) FROM corrective_actions a JOIN enterprises e ON e.id = a.enterprise_id "
        "WHERE e.active AND a.due_on < ? AND a.state NOT IN ('done', 'cancelled') GROUP BY a.enterprise_id",
        [today],
    ).fetchall()
    return {int(r[0]): int(r[1]) for r in rows}


def user_counts(cur: Cursor, now: dt.datetime) -> list[dict[str, Any]]:
    """Accounts per role: how many, how many active, locked now (after failed sign-ins) and disabled."""
    return fetch_dicts(
        cur.execute(
            "SELECT role, count(*) AS total, count(*) FILTER (WHERE active) AS active, "
            "count(*) FILTER (WHERE active AND locked_until > ?) AS locked, "
            "count(*) FILTER (WHERE NOT active) AS disabled, "
            "count(*) FILTER (WHERE active AND must_change_password) AS must_change "
            "FROM users GROUP BY role ORDER BY role",
            [now],
        )
    )


def last_backup(cur: Cursor) -> dict[str, Any] | None:
    """The newest backup in the audit trail (when, by whom, and what it recorded), or None."""
    rows = fetch_dicts(
        cur.execute(
            "SELECT logged_at, username, CAST(after AS VARCHAR) AS after FROM audit_log "
            "WHERE action = 'database.backup' ORDER BY id DESC LIMIT 1"
        )
    )
    return rows[0] if rows else None
