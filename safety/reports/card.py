"""The enterprise report card: one enterprise on one or two pages, as a report model (safety/reports/model.py).

It holds the latest golden-rules profile and the score history, the year's indicators beside the district's and
the region's, the open and overdue actions, the investigations still to watch and the last self-assessment's red
items. An enterprise's own users may get only their own card; the regional manager and the administrator any.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from safety.access.roles import User, require
from safety.checklists.actions import CLOSED, is_overdue, list_actions, shortened
from safety.checklists.assessments import assessment_history, get_assessment
from safety.checklists.schema import Checklist
from safety.db import Store
from safety.demo import demo_loaded
from safety.errors import ValidationFailed
from safety.i18n import LANGUAGES, format_date, format_number, t
from safety.incidents.log import investigations
from safety.indicators import figures, formulas
from safety.indicators.dashboard import CHECKLIST
from safety.indicators.registry import INDICATOR
from safety.register.enterprises import Enterprise, get_enterprise
from safety.register.geography import DISTRICTS_BY_KATO
from safety.reports.model import Block, Chart, Column, Paragraph, Report, Section, Table
from safety.reports.regional import FIRST_YEAR
from safety.reports.scope import author

# The indicators the card compares with the district and the region, in this order.
COMPARED = ("kch", "kt", "kch_fatal", "ltifr", "trir", "injured", "killed")
ACTIONS_LISTED = 8  # open actions the card lists (overdue first); the Actions page has them all
TITLE_CHARACTERS = 50  # of an action's title, so that a row of the list is one line
STEPS = ("report", "investigation", "act")


def enterprise_card(
    store: Store, user: User, bin_: str, year: int, lang: str, *, today: dt.date | None = None
) -> Report:
    """The report card of one enterprise for `year`, in `lang`; PermissionDenied for another enterprise's users."""
    today = today or dt.date.today()
    if not FIRST_YEAR <= year <= today.year:
        raise ValidationFailed("report.regional.bad_year", year=year, first=FIRST_YEAR, last=today.year)
    if lang not in LANGUAGES:
        raise ValidationFailed("report.regional.bad_language", value=lang)
    enterprise = get_enterprise(store, user, bin_)  # refuses another enterprise to its own users
    require(user, "incidents.read", enterprise.id)
    name = enterprise.name(lang)
    return Report(
        title=t("report.card.title", lang),
        scope=f"{name} · {enterprise.bin} · {year}",
        lang=lang,
        generated_by=author(user, lang),
        generated_at=dt.datetime.now().replace(microsecond=0),
        demo=demo_loaded(store),
        sections=[
            _profile(store, user, enterprise, lang),
            _indicators(store, user, enterprise, year, lang),
            _actions(store, user, enterprise, lang, today),
            _investigations(store, user, enterprise, year, lang, today),
            _red_items(store, user, enterprise, lang),
        ],
        file_stem=f"report_card_{enterprise.bin}_{year}",
    )


def _section(key: str, lang: str, blocks: list[Block]) -> Section:
    """A section titled and named (its sheet) from the catalogue's `report.card.<key>` texts; the sections follow
    one another on the page, so that the card takes one or two pages."""
    return Section(t(f"report.card.{key}", lang), t(f"report.card.sheet.{key}", lang), blocks, new_page=False)


def _profile(store: Store, user: User, enterprise: Enterprise, lang: str) -> Section:
    """The latest score per golden rule and the scores over time, with a table of the latest ones."""
    history = assessment_history(store, user, enterprise.bin, CHECKLIST)
    if not history:
        return _section("profile", lang, [Paragraph(t("report.card.no_assessment", lang))])
    latest = history[-1]
    checklist = get_assessment(store, user, latest["id"]).checklist
    blocks: list[Block] = [
        Paragraph(
            t(
                "report.card.latest",
                lang,
                date=format_date(latest["assessed_on"], lang),
                score=format_number(latest["overall"], lang, 1),
                count=len(history),
            ),
            lead=True,
        )
    ]
    drawn = figures.rules_history(store, user, enterprise.bin, lang)
    if drawn:
        history_chart, profile_chart = drawn
        # one above the other: side by side, their long rule names were too small to read
        blocks += [Chart(profile_chart, "profile", 0.8), Chart(history_chart, "history", 0.8)]
    titles = {rule.id: rule.title.get(lang) for rule in checklist.rules}
    rows = [
        (f"{rule_id}. {titles.get(rule_id, '')}", found["score"], _status(found["status"], checklist, lang))
        for rule_id, found in sorted(latest["rules"].items())
    ]
    columns = (
        Column(t("actions.rule", lang), width=4),
        Column(t("history.score", lang), "score", 1, width=0.9),
        Column(t("chart.band", lang), width=0.9),
    )
    blocks.append(Table(columns, rows))
    return _section("profile", lang, blocks)


