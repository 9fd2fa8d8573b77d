"""The one check every enterprise-scoped function starts with: the enterprise by BIN, if the user may act on it."""

from __future__ import annotations

from typing import Any

from safety.access.roles import User, require
from safety.db import enterprises as enterprise_sql
from safety.db.cursors import Cursor
from safety.errors import NotFound
from safety.identifiers import normalise_bin


def enterprise_row(cur: Cursor, user: User | None, bin_: str, action: str) -> dict[str, Any]:
    """Return the enterprise row for a BIN if the user may do the action on it; an unknown BIN is refused as
    another enterprise's would be, so a scoped user learns nothing about which BINs exist."""
    row = enterprise_sql.by_bin(cur, normalise_bin(bin_))
    require(user, action, row["id"] if row else -1)
    if row is None:
        raise NotFound("enterprise.not_found", bin=bin_)
    return row


def owned_row(
    row: dict[str, Any] | None, user: User | None, action: str, missing: str, **params: Any
) -> dict[str, Any]:
    """Return a record that belongs to an enterprise (an assessment, action, case, import) if the user may do the
    action on that enterprise; a missing record is refused the same way first, then reported as NotFound."""
    require(user, action, row["enterprise_id"] if row else -1)
    if row is None:
        raise NotFound(missing, **params)
    return row
