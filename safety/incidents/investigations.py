"""Special investigations of severe, fatal and group accidents (Labour Code of Kazakhstan, arts. 186–190).

The employer reports to the labour inspectorate within 24 hours of the accident (we keep only the date, so the
report is due the next calendar day); the investigation takes at most 10 working days from the commission's
creation; the act is sent within 3 working days after the investigation closes. Working days are Monday to Friday
less the public holidays of Kazakhstan (with the transfer days) as the `holidays` package knows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

REPORT_DAYS = 1  # calendar days: 24 hours, and only the date is known
INVESTIGATION_WORKING_DAYS = 10
ACT_WORKING_DAYS = 3
SERIOUS_SEVERITIES = frozenset({"severe", "fatal"})
GROUP_FROM = 2  # injured in one accident


@lru_cache(maxsize=16)
def _holidays(year: int) -> frozenset[date]:
    """The public holidays and transfer days of Kazakhstan in one year."""
    return frozenset(holidays.country_holidays("KZ", years=year))


def is_working_day(day: date) -> bool:
    """True for Monday to Friday that is not a public holiday (or transfer day) of Kazakhstan."""
    return day.weekday() < 5 and day not in _holidays(day.year)


@lru_cache(maxsize=65536)  # the dashboard counts thousands of open investigations, over a few thousand distinct days
def add_working_days(start: date, count: int) -> date:
    """The date `count` working days after `start` (start itself is not counted; 0 returns start)."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    while count:
        day += timedelta(days=1)
        count -= is_working_day(day)
    return day


def working_days_left(due: date, today: date) -> int:
    """Working days from today to a deadline (0 on the day itself); negative once it has passed, at least -1 even
    when no working day has gone by since (a deadline on Friday is one day late on Saturday)."""
    if due >= today:
        return sum(is_working_day(today + timedelta(days=n)) for n in range(1, (due - today).days + 1))
    return -max(1, sum(is_working_day(due + timedelta(days=n)) for n in range(1, (today - due).days + 1)))


@dataclass(frozen=True)
class Step:
    """One step of an investigation: its deadline and the day it was done."""

    name: str  # report, investigation or act
    due: date | None  # None while the step before it has no date
    done_on: date | None

    @property
    def key(self) -> str:
        """The catalogue key of the step's label."""
        return f"investigation.step.{self.name}"

    def overdue(self, today: date) -> bool:
        """True when the step is not done and its deadline has passed."""
        return self.done_on is None and self.due is not None and self.due < today


def needs_investigation(severity: str | None, injured_in_accident: int) -> bool:
    """True for a severe or fatal accident, or a group one (two or more injured at once, any severity)."""
    return severity in SERIOUS_SEVERITIES or injured_in_accident >= GROUP_FROM


def investigation_steps(
    occurred_on: date,
    reported_on: date | None,
    commission_on: date | None,
    closed_on: date | None,
    act_sent_on: date | None,
) -> list[Step]:
    """The three steps (report, investigation, act) with their deadlines and done dates."""
    return [
        Step("report", occurred_on + timedelta(days=REPORT_DAYS), reported_on),
        Step(
            "investigation",
            add_working_days(commission_on, INVESTIGATION_WORKING_DAYS) if commission_on else None,
            closed_on,
        ),
        Step("act", add_working_days(closed_on, ACT_WORKING_DAYS) if closed_on else None, act_sent_on),
    ]


def deadlines(
    occurred_on: date, commission_on: date | None, closed_on: date | None
) -> tuple[date | None, date | None, date | None]:
    """The report, investigation and act deadlines of an accident (the last two None while the step before has
    no date)."""
    report, investigation, act = investigation_steps(occurred_on, None, commission_on, closed_on, None)
    return report.due, investigation.due, act.due


def overdue_steps(steps: list[Step], today: date) -> list[Step]:
    """The steps not done whose deadline is before today."""
    return [step for step in steps if step.overdue(today)]


def check_dates(
    occurred_on: date,
    reported_on: date | None,
    commission_on: date | None,
    closed_on: date | None,
    act_sent_on: date | None,
    today: date,
) -> list[str]:
    """Catalogue keys of the problems with an investigation's dates (empty when they are consistent)."""
    errors: list[str] = []
    later = [d for d in (reported_on, commission_on, closed_on, act_sent_on) if d is not None]
    # the commission may be formed before the report reaches the inspectorate, so the two are not ordered
    pairs = [(commission_on, closed_on), (closed_on, act_sent_on)]
    if any(d < occurred_on for d in later) or any(a and b and b < a for a, b in pairs):
        errors.append("investigation.order")
    if (closed_on and not commission_on) or (act_sent_on and not closed_on):
        errors.append("investigation.missing_step")
    if any(d > today for d in [occurred_on, *later]):
        errors.append("investigation.future")
    return errors
