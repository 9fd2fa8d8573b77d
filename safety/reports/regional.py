"""The regional Vision Zero report: a year of the programme and of injuries in the region, a district or an
industry, as a report model (safety/reports/model.py) that the PDF and the workbook both render.

Its seven sections: a summary a press office can quote, the programme in figures, every injury indicator of the
registry with its change, the dashboard's charts, the top risks, the overdue actions and investigations, and every
enterprise of the scope as the league ranks them. The figures are the dashboard's (the same shared, cached
functions), so the report and the dashboard never disagree; the report's own queries are in safety/db/reports.py.
Figures of one day (scores, overdue lists) are those of the end of the year, or of today while the year lasts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import holidays
import numpy as np

from safety.access.roles import User, require
from safety.checklists.schema import Checklist, load_checklists
from safety.checklists.scoring import GREEN_FROM, YELLOW_FROM
from safety.db import Store
from safety.db import reports as sql
from safety.db.results import shared
from safety.demo import demo_loaded
from safety.errors import ValidationFailed
from safety.i18n import LANGUAGES, format_date, format_number, t
from safety.indicators import dashboard, figures, formulas
from safety.indicators.charts import BAND_COLOURS, correlation_text
from safety.indicators.dashboard import CHECKLIST, Tile
from safety.indicators.formulas import Scope, change_pct
from safety.indicators.registry import INDICATOR, INDICATORS, RATES
from safety.register.geography import DISTRICTS_BY_KATO, DIVISIONS_BY_CODE
from safety.reports import sentences as say
from safety.reports.model import Block, Chart, Column, Figures, Heading, Paragraph, Report, Section, Table
from safety.reports.rendering import DATE
from safety.reports.scope import author, scope_text

FIRST_YEAR = 2000
TREND_YEARS = 5  # the yearly chart's years and the league's trend (the dashboard's default)
LISTED = 50  # overdue actions and investigation steps listed, longest overdue first
CAUSES = 10
RED_ITEMS = 10
GROUPINGS = ("district", "division")  # the dashboard's splits: asked for together, they share its query
COUNTED = ("injured", "killed")  # the counts whose change the report tells beside the rates


@dataclass(frozen=True)
class _Figures:
    """Everything the sections read, gathered once."""

    year: int
    lang: str
    as_of: dt.date  # the day of the day-figures: the end of the year, or today while it lasts
    previous_as_of: dt.date
    now: dict[str, Any]  # formulas.yearly rows of the year and of the year before
    before: dict[str, Any]
    tiles: dict[str, Tile]  # the dashboard's tiles by key
    facts: dict[str, Any]  # report_facts
    checklist: Checklist

    @property
    def members(self) -> int:
        """Enterprises in Vision Zero by the end of the year: the dashboard's tile."""
        return int(self.tiles["dashboard.tile.enterprises"].value or 0)

    def t(self, key: str, **params: Any) -> str:
        """A catalogue text in the report's language."""
        return t(key, self.lang, **params)

    def date(self, day: dt.date) -> str:
        """A date as the report's language writes it."""
        return format_date(day, self.lang)


def regional_report(
    store: Store,
    user: User,
    year: int,
    lang: str,
    *,
    district: str | None = None,
    division: str | None = None,
    today: dt.date | None = None,
) -> Report:
    """The regional report of `year` in `lang`, of one district (KATO) and/or industry (OKED division) when given.
    Only the regional manager and the administrator (and the command line) may have it: PermissionDenied else."""
    require(user, "reports.regional")
    today = today or dt.date.today()
    _check(year, lang, district, division, today)
    scope = formulas.scope_for(store, user, district=district, division=division)
    found = _gather(store, scope, year, lang, today)
    return Report(
        title=t("report.regional.title", lang),
        scope=f"{scope_text(store, user, scope, lang)} · {year}",
        lang=lang,
        generated_by=author(user, lang),
        generated_at=dt.datetime.now().replace(microsecond=0),
        demo=demo_loaded(store),
        sections=[
            _summary(found),
            _programme(found),
            _indicators(found),
            _charts(store, scope, found),
            _risks(found),
            _overdue(found),
            _enterprises(store, scope, found),
        ],
        file_stem="_".join(p for p in ("vision_zero_report", district, division, str(year)) if p),
    )


