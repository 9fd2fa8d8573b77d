"""SQL for the append-only audit trail: rows are only ever inserted and read, never changed."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Protocol

from safety.db.cursors import Cursor, fetch_dicts, frame, registered


class Actor(Protocol):
    """Who acted, as the audit trail records it (a signed-in user, the command line or the demo loader)."""

    @property
    def id(self) -> int | None: ...

    @property
    def username(self) -> str: ...


_COLUMNS = ("username", "user_id", "action", "entity", "entity_id", "enterprise_id", "before", "after")


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def entry(
    user: Actor,
    action: str,
    entity: str,
    entity_id: object,
    enterprise_id: int | None,
    before: Any = None,
    after: Any = None,
) -> dict[str, Any]:
    """Build one audit row (before/after are any JSON-able values; dates become ISO text)."""
    return {
        "username": user.username,
        "user_id": user.id,
        "action": action,
        "entity": entity,
        "entity_id": None if entity_id is None else str(entity_id),
        "enterprise_id": enterprise_id,
        "before": _json(before),
        "after": _json(after),
    }


def write(cur: Cursor, rows: list[dict[str, Any]]) -> None:
    """Append audit rows, in the caller's transaction (one statement for any number of rows)."""
    if not rows:
        return
    if len(rows) == 1:
        row = rows[0]
        cur.execute(
            f"INSERT INTO audit_log ({', '.join(_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [row[c] for c in _COLUMNS],
        )
        return
    types = {c: "Int64" if c.endswith("_id") and c != "entity_id" else "object" for c in _COLUMNS}
    with registered(cur, "incoming_audit", frame(rows, types)):
        cur.execute(
            f"INSERT INTO audit_log ({', '.join(_COLUMNS)}) "
            "SELECT username, user_id, action, entity, entity_id, enterprise_id, "
            "CAST(before AS JSON), CAST(after AS JSON) FROM incoming_audit"
        )


def select(
    cur: Cursor,
    *,
    username: str | None = None,
    enterprise_id: int | None = None,
    action: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = 10_000,
) -> list[dict[str, Any]]:
    """Read audit rows, newest first, with optional filters (dates are inclusive)."""
    return fetch_dicts(
        cur.execute(
            "SELECT a.id, a.logged_at, a.username, a.action, a.entity, a.entity_id, a.enterprise_id, "
            "e.bin AS enterprise_bin, "
            "CAST(a.before AS VARCHAR) AS before, CAST(a.after AS VARCHAR) AS after "
            "FROM audit_log a LEFT JOIN enterprises e ON e.id = a.enterprise_id "
            "WHERE (? IS NULL OR a.username = ?) AND (? IS NULL OR a.enterprise_id = ?) "
            "AND (? IS NULL OR a.action = ?) "
            "AND (? IS NULL OR a.logged_at >= CAST(? AS DATE)) "
            "AND (? IS NULL OR a.logged_at < CAST(? AS DATE) + INTERVAL '1 day') "
            "ORDER BY a.id DESC LIMIT ?",
            [username, username, enterprise_id, enterprise_id, action, action, since, since, until, until, limit],
        )
    )


def actions(cur: Cursor) -> list[str]:
    """Return the distinct actions recorded so far."""
    return [r[0] for r in cur.execute("SELECT DISTINCT action FROM audit_log ORDER BY action").fetchall()]


def count(cur: Cursor) -> int:
    """Count audit rows."""
    return int(cur.execute("SELECT count(*) FROM audit_log").fetchall()[0][0])
