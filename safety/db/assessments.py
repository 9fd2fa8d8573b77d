"""SQL for checklist versions, assessments, their answers and rule scores."""

from __future__ import annotations

import datetime as dt
from typing import Any

from safety.db.cursors import Cursor, fetch_dicts, insert_frame

COLUMNS = (
    "id, enterprise_id, checklist_id, version, status, started_by, started_at, submitted_by, submitted_at, "
    "assessed_on, overall_score"
)


def frozen_version(cur: Cursor, checklist_id: str, version: int) -> dict[str, Any] | None:
    """Return the stored (frozen) checklist version, or None."""
    rows = fetch_dicts(
        cur.execute(
            "SELECT content_hash, CAST(definition AS VARCHAR) AS definition FROM checklist_versions "
            "WHERE checklist_id = ? AND version = ?",
            [checklist_id, version],
        )
    )
    return rows[0] if rows else None


def freeze_version(cur: Cursor, checklist_id: str, version: int, content_hash: str, definition: str) -> None:
    """Store a checklist version's content when its first assessment starts."""
    cur.execute(
        "INSERT INTO checklist_versions (checklist_id, version, content_hash, definition) VALUES (?, ?, ?, ?)",
        [checklist_id, version, content_hash, definition],
    )


def _draft_key(enterprise_id: int, checklist_id: str) -> str:
    """The key that lets an enterprise hold one open draft per checklist (a unique index, migration 9)."""
    return f"{enterprise_id}:{checklist_id}"


def draft_for(cur: Cursor, enterprise_id: int, checklist_id: str) -> dict[str, Any] | None:
    """Return the open draft of an enterprise for a checklist, or None."""
    rows = fetch_dicts(
        cur.execute(f"SELECT {COLUMNS} FROM assessments WHERE draft_key = ?", [_draft_key(enterprise_id, checklist_id)])
    )
    return rows[0] if rows else None


def insert(cur: Cursor, record: dict[str, Any]) -> int:
    """Create an assessment (a draft, or a submitted one for the demo) and return its id."""
    row = cur.execute(
        "INSERT INTO assessments (enterprise_id, checklist_id, version, status, started_by, started_at, "
        "submitted_by, submitted_at, assessed_on, overall_score, draft_key) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [
            record["enterprise_id"],
            record["checklist_id"],
            record["version"],
            record["status"],
            record["started_by"],
            record.get("started_at") or dt.datetime.now(dt.UTC).replace(tzinfo=None),
            record.get("submitted_by"),
            record.get("submitted_at"),
            record.get("assessed_on"),
            record.get("overall_score"),
            _draft_key(record["enterprise_id"], record["checklist_id"]) if record["status"] == "draft" else None,
        ],
    ).fetchall()[0]
    return int(row[0])


def by_id(cur: Cursor, assessment_id: int) -> dict[str, Any] | None:
    """Return an assessment, or None."""
    rows = fetch_dicts(cur.execute(f"SELECT {COLUMNS} FROM assessments WHERE id = ?", [assessment_id]))
    return rows[0] if rows else None


def answers(cur: Cursor, assessment_id: int) -> list[dict[str, Any]]:
    """Return an assessment's answers."""
    return fetch_dicts(
        cur.execute(
            "SELECT item_id, rating, comment, evidence, na_reason FROM assessment_answers WHERE assessment_id = ?",
            [assessment_id],
        )
    )


def save_answer(cur: Cursor, assessment_id: int, answer: dict[str, Any]) -> None:
    """Insert or replace one answer."""
    cur.execute(
        "INSERT INTO assessment_answers (assessment_id, item_id, rating, comment, evidence, na_reason, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, current_timestamp) ON CONFLICT (assessment_id, item_id) DO UPDATE SET "
        "rating = excluded.rating, comment = excluded.comment, evidence = excluded.evidence, "
        "na_reason = excluded.na_reason, updated_at = excluded.updated_at",
        [
            assessment_id,
            answer["item_id"],
            answer.get("rating"),
            answer.get("comment"),
            answer.get("evidence"),
            answer.get("na_reason"),
        ],
    )