def _check(year: int, lang: str, district: str | None, division: str | None, today: dt.date) -> None:
    """ValidationFailed for a year outside FIRST_YEAR..this year, a language, district or industry not known."""
    if not FIRST_YEAR <= year <= today.year:
        raise ValidationFailed("report.regional.bad_year", year=year, first=FIRST_YEAR, last=today.year)
    if lang not in LANGUAGES:
        raise ValidationFailed("report.regional.bad_language", value=lang)
    if district is not None and district not in DISTRICTS_BY_KATO:
        raise ValidationFailed("district.unknown", value=district)
    if division is not None and division not in DIVISIONS_BY_CODE:
        raise ValidationFailed("report.file.bad_division", value=division)


@shared()
def report_facts(store: Store, scope: Scope, year: int, as_of: dt.date) -> dict[str, Any]:
    """The report's own figures (beyond the dashboard's) of the scope for `year`, the day-figures as of `as_of`
    against the end of the year before: shared, like the dashboard's, until the data changes."""
    params = scope.params()
    with store.cursor() as cur:
        return {
            "joined": sql.joined_by_year(cur, last_year=year, **params),
            "assessments": sql.assessments_in_year(cur, CHECKLIST, year, **params),
            "rules": sql.rule_scores(cur, CHECKLIST, [as_of, dt.date(year - 1, 12, 31)], **params),
            "red": sql.red_items(cur, CHECKLIST, as_of, **params),
            "causes": sql.causes(cur, year, CAUSES, **params),
            "actions": sql.overdue_actions(cur, as_of, LISTED, **params),
            "steps": sql.overdue_steps(cur, as_of, LISTED, **params),
        }


def _gather(store: Store, scope: Scope, year: int, lang: str, today: dt.date) -> _Figures:
    """The figures of the report: the dashboard's yearly rows and tiles, and the report's own."""
    rows = formulas.yearly(store, scope, year - TREND_YEARS + 1, year)  # the yearly chart's rows: one query
    tiles = dashboard.tiles(store, scope, year, today, yearly_rows=rows)
    as_of = min(today, dt.date(year, 12, 31))
    return _Figures(
        year=year,
        lang=lang,
        as_of=as_of,
        previous_as_of=dt.date(year - 1, 12, 31),
        now=rows[-1],
        before=rows[-2],
        tiles={tile.key: tile for tile in tiles},
        facts=report_facts(store, scope, year, as_of),
        checklist=load_checklists()[CHECKLIST],
    )


def _section(f: _Figures, key: str, blocks: list[Block], new_page: bool = True) -> Section:
    """A section titled and named (its sheet) from the catalogue's `report.regional.section.<key>` and
    `report.regional.sheet.<key>`."""
    return Section(f.t(f"report.regional.section.{key}"), f.t(f"report.regional.sheet.{key}"), blocks, new_page)


def _change(f: _Figures, key: str) -> str:
    """The change sentence of a registry figure, this year against the year before."""
    return say.change_sentence(key, f.now[key], f.before[key], f.lang)


def _programme_sentence(f: _Figures) -> str:
    return say.programme_sentence(f.year, f.members, f.facts["joined"].get(f.year, 0), f.lang)


def _score_sentence(f: _Figures) -> str:
    score = f.tiles["dashboard.tile.score"]
    return say.score_sentence(score.value, score.previous, f.lang)


# --- 1. summary


