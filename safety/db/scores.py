"""SQL for the dashboard's light reads: each enterprise's latest golden-rules score, the rule scores of the
enterprises with the lowest ones (the heatmap), and the enterprise filter's choices.

The scope filters are those of safety/db/indicators.py (`_SCOPE`): active enterprises only, then an optional
district (KATO), OKED division and BIN. Every value is a ? parameter; nothing is built from user text.
"""

from __future__ import annotations

from typing import Any

from safety.db.store import Cursor, fetch_arrow, fetch_dicts

_SCOPE = """
    scope AS (
        SELECT id, bin FROM enterprises
        WHERE active  -- a deactivated enterprise leaves the register and the figures
          AND (CAST(? AS VARCHAR) IS NULL OR kato = ?)
          AND (CAST(? AS VARCHAR) IS NULL OR left(oked, 2) = ?)
          AND (CAST(? AS VARCHAR) IS NULL OR bin = ?))"""

# Each enterprise's latest submitted assessment of the checklist (the same picks as indicators.latest_scores).
LATEST_ASSESSMENT = """
    latest AS (
        SELECT a.enterprise_id, arg_max(a.id, a.assessed_on) AS assessment_id,
               arg_max(a.overall_score, a.assessed_on) AS overall, max(a.assessed_on) AS assessed_on
        FROM assessments a JOIN scope s ON s.id = a.enterprise_id
        WHERE a.status = 'submitted' AND a.checklist_id = ? GROUP BY a.enterprise_id)"""


def _scope_params(district: str | None, division: str | None, bin_: str | None) -> list[Any]:
    return [district, district, division, division, bin_, bin_]


def lowest_rule_scores(cur: Cursor, checklist_id: str, limit: int, *, district: str | None = None,
                       division: str | None = None, bin_: str | None = None) -> list[dict[str, Any]]:
    """The rule scores of the `limit` enterprises in scope whose latest assessment has the lowest overall score
    (an assessment without one comes last; ties by BIN), one row per rule, lowest enterprise first.

    Each row also carries the enterprise's position (1 = lowest) and `assessed`: how many enterprises in scope
    have a latest assessment with rule scores, shown or not.
    """
    sql = "WITH " + _SCOPE + "," + LATEST_ASSESSMENT + """,
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
    return fetch_dicts(cur.execute(sql, [*_scope_params(district, division, bin_), checklist_id, limit]))


def enterprise_choices(cur: Cursor, *, include_inactive: bool = False, enterprise_id: int | None = None
                       ) -> dict[str, list[Any]]:
    """BIN, names, district and OKED division of the enterprises (active ones unless include_inactive; only
    `enterprise_id` when given), ordered by Russian name as the register lists them: one list per column (through
    Arrow: ten thousand enterprises' names come out several times faster than row by row)."""
    return fetch_arrow(cur,
        "SELECT bin, name_ru, name_kk, kato, left(oked, 2) AS division FROM enterprises "
        "WHERE (? OR active) AND (CAST(? AS INTEGER) IS NULL OR id = ?) ORDER BY name_ru, bin",
        [include_inactive, enterprise_id, enterprise_id]).to_pydict()
