"""The case counts the indicators read: summaries of `incidents` per enterprise, year (and month), kind and severity,
the number of accidents per enterprise and year, and the accidents that need a special investigation, kept up to
date by every write in safety/db/incidents.py.

At national scale (2,000,000 cases) aggregating the cases again for each dashboard query took 0.2–2 s; the
summary has about a tenth of the rows and answers in tens of milliseconds (bench/dashboard_bench.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyarrow as pa

from safety.db.store import Cursor, fetch_arrow, insert_table, registered
from safety.incidents.investigations import investigation_steps

_COUNTS = """
    SELECT enterprise_id, year(occurred_on) AS year, kind, severity,
           count(*) AS cases, coalesce(sum(lost_days), 0) AS lost_days,
           count(*) FILTER (WHERE lost_days > 0 OR severity = 'fatal') AS lost_time,
           count(*) FILTER (WHERE lost_days > 0 OR restricted_days > 0) AS dart_cases
    FROM incidents WHERE {where} GROUP BY ALL"""
_MONTHS = """
    SELECT enterprise_id, year(occurred_on) AS year, month(occurred_on) AS month, kind, severity, count(*) AS cases
    FROM incidents WHERE {where} GROUP BY ALL"""
# Cases that share an accident number are one accident; a case without a number is an accident of its own.
_ACCIDENTS = """
    SELECT enterprise_id, year(occurred_on) AS year,
           count(DISTINCT accident_no) + count(*) FILTER (WHERE accident_no IS NULL) AS accidents
    FROM incidents WHERE kind = 'accident' AND {where} GROUP BY ALL"""
# Accidents that need a special investigation: severe, fatal or group (two or more injured). Dates are those of the
# accident's first case, as the investigation page shows them; acts_done_on is the day the last of its cases got its
# act (NULL while one has none), so the dashboard can tell which investigations were open on any day. The deadlines
# of the three steps are added in Python (`_serious_rows`: working days need Kazakhstan's holidays).
_SERIOUS = """
    SELECT a.enterprise_id, a.first_id, a.injured, a.worst,
           i.occurred_on, i.reported_on, i.commission_on, i.closed_on, i.act_sent_on, a.acts_done_on
    FROM (
        SELECT enterprise_id, accident_no, CASE WHEN accident_no IS NULL THEN id END AS lone, count(*) AS injured,
               max(CASE severity WHEN 'fatal' THEN 3 WHEN 'severe' THEN 2 ELSE 1 END) AS worst, min(id) AS first_id,
               CASE WHEN bool_and(act_sent_on IS NOT NULL) THEN max(act_sent_on) END AS acts_done_on
        FROM incidents
        WHERE kind = 'accident' AND (severity IN ('severe', 'fatal') OR accident_no IS NOT NULL) AND {where}
        GROUP BY ALL
        HAVING worst >= 2 OR count(*) >= 2) a
    JOIN incidents i ON i.id = a.first_id"""
_QUERIES = {"incident_counts": _COUNTS, "monthly_counts": _MONTHS, "accident_counts": _ACCIDENTS,
            "serious_accidents": _SERIOUS}
_DEADLINES = ("report_due", "investigation_due", "act_due")
CASE_TABLES = ("incident_counts", "monthly_counts", "accident_counts")  # migration 7
INVESTIGATION_TABLES = ("serious_accidents",)  # migration 8
SCHEMA = (
    """CREATE TABLE incident_counts (
        enterprise_id INTEGER NOT NULL, year INTEGER NOT NULL, kind VARCHAR NOT NULL, severity VARCHAR,
        cases BIGINT NOT NULL, lost_days BIGINT NOT NULL, lost_time BIGINT NOT NULL, dart_cases BIGINT NOT NULL)""",
    """CREATE TABLE monthly_counts (
        enterprise_id INTEGER NOT NULL, year INTEGER NOT NULL, month INTEGER NOT NULL, kind VARCHAR NOT NULL,
        severity VARCHAR, cases BIGINT NOT NULL)""",
    """CREATE TABLE accident_counts (
        enterprise_id INTEGER NOT NULL, year INTEGER NOT NULL, accidents BIGINT NOT NULL)""",
)
INVESTIGATION_SCHEMA = (
    """CREATE TABLE serious_accidents (
        enterprise_id INTEGER NOT NULL, first_id BIGINT NOT NULL, injured BIGINT NOT NULL, worst INTEGER NOT NULL,
        occurred_on DATE NOT NULL, reported_on DATE, commission_on DATE, closed_on DATE, act_sent_on DATE,
        acts_done_on DATE, report_due DATE NOT NULL, investigation_due DATE, act_due DATE)""",
)


def refresh(cur: Cursor, enterprise_ids: Iterable[int]) -> None:
    """Recount the cases of these enterprises (in the caller's transaction, after it changed their cases)."""
    ids = sorted({int(i) for i in enterprise_ids if i is not None})
    if not ids:
        return
    for table in _QUERIES:
        cur.execute(f"DELETE FROM {table} WHERE list_contains(?, enterprise_id)", [ids])
        _insert(cur, table, "list_contains(?, enterprise_id)", [ids])


def refresh_all(cur: Cursor, tables: Iterable[str] = tuple(_QUERIES)) -> None:
    """Recount every enterprise's cases into these summaries (a migration step, and after a bulk load)."""
    for table in tables:
        cur.execute(f"DELETE FROM {table}")
        _insert(cur, table, "TRUE", [])


def _insert(cur: Cursor, table: str, where: str, params: list[Any]) -> None:
    if table != "serious_accidents":
        cur.execute(f"INSERT INTO {table} " + _QUERIES[table].format(where=where), params)
        return
    rows = _serious_rows(cur, where, params)
    insert_table(cur, "serious_accidents", rows, rows.column_names)


def _serious_rows(cur: Cursor, where: str, params: list[Any]) -> pa.Table:
    """The serious accidents of the cases `where` picks, with each step's deadline as
    `safety.incidents.investigations.investigation_steps` sets it (None while the step before it has no date)."""
    found = fetch_arrow(cur, _SERIOUS.format(where=where), params)
    columns = zip(*(found[name].to_pylist() for name in ("occurred_on", "commission_on", "closed_on")), strict=True)
    deadlines = [[step.due for step in investigation_steps(occurred, None, commission, closed, None)]
                 for occurred, commission, closed in columns]
    for position, name in enumerate(_DEADLINES):
        found = found.append_column(name, pa.array([row[position] for row in deadlines], pa.date32()))
    return found


def stale(cur: Cursor) -> int:
    """How many summary rows differ from a fresh count (0 when the summary is right; for tests and checks)."""
    total = 0
    with registered(cur, "fresh_serious", _serious_rows(cur, "TRUE", [])):
        for table, query in _QUERIES.items():
            fresh = "SELECT * FROM fresh_serious" if table == "serious_accidents" else query.format(where="TRUE")
            for first, second in ((fresh, f"SELECT * FROM {table}"), (f"SELECT * FROM {table}", fresh)):
                total += cur.execute(f"SELECT count(*) FROM (({first}) EXCEPT ALL ({second}))").fetchall()[0][0]
    return int(total)
