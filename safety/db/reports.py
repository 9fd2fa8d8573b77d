"""SQL for the regional report: the programme's members by the year they joined, the year's self-assessments, the
average score per golden rule, the causes of the year's accidents, the items rated red, and the lists of overdue
corrective actions and investigation steps.

The scope filter is that of safety/db/indicators.py (`SCOPE`, `scope_params`): active enterprises only, then an
optional district (KATO), OKED division and BIN. Every value is a ? parameter; nothing is built from user text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from safety.db.cursors import Cursor, fetch_dicts
from safety.db.indicators import SCOPE, scope_params

# The days asked for, each with its position (1, 2, …), as safety/db/indicators.py asks them.
_ASKED = """
    asked AS (SELECT unnest(CAST(? AS DATE[])) AS day, generate_subscripts(CAST(? AS DATE[]), 1) AS position)"""


def joined_by_year(
    cur: Cursor, *, last_year: int, district: str | None = None, division: str | None = None, bin_: str | None = None
) -> dict[int, int]:
    """Year -> how many of the scope's enterprises joined Vision Zero that year, up to `last_year` (the years
    without any are left out). Their running sum is `indicators.programme_counts` of each year."""
    sql = (
        "WITH "
        + SCOPE
        + """
        SELECT year(e.joined_on) AS year, count(*) FROM enterprises e JOIN scope s ON s.id = e.id
        WHERE e.joined_on < make_date(? + 1, 1, 1) GROUP BY 1 ORDER BY 1"""
    )
    rows = cur.execute(sql, [*scope_params(district, division, bin_), last_year]).fetchall()
    return {int(year): int(count) for year, count in rows}


def assessments_in_year(
    cur: Cursor,
    checklist_id: str,
    year: int,
    *,
    district: str | None = None,
    division: str | None = None,
    bin_: str | None = None,
) -> tuple[int, int]:
    """How many assessments of the checklist the scope's enterprises submitted for `year` (by the day assessed),
    and how many enterprises submitted them."""
    sql = (
        "WITH "
        + SCOPE
        + """
        SELECT count(*), count(DISTINCT a.enterprise_id) FROM assessments a JOIN scope s ON s.id = a.enterprise_id
        WHERE a.status = 'submitted' AND a.checklist_id = ? AND year(a.assessed_on) = ?"""
    )
    done, enterprises = cur.execute(sql, [*scope_params(district, division, bin_), checklist_id, year]).fetchall()[0]
    return int(done), int(enterprises)


def rule_scores(
    cur: Cursor,
    checklist_id: str,
    days: list[dt.date],
    *,
    district: str | None = None,
    division: str | None = None,
    bin_: str | None = None,
) -> list[dict[str, Any]]:
    """For each of `days`, the mean score per rule over each enterprise's latest assessment submitted by that day,
    and how many enterprises it is over: rows of day, rule_id, score, enterprises (rule by rule, day by day)."""
    sql = (
        "WITH "
        + SCOPE
        + ","
        + _ASKED
        + """,
        latest AS (
            SELECT d.position, d.day, a.enterprise_id,
                   (array_agg(a.id ORDER BY a.assessed_on DESC, a.id DESC))[1] AS assessment_id
            FROM asked d JOIN (assessments a JOIN scope s ON s.id = a.enterprise_id) ON a.assessed_on <= d.day
            WHERE a.status = 'submitted' AND a.checklist_id = ?
            GROUP BY d.position, d.day, a.enterprise_id)
        SELECT l.day, r.rule_id, avg(r.score) AS score, count(r.score) AS enterprises
        FROM latest l JOIN assessment_rule_scores r ON r.assessment_id = l.assessment_id
        GROUP BY l.position, l.day, r.rule_id ORDER BY l.position, r.rule_id"""
    )
    params = [*scope_params(district, division, bin_), list(days), list(days), checklist_id]
    return fetch_dicts(cur.execute(sql, params))


def red_items(
    cur: Cursor,
    checklist_id: str,
    day: dt.date,
    *,
    district: str | None = None,
    division: str | None = None,
    bin_: str | None = None,
) -> list[dict[str, Any]]:
    """The items rated red in each enterprise's latest assessment submitted by `day`: per item, how many times
    (one per enterprise) and its rule (an item's id starts with its rule's, "2.4" → 2), most often red first."""
    sql = (
        "WITH "
        + SCOPE
        + """,
        latest AS (
            SELECT a.enterprise_id, (array_agg(a.id ORDER BY a.assessed_on DESC, a.id DESC))[1] AS assessment_id
            FROM assessments a JOIN scope s ON s.id = a.enterprise_id
            WHERE a.status = 'submitted' AND a.checklist_id = ? AND a.assessed_on <= ?
            GROUP BY a.enterprise_id)
        SELECT CAST(split_part(x.item_id, '.', 1) AS INTEGER) AS rule_id, x.item_id, count(*) AS red
        FROM latest l JOIN assessment_answers x ON x.assessment_id = l.assessment_id
        WHERE x.rating = 'red'
        GROUP BY 1, 2 ORDER BY red DESC, rule_id, x.item_id"""
    )
    return fetch_dicts(cur.execute(sql, [*scope_params(district, division, bin_), checklist_id, day]))


def causes(
    cur: Cursor,
    year: int,
    limit: int,
    *,
    district: str | None = None,
    division: str | None = None,
    bin_: str | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """The most frequent causes of the scope's accidents of `year`, and how many accidents state none.

    A cause is the case's free text, trimmed, and causes that differ only in case are one (written as most cases
    write it). Each accident counts once under each cause its cases give (the cases of a group accident share its
    number); an accident none of whose cases gives a cause is "not stated". Rows: cause, accidents; most first."""
    cases = (
        "WITH "
        + SCOPE
        + """,
        cases AS (
            SELECT nullif(trim(i.cause), '') AS cause,
                   CASE WHEN i.accident_no IS NULL THEN 'case ' || i.id
                        ELSE 'accident ' || i.enterprise_id || ' ' || i.accident_no END AS accident
            FROM incidents i JOIN scope s ON s.id = i.enterprise_id
            WHERE i.kind = 'accident'
              AND i.occurred_on >= make_date(?, 1, 1) AND i.occurred_on < make_date(? + 1, 1, 1))"""
    )
    params = [*scope_params(district, division, bin_), year, year]
    top = (
        cases
        + """,
        spelled AS (
            SELECT lower(cause) AS folded, cause, count(*) AS n FROM cases WHERE cause IS NOT NULL GROUP BY 1, 2),
        named AS (SELECT folded, first(cause ORDER BY n DESC, cause) AS cause FROM spelled GROUP BY folded),
        counted AS (
            SELECT lower(cause) AS folded, count(DISTINCT accident) AS accidents FROM cases WHERE cause IS NOT NULL
            GROUP BY folded)
        SELECT n.cause, c.accidents FROM counted c JOIN named n ON n.folded = c.folded
        ORDER BY c.accidents DESC, n.cause LIMIT ?"""
    )
    found = fetch_dicts(cur.execute(top, [*params, limit]))
    unstated = (
        cases
        + """
        SELECT count(*) FROM (SELECT accident FROM cases GROUP BY accident HAVING bool_and(cause IS NULL))
            AS unstated"""
    )
    return found, int(cur.execute(unstated, params).fetchall()[0][0])


def overdue_actions(
    cur: Cursor,
    day: dt.date,
    limit: int,
    *,
    district: str | None = None,
    division: str | None = None,
    bin_: str | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """The corrective actions in scope overdue on `day`, longest overdue first (then by enterprise), at most `limit`
    of them, and how many there are in all. The rule is that of `indicators.overdue_actions` (recorded by then, due
    before it, and neither done nor cancelled by then), so the count is the dashboard's tile. Rows: name_ru,
    name_kk, bin, title, due_on, days (calendar days past due)."""
    sql = (
        "WITH "
        + SCOPE
        + """,
        late AS (
            SELECT e.name_ru, e.name_kk, e.bin, c.title, c.due_on, CAST(? AS DATE) - c.due_on AS days,
                   c.id, count(*) OVER () AS total
            FROM corrective_actions c JOIN scope s ON s.id = c.enterprise_id
            JOIN enterprises e ON e.id = c.enterprise_id
            WHERE CAST(c.created_at AS DATE) <= ? AND c.due_on < ?
              AND NOT (c.state = 'done' AND least(c.completed_on, CAST(c.updated_at AS DATE)) <= ?)
              AND NOT (c.state = 'cancelled' AND CAST(c.updated_at AS DATE) <= ?))
        SELECT * FROM late ORDER BY due_on, name_ru, id LIMIT ?"""
    )
    rows = fetch_dicts(cur.execute(sql, [*scope_params(district, division, bin_), day, day, day, day, day, limit]))
    if rows:
        return rows, int(rows[0]["total"])
    return [], 0


def overdue_steps(
    cur: Cursor,
    day: dt.date,
    limit: int,
    *,
    district: str | None = None,
    division: str | None = None,
    bin_: str | None = None,
) -> tuple[list[dict[str, Any]], int, int]:
    """The investigation steps in scope past their deadline on `day`, earliest deadline first, at most `limit` of
    them; how many steps there are in all; and how many accidents they belong to, which is the dashboard's tile
    (`indicators.overdue_investigations`, whose rule this is). Rows: name_ru, name_kk, bin, occurred_on, injured,
    worst (3 fatal, 2 severe, 1 light: a group accident), step (report, investigation or act), due."""
    sql = (
        "WITH "
        + SCOPE
        + """,
        args AS (SELECT CAST(? AS DATE) AS day),
        pending AS (
            SELECT o.* FROM serious_accidents o JOIN scope s ON s.id = o.enterprise_id CROSS JOIN args a
            WHERE o.occurred_on <= a.day AND (o.acts_done_on IS NULL OR o.acts_done_on > a.day)),
        steps AS (
            SELECT o.*, 'report' AS step, o.report_due AS due, 1 AS position FROM pending o CROSS JOIN args a
            WHERE o.report_due < a.day AND (o.reported_on IS NULL OR o.reported_on > a.day)
            UNION ALL
            SELECT o.*, 'investigation', o.investigation_due, 2 FROM pending o CROSS JOIN args a
            WHERE o.commission_on <= a.day AND o.investigation_due < a.day
              AND (o.closed_on IS NULL OR o.closed_on > a.day)
            UNION ALL
            SELECT o.*, 'act', o.act_due, 3 FROM pending o CROSS JOIN args a
            WHERE o.closed_on <= a.day AND o.act_due < a.day AND (o.act_sent_on IS NULL OR o.act_sent_on > a.day)),
        listed AS (
            SELECT e.name_ru, e.name_kk, e.bin, p.occurred_on, p.injured, p.worst, p.step, p.due, p.first_id,
                   p.position, t.total, t.accidents
            FROM steps p JOIN enterprises e ON e.id = p.enterprise_id
            CROSS JOIN (SELECT count(*) AS total, count(DISTINCT first_id) AS accidents FROM steps) AS t)
        SELECT * FROM listed ORDER BY due, name_ru, first_id, position LIMIT ?"""
    )
    rows = fetch_dicts(cur.execute(sql, [*scope_params(district, division, bin_), day, limit]))
    if rows:
        return rows, int(rows[0]["total"]), int(rows[0]["accidents"])
    return [], 0, 0
