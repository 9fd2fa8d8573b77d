"""SQL for the reminder digests: who may get one, and the log of those sent (one per person a day)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from safety.db.cursors import Cursor, fetch_dicts
from safety.db.users import ACCOUNT


def recipients(cur: Cursor) -> list[dict[str, Any]]:
    """Return every active account (with or without an e-mail), by username."""
    return fetch_dicts(cur.execute(f"SELECT {ACCOUNT} FROM users WHERE active ORDER BY username"))


def claim(cur: Cursor, user_id: int, day: dt.date, at: dt.datetime, address: str, items: int) -> bool:
    """Record the day's digest of an account unless one is recorded already; True when this call recorded it. The
    primary key (user_id, sent_on) decides between two runs at once: only one insert goes in."""
    inserted = cur.execute(
        "INSERT INTO reminders_sent (user_id, sent_on, sent_at, address, items) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING RETURNING user_id",
        [user_id, day, at, address, items],
    ).fetchall()
    return bool(inserted)


def mark_sent(cur: Cursor, user_id: int, day: dt.date, at: dt.datetime) -> None:
    """Set the moment the mail server accepted the day's digest of an account."""
    cur.execute("UPDATE reminders_sent SET sent_at = ? WHERE user_id = ? AND sent_on = ?", [at, user_id, day])


def release(cur: Cursor, user_id: int, day: dt.date) -> None:
    """Forget the day's digest of an account (its sending failed), so that a later run tries again."""
    cur.execute("DELETE FROM reminders_sent WHERE user_id = ? AND sent_on = ?", [user_id, day])


def sent_on(cur: Cursor, day: dt.date) -> set[int]:
    """Return the accounts whose digest of the day is recorded."""
    return {
        int(row[0]) for row in cur.execute("SELECT user_id FROM reminders_sent WHERE sent_on = ?", [day]).fetchall()
    }


def for_day(cur: Cursor, day: dt.date) -> list[dict[str, Any]]:
    """Return the digests recorded for a day, with each account's username."""
    return fetch_dicts(
        cur.execute(
            "SELECT u.username, r.sent_on, r.sent_at, r.address, r.items FROM reminders_sent r "
            "JOIN users u ON u.id = r.user_id WHERE r.sent_on = ? ORDER BY u.username",
            [day],
        )
    )