def _summary(f: _Figures) -> Section:
    """The lead (members, Кч, injured, killed), the dashboard's tiles as key figures, and sentences to quote."""
    done, assessed = f.facts["assessments"]
    blocks: list[Block] = [
        Paragraph(_programme_sentence(f), lead=True),
        Paragraph(" ".join(_change(f, key) for key in ("kch", *COUNTED)), lead=True),
        Heading(f.t("dashboard.tiles", year=f.year, previous=f.year - 1)),
        Figures(tuple(_tile(tile, f.lang) for tile in f.tiles.values())),
        Paragraph(f.t("report.regional.day_figures", date=f.date(f.as_of), previous=f.date(f.previous_as_of))),
        Heading(f.t("report.regional.heading.quotes")),
        Paragraph(_score_sentence(f)),
        Paragraph(say.assessments_sentence(f.year, done, assessed, f.lang)),
        Paragraph(_change(f, "near_misses_per_accident")),
        Paragraph(_top_cause(f)),
        Paragraph(say.overdue_actions_sentence(f.as_of, _count(f, "dashboard.tile.overdue_actions"), f.lang)),
    ]
    return _section(f, "summary", blocks)


def _top_cause(f: _Figures) -> str:
    """The sentence on the most frequent cause of the year's accidents."""
    causes = f.facts["causes"][0]
    return say.top_cause_sentence(
        causes[0]["cause"] if causes else None, causes[0]["accidents"] if causes else 0, f.lang
    )


def _tile(tile: Tile, lang: str) -> tuple[str, str, str]:
    """A dashboard tile as a key figure: its name, its value, and its change in percent with the sign."""
    value = t("indicator.no_data", lang) if tile.value is None else format_number(tile.value, lang, tile.digits)
    return t(tile.key, lang), value, say.signed_change(tile.change_pct, lang)


def _count(f: _Figures, key: str) -> int:
    return int(f.tiles[key].value or 0)


# --- 2. the programme in figures


def _programme(f: _Figures) -> Section:
    """Members by the year they joined, the year's self-assessments, and the average score per golden rule."""
    blocks: list[Block] = [Paragraph(_programme_sentence(f))]
    joined: dict[int, int] = f.facts["joined"]
    if joined:
        total, rows = 0, list[tuple[Any, ...]]()
        for year in range(min(joined), f.year + 1):
            total += joined.get(year, 0)
            rows.append((str(year), joined.get(year, 0), total))
        columns: tuple[Column, ...] = (
            Column(f.t("chart.year")),
            Column(f.t("report.regional.col.joined"), "count"),
            Column(f.t("report.regional.col.members"), "count"),
        )
        blocks.append(Table(columns, rows, title=f.t("report.regional.heading.joined")))
    done, assessed = f.facts["assessments"]
    blocks += [Paragraph(say.assessments_sentence(f.year, done, assessed, f.lang)), Paragraph(_score_sentence(f))]
    scores: dict[tuple[dt.date, int], dict[str, Any]] = {(r["day"], r["rule_id"]): r for r in f.facts["rules"]}
    if scores:
        now_day, before_day = f.as_of, f.previous_as_of
        rows = list[tuple[Any, ...]]()
        for rule in f.checklist.rules:
            now = scores.get((now_day, rule.id), {}).get("score")
            before = scores.get((before_day, rule.id), {}).get("score")
            rows.append((rule.id, rule.title.get(f.lang), now, before, change_pct(now, before)))
        columns = (
            Column(f.t("actions.rule"), "count", width=0.7),
            Column(f.t("chart.rule"), width=4),
            Column(f.t("report.regional.col.score_on", date=format_date(now_day, f.lang, DATE)), "score", 1),
            Column(f.t("report.regional.col.score_on", date=format_date(before_day, f.lang, DATE)), "score", 1),
            Column(f.t("dashboard.col.change"), "change", 1),
        )
        counted = {
            day: max((r["enterprises"] for (d, _), r in scores.items() if d == day), default=0)
            for day in (now_day, before_day)
        }
        note = f.t(
            "report.regional.rules_note",
            count=say.counted(counted[now_day], f.lang),
            previous=say.counted(counted[before_day], f.lang),
        )
        blocks.append(Table(columns, rows, title=f.t("report.regional.heading.rules"), note=note))
    return _section(f, "programme", blocks)


# --- 3. injury indicators


