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
