"""SQL for sign-in sessions: the hash of each browser's token, its account and when it was last used."""

from __future__ import annotations

import datetime as dt
from typing import Any

from safety.db.cursors import Cursor, fetch_dicts


def insert(cur: Cursor, token_hash: str, user_id: int, at: dt.datetime) -> None:
    """Record a new session."""
    cur.execute(
        "INSERT INTO sign_in_sessions (token_hash, user_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)",
        [token_hash, user_id, at, at],
    )


def by_hash(cur: Cursor, token_hash: str) -> dict[str, Any] | None:
    """Return a session, or None."""
    rows = fetch_dicts(
        cur.execute(
            "SELECT token_hash, user_id, created_at, last_seen_at FROM sign_in_sessions WHERE token_hash = ?",
            [token_hash],
        )
    )
    return rows[0] if rows else None


def touch(cur: Cursor, token_hash: str, at: dt.datetime) -> None:
    """Note that a session was used."""
    cur.execute("UPDATE sign_in_sessions SET last_seen_at = ? WHERE token_hash = ?", [at, token_hash])


def delete(cur: Cursor, token_hash: str) -> None:
    """End one session."""
    cur.execute("DELETE FROM sign_in_sessions WHERE token_hash = ?", [token_hash])


def delete_for_user(cur: Cursor, user_id: int) -> None:
    """End every session of an account."""
    cur.execute("DELETE FROM sign_in_sessions WHERE user_id = ?", [user_id])


def delete_idle(cur: Cursor, before: dt.datetime) -> None:
    """Forget the sessions last used before a time (they have expired)."""
    cur.execute("DELETE FROM sign_in_sessions WHERE last_seen_at < ?", [before])