def _indicators(f: _Figures) -> Section:
    """Every registry indicator of the year and the year before with its change, in the registry's order (counts,
    then rates, each row with its own decimals), then each change in words."""
    columns: tuple[Column, ...] = (
        Column(f.t("report.regional.col.indicator"), width=3),
        Column(f.t("report.regional.col.unit"), width=2.4),
        Column(str(f.year), "number"),
        Column(str(f.year - 1), "number"),
        Column(f.t("dashboard.col.change"), "change", 1),
    )
    rows = [
        (
            indicator.name(f.lang),
            f.t(indicator.unit) if indicator.unit else "",
            f.now[indicator.key],
            f.before[indicator.key],
            change_pct(f.now[indicator.key], f.before[indicator.key]),
        )
        for indicator in INDICATORS
    ]
    blocks: list[Block] = [Table(columns, rows, row_digits=tuple(i.digits for i in INDICATORS))]
    blocks.append(Heading(f.t("report.regional.heading.changes")))
    blocks += [Paragraph(_change(f, key)) for key in (*COUNTED, *RATES)]
    return _section(f, "indicators", blocks)


# --- 4. charts


def _charts(store: Store, scope: Scope, f: _Figures) -> Section:
    """The dashboard's charts of the year: by month (this year and the last), by year, Кч by district and by
    industry, the golden-rule heatmap and the score against Кч."""
    year, lang = f.year, f.lang
    blocks: list[Block] = [
        Chart(figures.monthly(store, scope, year - 1, year, lang), "monthly"),
        Chart(figures.yearly(store, scope, year - TREND_YEARS + 1, year, lang), "yearly"),
    ]
    for grouping, given, heading in (
        ("district", scope.district, "report.regional.heading.by_district"),
        ("division", scope.division, "report.regional.heading.by_industry"),
    ):
        if given is None:  # one district or one industry needs no chart of itself
            chart = figures.split(store, scope, year, lang, GROUPINGS, grouping, "kch")
            blocks += [Heading(f.t(heading, year=year)), Chart(chart, f"kch_by_{grouping}")]
    found = dashboard.scatter(store, scope, year, lang, TREND_YEARS)
    blocks += [
        _heatmap(store, scope, f),
        Paragraph(f.t("report.regional.heatmap_note")),
        Chart(figures.scatter(store, scope, year, lang, TREND_YEARS), "scatter"),
        Paragraph(correlation_text(found.correlation, lang).rstrip(".") + ". " + f.t("chart.causation")),
    ]
    return _section(f, "charts", blocks)


def _heatmap(store: Store, scope: Scope, f: _Figures) -> Table:
    """The dashboard's golden-rule heatmap as a table of traffic-light cells: the lowest-scored enterprises, a row
    each, their latest score per rule coloured by its band, and the overall score. Drawn by the writer itself, it
    is sharper than a picture and a fifth of the time to make (the heatmap was the slowest chart to draw)."""
    cells = dashboard.heatmap(store, scope, f.lang)
    rules = sorted({c["rule"]: c["rule_label"] for c in cells}.items())
    rows: dict[str, dict[str, Any]] = {}
    for cell in cells:  # lowest overall score first, as the dashboard orders them
        rows.setdefault(cell["bin"], {"name": cell["name"], "overall": cell["overall"]})[cell["rule"]] = cell
    columns = (
        Column(f.t("chart.enterprise"), width=4),
        *(Column(label, "score", 1, width=0.75) for _, label in rules),
        Column(f.t("report.regional.col.latest_score"), "score", 1, width=1.1),
    )
    table_rows, fills = [], []
    for row in rows.values():
        found = [row.get(rule) for rule, _ in rules]
        table_rows.append((row["name"], *(c["score"] if c else None for c in found), row["overall"]))
        fills.append((None, *(BAND_COLOURS[c["band"]] if c else None for c in found), None))
    return Table(
        columns,
        table_rows,
        title=f.t("chart.heatmap.title"),
        note=f.t("report.regional.heatmap_legend", green=int(GREEN_FROM), yellow=int(YELLOW_FROM)),
        fills=tuple(fills),
    )


# --- 5. top risks