def insert_answers(cur: Cursor, assessment_id: int, rows: list[dict[str, Any]]) -> None:
    """Insert many answers of a new assessment (the demo)."""
    cur.executemany(
        "INSERT INTO assessment_answers (assessment_id, item_id, rating, comment, evidence, na_reason) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            [assessment_id, r["item_id"], r.get("rating"), r.get("comment"), r.get("evidence"), r.get("na_reason")]
            for r in rows
        ],
    )


def submit(
    cur: Cursor,
    assessment_id: int,
    by: str,
    at: dt.datetime,
    on: dt.date,
    overall: float | None,
    rule_scores: list[tuple[int, float | None, str]],
) -> None:
    """Mark an assessment submitted with its scores."""
    cur.execute(
        "UPDATE assessments SET status = 'submitted', submitted_by = ?, submitted_at = ?, assessed_on = ?, "
        "overall_score = ?, draft_key = NULL WHERE id = ?",
        [by, at, on, overall, assessment_id],
    )
    cur.executemany(
        "INSERT INTO assessment_rule_scores (assessment_id, rule_id, score, status) VALUES (?, ?, ?, ?)",
        [[assessment_id, rule_id, score, status] for rule_id, score, status in rule_scores],
    )


def submitted(cur: Cursor, enterprise_id: int, checklist_id: str | None = None) -> list[dict[str, Any]]:
    """Return an enterprise's submitted assessments, oldest first."""
    return fetch_dicts(
        cur.execute(
            f"SELECT {COLUMNS} FROM assessments WHERE enterprise_id = ? AND status = 'submitted' "
            "AND (? IS NULL OR checklist_id = ?) ORDER BY assessed_on, id",
            [enterprise_id, checklist_id, checklist_id],
        )
    )


def rule_scores(cur: Cursor, assessment_ids: list[int]) -> list[dict[str, Any]]:
    """Return the rule scores of the given assessments."""
    if not assessment_ids:
        return []
    return fetch_dicts(
        cur.execute(
            "SELECT assessment_id, rule_id, score, status FROM assessment_rule_scores "
            "WHERE list_contains(?, assessment_id) ORDER BY assessment_id, rule_id",
            [assessment_ids],
        )
    )


def insert_many_answers(cur: Cursor, rows: list[dict[str, Any]]) -> None:
    """Insert the answers of many assessments at once (the demo)."""
    insert_frame(
        cur,
        "assessment_answers",
        {
            "assessment_id": "Int64",
            "item_id": "object",
            "rating": "object",
            "comment": "object",
            "evidence": "object",
            "na_reason": "object",
        },
        rows,
    )


def insert_many_rule_scores(cur: Cursor, rows: list[dict[str, Any]]) -> None:
    """Insert the rule scores of many assessments at once (the demo)."""
    insert_frame(
        cur,
        "assessment_rule_scores",
        {"assessment_id": "Int64", "rule_id": "Int64", "score": "Float64", "status": "object"},
        rows,
    )


def programme_scores(cur: Cursor, checklist_id: str, today: dt.date) -> dict[str, Any]:
    """Mean of each active enterprise's latest overall score, how many were assessed, and overdue actions."""
    row = cur.execute(
        "WITH latest AS (SELECT a.enterprise_id, (array_agg(a.overall_score ORDER BY a.assessed_on DESC, a.id DESC) "
        "  FILTER (WHERE a.overall_score IS NOT NULL AND a.assessed_on IS NOT NULL))[1] AS score "
        "  FROM assessments a JOIN enterprises e ON e.id = a.enterprise_id "
        "  WHERE a.status = 'submitted' AND a.checklist_id = ? AND e.active GROUP BY a.enterprise_id) "
        "SELECT (SELECT round(avg(score), 1) FROM latest), (SELECT count(*) FROM latest), "
        "(SELECT count(*) FROM corrective_actions c JOIN enterprises e ON e.id = c.enterprise_id "
        " WHERE e.active AND c.due_on < ? AND c.state NOT IN ('done', 'cancelled'))",
        [checklist_id, today],
    ).fetchall()[0]
    return {"average_score": row[0], "assessed": int(row[1]), "overdue_actions": int(row[2])}
