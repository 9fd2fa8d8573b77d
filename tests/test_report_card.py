"""The enterprise report card (safety/reports/card.py): its parts in every language, who may have it, and its
figures against the library's own (indicators, actions, investigations, the last self-assessment's red items)."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from safety.access.roles import SYSTEM
from safety.checklists.actions import CLOSED, list_actions
from safety.checklists.assessments import assessment_history, get_assessment
from safety.errors import NotFound, PermissionDenied
from safety.i18n import LANGUAGES, t
from safety.incidents.log import investigations
from safety.indicators.formulas import Scope, scope_for, yearly
from safety.register.enterprises import get_enterprise, list_enterprises
from safety.reports.card import ACTIONS_LISTED, COMPARED, enterprise_card, red_items
from safety.reports.files import render
from safety.reports.model import Chart, Figures, Paragraph, Table

pytestmark = pytest.mark.one_store  # rendering and file formats: DuckDB is enough (see conftest)

YEAR = 2025
TODAY = dt.date(2026, 11, 25)


def _card(store, user, bin_, lang="ru", year=YEAR):
    return enterprise_card(store, user, bin_, year, lang, today=TODAY)


def _texts(report):
    """Every text of a report: header, section titles and sheets, sentences, headings, notes and text cells."""
    texts = [report.title, report.scope]
    for section in report.sections:
        texts += [section.title, section.sheet]
        for block in section.blocks:
            if isinstance(block, Table):
                texts += [block.title, block.note, *(c.heading for c in block.columns)]
                texts += [v for row in block.rows for v in row if isinstance(v, str)]
            elif isinstance(block, Figures):
                texts += [text for item in block.items for text in item]
            elif not isinstance(block, Chart):
                texts.append(block.text)
    return texts


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_card_in_every_language(world, lang):
    store, users, own, _ = world
    enterprise = get_enterprise(store, SYSTEM, own)
    report = _card(store, users["demo.officer"], own, lang)
    assert report.title == t("report.card.title", lang) and report.lang == lang
    assert report.scope == f"{enterprise.name(lang)} · {own} · {YEAR}"
    assert report.file_stem == f"report_card_{own}_{YEAR}"
    assert report.generated_by == users["demo.officer"].full_name and report.demo
    assert [s.title for s in report.sections] == [
        t(f"report.card.{key}", lang) for key in ("profile", "indicators", "actions", "investigations", "red_items")
    ]
    sheets = [s.sheet for s in report.sections]
    assert len(set(sheets)) == len(sheets) and all(len(s) <= 31 for s in sheets)
    assert not any(s.new_page for s in report.sections)  # one flows into the next: one or two pages
    charts = [b.name for s in report.sections for b in s.blocks if isinstance(b, Chart)]
    assert charts == ["profile", "history"]
    texts = _texts(report)
    assert not [x for x in texts if x and x.startswith(("report.", "indicator.", "state.", "chart."))]
    assert all("{" not in x for x in texts if x)


def test_an_officer_gets_only_their_own_enterprise_card(world):
    store, users, own, other = world
    for username in ("demo.officer", "demo.head"):
        assert _card(store, users[username], own).file_stem == f"report_card_{own}_{YEAR}"
        with pytest.raises(PermissionDenied):
            _card(store, users[username], other)
        with pytest.raises(PermissionDenied):  # an unknown BIN is refused as another enterprise's is
            _card(store, users[username], "000000000000")
    for username in ("demo.region", "demo.admin"):
        assert _card(store, users[username], other).file_stem == f"report_card_{other}_{YEAR}"
    with pytest.raises(NotFound):
        _card(store, users["demo.region"], "000000000000")


def _comparison(report):
    [table] = [b for b in report.sections[1].blocks if isinstance(b, Table)]
    return table


def test_the_comparison_holds_the_library_figures(world):
    store, users, own, _ = world
    officer = users["demo.officer"]
    district = get_enterprise(store, SYSTEM, own).kato
    table = _comparison(_card(store, officer, own))
    assert [c.heading for c in table.columns[1:]] == [t(f"indicator.{k}", "ru") for k in COMPARED]
    [mine] = yearly(store, scope_for(store, officer, bin_=own), YEAR, YEAR)
    [theirs] = yearly(store, Scope(district=district), YEAR, YEAR)
    [region] = yearly(store, Scope(), YEAR, YEAR)
    assert mine["kch"] is not None and mine["kch"] != region["kch"]
    for row, expected in zip(table.rows, (mine, theirs, region), strict=True):
        assert list(row[1:]) == [expected[k] for k in COMPARED]
    assert table.rows[0][1] == mine["kch"]
    assert table.rows[2][0] == t("report.card.region", "ru")
    assert [c.digits for c in table.columns[1:]] == [2, 1, 3, 2, 2, 0, 0]  # the registry's digits


def test_the_red_items_are_the_last_assessments_red_answers(world):
    store, users, own, _ = world
    history = assessment_history(store, SYSTEM, own)
    assessment = get_assessment(store, SYSTEM, history[-1]["id"])
    red = {item_id: a for item_id, a in assessment.answers.items() if a["rating"] == "red"}
    assert red, "the demo's enterprise needs red items for this test"
    for lang in LANGUAGES:
        [table] = [b for b in _card(store, users["demo.head"], own, lang).sections[4].blocks if isinstance(b, Table)]
        assert {row[1] for row in table.rows} == set(red)
        texts = {item.id: item.text.get(lang) for _, item in assessment.checklist.items()}
        for rule, item_id, text, comment in table.rows:
            assert assessment.checklist.item(item_id)[0].id == rule
            assert text == texts[item_id] and comment == red[item_id].get("comment")


def test_actions_and_investigations_as_the_library_lists_them(world):
    store, users, own, _ = world
    report = _card(store, users["demo.region"], own)
    actions = [a for a in list_actions(store, SYSTEM, bin_=own, today=TODAY) if a["state"] not in CLOSED]
    late = sum(a["overdue"] for a in actions)
    assert report.sections[2].blocks[0] == Paragraph(
        t("report.card.actions_count", "ru", count=str(len(actions)), overdue=str(late)), lead=True
    )
    [table] = [b for b in report.sections[2].blocks if isinstance(b, Table)]
    overdue = [row[4] == t("common.yes", "ru") for row in table.rows]
    assert overdue == sorted(overdue, reverse=True)  # overdue first
    assert len(table.rows) == min(len(actions), ACTIONS_LISTED) and len(actions) > ACTIONS_LISTED
    assert table.note == t("report.card.actions_more", "ru", shown=ACTIONS_LISTED, count=len(actions))

    everyone = investigations(store, SYSTEM, today=TODAY)
    busy = max({a["bin"] for a in everyone}, key=lambda b: sum(a["bin"] == b for a in everyone))
    for year in range(2022, 2027):
        expected = [
            a
            for a in everyone
            if a["bin"] == busy
            and (a["occurred_on"].year == year or (a["occurred_on"].year < year and a["act_sent_on"] is None))
        ]
        tables = [b for b in _card(store, SYSTEM, busy, year=year).sections[3].blocks if isinstance(b, Table)]
        assert [row[0] for t_ in tables for row in t_.rows] == [a["occurred_on"] for a in expected]


def test_the_card_takes_two_pages(world):
    store, users, _, _ = world
    everyone = [e.bin for e in list_enterprises(store, SYSTEM)]
    few = min(everyone, key=lambda b: len(red_items(store, SYSTEM, b, "ru")[1]))
    for lang in LANGUAGES:
        pdf = render(_card(store, users["demo.region"], few, lang), "pdf")
        assert len(PdfReader(io.BytesIO(pdf)).pages) <= 2
