"""SQL for the injury indicators: counts and rates per year, by district, industry or enterprise, and by month.

Rates are computed here from sums over enterprise-years (Σ injured × 1000 / Σ headcount), never as averages of
enterprise rates. An enterprise-year without a headcount adds its cases to the counts but not to the rates;
one without hours is left out of the hour-based rates (LTIFR, TRIR, DART), and a rate without a denominator is
NULL ("no data"), never 0.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from safety.db.cursors import Cursor, fetch_arrow, fetch_dicts

# What a query can group by: constant SQL expressions over the `scope` columns, never user text.
GROUPS = {
    "total": "NULL::VARCHAR",
    "district": "s.kato",
    "division": "s.division",
    "enterprise": "s.bin",
}

SCOPE = """
    scope AS (
        SELECT id, bin, kato, left(oked, 2) AS division FROM enterprises
        WHERE active  -- a deactivated enterprise leaves the register and the figures
          AND (CAST(? AS VARCHAR) IS NULL OR kato = ?)
          AND (CAST(? AS VARCHAR) IS NULL OR left(oked, 2) = ?)
          AND (CAST(? AS VARCHAR) IS NULL OR bin = ?))"""

# Each enterprise's latest submitted assessment of the checklist.
LATEST_ASSESSMENT = """
    latest AS (
        SELECT a.enterprise_id,
               (array_agg(a.id ORDER BY a.assessed_on DESC, a.id DESC)
                   FILTER (WHERE a.assessed_on IS NOT NULL))[1] AS assessment_id,
               (array_agg(a.overall_score ORDER BY a.assessed_on DESC, a.id DESC)
                   FILTER (WHERE a.overall_score IS NOT NULL AND a.assessed_on IS NOT NULL))[1] AS overall,
               max(a.assessed_on) AS assessed_on
        FROM assessments a JOIN scope s ON s.id = a.enterprise_id
        WHERE a.status = 'submitted' AND a.checklist_id = ? GROUP BY a.enterprise_id)"""

_COUNTS = """
    accidents AS (
        SELECT a.enterprise_id, a.year, a.accidents FROM accident_counts a JOIN scope s ON s.id = a.enterprise_id
        WHERE a.year BETWEEN ? AND ?),
    summed AS (
        SELECT c.enterprise_id, c.year,
               sum(c.cases) FILTER (WHERE list_contains(?, c.kind)) AS injured,
               sum(c.cases) FILTER (WHERE list_contains(?, c.kind) AND c.severity = 'fatal') AS killed,
               sum(c.lost_days) FILTER (WHERE list_contains(?, c.kind)
                                        AND c.severity IS DISTINCT FROM 'fatal') AS lost_days,
               sum(c.cases) FILTER (WHERE list_contains(?, c.kind) AND c.severity IS DISTINCT FROM 'fatal') AS nonfatal,
               sum(c.lost_time) FILTER (WHERE c.kind = 'accident') AS lost_time,
               sum(c.cases) FILTER (WHERE c.kind IN ('accident', 'occupational_disease')) AS recordable,
               sum(c.dart_cases) FILTER (WHERE c.kind IN ('accident', 'occupational_disease')) AS dart_cases,
               sum(c.cases) FILTER (WHERE c.kind = 'near_miss') AS near_misses
        FROM incident_counts c JOIN scope s ON s.id = c.enterprise_id
        WHERE c.year BETWEEN ? AND ?
        GROUP BY c.enterprise_id, c.year),
    counted AS (
        SELECT m.*, a.accidents FROM summed m
        LEFT JOIN accidents a ON a.enterprise_id = m.enterprise_id AND a.year = m.year),
    staffed AS (
        SELECT y.enterprise_id, y.year, y.avg_headcount AS headcount, y.hours_worked AS hours
        FROM enterprise_years y JOIN scope s ON s.id = y.enterprise_id
        WHERE y.year BETWEEN ? AND ?),
    enterprise_years AS (
        SELECT coalesce(c.enterprise_id, p.enterprise_id) AS enterprise_id, coalesce(c.year, p.year) AS year,
               coalesce(c.injured, 0) AS injured, coalesce(c.killed, 0) AS killed,
               coalesce(c.lost_days, 0) AS lost_days, coalesce(c.nonfatal, 0) AS nonfatal,
               coalesce(c.lost_time, 0) AS lost_time, coalesce(c.recordable, 0) AS recordable,
               coalesce(c.dart_cases, 0) AS dart_cases, coalesce(c.near_misses, 0) AS near_misses,
               coalesce(c.accidents, 0) AS accidents, p.headcount, p.hours
        FROM counted c FULL JOIN staffed p ON p.enterprise_id = c.enterprise_id AND p.year = c.year)"""

_RATES = """
    SELECT {grouping}grp, year, injured, killed, lost_days, nonfatal, headcount, hours, near_misses, accidents,
           lost_time, recordable, dart_cases, enterprises, hours_coverage,
           CASE WHEN headcount > 0 THEN CAST(injured_staffed AS DOUBLE PRECISION) * 1000 / headcount END AS kch,
           CASE WHEN nonfatal > 0 THEN CAST(lost_days AS DOUBLE PRECISION) / nonfatal END AS kt,
           CASE WHEN headcount > 0 AND nonfatal > 0
                THEN CAST(injured_staffed AS DOUBLE PRECISION) * 1000 / headcount
                     * (CAST(lost_days AS DOUBLE PRECISION) / nonfatal) END AS kp,
           CASE WHEN headcount > 0 THEN CAST(killed_staffed AS DOUBLE PRECISION) * 1000 / headcount END AS kch_fatal,
           CASE WHEN hours > 0 THEN CAST(lost_time_hours AS DOUBLE PRECISION) * 1000000 / hours END AS ltifr,
           CASE WHEN hours > 0 THEN CAST(recordable_hours AS DOUBLE PRECISION) * 200000 / hours END AS trir,
           CASE WHEN hours > 0 THEN CAST(dart_hours AS DOUBLE PRECISION) * 200000 / hours END AS dart,
           CASE WHEN accidents > 0 THEN CAST(near_misses AS DOUBLE PRECISION) / accidents END
               AS near_misses_per_accident
    FROM (
        SELECT {group} AS grp, ey.year,
               -- 64-bit sums: DuckDB sums integers as 128-bit ones, which are slow to hand to Python
               CAST(sum(ey.injured) AS BIGINT) AS injured, CAST(sum(ey.killed) AS BIGINT) AS killed,
               CAST(sum(ey.lost_days) AS BIGINT) AS lost_days, CAST(sum(ey.nonfatal) AS BIGINT) AS nonfatal,
               CAST(sum(ey.headcount) AS BIGINT) AS headcount, CAST(sum(ey.hours) AS BIGINT) AS hours,
               CAST(sum(ey.near_misses) AS BIGINT) AS near_misses, CAST(sum(ey.accidents) AS BIGINT) AS accidents,
               CAST(sum(ey.lost_time) AS BIGINT) AS lost_time, CAST(sum(ey.recordable) AS BIGINT) AS recordable,
               CAST(sum(ey.dart_cases) AS BIGINT) AS dart_cases,
               count(*) AS enterprises,  -- one row per enterprise and year
               CAST(sum(ey.injured) FILTER (WHERE ey.headcount IS NOT NULL) AS BIGINT) AS injured_staffed,
               CAST(sum(ey.killed) FILTER (WHERE ey.headcount IS NOT NULL) AS BIGINT) AS killed_staffed,
               CAST(sum(ey.lost_time) FILTER (WHERE ey.hours IS NOT NULL) AS BIGINT) AS lost_time_hours,
               CAST(sum(ey.recordable) FILTER (WHERE ey.hours IS NOT NULL) AS BIGINT) AS recordable_hours,
               CAST(sum(ey.dart_cases) FILTER (WHERE ey.hours IS NOT NULL) AS BIGINT) AS dart_hours,
               CAST(sum(ey.headcount) FILTER (WHERE ey.hours IS NOT NULL) AS DOUBLE PRECISION)
                   / nullif(sum(ey.headcount), 0)
                   AS hours_coverage
        FROM enterprise_years ey JOIN scope s ON s.id = ey.enterprise_id
        {group_by}) AS summed_groups
    ORDER BY {grouping}grp, year"""


def scope_params(district: str | None, division: str | None, bin_: str | None) -> list[Any]:
    """The parameters of SCOPE, in its order."""
    return [district, district, division, division, bin_, bin_]


def indicators(
    cur: Cursor,
    *,
    group: str | tuple[str, ...],
    first_year: int,
    last_year: int,
    kinds: list[str],
    district: str | None = None,
    division: str | None = None,
    bin_: str | None = None,
) -> list[dict[str, Any]]:
    """Counts and rates per (group, year) for the years first_year..last_year, over the cases of `kinds`.

    Several groups (district, division, enterprise) are answered by one query (GROUPING SETS): each row then
    says in "grouping" which group its "grp" is.
    """
    if isinstance(group, str):
        parts = {"grouping": "", "group": GROUPS[group], "group_by": "GROUP BY 1, 2"}
    else:
        if not group or "total" in group:
            raise ValueError(group)
        named = [(name, GROUPS[name]) for name in group]  # constant expressions, never user text
        kind = " ".join(f"WHEN grouping({e}) = 0 THEN '{name}'" for name, e in named)
        key = " ".join(f"WHEN grouping({e}) = 0 THEN {e}" for _, e in named)
        parts = {
            "grouping": "grouping, ",
            "group": f"CASE {kind} END AS grouping, CASE {key} END",
            "group_by": "GROUP BY GROUPING SETS (" + ", ".join(f"({e}, ey.year)" for _, e in named) + ")",
        }
    sql = "WITH " + SCOPE + "," + _COUNTS + _RATES.format(**parts)
    params = [
        *scope_params(district, division, bin_),
        first_year,
        last_year,
        kinds,
        kinds,
        kinds,
        kinds,
        first_year,
        last_year,
        first_year,
        last_year,
    ]
    return fetch_dicts(cur.execute(sql, params))


def monthly(
    cur: Cursor,
    *,
    first_year: int,
    last_year: int,
    district: str | None = None,
    division: str | None = None,
    bin_: str | None = None,
) -> list[dict[str, Any]]:
    """Cases per month by kind and severity (every kind: the page stacks them)."""
    sql = (
        "WITH "
        + SCOPE
        + """
        SELECT make_date(c.year, c.month, 1) AS month, c.kind, c.severity, CAST(sum(c.cases) AS BIGINT) AS cases
        FROM monthly_counts c JOIN scope s ON s.id = c.enterprise_id
        WHERE c.year BETWEEN ? AND ?
        GROUP BY 1, 2, 3 ORDER BY month, c.kind, c.severity"""
    )
    return fetch_dicts(cur.execute(sql, [*scope_params(district, division, bin_), first_year, last_year]))


def headcount_by_year(
    cur: Cursor,
    *,
    first_year: int,
    last_year: int,
    district: str | None = None,
    division: str | None = None,
    bin_: str | None = None,
) -> dict[int, int]:
    """Σ average headcount per year over the enterprises in scope."""
    sql = (
        "WITH "
        + SCOPE
        + """
        SELECT y.year, sum(y.avg_headcount) FROM enterprise_years y JOIN scope s ON s.id = y.enterprise_id
        WHERE y.year BETWEEN ? AND ? GROUP BY y.year"""
    )
    rows = cur.execute(sql, [*scope_params(district, division, bin_), first_year, last_year]).fetchall()
    return {int(year): int(total) for year, total in rows}


def programme_counts(
    cur: Cursor, *, year: int, district: str | None = None, division: str | None = None, bin_: str | None = None
) -> dict[str, Any]:
    """Enterprises in Vision Zero by the end of `year` (active, joined by then) within the scope."""
    sql = (
        "WITH "
        + SCOPE
        + """
        SELECT count(*) FROM enterprises e JOIN scope s ON s.id = e.id
        WHERE e.active AND e.joined_on < make_date(? + 1, 1, 1)"""
    )
    return {"enterprises": int(cur.execute(sql, [*scope_params(district, division, bin_), year]).fetchall()[0][0])}


def overdue_actions(
    cur: Cursor, days: list[Any], *, district: str | None = None, division: str | None = None, bin_: str | None = None
) -> list[int]:
    """How many corrective actions in scope were overdue on each of `days`: recorded by then, due before it, and
    neither done nor cancelled by then. A done action counts as done from its completion day (or from its last
    change, if that was earlier); a cancelled one from its last change, since the day of cancelling is not kept.
    On today this is the actions page's rule: past due and neither done nor cancelled."""
    sql = (
        "WITH "
        + SCOPE
        + """,
        asked AS (SELECT unnest(CAST(? AS DATE[])) AS day, generate_subscripts(CAST(? AS DATE[]), 1) AS position)
        SELECT a.position, count(c.enterprise_id)
        FROM asked a LEFT JOIN (corrective_actions c JOIN scope s ON s.id = c.enterprise_id)
            ON CAST(c.created_at AS DATE) <= a.day AND c.due_on < a.day
               AND NOT (c.state = 'done' AND least(c.completed_on, CAST(c.updated_at AS DATE)) <= a.day)
               AND NOT (c.state = 'cancelled' AND CAST(c.updated_at AS DATE) <= a.day)
        GROUP BY a.position ORDER BY a.position"""
    )
    found = cur.execute(sql, [*scope_params(district, division, bin_), list(days), list(days)]).fetchall()
    return [int(count) for _, count in found]


