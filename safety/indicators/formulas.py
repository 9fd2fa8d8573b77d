"""Injury indicators by their definitions (Кч, Кт, Кп, Кч.см, LTIFR, TRIR, DART) and their year-on-year change.

Every figure comes from SQL sums (safety/db/indicators.py). A scoped user (an enterprise's manager or safety
officer) always gets their own enterprise's figures, whatever filter they pass, so a filter cannot leak the
region's figures.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from safety.access.roles import User, enterprise_scope, require
from safety.db import Store
from safety.db import enterprises as enterprise_sql
from safety.db import indicators as sql
from safety.db.results import shared
from safety.errors import ValidationFailed
from safety.identifiers import normalise_bin
from safety.incidents.model import KINDS
from safety.indicators.registry import KEYS, RATES

DEFAULT_KINDS = ("accident",)


@dataclass(frozen=True)
class Scope:
    """Which enterprises a figure covers: all, a district (KATO), an industry (OKED division) or one BIN."""

    district: str | None = None
    division: str | None = None
    bin: str | None = None
    kinds: tuple[str, ...] = DEFAULT_KINDS

    def params(self) -> dict[str, Any]:
        """The scope as keyword arguments of the SQL functions."""
        return {"district": self.district, "division": self.division, "bin_": self.bin}


def scope_for(
    store: Store,
    user: User,
    *,
    district: str | None = None,
    division: str | None = None,
    bin_: str | None = None,
    kinds: tuple[str, ...] | list[str] | None = None,
) -> Scope:
    """The scope the user may see for these filters: a scoped user is held to their own enterprise."""
    require(user, "incidents.read")
    kinds = tuple(kinds or DEFAULT_KINDS)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise ValidationFailed("indicator.bad_kind", kind=unknown[0])
    own = enterprise_scope(user)
    with store.cursor() as cur:
        if own is not None:
            row = enterprise_sql.by_id(cur, own)
            return Scope(bin=row["bin"] if row else "-", kinds=kinds)
        if bin_:
            row = enterprise_sql.by_bin(cur, normalise_bin(bin_))
            if row is None:
                raise ValidationFailed("enterprise.not_found", bin=bin_)
            return Scope(district or None, division or None, row["bin"], kinds)
    return Scope(district or None, division or None, None, kinds)


def change_pct(now: float | None, before: float | None) -> float | None:
    """Year-on-year change in percent; None when either figure is missing or the earlier one is 0."""
    if now is None or before is None or before == 0:
        return None
    return (now - before) / before * 100


@shared()
def yearly(store: Store, scope: Scope, first_year: int, last_year: int) -> list[dict[str, Any]]:
    """The indicators of the scope for each year, with the change of Кч and Кт against the year before.

    Years with neither cases nor headcount are listed with zero counts and no rates.
    """
    with store.cursor() as cur:
        rows = {
            r["year"]: r
            for r in sql.indicators(
                cur,
                group="total",
                first_year=first_year - 1,
                last_year=last_year,
                kinds=list(scope.kinds),
                **scope.params(),
            )
        }
    out = []
    for year in range(first_year - 1, last_year + 1):
        row = _complete(rows.get(year), year)
        before = _complete(rows.get(year - 1), year - 1)
        if year >= first_year:
            out.append(row | _changes(row, before))
    return out


GROUPINGS = ("district", "division", "enterprise")


def by_group(store: Store, scope: Scope, group: str, year: int) -> list[dict[str, Any]]:
    """The indicators of `year` per district, industry or enterprise, with last year's Кч and the change."""
    if group not in GROUPINGS:
        raise ValueError(group)
    with store.cursor() as cur:
        rows = sql.indicators(
            cur, group=group, first_year=year - 1, last_year=year, kinds=list(scope.kinds), **scope.params()
        )
    return _per_key(rows, year)


def by_groups(store: Store, scope: Scope, groups: tuple[str, ...], year: int) -> dict[str, list[dict[str, Any]]]:
    """`by_group` for several groups at once (the dashboard's districts and industries), from one query."""
    if not groups or any(group not in GROUPINGS for group in groups):
        raise ValueError(groups)
    with store.cursor() as cur:
        rows = sql.indicators(
            cur, group=tuple(groups), first_year=year - 1, last_year=year, kinds=list(scope.kinds), **scope.params()
        )
    split: dict[str, list[dict[str, Any]]] = {group: [] for group in groups}
    for row in rows:
        split[row.pop("grouping")].append(row)
    return {group: _per_key(found, year) for group, found in split.items()}


