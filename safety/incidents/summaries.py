"""The summaries the indicators read beside the case log: the one way to write cases so that they stay right, and
the check and rebuild an administrator (or the command line) runs on a real database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from safety.access.roles import User, require
from safety.db import Store, retry_conflicts, summaries
from safety.db import audit as audit_sql
from safety.db import enterprises as enterprise_sql
from safety.db.cursors import Cursor
from safety.db.summaries import CaseWrites
from safety.incidents.investigations import deadlines


def recounting(cur: Cursor) -> AbstractContextManager[CaseWrites]:
    """Writes of cases in the caller's transaction; the summaries of the enterprises they changed are recounted
    before the transaction commits."""
    return summaries.recounting(cur, deadlines)


@contextmanager
def writing_cases(store: Store) -> Iterator[CaseWrites]:
    """A transaction that writes cases (its cursor is `.cursor`); the summaries are recounted before it commits."""
    with store.transaction() as cur, recounting(cur) as writes:
        yield writes


def check_summaries(store: Store, user: User) -> list[dict[str, Any]]:
    """Compare every summary with a fresh count of the cases: one entry per summary that differs (rows missing,
    rows extra, the enterprises concerned); empty when all are right."""
    require(user, "database.maintain")
    with store.cursor() as cur:
        return _with_bins(cur, summaries.differences(cur, deadlines))


@retry_conflicts
def rebuild_summaries(store: Store, user: User) -> list[dict[str, Any]]:
    """Recount every summary from the cases in one transaction; return the differences it mended."""
    require(user, "database.maintain")
    with store.transaction() as cur:
        mended = _with_bins(cur, summaries.differences(cur, deadlines))
        summaries.rebuild(cur, deadlines)
        audit_sql.write(
            cur, [audit_sql.entry(user, "summaries.rebuild", "summaries", None, None, before=mended or None)]
        )
    return mended


def _with_bins(cur: Cursor, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The differences with the BINs of the enterprises concerned in place of their ids."""
    bins = {enterprise_id: bin_ for bin_, enterprise_id in enterprise_sql.ids_by_bin(cur)}
    return [
        {k: v for k, v in d.items() if k != "enterprise_ids"}
        | {"bins": [bins.get(i, f"#{i}") for i in d["enterprise_ids"]]}
        for d in found
    ]
