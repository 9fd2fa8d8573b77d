"""The dashboard's workbook as a report of the model: every table the page shows (the tiles, the years, the
months, the rolling Кч, districts, industries, the rule heatmap, the scatter and the whole league) with its chart,
one section each. The page only calls `dashboard_report` and the renderer; the command line could do the same.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from safety.access.roles import User
from safety.db import Store
from safety.demo import demo_loaded
from safety.i18n import t
from safety.indicators import dashboard, figures
from safety.indicators.charts import Figure
from safety.indicators.dashboard import Tile
from safety.indicators.formulas import Scope, yearly
from safety.indicators.registry import INDICATOR
from safety.reports.model import Chart, Column, Kind, Report, Section, Table
from safety.reports.scope import author

# Each table's columns, in order: the key of a row's value -> the catalogue key of its heading.
SUMMARY = {
    "name": "export.field",
    "value": "export.value",
    "previous": "dashboard.col.previous",
    "change": "dashboard.col.change",
}
YEARLY = {
    "year": "label.year",
    "kch": "indicator.kch",
    "kt": "indicator.kt",
    "kp": "indicator.kp",
    "kch_fatal": "indicator.kch_fatal",
    "ltifr": "indicator.ltifr",
    "trir": "indicator.trir",
    "dart": "indicator.dart",
    "injured": "indicator.injured",
    "killed": "indicator.killed",
    "lost_days": "indicator.lost_days",
    "headcount": "indicator.headcount",
    "hours": "indicator.hours",
    "yoy_kch_pct": "dashboard.col.yoy_kch",
    "yoy_kt_pct": "dashboard.col.yoy_kt",
}
MONTHLY = {"month": "dashboard.col.month", "group": "dashboard.col.group", "cases": "dashboard.col.cases"}
ROLLING = {"month": "dashboard.col.month", "kch_12m": "dashboard.col.kch_12m"}
GROUPS = {
    "name": "label.name",
    "injured": "indicator.injured",
    "killed": "indicator.killed",
    "headcount": "indicator.headcount",
    "kch": "indicator.kch",
    "kt": "indicator.kt",
    "kch_fatal": "indicator.kch_fatal",
    "ltifr": "indicator.ltifr",
    "trir": "indicator.trir",
    "dart": "indicator.dart",
    "yoy_kch_pct": "dashboard.col.yoy_kch",
}
HEATMAP = {
    "name": "label.name",
    "bin": "label.bin",
    "rule_label": "actions.rule",
    "score": "history.score",
    "assessed_on": "export.assessed_on",
}
SCATTER = {
    "name": "label.name",
    "bin": "label.bin",
    "score": "history.score",
    "kch": "indicator.kch",
    "injured": "indicator.injured",
}
LEAGUE = {
    "rank": "dashboard.col.rank",
    "name": "label.name",
    "bin": "label.bin",
    "district": "label.kato",
    "industry": "label.division",
    "injured": "indicator.injured",
    "killed": "indicator.killed",
    "headcount": "indicator.headcount",
    "kch": "indicator.kch",
    "kt": "indicator.kt",
    "yoy_kch_pct": "dashboard.col.yoy_kch",
    "score": "history.score",
}
# The two comparisons: grouping, chart name, catalogue keys of the page's heading and of the sheet.
SPLITS = (
    ("district", "districts", "dashboard.by_district", "dashboard.sheet.districts"),
    ("division", "industries", "dashboard.by_industry", "dashboard.sheet.industries"),
)
_TEXT = ("name", "bin", "district", "industry", "group", "rule_label", "year", "rank")
_DATES = ("month", "assessed_on")
_COUNTS = ("cases",)
_WIDE = {"name": 3.0, "industry": 2.5, "district": 2.0, "group": 2.5, "bin": 1.6}


def column(key: str, heading: str) -> Column:
    """A column of a value named `key`: a rate with its registry decimals, a count, a change, a score, a date or
    text, and wider for names."""
    kind: Kind = "text"
    digits = 0
    if key in INDICATOR:
        kind, digits = ("number", INDICATOR[key].digits) if INDICATOR[key].rate else ("count", 0)
    elif key.startswith("yoy_") or key == "change":
        kind = "change"
    elif key == "score":
        kind = "score"
    elif key == "kch_12m":
        kind, digits = "number", INDICATOR["kch"].digits
    elif key in _DATES:
        kind = "date"
    elif key in _COUNTS:
        kind = "count"
    return Column(heading, kind, digits, _WIDE.get(key, 1.0))


def table(rows: list[dict[str, Any]], columns: dict[str, str], lang: str, title: str = "") -> Table:
    """Rows of dicts as a model table of the given columns (value key -> heading's catalogue key)."""
    return Table(
        tuple(column(key, t(heading, lang)) for key, heading in columns.items()),
        [tuple(row.get(key) for key in columns) for row in rows],
        title,
    )


def _summary(shown: list[Tile], lang: str) -> Table:
    rows = [(t(x.key, lang), x.value, x.previous, x.change_pct) for x in shown]
    headings = [t(key, lang) for key in SUMMARY.values()]
    kinds: list[Kind] = ["text", "number", "number", "change"]
    widths = (3.0, 1.0, 1.0, 1.0)
    columns = tuple(Column(h, k, 2, w) for h, k, w in zip(headings, kinds, widths, strict=True))
    return Table(columns, rows)


def dashboard_report(
    store: Store,
    user: User,
    scope: Scope,
    first: int,
    last: int,
    lang: str,
    *,
    scope_text: str,
    compared: str = "kch",
    comparisons: bool = True,
    today: dt.date | None = None,
) -> Report:
    """The dashboard's figures for `scope` (from formulas.scope_for, which checked the user) over first..last, in
    the language: the same functions, shared results and charts the page draws. `comparisons` adds the districts
    and industries (the page shows them to unscoped users only), with `compared` drawn."""
    by_year = yearly(store, scope, first, last)
    shown = dashboard.tiles(store, scope, last, today, yearly_rows=by_year)
    months, rolling = dashboard.monthly_series(store, scope, first, last, lang)
    sections = [
        Section(t("export.summary", lang), t("export.summary", lang), [_summary(shown, lang)]),
        _section(
            t("dashboard.sheet.yearly", lang),
            by_year,
            YEARLY,
            lang,
            figures.yearly(store, scope, first, last, lang),
            "yearly",
        ),
        _section(
            t("dashboard.sheet.monthly", lang),
            months,
            MONTHLY,
            lang,
            figures.monthly(store, scope, first, last, lang),
            "monthly",
        ),
        _section(t("dashboard.col.kch_12m", lang), rolling, ROLLING, lang),
    ]
    if comparisons:
        groupings = tuple(group for group, *_ in SPLITS)
        split = dashboard.splits(store, scope, last, lang, groupings)
        for group, name, _, sheet in SPLITS:
            chart = figures.split(store, scope, last, lang, groupings, group, compared)
            sections.append(_section(t(sheet, lang), split[group], GROUPS, lang, chart, name))
    years = last - first + 1
    found = dashboard.scatter(store, scope, last, lang, years)
    sections += [
        _section(
            t("dashboard.sheet.heatmap", lang),
            dashboard.heatmap(store, scope, lang),
            HEATMAP,
            lang,
            figures.heatmap(store, scope, lang),
            "heatmap",
        ),
        _section(
            t("dashboard.sheet.scatter", lang),
            found.points(),
            SCATTER,
            lang,
            figures.scatter(store, scope, last, lang, years),
            "scatter",
        ),
        _section(
            t("dashboard.sheet.league", lang),
            dashboard.league(store, scope, last, lang, years=years).rows(),
            LEAGUE,
            lang,
        ),
    ]
    return Report(
        title=t("dashboard.title", lang),
        scope=f"{scope_text} · {first}–{last}",
        lang=lang,
        generated_by=author(user, lang),
        generated_at=dt.datetime.now().replace(microsecond=0),
        demo=demo_loaded(store),
        sections=sections,
        file_stem=f"vision_zero_indicators_{first}_{last}",
    )


def _section(
    title: str,
    rows: list[dict[str, Any]],
    columns: dict[str, str],
    lang: str,
    chart: Figure | None = None,
    name: str = "",
) -> Section:
    """A section of one table, and its chart when it has one."""
    blocks: list[Any] = [table(rows, columns, lang)]
    if chart is not None:
        blocks.append(Chart(chart, name))
    return Section(title, title, blocks)
