"""The administrator's overview: the accounts by role, the last backup and the size of the database file."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from safety.access.roles import Role, User, require
from safety.backup import SUFFIX, backup_dir
from safety.db import Store
from safety.db import work as sql


@dataclass(frozen=True)
class RoleCount:
    """The accounts of one role."""

    role: str
    total: int
    active: int
    locked: int  # locked now after failed sign-ins
    disabled: int
    must_change: int  # active, with a one-time password not yet changed


@dataclass(frozen=True)
class LastBackup:
    """The newest backup known: from the audit trail, or the newest file in the daily backups' folder."""

    at: dt.datetime
    by: str | None  # the account that made it (None for a file found in the folder)
    file: str | None
    size: int | None  # bytes


@dataclass(frozen=True)
class Overview:
    """What the administrator's home page shows."""

    roles: tuple[RoleCount, ...]
    last_backup: LastBackup | None
    backup_dir: str | None  # $VZ_BACKUP_DIR, when daily backups are on
    database_bytes: int | None  # None for an in-memory database


def admin_overview(store: Store, user: User, now: dt.datetime | None = None) -> Overview:
    """The accounts per role (every role listed, also with none), the last backup and the database size."""
    require(user, "users.manage")
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with store.cursor() as cur:
        counts = {r["role"]: r for r in sql.user_counts(cur, now)}
        audited = sql.last_backup(cur)
    roles = tuple(
        RoleCount(role.value, *(int(counts.get(role.value, {}).get(k) or 0) for k in _COUNTS)) for role in Role
    )
    folder = backup_dir()
    return Overview(roles, _newest(audited, folder), str(folder) if folder else None, store.size())


_COUNTS = ("total", "active", "locked", "disabled", "must_change")


def _newest(audited: dict | None, folder: Path | None) -> LastBackup | None:
    """The later of the audited backup and the newest archive in the folder."""
    found = []
    if audited is not None:
        after = json.loads(audited["after"] or "{}")
        found.append(LastBackup(audited["logged_at"], audited["username"], after.get("file"), after.get("bytes")))
    if folder is not None and folder.is_dir():
        files = [p for p in folder.iterdir() if p.is_file() and p.name.endswith(SUFFIX)]
        if files:
            newest = max(files, key=lambda p: p.stat().st_mtime)
            stat = newest.stat()
            at = dt.datetime.fromtimestamp(stat.st_mtime, dt.UTC).replace(tzinfo=None)
            found.append(LastBackup(at, None, newest.name, stat.st_size))
    return max(found, key=lambda b: b.at) if found else None
