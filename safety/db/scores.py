"""SQL for the dashboard's light reads: each enterprise's latest golden-rules score, the rule scores of the
enterprises with the lowest ones (the heatmap), and the enterprise filter's choices.

The scope filter and the latest-assessment pick are those of safety/db/indicators.py (`SCOPE`,
`LATEST_ASSESSMENT`): active enterprises only, then an optional district (KATO), OKED division and BIN. Every
value is a ? parameter; nothing is built from user text.
"""

from __future__ import annotations

from typing import Any

from safety.db.cursors import Cursor, fetch_arrow, fetch_dicts
from safety.db.indicators import LATEST_ASSESSMENT, SCOPE, scope_params


def lowest_rule_scores(
    cur: Cursor,
    checklist_id: str,
    limit: int,
    *,
    district: str | None = None,
    division: str | None = None,
    bin_: str | None = None,
) -> list[dict[str, Any]]:
    """The rule scores of the `limit` enterprises in scope whose latest assessment has the lowest overall score
    (an assessment without one comes last; ties by BIN), one row per rule, lowest enterprise first.

    Each row also carries the enterprise's position (1 = lowest) and `assessed`: how many enterprises in scope
    have a latest assessment with rule scores, shown or not.
    """
    sql = (
        "WITH "
        + SCOPE
        + ","
        + LATEST_ASSESSMENT
        + """,
        scored AS (
            SELECT l.* FROM latest l
            WHERE EXISTS (SELECT 1 FROM assessment_rule_scores r WHERE r.assessment_id = l.assessment_id)),
        lowest AS (
            SELECT c.enterprise_id, c.assessment_id, c.overall, c.assessed_on, count(*) OVER () AS assessed,
                   row_number() OVER (ORDER BY c.overall ASC NULLS LAST, s.bin) AS position
            FROM scored c JOIN scope s ON s.id = c.enterprise_id
            ORDER BY position LIMIT ?)
        SELECT e.bin, e.name_ru, e.name_kk, w.overall, w.assessed_on, w.assessed, w.position, r.rule_id, r.score
        FROM lowest w JOIN enterprises e ON e.id = w.enterprise_id
        JOIN assessment_rule_scores r ON r.assessment_id = w.assessment_id
        ORDER BY w.position, r.rule_id"""
    )
    return fetch_dicts(cur.execute(sql, [*scope_params(district, division, bin_), checklist_id, limit]))


def enterprise_choices(
    cur: Cursor, *, include_inactive: bool = False, enterprise_id: int | None = None
) -> dict[str, list[Any]]:
    """BIN, names, district and OKED division of the enterprises (active ones unless include_inactive; only
    `enterprise_id` when given), ordered by Russian name as the register lists them: one list per column (through
    Arrow: ten thousand enterprises' names come out several times faster than row by row)."""
    return fetch_arrow(
        cur,
        "SELECT bin, name_ru, name_kk, kato, left(oked, 2) AS division FROM enterprises "
        "WHERE (? OR active) AND (CAST(? AS INTEGER) IS NULL OR id = ?) ORDER BY name_ru, bin",
        [include_inactive, enterprise_id, enterprise_id],
    ).to_pydict()
