"""What the managers' dashboard shows, as plain data: KPI tiles, the series behind every chart, the league table,
the rule heatmap, the leading-against-lagging scatter, and the workbook of all of it.

The page only lays these out; each function takes a Scope from `safety.indicators.formulas.scope_for`, which holds an
enterprise's own users to their enterprise. One page view runs the enterprise × year query once (`league`); the
scatter is derived from the league's rows, the tiles from the yearly rows and the rolling Кч from the monthly ones
the page already has.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from safety.access.roles import User, enterprise_scope, require
from safety.checklists.scoring import GREEN_FROM, YELLOW_FROM
from safety.db import Store
from safety.db import indicators as sql
from safety.db import scores as score_sql
from safety.db.results import shared
from safety.i18n import t
from safety.indicators.arrow import arrow_table
from safety.indicators.formulas import Scope, by_group, by_groups, change_pct, yearly
from safety.indicators.registry import INDICATOR, Indicator
from safety.register.geography import DISTRICTS_BY_KATO, division_name

CHECKLIST = "golden_rules"
ROLLING_MONTHS = 12
HEATMAP_ENTERPRISES = 40  # the heatmap shows the enterprises with the lowest latest scores, this many at most
LEAGUE_ROWS = 500  # the page shows this many enterprises of the league; its workbook has them all


@dataclass(frozen=True)
class Tile:
    """One KPI tile: its value, the previous period's, the change in percent, and which way is better."""

    key: str  # catalogue key of the label
    value: float | None
    previous: float | None
    change_pct: float | None
    better: str  # "up", "down" or "" (neither)
    digits: int = 0
    as_of: dt.date | None = None  # a figure of one day, not of the year: that day, and the day it is compared with
    previous_as_of: dt.date | None = None


@shared(ignore=("yearly_rows",))
def tiles(
    store: Store,
    scope: Scope,
    year: int,
    today: dt.date | None = None,
    *,
    yearly_rows: list[dict[str, Any]] | None = None,
) -> list[Tile]:
    """The KPI tiles for `year` against the year before. The score and the overdue figures are those of one day:
    the end of `year` (today while the year lasts) against the end of the year before.

    `yearly_rows` are `safety.indicators.formulas.yearly` rows of the same scope the caller already has: when they
    hold both years, the indicators are taken from them instead of being queried again.
    """
    today = today or dt.date.today()
    known = {r["year"]: r for r in yearly_rows or ()}
    if year - 1 not in known or year not in known:
        known = {r["year"]: r for r in yearly(store, scope, year - 1, year)}
    now, before = known[year], known[year - 1]
    as_of, previous_as_of = min(today, dt.date(year, 12, 31)), dt.date(year - 1, 12, 31)
    with store.cursor() as cur:
        members = sql.programme_counts(cur, year=year, **scope.params())["enterprises"]
        members_before = sql.programme_counts(cur, year=year - 1, **scope.params())["enterprises"]
        score, _ = sql.average_score(cur, CHECKLIST, as_of, **scope.params())
        score_before, _ = sql.average_score(cur, CHECKLIST, previous_as_of, **scope.params())
        actions, actions_before = sql.overdue_actions(cur, [as_of, previous_as_of], **scope.params())
    investigations, investigations_before = overdue_investigations(store, scope, as_of, previous_as_of)

    def tile(key: str, value: Any, previous: Any, better: str, digits: int = 0, dated: bool = False) -> Tile:
        days = (as_of, previous_as_of) if dated else (None, None)
        return Tile(key, value, previous, change_pct(value, previous), better, digits, *days)

    return [
        tile("dashboard.tile.enterprises", members, members_before, "up"),
        tile("dashboard.tile.score", score, score_before, "up", 1, dated=True),
        tile("dashboard.tile.injured", now["injured"], before["injured"], "down"),
        tile("dashboard.tile.killed", now["killed"], before["killed"], "down"),
        *(indicator_tile(INDICATOR[key], now, before) for key in ("kch", "kt")),
        tile("dashboard.tile.overdue_actions", actions, actions_before, "down", dated=True),
        tile("dashboard.tile.overdue_investigations", investigations, investigations_before, "down", dated=True),
    ]