def _per_key(rows: list[dict[str, Any]], year: int) -> list[dict[str, Any]]:
    """One row per group key with `year`'s figures, last year's Кч, Кт and injured, and the changes."""
    now = {r["grp"]: r for r in rows if r["year"] == year}
    before = {r["grp"]: r for r in rows if r["year"] == year - 1}
    out = []
    for key in sorted(set(now) | set(before)):
        row = _complete(now.get(key), year)
        out.append(row | {"key": key} | _changes(row, _complete(before.get(key), year - 1)))
    return out


def enterprise_trend(store: Store, scope: Scope, first_year: int, last_year: int) -> dict[str, list[float | None]]:
    """Each enterprise's Кч per year, first_year..last_year (None where there is no headcount): the sparklines."""
    with store.cursor() as cur:
        rows = sql.indicators(
            cur,
            group="enterprise",
            first_year=first_year,
            last_year=last_year,
            kinds=list(scope.kinds),
            **scope.params(),
        )
    trend: dict[str, list[float | None]] = {}
    for row in rows:
        trend.setdefault(row["grp"], [None] * (last_year - first_year + 1))[row["year"] - first_year] = row["kch"]
    return trend


def metrics(
    store: Store, user: User, year: int, *, bin_: str | None = None, district: str | None = None
) -> dict[str, Any]:
    """The CLI's figures: the year's indicators, the previous year's, and the change of Кч in percent."""
    scope = scope_for(store, user, bin_=bin_, district=district)
    [row] = yearly(store, scope, year, year)
    with store.cursor() as cur:
        before = next(
            (
                r
                for r in sql.indicators(
                    cur,
                    group="total",
                    first_year=year - 1,
                    last_year=year - 1,
                    kinds=list(scope.kinds),
                    **scope.params(),
                )
            ),
            None,
        )
    previous = _complete(before, year - 1)
    return (
        {"year": year, "scope": {"district": scope.district, "bin": scope.bin}}
        | {k: row[k] for k in KEYS}
        | {"yoy_kch_pct": row["yoy_kch_pct"], "yoy_kt_pct": row["yoy_kt_pct"]}
        | {"previous": {"year": year - 1} | {k: previous[k] for k in KEYS}}
    )


def _complete(row: dict[str, Any] | None, year: int) -> dict[str, Any]:
    """A row of the SQL result as plain numbers; a year without data has zero counts and no rates."""
    empty: dict[str, Any] = {
        k: 0
        for k in (
            "injured",
            "killed",
            "lost_days",
            "nonfatal",
            "near_misses",
            "accidents",
            "lost_time",
            "recordable",
            "dart_cases",
            "enterprises",
        )
    }
    empty |= {k: None for k in (*RATES, "headcount", "hours", "hours_coverage")}
    data = dict(row or {}) | {"year": year}
    data.pop("grp", None)
    out = empty | {k: v for k, v in data.items() if v is not None or k not in empty}
    for name in (
        "injured",
        "killed",
        "lost_days",
        "nonfatal",
        "near_misses",
        "accidents",
        "lost_time",
        "recordable",
        "dart_cases",
        "enterprises",
        "headcount",
        "hours",
    ):
        if out[name] is not None:
            out[name] = int(out[name])
    for name in (*RATES, "hours_coverage"):
        if out[name] is not None:
            out[name] = float(out[name])
    return out


def _changes(now: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
    return {
        "previous_kch": before["kch"],
        "previous_kt": before["kt"],
        "previous_injured": before["injured"],
        "yoy_kch_pct": change_pct(now["kch"], before["kch"]),
        "yoy_kt_pct": change_pct(now["kt"], before["kt"]),
        "yoy_injured_pct": change_pct(now["injured"], before["injured"]),
    }


def with_kinds(scope: Scope, kinds: tuple[str, ...]) -> Scope:
    """The same scope over other kinds of case."""
    return replace(scope, kinds=kinds)