def overdue_investigations(
    cur: Cursor, days: list[Any], *, district: str | None = None, division: str | None = None, bin_: str | None = None
) -> list[int]:
    """How many accidents in scope that need a special investigation (severe, fatal or group) had a step past its
    deadline on each of `days`: the accident had happened and not every case had its act by then, and a step whose
    deadline had passed was not done by then (a step starts with the date of the one before it, as
    `safety.incidents.investigations.investigation_steps` has it; the deadlines are kept in serious_accidents)."""
    sql = (
        "WITH "
        + SCOPE
        + """,
        asked AS (SELECT unnest(CAST(? AS DATE[])) AS day, generate_subscripts(CAST(? AS DATE[]), 1) AS position)
        SELECT a.position, count(o.first_id)
        FROM asked a LEFT JOIN (serious_accidents o JOIN scope s ON s.id = o.enterprise_id)
            ON o.occurred_on <= a.day AND (o.acts_done_on IS NULL OR o.acts_done_on > a.day)
               AND ((o.report_due < a.day AND (o.reported_on IS NULL OR o.reported_on > a.day))
                    OR (o.commission_on <= a.day AND o.investigation_due < a.day
                        AND (o.closed_on IS NULL OR o.closed_on > a.day))
                    OR (o.closed_on <= a.day AND o.act_due < a.day
                        AND (o.act_sent_on IS NULL OR o.act_sent_on > a.day)))
        GROUP BY a.position ORDER BY a.position"""
    )
    found = cur.execute(sql, [*scope_params(district, division, bin_), list(days), list(days)]).fetchall()
    return [int(count) for _, count in found]


