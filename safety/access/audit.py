"""Reading and exporting the audit trail (admins only). Rows are written by the library, never changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from safety.access.roles import User, require
from safety.db import Store
from safety.db import audit as sql
from safety.db import enterprises as enterprise_sql
from safety.files.writer import new_workbook, workbook_bytes, write_table
from safety.i18n import t
from safety.identifiers import normalise_bin

COLUMNS = ("logged_at", "username", "action", "entity", "entity_id", "enterprise_bin", "before", "after")


def audit_entries(
    store: Store,
    user: User,
    *,
    username: str | None = None,
    enterprise_bin: str | None = None,
    action: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = 10_000,
) -> list[dict[str, Any]]:
    """Return audit rows, newest first, filtered by user, enterprise (BIN), action and dates (inclusive)."""
    require(user, "audit.read")
    with store.cursor() as cur:
        enterprise_id = None
        if enterprise_bin:
            row = enterprise_sql.by_bin(cur, normalise_bin(enterprise_bin))
            if row is None:
                return []
            enterprise_id = row["id"]
        rows = sql.select(
            cur,
            username=username or None,
            enterprise_id=enterprise_id,
            action=action or None,
            since=since,
            until=until,
            limit=limit,
        )
    return [{k: r[k] for k in COLUMNS} for r in rows]


def audit_actions(store: Store, user: User) -> list[str]:
    """Return the actions recorded so far, for the page's filter."""
    require(user, "audit.read")
    with store.cursor() as cur:
        return sql.actions(cur)


def export_audit(store: Store, user: User, rows: list[dict[str, Any]], lang: str) -> bytes:
    """Write audit rows (as returned by audit_entries) to .xlsx, headed in the language."""
    require(user, "audit.read")
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = t("audit.sheet", lang)
    write_table(
        sheet,
        [t("audit.col." + c, lang) for c in COLUMNS],
        [[r[c] for c in COLUMNS] for r in rows],
        text_columns=(5, 6),
    )
    return workbook_bytes(workbook)
