"""Migration 8: the accidents that need a special investigation (severe, fatal or group), with each step's
deadline, filled from the cases already stored.

The deadlines are a frozen copy of the Labour Code rule as it stood when this migration was written (the live rule
is in safety/incidents/investigations.py): the report is due the day after the accident, the investigation
10 working days after the commission was formed, the act 3 working days after the investigation closed; working
days are Monday to Friday less Kazakhstan's public holidays and transfer days.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
import pyarrow as pa

from safety.db.cursors import Cursor, fetch_arrow, insert_table
from safety.db.migrations.step import Migration


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[dt.date]:
    """Kazakhstan's public holidays and transfer days in one year."""
    return frozenset(holidays.country_holidays("KZ", years=year))


@lru_cache(maxsize=65536)
def _add_working_days(start: dt.date, count: int) -> dt.date:
    """The date `count` working days after `start`."""
    day = start
    while count:
        day += dt.timedelta(days=1)
        count -= day.weekday() < 5 and day not in _holidays(day.year)
    return day


def fill(cur: Cursor) -> None:
    """Insert the serious accidents of every enterprise with their deadlines."""
    found = fetch_arrow(
        cur,
        """
        SELECT a.enterprise_id, a.first_id, a.injured, a.worst,
               i.occurred_on, i.reported_on, i.commission_on, i.closed_on, i.act_sent_on, a.acts_done_on
        FROM (
            SELECT enterprise_id, accident_no, CASE WHEN accident_no IS NULL THEN id END AS lone,
                   count(*) AS injured,
                   max(CASE severity WHEN 'fatal' THEN 3 WHEN 'severe' THEN 2 ELSE 1 END) AS worst,
                   min(id) AS first_id,
                   CASE WHEN bool_and(act_sent_on IS NOT NULL) THEN max(act_sent_on) END AS acts_done_on
            FROM incidents
            WHERE kind = 'accident' AND (severity IN ('severe', 'fatal') OR accident_no IS NOT NULL)
            GROUP BY 1, 2, 3
            HAVING max(CASE severity WHEN 'fatal' THEN 3 WHEN 'severe' THEN 2 ELSE 1 END) >= 2 OR count(*) >= 2) a
        JOIN incidents i ON i.id = a.first_id""",
    )
    occurred, commission, closed = (found[n].to_pylist() for n in ("occurred_on", "commission_on", "closed_on"))
    found = found.append_column("report_due", pa.array([d + dt.timedelta(days=1) for d in occurred], pa.date32()))
    found = found.append_column(
        "investigation_due", pa.array([_add_working_days(d, 10) if d else None for d in commission], pa.date32())
    )
    found = found.append_column(
        "act_due", pa.array([_add_working_days(d, 3) if d else None for d in closed], pa.date32())
    )
    insert_table(cur, "serious_accidents", found, found.column_names)


MIGRATION = Migration(
    8,
    "accidents that need a special investigation, for the dashboard's overdue tile",
    (
        """CREATE TABLE serious_accidents (
            enterprise_id INTEGER NOT NULL, first_id BIGINT NOT NULL, injured BIGINT NOT NULL, worst INTEGER NOT NULL,
            occurred_on DATE NOT NULL, reported_on DATE, commission_on DATE, closed_on DATE, act_sent_on DATE,
            acts_done_on DATE, report_due DATE NOT NULL, investigation_due DATE, act_due DATE)""",
    ),
    fill,
)
