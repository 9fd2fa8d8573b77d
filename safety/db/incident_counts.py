"""The case counts the indicators read: summaries of `incidents` per enterprise, year (and month), kind and severity,
and the number of accidents per enterprise and year, kept up to date by every write in safety/db/incidents.py.

At national scale (2,000,000 cases) aggregating the cases again for each dashboard query took 0.2–2 s; the
summary has about a tenth of the rows and answers in tens of milliseconds (bench/dashboard_bench.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from safety.db.store import Cursor

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
_TABLES = (("incident_counts", _COUNTS), ("monthly_counts", _MONTHS), ("accident_counts", _ACCIDENTS))
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


def refresh(cur: Cursor, enterprise_ids: Iterable[int]) -> None:
    """Recount the cases of these enterprises (in the caller's transaction, after it changed their cases)."""
    ids = sorted({int(i) for i in enterprise_ids if i is not None})
    if not ids:
        return
    for table, query in _TABLES:
        cur.execute(f"DELETE FROM {table} WHERE list_contains(?, enterprise_id)", [ids])
        cur.execute(f"INSERT INTO {table} " + query.format(where="list_contains(?, enterprise_id)"), [ids])


def refresh_all(cur: Cursor) -> None:
    """Recount every enterprise's cases (a migration step, and after a bulk load)."""
    for table, query in _TABLES:
        cur.execute(f"DELETE FROM {table}")
        cur.execute(f"INSERT INTO {table} " + query.format(where="TRUE"))


def stale(cur: Cursor) -> int:
    """How many summary rows differ from a fresh count (0 when the summary is right; for tests and checks)."""
    total = 0
    for table, query in _TABLES:
        fresh = query.format(where="TRUE")
        total += cur.execute(f"SELECT count(*) FROM (({fresh}) EXCEPT ALL (SELECT * FROM {table}))").fetchone()[0]
        total += cur.execute(f"SELECT count(*) FROM ((SELECT * FROM {table}) EXCEPT ALL ({fresh}))").fetchone()[0]
    return int(total)