def indicator_tile(indicator: Indicator, now: dict[str, Any], before: dict[str, Any]) -> Tile:
    """A registry indicator's tile from two `yearly` rows: its name, value, change, direction and decimals."""
    value, previous = now[indicator.key], before[indicator.key]
    return Tile(indicator.label, value, previous, change_pct(value, previous), indicator.better, indicator.digits)


def overdue_investigations(store: Store, scope: Scope, *days: dt.date) -> list[int]:
    """For each of `days`, the severe, fatal and group accidents in scope with an investigation step past its
    deadline on that day (a step done after that day was still undone then)."""
    with store.cursor() as cur:
        return sql.overdue_investigations(cur, list(days), **scope.params())


@shared()
def monthly(store: Store, scope: Scope, first_year: int, last_year: int, lang: str) -> list[dict[str, Any]]:
    """Cases per month by kind and severity, with labels in the language (the stacked bars)."""
    with store.cursor() as cur:
        rows = sql.monthly(cur, first_year=first_year, last_year=last_year, **scope.params())
    return [
        {
            "month": r["month"],
            "kind": r["kind"],
            "severity": r["severity"],
            "cases": int(r["cases"]),
            "group": t(f"kind.{r['kind']}", lang)
            + (f" · {t('severity.' + r['severity'], lang)}" if r["severity"] else ""),
        }
        for r in rows
    ]


