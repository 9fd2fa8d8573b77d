"""Sign-in sessions that survive a reload or a new tab: the browser keeps an unguessable token in a cookie, the
database keeps only its hash, with the time it was last used.

A session ends when it has been idle longer than VZ_IDLE_MINUTES, when its person signs out, and for every
session of an account when its password changes or is reset, or an administrator disables it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from safety.access.auth import current_user, idle_minutes, now, session_expired
from safety.access.roles import User
from safety.db import Store, retry_conflicts
from safety.db import sessions as sql

COOKIE = "vz_session"
TOUCH_EVERY = dt.timedelta(minutes=1)  # a session in use is noted at most this often (a write each time)


def _hash(token: str) -> str:
    """What the database keeps of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


@retry_conflicts
def start_session(store: Store, user: User, at: dt.datetime | None = None) -> str:
    """Open a session for a signed-in user; return the token for the browser's cookie (shown nowhere else)."""
    if user.id is None:
        raise ValueError("only a stored account has sessions")
    at = at or now()
    token = secrets.token_urlsafe(32)
    with store.transaction(changes_figures=False) as cur:
        sql.delete_idle(cur, at - dt.timedelta(minutes=idle_minutes()))
        sql.insert(cur, _hash(token), user.id, at)
    return token


@retry_conflicts
def resume_session(store: Store, token: str | None, at: dt.datetime | None = None) -> User | None:
    """The user of the session a browser's token names, when it is still open and its account active."""
    if not token:
        return None
    at = at or now()
    with store.cursor() as cur:
        found = sql.by_hash(cur, _hash(token))
    if found is None:
        return None
    if session_expired(found["last_seen_at"], at, idle_minutes()):
        end_session(store, token)
        return None
    user = current_user(store, found["user_id"])
    if user is None:
        end_session(store, token)
        return None
    if at - found["last_seen_at"] >= TOUCH_EVERY:
        touch_session(store, token, at)
    return user


@retry_conflicts
def touch_session(store: Store, token: str, at: dt.datetime | None = None) -> None:
    """Note that a session is in use, so that a reload within the idle limit finds it open."""
    with store.transaction(changes_figures=False) as cur:
        sql.touch(cur, _hash(token), at or now())


@retry_conflicts
def end_session(store: Store, token: str | None) -> None:
    """End the session a token names (signing out); a token that names none is ignored."""
    if token:
        with store.transaction(changes_figures=False) as cur:
            sql.delete(cur, _hash(token))
