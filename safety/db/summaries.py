"""The summaries the indicators read, derived from `incidents`: case counts per enterprise, year (and month), kind
and severity, the number of accidents per enterprise and year, and the accidents that need a special investigation.

Every write of cases goes through `recounting`: the SQL functions in safety/db/incidents.py take the `CaseWrites`
it yields and note the enterprises whose cases they changed, and the block recounts those enterprises once, in
the same transaction, before it commits. `rebuild` recounts everything and `differences` compares each summary
with a fresh count (the `check` and `rebuild-summaries` commands).

At national scale (2,000,000 cases) aggregating the cases again for each dashboard query took 0.2–2 s; the
summary has about a tenth of the rows and answers in tens of milliseconds (bench/dashboard_bench.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import pyarrow as pa

from safety.db.cursors import Cursor, fetch_arrow, insert_table, registered

# An accident's three investigation deadlines (report, investigation, act) from its date, the day its commission
# was formed and the day the investigation closed; the rule is the domain's (safety/incidents/investigations.py).
Deadlines = Callable[[dt.date, dt.date | None, dt.date | None], tuple[dt.date | None, dt.date | None, dt.date | None]]

_COUNTS = """
    SELECT enterprise_id, year(occurred_on) AS year, kind, severity,
           count(*) AS cases, coalesce(sum(lost_days), 0) AS lost_days,
           count(*) FILTER (WHERE lost_days > 0 OR severity = 'fatal') AS lost_time,
           count(*) FILTER (WHERE lost_days > 0 OR restricted_days > 0) AS dart_cases
    FROM incidents WHERE {where} GROUP BY 1, 2, 3, 4"""
_MONTHS = """
    SELECT enterprise_id, year(occurred_on) AS year, month(occurred_on) AS month, kind, severity, count(*) AS cases
    FROM incidents WHERE {where} GROUP BY 1, 2, 3, 4, 5"""
# Cases that share an accident number are one accident; a case without a number is an accident of its own.
_ACCIDENTS = """
    SELECT enterprise_id, year(occurred_on) AS year,
           count(DISTINCT accident_no) + count(*) FILTER (WHERE accident_no IS NULL) AS accidents
    FROM incidents WHERE kind = 'accident' AND {where} GROUP BY 1, 2"""
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
        GROUP BY 1, 2, 3
        HAVING max(CASE severity WHEN 'fatal' THEN 3 WHEN 'severe' THEN 2 ELSE 1 END) >= 2 OR count(*) >= 2) a
    JOIN incidents i ON i.id = a.first_id"""
_QUERIES = {
    "incident_counts": _COUNTS,
    "monthly_counts": _MONTHS,
    "accident_counts": _ACCIDENTS,
    "serious_accidents": _SERIOUS,
}
TABLES = tuple(_QUERIES)
_DEADLINES = ("report_due", "investigation_due", "act_due")


class CaseWrites:
    """The writes of cases in one transaction: its cursor, and the enterprises whose cases changed so far."""

    def __init__(self, cursor: Cursor):
        self.cursor = cursor
        self.enterprise_ids: set[int] = set()

    def changed(self, enterprise_ids: Iterable[int | None]) -> None:
        """Note enterprises whose cases a statement changed."""
        self.enterprise_ids.update(int(i) for i in enterprise_ids if i is not None)


@contextmanager
def recounting(cur: Cursor, deadlines: Deadlines) -> Iterator[CaseWrites]:
    """Writes of cases in the caller's transaction; when the block ends without an error, the summaries of every
    enterprise whose cases changed are recounted, once."""
    writes = CaseWrites(cur)
    yield writes
    refresh(cur, writes.enterprise_ids, deadlines)


def refresh(cur: Cursor, enterprise_ids: Iterable[int], deadlines: Deadlines) -> None:
    """Recount the cases of these enterprises (in the caller's transaction, after it changed their cases)."""
    ids = sorted(set(enterprise_ids))
    if not ids:
        return
    for table in _QUERIES:
        cur.execute(f"DELETE FROM {table} WHERE list_contains(?, enterprise_id)", [ids])
        _insert(cur, table, "list_contains(?, enterprise_id)", [ids], deadlines)


def rebuild(cur: Cursor, deadlines: Deadlines) -> None:
    """Recount every enterprise's cases into every summary (in the caller's transaction)."""
    for table in _QUERIES:
        cur.execute(f"DELETE FROM {table}")
        _insert(cur, table, "TRUE", [], deadlines)


def _insert(cur: Cursor, table: str, where: str, params: list[Any], deadlines: Deadlines) -> None:
    if table != "serious_accidents":
        cur.execute(f"INSERT INTO {table} " + _QUERIES[table].format(where=where), params)
        return
    rows = _serious_rows(cur, where, params, deadlines)
    insert_table(cur, "serious_accidents", rows, rows.column_names)


def _serious_rows(cur: Cursor, where: str, params: list[Any], deadlines: Deadlines) -> pa.Table:
    """The serious accidents of the cases `where` picks, with each step's deadline (None while the step before it
    has no date)."""
    found = fetch_arrow(cur, _SERIOUS.format(where=where), params)
    columns = zip(*(found[name].to_pylist() for name in ("occurred_on", "commission_on", "closed_on")), strict=True)
    due = [deadlines(occurred, commission, closed) for occurred, commission, closed in columns]
    for position, name in enumerate(_DEADLINES):
        found = found.append_column(name, pa.array([row[position] for row in due], pa.date32()))
    return found


def differences(cur: Cursor, deadlines: Deadlines) -> list[dict[str, Any]]:
    """Each summary that differs from a fresh count: how many of its rows are missing and how many are extra, and
    the enterprises those rows belong to (empty when every summary is right)."""
    found = []
    with registered(cur, "fresh_serious", _serious_rows(cur, "TRUE", [], deadlines)):
        for table, query in _QUERIES.items():
            fresh = "SELECT * FROM fresh_serious" if table == "serious_accidents" else query.format(where="TRUE")
            stored = f"SELECT * FROM {table}"
            missing, extra = (
                cur.execute(
                    f"SELECT count(*), list_distinct(array_agg(enterprise_id)) "
                    f"FROM (({first}) EXCEPT ALL ({second})) AS differing"
                ).fetchall()[0]
                for first, second in ((fresh, stored), (stored, fresh))
            )
            if missing[0] or extra[0]:
                found.append(
                    {
                        "table": table,
                        "missing": int(missing[0]),
                        "extra": int(extra[0]),
                        "enterprise_ids": sorted(set(missing[1] or []) | set(extra[1] or [])),
                    }
                )
    return found
