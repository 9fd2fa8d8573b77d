"""Sign-in and passwords: argon2 hashes, a lock after five failures in a row, idle expiry, first admin."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from safety.access.demo_guard import refuse_while_demo
from safety.access.roles import Role, User
from safety.db import Store, retry_conflicts
from safety.db import audit as audit_sql
from safety.db import sessions as session_sql
from safety.db import users as sql
from safety.db.cursors import present
from safety.db.results import shared
from safety.errors import Conflict, PermissionDenied, ValidationFailed
from safety.errors import Problem as _Problem
from safety.files.validation import refuse_control

MIN_PASSWORD_LENGTH = 12
MAX_FAILURES = 5
LOCK_MINUTES = 15
DEFAULT_IDLE_MINUTES = 30
# OWASP's argon2id setting of 19 MiB, two passes and one lane (40 ms here) rather than the library's 64 MiB, three
# passes and four lanes (0.2 s): twenty people signing in at once then wait one second, not four. A hash made with
# other settings still verifies, and is made anew at that account's next good sign-in.
_hasher = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)


class SignInFailed(PermissionDenied):
    """Wrong username or password, a locked account or a disabled one."""

    default_key = "auth.failed"


def now() -> dt.datetime:
    """The current time (naive UTC, as stored)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def idle_minutes() -> int:
    """How long a session may stay idle before it ends: $VZ_IDLE_MINUTES, default 30."""
    try:
        return max(1, int(os.environ.get("VZ_IDLE_MINUTES", DEFAULT_IDLE_MINUTES)))
    except ValueError:
        return DEFAULT_IDLE_MINUTES


def session_expired(last_seen: dt.datetime | None, at: dt.datetime, minutes: int) -> bool:
    """True when a session last used at last_seen has been idle for longer than the limit."""
    return last_seen is None or at - last_seen > dt.timedelta(minutes=minutes)


def hash_password(password: str) -> str:
    """Return the argon2 hash of a password that meets the policy (else ValidationFailed)."""
    check_password_policy(password)
    return _hasher.hash(password)


def check_password_policy(password: str, field: str = "password") -> None:
    """Refuse a password shorter than 12 characters."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(problems=[_Problem("password.too_short", {"min": MIN_PASSWORD_LENGTH}, field=field)])


def one_time_password() -> str:
    """Make a random one-time password (16 characters) that the user must change at first sign-in."""
    return secrets.token_urlsafe(12)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def user_from_row(row: dict[str, Any]) -> User:
    """Build the acting user from an account row."""
    return User(
        id=row["id"],
        username=row["username"],
        full_name=row["full_name"],
        role=Role(row["role"]),
        enterprise_id=row["enterprise_id"],
        email=row["email"],
        must_change_password=row["must_change_password"],
        active=row["active"],
        is_demo=row["is_demo"],
    )


@retry_conflicts
def authenticate(store: Store, username: str, password: str, at: dt.datetime | None = None) -> User:
    """Check a username and password. Every refusal gives the same answer (an unknown name, a wrong password, a
    locked or a disabled account); five failures in a row lock the account for 15 minutes."""
    at = at or now()
    with store.cursor() as cur:
        row = sql.by_username(cur, (username or "").strip())
    if row is None:
        _hasher.hash(password or "x")  # spend the same time as for a real account
        raise SignInFailed()
    right = _verify(row["password_hash"], password or "")  # the slow parts, outside the write lock
    renewed = _hasher.hash(password) if right and _hasher.check_needs_rehash(row["password_hash"]) else None
    with store.transaction(changes_figures=False) as cur:
        fresh = sql.by_id(cur, row["id"])  # as it stands now that this is the only writer
        if fresh is None:
            raise SignInFailed()
        if fresh["password_hash"] != row["password_hash"]:  # reset meanwhile: check against the new one
            right = _verify(fresh["password_hash"], password or "")
        locked = fresh["locked_until"] is not None and fresh["locked_until"] > at
        if right and not locked and fresh["active"]:
            sql.record_success(cur, fresh["id"], at)
            if renewed and fresh["password_hash"] == row["password_hash"]:
                sql.renew_hash(cur, fresh["id"], renewed)
            return user_from_row(fresh)
        if not right:
            attempts = sql.add_failure(cur, fresh["id"])
            if attempts >= MAX_FAILURES and not locked:
                until = at + dt.timedelta(minutes=LOCK_MINUTES)
                sql.lock(cur, fresh["id"], until)
                audit_sql.write(
                    cur,
                    [
                        audit_sql.entry(
                            user_from_row(fresh),
                            "user.locked",
                            "user",
                            fresh["id"],
                            fresh["enterprise_id"],
                            after={"locked_until": until, "failed_attempts": attempts},
                        )
                    ],
                )
    raise SignInFailed()  # raised after the commit, so the count of failures is kept


@shared()  # asked on every page view; a disabled account or a changed role is a write, which ends the sharing
def current_user(store: Store, user_id: int) -> User | None:
    """Reload a signed-in user (None when the account was removed or disabled meanwhile)."""
    with store.cursor() as cur:
        row = sql.by_id(cur, user_id)
    return user_from_row(row) if row and row["active"] else None


def user_for_email(store: Store, email: str) -> User | None:
    """Map a single-sign-on identity to an active account by e-mail."""
    with store.cursor() as cur:
        row = sql.by_email(cur, email)
    return user_from_row(row) if row else None


@retry_conflicts
def change_password(store: Store, user: User, old_password: str, new_password: str) -> None:
    """Let a user change their own password, proving the old one."""
    with store.cursor() as cur:
        row = sql.by_id(cur, user.id) if user.id is not None else None
    if row is None or not _verify(row["password_hash"], old_password or ""):
        raise ValidationFailed(problems=[_Problem("password.wrong_old", field="old_password")])
    if old_password == new_password:
        raise ValidationFailed(problems=[_Problem("password.same", field="new_password")])
    check_password_policy(new_password, "new_password")
    hashed = _hasher.hash(new_password)  # the slow parts, outside the write lock
    with store.transaction() as cur:
        if present(sql.by_id(cur, row["id"]))["password_hash"] != row["password_hash"]:  # changed meanwhile
            raise ValidationFailed(problems=[_Problem("password.wrong_old", field="old_password")])
        sql.set_password(cur, row["id"], hashed, must_change=False)
        session_sql.delete_for_user(cur, row["id"])  # every browser signs in again
        audit_sql.write(cur, [audit_sql.entry(user, "user.password_changed", "user", row["id"], row["enterprise_id"])])


def has_users(store: Store) -> bool:
    """True when at least one account exists (else the app asks for the first administrator)."""
    with store.cursor() as cur:
        return sql.count(cur) > 0


@retry_conflicts
def create_admin(store: Store, username: str, password: str, full_name: str, *, first_only: bool = True) -> User:
    """Create an administrator with a chosen password: the app's first-start form (first_only) or the CLI."""
    refuse_control({"username": username, "full_name": full_name})
    username = (username or "").strip()
    problems = []
    if not username:
        problems.append(_Problem("field.required", field="username"))
    if not (full_name or "").strip():
        problems.append(_Problem("field.required", field="full_name"))
    if len(password or "") < MIN_PASSWORD_LENGTH:
        problems.append(_Problem("password.too_short", {"min": MIN_PASSWORD_LENGTH}, field="password"))
    if problems:
        raise ValidationFailed(problems=problems)
    hashed = _hasher.hash(password)  # the slow part, outside the write lock
    with store.transaction() as cur:
        if first_only and sql.count(cur) > 0:
            raise Conflict("auth.admin_exists")
        refuse_while_demo(cur)
        if sql.by_username(cur, username) is not None:
            raise Conflict("user.duplicate", username=username)
        record = {
            "username": username,
            "full_name": full_name.strip(),
            "role": Role.ADMIN.value,
            "password_hash": hashed,
        }
        user_id = sql.insert(cur, record)
        admin = user_from_row(present(sql.by_id(cur, user_id)))
        audit_sql.write(
            cur,
            [
                audit_sql.entry(
                    admin, "user.create", "user", user_id, None, after={"username": username, "role": "admin"}
                )
            ],
        )
        return admin