def _risks(f: _Figures) -> Section:
    """Near misses per accident (short, first), the most frequent causes of the year's accidents, and the golden
    rules and items most often rated red."""
    near = (
        ("near_misses", "indicator.near_misses", 0),
        ("accidents", "indicator.accidents", 0),
        ("near_misses_per_accident", INDICATOR["near_misses_per_accident"].label, 1),
    )
    blocks: list[Block] = [
        Heading(f.t("report.regional.heading.near_misses")),
        Figures(
            tuple(
                (
                    f.t(label),
                    INDICATOR["near_misses_per_accident"].show(f.now[key], f.lang)
                    if digits
                    else format_number(f.now[key], f.lang),
                    say.signed_change(change_pct(f.now[key], f.before[key]), f.lang),
                )
                for key, label, digits in near
            )
        ),
        Paragraph(
            say.near_misses_sentence(f.now["near_misses"], f.now["accidents"], f.lang)
            + " "
            + _change(f, "near_misses_per_accident")
        ),
    ]
    causes, unstated = f.facts["causes"]
    blocks += [Heading(f.t("report.regional.heading.causes")), Paragraph(_top_cause(f))]
    if causes or unstated:
        columns: tuple[Column, ...] = (
            Column(f.t("report.regional.col.cause"), width=5),
            Column(f.t("report.regional.col.accidents"), "count"),
        )
        rows = [(c["cause"], c["accidents"]) for c in causes]
        blocks.append(Table(columns, rows, note=say.causes_not_stated(unstated, f.lang)))
    blocks += _red(f)
    return _section(f, "risks", blocks)


def _red(f: _Figures) -> list[Block]:
    """The rules and the items most often rated red in the latest self-assessments by the end of the year."""
    found: list[dict[str, Any]] = f.facts["red"]
    by_rule: dict[int, int] = {}
    for row in found:
        by_rule[row["rule_id"]] = by_rule.get(row["rule_id"], 0) + int(row["red"])
    titles = {rule.id: rule.title.get(f.lang) for rule in f.checklist.rules}
    ranked = sorted(by_rule.items(), key=lambda item: (-item[1], item[0]))
    first = ranked[0] if ranked else (None, 0)
    blocks: list[Block] = [
        Heading(f.t("report.regional.heading.red", date=f.date(f.as_of))),
        Paragraph(say.top_red_sentence(first[0], titles.get(first[0] or 0, ""), first[1], f.lang)),
    ]
    if not ranked:
        return blocks
    rule = Column(f.t("actions.rule"), "count", width=0.7)
    blocks.append(
        Table(
            (rule, Column(f.t("chart.rule"), width=4), Column(f.t("report.regional.col.red"), "count", width=1.6)),
            [(rule_id, titles.get(rule_id, str(rule_id)), count) for rule_id, count in ranked],
        )
    )
    questions = {item.id: item.text.get(f.lang) for _, item in f.checklist.items()}
    blocks.append(
        Table(
            (
                Column(f.t("export.item"), width=0.7),
                Column(f.t("export.question"), width=5),
                Column(f.t("report.regional.col.red_enterprises"), "count", width=1.3),
            ),
            [(r["item_id"], questions.get(r["item_id"], ""), r["red"]) for r in found[:RED_ITEMS]],
            title=f.t("report.regional.heading.red_items"),
        )
    )
    return blocks


# --- 6. overdue actions and investigations