def _status(status: str, checklist: Checklist, lang: str) -> str:
    """A rule's traffic light in words: green, yellow, red, or the scale's «not applicable»."""
    if status in ("green", "yellow", "red"):
        return t(f"chart.band.{status}", lang)
    return checklist.level(status).label.get(lang) if status == "na" else status


def comparison(store: Store, user: User, enterprise: Enterprise, year: int) -> dict[str, dict[str, Any]]:
    """The year's indicators of the enterprise, its district and the region: {"enterprise"|"district"|"region": row}.

    The enterprise's scope comes from scope_for (which holds a scoped user to their own enterprise, checked by the
    caller); the district's and the region's are aggregates any role may compare with, so they are built directly.
    """
    own = formulas.scope_for(store, user, bin_=enterprise.bin)
    scopes = {"enterprise": own, "district": formulas.Scope(district=enterprise.kato), "region": formulas.Scope()}
    return {key: formulas.yearly(store, scope, year, year)[0] for key, scope in scopes.items()}


def _indicators(store: Store, user: User, enterprise: Enterprise, year: int, lang: str) -> Section:
    """The enterprise's indicators of the year beside its district's and the region's."""
    found = comparison(store, user, enterprise, year)
    district = DISTRICTS_BY_KATO.get(enterprise.kato)
    names = {
        "enterprise": enterprise.name(lang),
        "district": district.name(lang) if district else enterprise.kato,
        "region": t("report.card.region", lang),
    }
    columns = (
        Column(t("report.card.col.scope", lang), width=2.6),
        *(
            Column(INDICATOR[k].name(lang), "number" if INDICATOR[k].rate else "count", INDICATOR[k].digits)
            for k in COMPARED
        ),
    )
    rows = [(names[key], *(row[k] for k in COMPARED)) for key, row in found.items()]
    units = "; ".join(
        f"{INDICATOR[key].name(lang)}: {t(INDICATOR[key].unit, lang)}" for key in COMPARED if INDICATOR[key].unit
    )
    kch = {key: INDICATOR["kch"].show(row["kch"], lang) for key, row in found.items()}
    sentence = (
        t("report.card.kch", lang, year=year, value=kch["enterprise"], district=kch["district"], region=kch["region"])
        if found["enterprise"]["kch"] is not None
        else t("report.card.kch_none", lang, year=year)
    )
    table = Table(columns, rows, title=t("report.card.indicators_table", lang, year=year), note=units)
    return _section("indicators", lang, [Paragraph(sentence), table])


def _actions(store: Store, user: User, enterprise: Enterprise, lang: str, today: dt.date) -> Section:
    """The counts of open and overdue actions and the first of them, overdue first, then by due date."""
    opened = [a for a in list_actions(store, user, bin_=enterprise.bin, today=today) if a["state"] not in CLOSED]
    opened.sort(key=lambda a: (not is_overdue(a, today), a["due_on"], a["id"]))
    late = sum(is_overdue(a, today) for a in opened)
    counts = {"count": format_number(len(opened), lang), "overdue": format_number(late, lang)}
    blocks: list[Block] = [Paragraph(t("report.card.actions_count", lang, **counts), lead=True)]
    if not opened:
        blocks.append(Paragraph(t("report.card.no_actions", lang)))
        return _section("actions", lang, blocks)
    yes, no = t("common.yes", lang), t("common.no", lang)
    columns = (
        Column(t("label.action_title", lang), width=4.6),
        Column(t("label.owner", lang), width=1.5),
        Column(t("label.due_on", lang), "date", width=1.9),
        Column(t("label.state", lang), width=1.1),
        Column(t("actions.overdue", lang), width=1.3),
    )
    rows = [
        (
            shortened(a["title"], TITLE_CHARACTERS),
            a["owner"],
            a["due_on"],
            t(f"state.{a['state']}", lang),
            yes if is_overdue(a, today) else no,
        )
        for a in opened[:ACTIONS_LISTED]
    ]
    note = (
        t("report.card.actions_more", lang, shown=ACTIONS_LISTED, count=len(opened))
        if len(opened) > ACTIONS_LISTED
        else ""
    )
    blocks.append(Table(columns, rows, title=t("report.card.actions_table", lang), note=note))
    return _section("actions", lang, blocks)


