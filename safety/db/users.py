"""SQL for user accounts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from safety.db.cursors import Cursor, fetch_dicts

PUBLIC = "id, username, full_name, email, language, role, enterprise_id, must_change_password, active, is_demo"
ACCOUNT = PUBLIC + ", password_hash, failed_attempts, locked_until, last_sign_in_at, created_at"


def by_username(cur: Cursor, username: str) -> dict[str, Any] | None:
    """Return the account with this username (case-insensitive), or None."""
    rows = fetch_dicts(cur.execute(f"SELECT {ACCOUNT} FROM users WHERE lower(username) = lower(?)", [username]))
    return rows[0] if rows else None


def by_id(cur: Cursor, user_id: int) -> dict[str, Any] | None:
    """Return the account with this id, or None."""
    rows = fetch_dicts(cur.execute(f"SELECT {ACCOUNT} FROM users WHERE id = ?", [user_id]))
    return rows[0] if rows else None


def by_email(cur: Cursor, email: str) -> dict[str, Any] | None:
    """Return the active account with this e-mail (case-insensitive), or None."""
    rows = fetch_dicts(
        cur.execute(
            f"SELECT {ACCOUNT} FROM users WHERE lower(email) = lower(?) AND active ORDER BY id LIMIT 1", [email]
        )
    )
    return rows[0] if rows else None


def select(cur: Cursor) -> list[dict[str, Any]]:
    """List all accounts with the BIN of their enterprise."""
    return fetch_dicts(
        cur.execute(
            f"SELECT {', '.join('u.' + c for c in ACCOUNT.split(', '))}, e.bin AS enterprise_bin "
            "FROM users u LEFT JOIN enterprises e ON e.id = u.enterprise_id ORDER BY u.username"
        )
    )


def count(cur: Cursor) -> int:
    """Count accounts."""
    return int(cur.execute("SELECT count(*) FROM users").fetchall()[0][0])


def insert(cur: Cursor, record: dict[str, Any]) -> int:
    """Create an account and return its id (with the language of its e-mails when the record has one, else the
    column's default)."""
    row = cur.execute(
        "INSERT INTO users (username, full_name, email, role, enterprise_id, password_hash, must_change_password,"
        " is_demo) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [
            record["username"],
            record["full_name"],
            record.get("email"),
            record["role"],
            record.get("enterprise_id"),
            record["password_hash"],
            record.get("must_change_password", False),
            record.get("is_demo", False),
        ],
    ).fetchall()[0]
    if record.get("language"):
        set_language(cur, int(row[0]), record["language"])
    return int(row[0])


def update_profile(cur: Cursor, user_id: int, record: dict[str, Any]) -> None:
    """Change an account's name, e-mail, its language, role, enterprise and active flag."""
    cur.execute(
        "UPDATE users SET full_name = ?, email = ?, language = ?, role = ?, enterprise_id = ?, active = ? WHERE id = ?",
        [
            record["full_name"],
            record.get("email"),
            record["language"],
            record["role"],
            record.get("enterprise_id"),
            record["active"],
            user_id,
        ],
    )


def set_language(cur: Cursor, user_id: int, language: str) -> None:
    """Set the language of an account's e-mails."""
    cur.execute("UPDATE users SET language = ? WHERE id = ?", [language, user_id])


def set_password(cur: Cursor, user_id: int, password_hash: str, must_change: bool) -> None:
    """Store a new password hash, clear the lock and say whether it must be changed at next sign-in."""
    cur.execute(
        "UPDATE users SET password_hash = ?, must_change_password = ?, failed_attempts = 0, locked_until = NULL "
        "WHERE id = ?",
        [password_hash, must_change, user_id],
    )


def add_failure(cur: Cursor, user_id: int) -> int:
    """Count one more failed sign-in in a row; return the new count."""
    return int(
        cur.execute(
            "UPDATE users SET failed_attempts = failed_attempts + 1 WHERE id = ? RETURNING failed_attempts", [user_id]
        ).fetchall()[0][0]
    )


def lock(cur: Cursor, user_id: int, until: dt.datetime) -> None:
    """Refuse every sign-in of an account until the given time."""
    cur.execute("UPDATE users SET locked_until = ? WHERE id = ?", [until, user_id])


def unlock(cur: Cursor, user_id: int) -> None:
    """Lift an account's lock and forget its failed sign-ins."""
    cur.execute("UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = ?", [user_id])


def record_success(cur: Cursor, user_id: int, at: dt.datetime) -> None:
    """Reset the failure count after a good sign-in."""
    cur.execute(
        "UPDATE users SET failed_attempts = 0, locked_until = NULL, last_sign_in_at = ? WHERE id = ?", [at, user_id]
    )


def renew_hash(cur: Cursor, user_id: int, password_hash: str) -> None:
    """Store the same password's hash made with today's settings (nothing else changes)."""
    cur.execute("UPDATE users SET password_hash = ? WHERE id = ?", [password_hash, user_id])


def delete_demo(cur: Cursor) -> None:
    """Delete the demo accounts and the log of their reminders (used when the demo data is removed or reloaded)."""
    cur.execute("DELETE FROM reminders_sent WHERE user_id IN (SELECT id FROM users WHERE is_demo)")
    cur.execute("DELETE FROM users WHERE is_demo")
