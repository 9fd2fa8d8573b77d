"""Programme figures for the home page: how many enterprises are in Vision Zero, where, and how many people."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from safety.access.roles import User, require
from safety.db import Store
from safety.db import assessments as assessment_sql
from safety.db import enterprises as sql
from safety.db.results import shared
from safety.register.geography import DISTRICTS


@dataclass(frozen=True)
class ProgrammeSummary:
    """Headline figures of the programme, from the database."""

    enterprises: int
    districts: int
    industries: int
    latest_year: int | None
    headcount: int | None
    demo: bool
    average_score: float | None
    assessed: int
    overdue_actions: int


def programme_summary(store: Store, user: User, today: dt.date | None = None) -> ProgrammeSummary:
    """Return the programme's headline figures (active enterprises only); any signed-in user sees them."""
    require(user, "programme.read")
    return _summary(store, today or dt.date.today())


@shared()  # the same for everyone, so shared by everyone
def _summary(store: Store, today: dt.date) -> ProgrammeSummary:
    with store.cursor() as cur:
        row = sql.summary(cur)
        scores = assessment_sql.programme_scores(cur, "golden_rules", today)
    return ProgrammeSummary(
        enterprises=int(row["enterprises"]),
        districts=int(row["districts"]),
        industries=int(row["industries"]),
        latest_year=row["latest_year"],
        headcount=int(row["headcount"]) if row["headcount"] is not None else None,
        demo=bool(row["demo_enterprises"]),
        **scores,
    )


def latest_year(store: Store, user: User) -> int | None:
    """The latest year with yearly figures (headcount) in the register: the year the dashboard opens on."""
    require(user, "programme.read")
    return _latest_year(store)


@shared()
def _latest_year(store: Store) -> int | None:
    with store.cursor() as cur:
        return sql.latest_year(cur)


def enterprises_by_district(store: Store, user: User, lang: str) -> list[dict[str, object]]:
    """Return every district of the region with its number of active Vision Zero enterprises."""
    require(user, "programme.read")
    return _by_district(store, lang)


@shared()
def _by_district(store: Store, lang: str) -> list[dict[str, object]]:
    with store.cursor() as cur:
        counts = {r["kato"]: r["enterprises"] for r in sql.by_district(cur)}
    return [{"kato": d.kato, "district": d.name(lang), "enterprises": int(counts.get(d.kato, 0))} for d in DISTRICTS]