def average_score(
    cur: Cursor,
    checklist_id: str,
    as_of: Any,
    *,
    district: str | None = None,
    division: str | None = None,
    bin_: str | None = None,
) -> tuple[float | None, int]:
    """Mean of the active enterprises' latest overall scores submitted by `as_of`, and how many there were."""
    sql = (
        "WITH "
        + SCOPE
        + """,
        latest AS (
            SELECT (array_agg(a.overall_score ORDER BY a.assessed_on DESC, a.id DESC)
                        FILTER (WHERE a.overall_score IS NOT NULL AND a.assessed_on IS NOT NULL))[1] AS score
            FROM assessments a JOIN scope s ON s.id = a.enterprise_id JOIN enterprises e ON e.id = a.enterprise_id
            WHERE a.status = 'submitted' AND a.checklist_id = ? AND a.assessed_on <= ? AND e.active
            GROUP BY a.enterprise_id)
        SELECT avg(score), count(score) FROM latest"""
    )
    mean, count = cur.execute(sql, [*scope_params(district, division, bin_), checklist_id, as_of]).fetchall()[0]
    return (float(mean) if mean is not None else None), int(count)


def enterprise_names(
    cur: Cursor, *, district: str | None = None, division: str | None = None, bin_: str | None = None
) -> dict[str, dict[str, Any]]:
    """BIN -> name (ru, kk), district and OKED division of every enterprise in scope."""
    sql = (
        "WITH "
        + SCOPE
        + """
        SELECT e.bin, e.name_ru, e.name_kk, e.kato, left(e.oked, 2) AS division, e.active
        FROM enterprises e JOIN scope s ON s.id = e.id"""
    )
    return {r["bin"]: r for r in fetch_dicts(cur.execute(sql, scope_params(district, division, bin_)))}