@shared(ignore=("months",))
def rolling_kch(
    store: Store,
    scope: Scope,
    first_year: int,
    last_year: int,
    today: dt.date | None = None,
    *,
    months: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Кч over the 12 months ending with each month: injured (of the scope's kinds) in those months × 1000 / the
    headcount of the month's year. Months before 12 full months of data, months to come, and months without
    headcount have none.

    `months` are the scope's `monthly` rows from first_year − 1 (the first windows reach back into it) to
    last_year, when the caller already has them; otherwise they are queried.
    """
    today = today or dt.date.today()
    with store.cursor() as cur:
        rows = (
            months
            if months is not None
            else sql.monthly(cur, first_year=first_year - 1, last_year=last_year, **scope.params())
        )
        heads = sql.headcount_by_year(cur, first_year=first_year, last_year=last_year, **scope.params())
        first_case = sql.first_case_month(cur, **scope.params())
    injured: dict[dt.date, int] = {}
    for r in rows:
        if r["kind"] in scope.kinds:
            injured[r["month"]] = injured.get(r["month"], 0) + int(r["cases"])
    out = []
    for year in range(first_year, last_year + 1):
        for month in range(1, 13):
            end = dt.date(year, month, 1)
            window = [_shift(end, -k) for k in range(ROLLING_MONTHS)]
            head = heads.get(year)
            known = first_case is not None and window[-1] >= first_case and end <= today
            total = sum(injured.get(m, 0) for m in window)
            out.append({"month": end, "kch_12m": total * 1000 / head if head and known else None})
    return out


@shared()
def monthly_series(
    store: Store, scope: Scope, first_year: int, last_year: int, lang: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The monthly chart's two series for the chosen years: cases per month, and the rolling Кч, whose first
    windows reach back a year (one monthly query covers both)."""
    reaching_back = monthly(store, scope, first_year - 1, last_year, lang)
    months = [r for r in reaching_back if r["month"].year >= first_year]
    return months, rolling_kch(store, scope, first_year, last_year, months=reaching_back)


def _shift(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def groups(store: Store, scope: Scope, group: str, year: int, lang: str) -> list[dict[str, Any]]:
    """Indicators of `year` by district or industry (or enterprise), with names in the language."""
    names = _names(store, scope, lang) if group == "enterprise" else {}
    return _named(by_group(store, scope, group, year), group, names, lang)


@shared()
def splits(
    store: Store, scope: Scope, year: int, lang: str, groupings: tuple[str, ...] = ("district", "division")
) -> dict[str, list[dict[str, Any]]]:
    """`groups` for several groupings from one query: the dashboard's districts and industries side by side."""
    names = _names(store, scope, lang) if "enterprise" in groupings else {}
    found = by_groups(store, scope, groupings, year)
    return {group: _named(rows, group, names, lang) for group, rows in found.items()}


def _named(rows: list[dict[str, Any]], group: str, names: dict[str, dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    for row in rows:
        key = row["key"]
        if group == "district":
            district = DISTRICTS_BY_KATO.get(key)
            row["name"] = district.name(lang) if district else key
        elif group == "division":
            row["name"] = f"{key} {division_name(key, lang)}"
        else:
            row["name"] = names.get(key, {}).get("name", key)
    return rows


def _names(store: Store, scope: Scope, lang: str) -> dict[str, dict[str, Any]]:
    with store.cursor() as cur:
        found = sql.enterprise_names(cur, **scope.params())
    out = {}
    for bin_, row in found.items():
        district = DISTRICTS_BY_KATO.get(row["kato"])
        out[bin_] = {
            "name": row["name_kk"] if lang == "kk" else row["name_ru"],
            "district": district.name(lang) if district else row["kato"],
            "industry": f"{row['division']} {division_name(row['division'], lang)}",
            "active": row["active"],
        }
    return out


@dataclass(frozen=True)
class League:
    """Enterprises ranked by Кч of `year`, highest first: every enterprise in scope with data that year or the year
    before, held as one Arrow table (thousands of rows at national scale stay out of Python objects until asked)."""

    table: pa.Table
    lang: str

    def __len__(self) -> int:
        return self.table.num_rows

    def __deepcopy__(self, memo: dict[int, Any]) -> League:
        return self  # frozen, over an Arrow table that never changes: a shared result needs no copy

    @cached_property
    def shown(self) -> pa.Table:
        """The first LEAGUE_ROWS enterprises of `rows` as one Arrow table (made once per league, which sessions
        share, and sent to the browser as it is); scores and rates as floats."""
        return arrow_table(self.rows(LEAGUE_ROWS))

    def rows(self, limit: int | None = None) -> list[dict[str, Any]]:
        """The first `limit` enterprises (all by default) as the page and the workbook show them: rank, BIN, name,
        district and industry in the language, injured, killed, headcount, Кч, Кт, Кч of the year before, its change
        in percent, the latest overall score, and the Кч trend (NaN in a year without data, for the sparkline)."""
        found = (self.table if limit is None else self.table.slice(0, limit)).to_pylist()
        districts = {d.kato: d.name(self.lang) for d in DISTRICTS_BY_KATO.values()}
        industries: dict[str, str] = {}
        for rank, row in enumerate(found, start=1):
            division = row.pop("division")
            if division not in industries:
                industries[division] = f"{division} {division_name(division, self.lang)}"
            kato = row.pop("kato")
            row.update(
                rank=rank,
                district=districts.get(kato, kato),
                industry=industries[division],
                yoy_kch_pct=change_pct(row["kch"], row["previous_kch"]),
                trend=[math.nan if v is None else v for v in row["trend"]],
            )
        return found


@shared()
def league(store: Store, scope: Scope, year: int, lang: str, years: int = 5) -> League:
    """The league of `year` with a Кч trend over `years` years (the sparkline), from one query
    (`safety.db.indicators.league`); each enterprise's figures are those
    `safety.indicators.formulas.by_group(scope, "enterprise", year)` gives, so `scatter_from_league` needs no query."""
    with store.cursor() as cur:
        found = sql.league(
            cur,
            year=year,
            first_year=year - years + 1,
            kinds=list(scope.kinds),
            checklist_id=CHECKLIST,
            kazakh=lang == "kk",
            **scope.params(),
        )
    return League(found, lang)


def band(score: float | None) -> str:
    """The traffic-light band of a score: green, yellow, red, or none."""
    if score is None:
        return "none"
    return "green" if score >= GREEN_FROM else "yellow" if score >= YELLOW_FROM else "red"


@shared()
def heatmap(store: Store, scope: Scope, lang: str, limit: int = HEATMAP_ENTERPRISES) -> list[dict[str, Any]]:
    """The latest score per golden rule, with its traffic-light band, of the `limit` enterprises whose latest
    overall score is lowest (the ones to act on first), lowest first; rules in order within each.

    Every row also says how many enterprises in scope were assessed ("assessed"), so a chart can tell that it
    shows only the lowest of them.
    """
    with store.cursor() as cur:
        found = score_sql.lowest_rule_scores(cur, CHECKLIST, limit, **scope.params())
    return [
        {
            "bin": r["bin"],
            "name": r["name_kk"] if lang == "kk" else r["name_ru"],
            "rule": int(r["rule_id"]),
            "rule_label": t("dashboard.rule_short", lang, n=int(r["rule_id"])),
            "score": r["score"],
            "band": band(r["score"]),
            "assessed_on": r["assessed_on"],
            "overall": r["overall"],
            "assessed": int(r["assessed"]),
        }
        for r in found
    ]


@dataclass(frozen=True)
class Correlation:
    """Pearson's r between the enterprises' latest overall score and their Кч, and on how many enterprises."""

    r: float | None
    n: int


@dataclass(frozen=True)
class Scatter:
    """The scatter's points (BIN, name, latest overall score, Кч, injured) as one Arrow table, and their
    correlation: frozen over an immutable table, so the sessions that ask for it share it uncopied."""

    table: pa.Table
    correlation: Correlation

    def __deepcopy__(self, memo: dict[int, Any]) -> Scatter:
        return self

    def points(self) -> list[dict[str, Any]]:
        """The points as new dicts, scores as floats."""
        points = self.table.to_pylist()
        for point in points:
            point["score"] = float(point["score"])
        return points


def scatter_from_league(ranked: League) -> tuple[list[dict[str, Any]], Correlation]:
    """Each enterprise's latest overall score against its Кч of the league's year, and their correlation, from
    the league's table (no query); points in BIN order, enterprises without a score or a Кч left out."""
    found = _scatter(ranked)
    return found.points(), found.correlation


@shared()
def scatter(store: Store, scope: Scope, year: int, lang: str, years: int = 1) -> Scatter:
    """The scatter of the league with a `years`-year trend (the page's league, so no query of its own)."""
    return _scatter(league(store, scope, year, lang, years=years))


def _scatter(ranked: League) -> Scatter:
    """The league's enterprises with both a score and a Кч, in BIN order, and their correlation."""
    table = ranked.table.select(["bin", "name", "score", "kch", "injured"])
    table = table.filter(pc.and_(pc.is_valid(table["score"]), pc.is_valid(table["kch"]))).sort_by("bin")
    scores = [float(v) for v in table["score"].to_pylist()]
    return Scatter(table, pearson(scores, table["kch"].to_pylist()))


def pearson(xs: list[float], ys: list[float]) -> Correlation:
    """Pearson's correlation coefficient; None with fewer than 3 points or when either side does not vary."""
    n = len(xs)
    if n < 3:
        return Correlation(None, n)
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return Correlation(None, n)
    return Correlation(sxy / math.sqrt(sxx * syy), n)


@dataclass(frozen=True)
class EnterpriseChoice:
    """An enterprise as the dashboard's filter offers it."""

    bin: str
    name_ru: str
    name_kk: str
    kato: str
    division: str  # the OKED division (its first two digits)

    def name(self, lang: str) -> str:
        """The name for the language (Kazakh for kk, otherwise Russian)."""
        return self.name_kk if lang == "kk" and self.name_kk else self.name_ru


@shared(private=list)  # frozen choices: a new list of the same items is private enough
def enterprise_choices(store: Store, user: User, include_inactive: bool = False) -> list[EnterpriseChoice]:
    """The enterprises the user may pick, by Russian name, under the rule of `register.list_enterprises`: the
    active register (with the deactivated ones when asked) for those who see every enterprise, and only their own
    (even deactivated) for an enterprise's manager or safety officer (none for one bound to no enterprise). Only
    the filter's fields are read."""
    require(user, "enterprise.read")
    own = enterprise_scope(user)
    with store.cursor() as cur:
        columns = score_sql.enterprise_choices(
            cur, include_inactive=include_inactive or own is not None, enterprise_id=own
        )
    return [
        EnterpriseChoice(*values)
        for values in zip(*(columns[f] for f in EnterpriseChoice.__dataclass_fields__), strict=True)
    ]


@shared(private=dict)  # a new dict of the same strings is private enough
def enterprise_labels(
    store: Store,
    user: User,
    lang: str,
    *,
    include_inactive: bool = False,
    district: str | None = None,
    division: str | None = None,
) -> dict[str, str]:
    """BIN → «name · BIN» of `enterprise_choices`, of one district or OKED division when given: a picker's
    options, made once for everyone who opens it (there may be thousands)."""
    return {
        e.bin: f"{e.name(lang)} · {e.bin}"
        for e in enterprise_choices(store, user, include_inactive)
        if district in (None, e.kato) and division in (None, e.division)
    }
