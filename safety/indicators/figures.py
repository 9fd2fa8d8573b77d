"""The charts many sessions show, finished once and shared: each is keyed on what it draws (the scope, the years,
the language, the indicator) and on the store's data version, like the figures behind it.

Building an Altair chart, validating it and turning its rows into Arrow cost more than the queries behind it;
done once per key, a page that shows a chart only sends the Figure on.
"""

from __future__ import annotations

from safety.access.roles import User
from safety.checklists.assessments import assessment_history, history_points
from safety.checklists.schema import load_checklists
from safety.db import Store
from safety.db.results import shared
from safety.i18n import t
from safety.indicators import charts, dashboard, formulas, programme
from safety.indicators.formulas import Scope


@shared()
def monthly(store: Store, scope: Scope, first_year: int, last_year: int, lang: str) -> charts.Figure:
    """Cases per month and the rolling Кч (`charts.monthly_chart`)."""
    months, rolling = dashboard.monthly_series(store, scope, first_year, last_year, lang)
    return charts.figure(charts.monthly_chart(months, rolling, lang))


@shared()
def yearly(store: Store, scope: Scope, first_year: int, last_year: int, lang: str) -> charts.Figure:
    """Кч and Кт per year (`charts.yearly_chart`)."""
    return charts.figure(charts.yearly_chart(formulas.yearly(store, scope, first_year, last_year), lang))


@shared()
def split(
    store: Store, scope: Scope, year: int, lang: str, groupings: tuple[str, ...], grouping: str, indicator: str
) -> charts.Figure:
    """One indicator by district or industry (`charts.group_chart`); `groupings` are those the page asks
    `dashboard.splits` for, so both charts come from one query."""
    rows = dashboard.splits(store, scope, year, lang, groupings)[grouping]
    return charts.figure(charts.group_chart(rows, indicator, lang))


@shared()
def heatmap(store: Store, scope: Scope, lang: str) -> charts.Figure:
    """The golden-rule heatmap of the lowest-scored enterprises (`charts.heatmap_chart`)."""
    return charts.figure(charts.heatmap_chart(dashboard.heatmap(store, scope, lang), lang))


@shared()
def scatter(store: Store, scope: Scope, year: int, lang: str, years: int) -> charts.Figure:
    """Score against Кч with its correlation (`charts.scatter_chart`), from the league of `years` years."""
    found = dashboard.scatter(store, scope, year, lang, years)
    return charts.figure(charts.scatter_chart(found.points(), found.correlation, lang))


def districts(store: Store, user: User, lang: str) -> charts.Figure:
    """The home page's enterprises by district (`charts.district_chart`), the same for everyone who may see it."""
    rows = programme.enterprises_by_district(store, user, lang)  # checks the user may
    return _districts(store, lang, rows=rows)


@shared(ignore=("rows",))
def _districts(store: Store, lang: str, *, rows: list[dict[str, object]]) -> charts.Figure:
    return charts.figure(charts.district_chart(rows, lang))


@shared()
def rules_history(store: Store, user: User, bin_: str, lang: str) -> tuple[charts.Figure, charts.Figure] | None:
    """An enterprise's golden-rule scores over its assessments (`charts.history_chart`) and the latest one's score
    per rule (`charts.profile_chart`); None before its first submitted assessment."""
    history = assessment_history(store, user, bin_, dashboard.CHECKLIST)
    if not history:
        return None
    rules = {r.id: r.title.get(lang) for r in load_checklists()[dashboard.CHECKLIST].rules}
    names = {"overall": t("history.overall", lang)} | {str(k): f"{k}. {v}" for k, v in rules.items()}
    points = [p | {"name": names[p["series"]]} for p in history_points(history)]
    latest = [
        {"rule": f"{k}. {rules[k]}", "score": v["score"] or 0, "status": v["status"]}
        for k, v in sorted(history[-1]["rules"].items())
    ]
    return charts.figure(charts.history_chart(points, lang)), charts.figure(charts.profile_chart(latest, lang))
