"""The enterprises that need the regional manager's attention, ranked, each with its reasons.

An enterprise is listed when it has at least one reason; its score adds up the weights of its reasons:
- an accident whose investigation has a step past its deadline: 4 points each (a legal deadline, a severe case);
- no golden-rules self-assessment in the last 12 months (or none ever): 2 points;
- Кч higher in the latest year with headcount than the year before: 2 points;
- at least 5 overdue corrective actions: 1 point for every 5.
Higher scores first; equal scores by the number of overdue actions, then by name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from safety.access.roles import User, require
from safety.db import Store
from safety.db import work as sql
from safety.i18n import format_date, format_number, t
from safety.incidents.log import investigations
from safety.indicators.formulas import Scope, by_group
from safety.indicators.programme import latest_year
from safety.register.enterprises import Enterprise, list_enterprises
from safety.work.items import YEARLY_CHECKLIST, next_assessment

INVESTIGATION_POINTS = 4
NO_ASSESSMENT_POINTS = 2
KCH_RISING_POINTS = 2
MANY_OVERDUE = 5  # overdue actions from which an enterprise is listed, and the size of each point's share


@dataclass(frozen=True)
class Reason:
    """Why an enterprise needs attention: a kind and its text in the language."""

    kind: str  # investigation_overdue, no_assessment, kch_rising or overdue_actions
    text: str


@dataclass(frozen=True)
class Attention:
    """One enterprise that needs attention, its score and its reasons (most weighty first)."""

    enterprise_id: int
    bin: str
    name: str
    score: int
    overdue_actions: int
    reasons: tuple[Reason, ...]


def needs_attention(store: Store, user: User, today: dt.date, lang: str) -> list[Attention]:
    """The active enterprises with a reason for attention, highest score first (the region's managers and the
    administrator)."""
    require(user, "register.list")
    year = latest_year(store, user)
    late = _late_investigations(store, user, today)
    with store.cursor() as cur:
        assessed = sql.last_assessed(cur, YEARLY_CHECKLIST)
        overdue = sql.overdue_actions(cur, today)
    kch = {r["key"]: r for r in by_group(store, Scope(), "enterprise", year)} if year else {}
    found = []
    for enterprise in list_enterprises(store, user):
        reasons = _reasons(enterprise, today, lang, year, late, assessed.get(enterprise.id), kch, overdue)
        if reasons:
            found.append(
                Attention(
                    enterprise.id,
                    enterprise.bin,
                    enterprise.name(lang),
                    sum(points for points, _ in reasons),
                    overdue.get(enterprise.id, 0),
                    tuple(reason for _, reason in sorted(reasons, key=lambda r: -r[0])),
                )
            )
    return sorted(found, key=lambda a: (-a.score, -a.overdue_actions, a.name))


def _late_investigations(store: Store, user: User, today: dt.date) -> dict[str, int]:
    """Accidents with an overdue investigation step, per BIN."""
    late: dict[str, int] = {}
    for accident in investigations(store, user, today=today):
        if accident["overdue"]:
            late[accident["bin"]] = late.get(accident["bin"], 0) + 1
    return late


def _reasons(
    enterprise: Enterprise,
    today: dt.date,
    lang: str,
    year: int | None,
    late: dict[str, int],
    last: dt.date | None,
    kch: dict[str, dict[str, Any]],
    overdue: dict[int, int],
) -> list[tuple[int, Reason]]:
    """An enterprise's reasons for attention, each with its points."""
    reasons: list[tuple[int, Reason]] = []
    if late.get(enterprise.bin):
        count = late[enterprise.bin]
        text = t("work.reason.investigation_overdue", lang, count=count)
        reasons.append((INVESTIGATION_POINTS * count, Reason("investigation_overdue", text)))
    if next_assessment(last, today) <= today:
        text = (
            t("work.reason.no_assessment_since", lang, date=format_date(last, lang))
            if last
            else t("work.reason.no_assessment_ever", lang)
        )
        reasons.append((NO_ASSESSMENT_POINTS, Reason("no_assessment", text)))
    row = kch.get(enterprise.bin)
    if row and row["kch"] is not None and row["previous_kch"] is not None and row["kch"] > row["previous_kch"]:
        text = t(
            "work.reason.kch_rising",
            lang,
            year=year,
            before=format_number(row["previous_kch"], lang, 2),
            now=format_number(row["kch"], lang, 2),
        )
        reasons.append((KCH_RISING_POINTS, Reason("kch_rising", text)))
    late_actions = overdue.get(enterprise.id, 0)
    if late_actions >= MANY_OVERDUE:
        text = t("work.reason.overdue_actions", lang, count=late_actions)
        reasons.append((late_actions // MANY_OVERDUE, Reason("overdue_actions", text)))
    return reasons