def _overdue(f: _Figures) -> Section:
    """How many actions and investigations were overdue at the end of the year (the dashboard's tiles), then the
    longest overdue of each."""
    actions, total = f.facts["actions"]
    blocks: list[Block] = [
        Paragraph(say.overdue_actions_sentence(f.as_of, _count(f, "dashboard.tile.overdue_actions"), f.lang))
    ]
    if actions:
        columns: tuple[Column, ...] = (
            Column(f.t("chart.enterprise"), width=3),
            Column(f.t("label.action_title"), width=4.5),
            Column(f.t("label.due_on"), "date", width=1.2),
            Column(f.t("report.regional.col.days_overdue"), "count", width=1.1),
        )
        rows: list[tuple[Any, ...]] = [(_name(r, f.lang), r["title"], r["due_on"], r["days"]) for r in actions]
        note = say.overdue_shown(len(rows), total, f.lang) if total > len(rows) else ""
        blocks.append(Table(columns, rows, title=f.t("report.regional.heading.actions"), note=note))
    steps, total, _ = f.facts["steps"]
    blocks.append(
        Paragraph(
            say.overdue_investigations_sentence(f.as_of, _count(f, "dashboard.tile.overdue_investigations"), f.lang)
        )
    )
    if steps:
        columns = (
            Column(f.t("chart.enterprise"), width=3),
            Column(f.t("incident.col.occurred_on"), "date", width=1.2),
            Column(f.t("incident.col.severity"), width=1.4),
            Column(f.t("incidents.injured"), "count", width=1),
            Column(f.t("report.regional.col.step"), width=2.2),
            Column(f.t("label.due_on"), "date", width=1.2),
            Column(f.t("report.regional.col.working_days_overdue"), "count", width=1.2),
        )
        late = working_days_late([r["due"] for r in steps], f.as_of)
        rows = [
            (
                _name(r, f.lang),
                r["occurred_on"],
                f.t(f"severity.{_SEVERITY[r['worst']]}") if r["worst"] in _SEVERITY else f.t("report.card.group"),
                r["injured"],
                f.t(f"investigation.step.{r['step']}"),
                r["due"],
                days,
            )
            for r, days in zip(steps, late, strict=True)
        ]
        note = say.overdue_shown(len(rows), total, f.lang) if total > len(rows) else ""
        blocks.append(Table(columns, rows, title=f.t("report.regional.heading.steps"), note=note))
    return _section(f, "overdue", blocks)


def working_days_late(dues: list[dt.date], day: dt.date) -> list[int]:
    """The working days each deadline (before `day`) is past on `day`, as
    `safety.incidents.investigations.working_days_left` counts them (Monday to Friday less Kazakhstan's public
    holidays and transfer days, at least 1), for the whole list in one count: a step years late would otherwise be
    a walk over every day of those years."""
    if not dues:
        return []
    off = list(holidays.country_holidays("KZ", years=range(min(dues).year, day.year + 1)))
    after = np.array(dues, dtype="datetime64[D]") + 1
    counts = np.busday_count(after, np.datetime64(day, "D") + 1, holidays=np.array(off, dtype="datetime64[D]"))
    return [max(1, int(count)) for count in counts]


_SEVERITY = {3: "fatal", 2: "severe"}  # serious_accidents.worst; a light one is there only as a group accident


def _name(row: dict[str, Any], lang: str) -> str:
    return row["name_kk"] if lang == "kk" and row["name_kk"] else row["name_ru"]


# --- 7. enterprises


def _enterprises(store: Store, scope: Scope, f: _Figures) -> Section:
    """Every enterprise of the scope with figures in the year or the year before, ranked as the league is."""
    rows = dashboard.league(store, scope, f.year, f.lang, years=TREND_YEARS).rows()
    columns = (
        Column(f.t("dashboard.col.rank"), "count", width=0.6),
        Column(f.t("chart.enterprise"), width=4),
        Column(f.t("label.bin"), width=1.6),
        Column(f.t("label.kato"), width=2),
        Column(INDICATOR["kch"].name(f.lang), "number", INDICATOR["kch"].digits),
        Column(INDICATOR["kt"].name(f.lang), "number", INDICATOR["kt"].digits),
        Column(f.t("dashboard.col.yoy_kch"), "change", 1, width=1.2),
        Column(INDICATOR["injured"].name(f.lang), "count"),
        Column(f.t("report.regional.col.latest_score"), "score", 1),
    )
    table = [
        (r["rank"], r["name"], r["bin"], r["district"], r["kch"], r["kt"], r["yoy_kch_pct"], r["injured"], r["score"])
        for r in rows
    ]
    blocks: list[Block] = [
        Paragraph(
            f.t("report.regional.league_note", count=say.counted(len(table), f.lang), year=f.year, previous=f.year - 1)
        ),
        Table(columns, table, title=f.t("dashboard.league", year=f.year)),
    ]
    return _section(f, "enterprises", blocks)
