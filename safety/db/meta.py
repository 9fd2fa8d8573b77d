"""SQL for the meta table: small key/value facts about the database (such as the demo state)."""

from __future__ import annotations

from safety.db.cursors import Cursor


def get(cur: Cursor, key: str) -> str | None:
    """Return a meta value, or None when it is not set."""
    row = cur.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def put(cur: Cursor, key: str, value: str) -> None:
    """Set a meta value."""
    cur.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )
