"""User administration (admins only): create accounts, change roles, disable, reset passwords; and each person's own
language for e-mails."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from safety.access.auth import hash_password, one_time_password, user_from_row
from safety.access.demo_guard import refuse_while_demo
from safety.access.roles import Role, User, require
from safety.db import Store, retry_conflicts
from safety.db import audit as audit_sql
from safety.db import enterprises as enterprise_sql
from safety.db import sessions as session_sql
from safety.db import users as sql
from safety.db.cursors import present
from safety.errors import Conflict, NotFound, Problem, ValidationFailed
from safety.files.validation import OptionalEmail, OptionalText, custom, validate
from safety.i18n import DEFAULT_LANGUAGE, LANGUAGES, normalise_language
from safety.identifiers import normalise_bin

_USERNAME = re.compile(r"^[A-Za-z0-9._-]{3,40}$")


class UserInput(BaseModel):
    """What an admin enters for an account; enterprise roles need the BIN of their enterprise."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    username: str
    full_name: str = Field(min_length=1, max_length=200)
    email: OptionalEmail = None
    language: str | None = None  # of the person's e-mails (the reminder digests); None keeps it (Russian when new)
    role: Role
    enterprise_bin: OptionalText = None
    active: bool = True

    @field_validator("username")
    @classmethod
    def _username(cls, value: str) -> str:
        if not _USERNAME.match(value):
            raise custom("username.format")
        return value

    @field_validator("language")
    @classmethod
    def _language(cls, value: str | None) -> str | None:
        if value is not None and value not in LANGUAGES:
            raise custom("language.unknown", value=str(value)[:20])
        return value

    @model_validator(mode="after")
    def _scope(self) -> UserInput:
        if self.role.scoped and not self.enterprise_bin:
            raise custom("user.enterprise_required")
        if not self.role.scoped:
            self.enterprise_bin = None
        return self


def _record(cur: Any, data: UserInput, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    record = data.model_dump()
    record["language"] = data.language or language
    record["role"] = data.role.value
    record["enterprise_id"] = None
    if data.enterprise_bin:
        enterprise = enterprise_sql.by_bin(cur, normalise_bin(data.enterprise_bin))
        if enterprise is None:
            raise NotFound("enterprise.not_found", bin=data.enterprise_bin)
        record["enterprise_id"] = enterprise["id"]
    return record


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in ("username", "full_name", "email", "language", "role", "enterprise_id", "active")}


def list_users(store: Store, actor: User) -> list[dict[str, Any]]:
    """List all accounts (never their hashes) for the users page."""
    require(actor, "users.manage")
    with store.cursor() as cur:
        rows = sql.select(cur)
    keep = (
        "username",
        "full_name",
        "email",
        "language",
        "role",
        "enterprise_bin",
        "active",
        "must_change_password",
        "failed_attempts",
        "locked_until",
        "last_sign_in_at",
        "is_demo",
    )
    return [{k: r[k] for k in keep} for r in rows]


@retry_conflicts
def create_user(store: Store, actor: User, data: Mapping[str, Any]) -> tuple[User, str]:
    """Create an account with a one-time password (returned once) that must be changed at first sign-in."""
    require(actor, "users.manage")
    checked = validate(UserInput, data)
    password = one_time_password()
    hashed = hash_password(password)  # the slow part, outside the write lock
    with store.transaction() as cur:
        refuse_while_demo(cur)
        if sql.by_username(cur, checked.username) is not None:
            raise Conflict("user.duplicate", username=checked.username)
        record = _record(cur, checked) | {"password_hash": hashed, "must_change_password": True}
        user_id = sql.insert(cur, record)
        row = present(sql.by_id(cur, user_id))
        audit_sql.write(
            cur, [audit_sql.entry(actor, "user.create", "user", user_id, row["enterprise_id"], after=_public(row))]
        )
        return user_from_row(row), password


@retry_conflicts
def update_user(store: Store, actor: User, username: str, data: Mapping[str, Any]) -> User:
    """Change an account's name, e-mail, role, enterprise or active flag (not the username)."""
    require(actor, "users.manage")
    checked = validate(UserInput, {**data, "username": username})
    with store.transaction() as cur:
        old = sql.by_username(cur, username)
        if old is None:
            raise NotFound("user.not_found", username=username)
        if old["id"] == actor.id and (checked.role != Role.ADMIN or not checked.active):
            raise Conflict("user.not_yourself")
        sql.update_profile(cur, old["id"], _record(cur, checked, old["language"]))
        if not checked.active:
            session_sql.delete_for_user(cur, old["id"])  # a disabled account is signed out everywhere
        new = present(sql.by_id(cur, old["id"]))
        audit_sql.write(
            cur,
            [
                audit_sql.entry(
                    actor,
                    "user.update",
                    "user",
                    old["id"],
                    new["enterprise_id"],
                    before=_public(old),
                    after=_public(new),
                )
            ],
        )
        return user_from_row(new)


@retry_conflicts
def reset_password(store: Store, actor: User, username: str) -> str:
    """Give an account a new one-time password (returned once); it also lifts a lock."""
    require(actor, "users.manage")
    password = one_time_password()
    hashed = hash_password(password)  # the slow part, outside the write lock
    with store.transaction() as cur:
        row = sql.by_username(cur, username)
        if row is None:
            raise NotFound("user.not_found", username=username)
        sql.set_password(cur, row["id"], hashed, must_change=True)
        session_sql.delete_for_user(cur, row["id"])
        audit_sql.write(cur, [audit_sql.entry(actor, "user.password_reset", "user", row["id"], row["enterprise_id"])])
    return password


@retry_conflicts
def unlock_user(store: Store, actor: User, username: str) -> None:
    """Lift the lock that failed sign-ins put on an account, and forget those failures."""
    require(actor, "users.manage")
    with store.transaction() as cur:
        row = sql.by_username(cur, username)
        if row is None:
            raise NotFound("user.not_found", username=username)
        sql.unlock(cur, row["id"])
        audit_sql.write(
            cur,
            [
                audit_sql.entry(
                    actor,
                    "user.unlock",
                    "user",
                    row["id"],
                    row["enterprise_id"],
                    before={"failed_attempts": row["failed_attempts"], "locked_until": row["locked_until"]},
                )
            ],
        )


def email_language(store: Store, actor: User) -> str:
    """Return the language of the acting person's own e-mails."""
    with store.cursor() as cur:
        row = sql.by_id(cur, actor.id) if actor.id is not None else None
    if row is None:
        raise NotFound("user.not_found", username=actor.username)
    return normalise_language(row["language"])


@retry_conflicts
def set_email_language(store: Store, actor: User, language: str) -> None:
    """Let a person choose the language of their own e-mails (ru, kk or en); audited."""
    if language not in LANGUAGES:
        raise ValidationFailed(problems=[Problem("language.unknown", {"value": str(language)[:20]}, field="language")])
    with store.transaction() as cur:
        row = sql.by_id(cur, actor.id) if actor.id is not None else None
        if row is None or not row["active"]:
            raise NotFound("user.not_found", username=actor.username)
        if row["language"] == language:
            return
        sql.set_language(cur, row["id"], language)
        audit_sql.write(
            cur,
            [
                audit_sql.entry(
                    actor,
                    "user.language",
                    "user",
                    row["id"],
                    row["enterprise_id"],
                    before={"language": row["language"]},
                    after={"language": language},
                )
            ],
        )
