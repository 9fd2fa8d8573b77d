"""Attaching, listing, downloading and deleting evidence files, each checked against the user's rights; attaching
and deleting are audited in their own transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from safety.access.roles import User
from safety.access.scope import owned_row
from safety.db import Store, retry_conflicts
from safety.db import audit as audit_sql
from safety.db import evidence as sql
from safety.db.cursors import present
from safety.evidence.checks import MAX_FILE_BYTES, MAX_ITEM_BYTES, EvidenceRefused, check_file, clean_name, megabytes
from safety.evidence.targets import RIGHTS, Target, readable, target_of, writable


@retry_conflicts
def attach_evidence(
    store: Store, user: User, target: Target, file_name: str, data: bytes, *, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Attach one file to an answer, a case or an action (the enterprise's safety officer). The file is checked
    by its content before the write; the limit per record is checked inside it, so files added at once never
    pass it together. Returns the stored file's record, without its content."""
    if len(data) <= MAX_FILE_BYTES:  # the rights first, before a large file is decoded for nothing
        with store.cursor() as cur:
            writable(cur, user, target, clean_name(file_name))
    checked = check_file(file_name, data)
    with store.transaction() as cur:
        enterprise_id = writable(cur, user, target, checked.file_name)
        total = sql.total_bytes(cur, target.kind, target.owner_id, target.item_id) + checked.size_bytes
        if total > MAX_ITEM_BYTES:
            raise EvidenceRefused(
                "evidence.item_full", file=checked.file_name, total=megabytes(total), limit=megabytes(MAX_ITEM_BYTES)
            )
        evidence_id = sql.insert(
            cur,
            target.columns
            | {
                "enterprise_id": enterprise_id,
                "file_name": checked.file_name,
                "content_type": checked.content_type,
                "size_bytes": checked.size_bytes,
                "sha256": checked.sha256,
                "content": data,
                "thumbnail": checked.thumbnail,
                "uploaded_by": user.username,
                "uploaded_at": now or _now(),
            },
        )
        row = present(sql.by_id(cur, evidence_id))
        audit_sql.write(
            cur, [audit_sql.entry(user, "evidence.attach", "evidence", evidence_id, enterprise_id, after=_view(row))]
        )
        return row


def list_evidence(store: Store, user: User, target: Target) -> list[dict[str, Any]]:
    """The files of one answer, case or action, oldest first, with thumbnails but without their content."""
    with store.cursor() as cur:
        readable(cur, user, target)
        return sql.attached(cur, target.kind, target.owner_id, target.item_id)


def assessment_evidence(store: Store, user: User, assessment_id: int) -> dict[str, list[dict[str, Any]]]:
    """The files of every answer of an assessment, by item id (one read for a whole checklist's page)."""
    with store.cursor() as cur:
        readable(cur, user, Target("answer", assessment_id))
        rows = sql.of_assessment(cur, assessment_id)
    by_item: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_item.setdefault(row["item_id"], []).append(row)
    return by_item


def fetch_evidence(store: Store, user: User, evidence_id: int) -> dict[str, Any]:
    """One file's record with its content, for a download, if the user may see what it is attached to."""
    with store.cursor() as cur:
        return _stored(cur, user, evidence_id, 0, content=True)


def evidence_content(store: Store, user: User, evidence_id: int) -> bytes:
    """Only the content of one file (a download button asks for it when clicked)."""
    return bytes(fetch_evidence(store, user, evidence_id)["content"])


@retry_conflicts
def delete_evidence(store: Store, user: User, evidence_id: int) -> None:
    """Delete one file (the enterprise's safety officer; not of a submitted assessment), audited in the same
    transaction with what the file was."""
    with store.transaction() as cur:
        row = _stored(cur, user, evidence_id, 1)
        writable(cur, user, target_of(row), row["file_name"])
        sql.delete(cur, evidence_id)
        audit_sql.write(
            cur,
            [
                audit_sql.entry(
                    user, "evidence.delete", "evidence", evidence_id, row["enterprise_id"], before=_view(row)
                )
            ],
        )


def _stored(cur: Any, user: User, evidence_id: int, right: int, *, content: bool = False) -> dict[str, Any]:
    """A stored file if the user has the right (0: to see, 1: to change) on what it is attached to; a missing file
    is refused the same way first, then reported as NotFound."""
    row = sql.by_id(cur, evidence_id, content=content)
    kind = row["attached_to"] if row else "incident"
    return owned_row(row, user, RIGHTS[kind][right], "evidence.not_found", id=evidence_id)


def _view(row: dict[str, Any]) -> dict[str, Any]:
    """A file as the audit trail records it: what it is and what it is attached to, never its content."""
    return {k: row[k] for k in ("file_name", "content_type", "size_bytes", "sha256")} | target_of(row).view()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