def first_case_month(
    cur: Cursor, *, district: str | None = None, division: str | None = None, bin_: str | None = None
) -> Any:
    """The first month with any case in scope (the log's start), or None."""
    sql = (
        "WITH "
        + SCOPE
        + """
        SELECT min(make_date(c.year, c.month, 1)) FROM monthly_counts c JOIN scope s ON s.id = c.enterprise_id"""
    )
    return cur.execute(sql, scope_params(district, division, bin_)).fetchall()[0][0]


def league(
    cur: Cursor,
    *,
    year: int,
    first_year: int,
    kinds: list[str],
    checklist_id: str,
    kazakh: bool,
    district: str | None = None,
    division: str | None = None,
    bin_: str | None = None,
) -> pa.Table:
    """The league table in one query, as Arrow: per enterprise with cases or headcount in `year` or the year before, its
    name (Kazakh or Russian), district, OKED division, injured, killed, headcount, Кч and Кт of `year`, Кч of the
    year before, the latest overall score of the checklist, and `trend`: Кч per year first_year..year (NULL in a
    year with no data at all; an empty list when none of those years has any). Highest Кч first (none last), then
    by name and BIN. The figures are those of indicators(group="enterprise")."""
    sql = (
        """WITH
        args AS (SELECT CAST(? AS INTEGER) AS year, CAST(? AS INTEGER) AS first, CAST(? AS BOOLEAN) AS kazakh),
        """
        + SCOPE.strip()
        + ","
        + LATEST_ASSESSMENT
        + """,
        cases AS (
            SELECT c.enterprise_id, c.year, sum(c.cases) AS injured,
                   sum(c.cases) FILTER (WHERE c.severity = 'fatal') AS killed,
                   sum(c.lost_days) FILTER (WHERE c.severity IS DISTINCT FROM 'fatal') AS lost_days,
                   sum(c.cases) FILTER (WHERE c.severity IS DISTINCT FROM 'fatal') AS nonfatal
            FROM incident_counts c JOIN scope s ON s.id = c.enterprise_id CROSS JOIN args a
            WHERE list_contains(?, c.kind) AND c.year BETWEEN least(a.first, a.year - 1) AND a.year
            GROUP BY c.enterprise_id, c.year),
        staffed AS (
            SELECT y.enterprise_id, y.year, y.avg_headcount AS headcount
            FROM enterprise_years y JOIN scope s ON s.id = y.enterprise_id CROSS JOIN args a
            WHERE y.year BETWEEN least(a.first, a.year - 1) AND a.year),
        -- every enterprise in scope × every year, so that the trend lists its years in order, gaps included
        grid AS (
            SELECT s.id AS enterprise_id, y.year, y.year = a.year AS now, y.year = a.year - 1 AS before,
                   y.year >= a.first AS shown
            FROM scope s CROSS JOIN args a CROSS JOIN generate_series(least(a.first, a.year - 1), a.year) AS y(year)),
        years AS (
            SELECT g.*, c.enterprise_id IS NOT NULL OR p.enterprise_id IS NOT NULL AS known,
                   coalesce(c.injured, 0) AS injured, coalesce(c.killed, 0) AS killed, p.headcount,
                   CASE WHEN p.headcount > 0
                        THEN CAST(coalesce(c.injured, 0) AS DOUBLE PRECISION) * 1000 / p.headcount END AS kch,
                   CASE WHEN c.nonfatal > 0 THEN CAST(c.lost_days AS DOUBLE PRECISION) / c.nonfatal END AS kt
            FROM grid g
            LEFT JOIN cases c ON c.enterprise_id = g.enterprise_id AND c.year = g.year
            LEFT JOIN staffed p ON p.enterprise_id = g.enterprise_id AND p.year = g.year),
        ranked AS (
            SELECT enterprise_id,
                   CAST(coalesce(any_value(injured) FILTER (WHERE now), 0) AS BIGINT) AS injured,
                   CAST(coalesce(any_value(killed) FILTER (WHERE now), 0) AS BIGINT) AS killed,
                   any_value(headcount) FILTER (WHERE now) AS headcount,
                   any_value(kch) FILTER (WHERE now AND known) AS kch,
                   any_value(kt) FILTER (WHERE now AND known) AS kt,
                   any_value(kch) FILTER (WHERE before AND known) AS previous_kch,
                   CASE WHEN bool_or(known AND shown)
                        THEN array_agg(CASE WHEN known THEN kch END ORDER BY year) FILTER (WHERE shown)
                        ELSE CAST(ARRAY[] AS DOUBLE PRECISION[]) END
                       AS trend
            FROM years GROUP BY enterprise_id
            HAVING bool_or(known AND (now OR before)))
        SELECT e.bin, CASE WHEN a.kazakh THEN e.name_kk ELSE e.name_ru END AS name, e.kato,
               left(e.oked, 2) AS division, r.injured, r.killed, r.headcount, r.kch, r.kt, r.previous_kch,
               l.overall AS score, r.trend
        FROM ranked r JOIN enterprises e ON e.id = r.enterprise_id CROSS JOIN args a
        LEFT JOIN latest l ON l.enterprise_id = r.enterprise_id
        ORDER BY r.kch DESC NULLS LAST, name, e.bin"""
    )
    params = [year, first_year, kazakh, *scope_params(district, division, bin_), checklist_id, kinds]
    return fetch_arrow(cur, sql, params)