def watched_investigations(store: Store, user: User, bin_: str, year: int, today: dt.date) -> list[dict[str, Any]]:
    """The enterprise's severe, fatal and group accidents of `year`, and those of earlier years whose act is not
    sent yet (still open), newest first."""
    return [
        a
        for a in investigations(store, user, bin_=bin_, today=today)
        if a["occurred_on"].year == year or (a["occurred_on"].year < year and a["act_sent_on"] is None)
    ]


def _investigations(store: Store, user: User, enterprise: Enterprise, year: int, lang: str, today: dt.date) -> Section:
    """The special investigations to watch: each accident's date, severity, step deadlines and overdue steps."""
    found = watched_investigations(store, user, enterprise.bin, year, today)
    if not found:
        return _section("investigations", lang, [Paragraph(t("report.card.no_investigations", lang, year=year))])
    late = sum(1 for a in found if a["overdue"])
    columns = (
        Column(t("incident.col.occurred_on", lang), "date"),
        Column(t("incident.col.severity", lang)),
        Column(t("incidents.injured", lang), "count", width=0.7),
        *(Column(t(f"investigation.step.{step}", lang), "date", width=1.2) for step in STEPS),
        Column(t("investigation.overdue", lang), width=1.8),
    )
    rows = []
    for a in found:
        due = {step.name: step.due for step in a["steps"]}
        severity = t(f"severity.{a['severity']}", lang) if a["severity"] else t("report.card.group", lang)
        overdue = ", ".join(t(f"investigation.step.{n}", lang) for n in a["overdue"]) or t("common.no", lang)
        rows.append((a["occurred_on"], severity, a["injured"], *(due[step] for step in STEPS), overdue))
    blocks: list[Block] = [
        Paragraph(t("report.card.investigations_count", lang, count=len(found), late=late, year=year)),
        Table(columns, rows, title=t("report.card.investigations_table", lang)),
    ]
    return _section("investigations", lang, blocks)


def red_items(store: Store, user: User, bin_: str, lang: str) -> tuple[dt.date | None, list[tuple[Any, ...]]]:
    """The last submitted self-assessment's date and its red items: (rule, item, text in `lang`, comment)."""
    history = assessment_history(store, user, bin_, CHECKLIST)
    if not history:
        return None, []
    assessment = get_assessment(store, user, history[-1]["id"])
    return assessment.assessed_on, [
        (rule.id, item.id, item.text.get(lang), assessment.answers[item.id].get("comment"))
        for rule, item in assessment.checklist.items()
        if assessment.answers.get(item.id, {}).get("rating") == "red"
    ]


def _red_items(store: Store, user: User, enterprise: Enterprise, lang: str) -> Section:
    """The items the last self-assessment rated red, with the officer's comments."""
    assessed_on, found = red_items(store, user, enterprise.bin, lang)
    if assessed_on is None:
        text = t("report.card.no_assessment", lang)
    else:
        key = "report.card.red_count" if found else "report.card.red_none"
        text = t(key, lang, date=format_date(assessed_on, lang), count=len(found))
    blocks: list[Block] = [Paragraph(text)]
    if found:
        columns = (
            Column(t("actions.rule", lang), "count", width=0.8),
            Column(t("export.item", lang), width=0.6),
            Column(t("export.question", lang), width=6),
            Column(t("export.comment", lang), width=2.4 if any(row[3] for row in found) else 1.2),
        )
        blocks.append(Table(columns, found))
    return _section("red_items", lang, blocks)
