"""Assessments: drafts saved item by item, submit checks, read-only after submit, proposed actions, history."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

import safety.checklists.assessments as assessments
from safety.checklists.actions import confirm_action, create_action, is_overdue, list_actions, update_action
from safety.checklists.assessments import (
    assessment_history,
    compare_assessments,
    get_assessment,
    open_draft,
    save_answer,
    submit_assessment,
)
from safety.checklists.export import export_assessment
from safety.checklists.schema import load_checklist
from safety.errors import Conflict, PermissionDenied, ValidationFailed

from conftest import DATA

MINI = load_checklist(DATA / "checklists" / "mini.yaml")
TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def mini(monkeypatch):
    monkeypatch.setattr(assessments, "load_checklists", lambda: {"mini": MINI})
    return MINI


def _fill(store, officer, draft, ratings):
    for item_id, rating in ratings.items():
        save_answer(
            store,
            officer,
            draft.id,
            item_id,
            rating=rating,
            comment=f"c{item_id}",
            na_reason="нет такого оборудования" if rating == "na" else None,
        )


def test_draft_keeps_answers_and_is_the_same_until_submitted(world, mini):
    store, users, own, _ = world
    officer = users["demo.officer"]
    draft = open_draft(store, officer, own, "mini")
    save_answer(store, officer, draft.id, "1.1", rating="green", comment="есть приказ", evidence="приказ №5")
    again = open_draft(store, officer, own, "mini")
    assert again.id == draft.id
    assert again.answers["1.1"]["rating"] == "green" and again.answers["1.1"]["evidence"] == "приказ №5"
    assert again.progress() == (1, 5)


def test_submit_refuses_unrated_items_and_na_without_reason(world, mini):
    store, users, own, _ = world
    officer = users["demo.officer"]
    draft = open_draft(store, officer, own, "mini")
    _fill(store, officer, draft, {"1.1": "green", "1.2": "yellow", "2.1": "green"})
    save_answer(store, officer, draft.id, "1.3", rating="na")
    assert get_assessment(store, officer, draft.id).progress() == (3, 5)  # the N/A waits for its reason
    with pytest.raises(ValidationFailed) as info:
        submit_assessment(store, officer, draft.id, today=TODAY)
    assert {(p.key, p.params["item"]) for p in info.value.problems} == {
        ("assessment.unrated", "2.2"),
        ("assessment.na_reason_missing", "1.3"),
    }
    assert get_assessment(store, officer, draft.id).status == "draft"
    save_answer(store, officer, draft.id, "1.3", rating="na", na_reason="нет такого оборудования")
    assert get_assessment(store, officer, draft.id).progress() == (4, 5)


def test_submit_scores_proposes_actions_and_locks(world, mini):
    store, users, own, _ = world
    officer = users["demo.officer"]
    draft = open_draft(store, officer, own, "mini")
    _fill(store, officer, draft, {"1.1": "green", "1.2": "yellow", "1.3": "na", "2.1": "red", "2.2": "green"})
    proposed = submit_assessment(store, officer, draft.id, "ru", today=TODAY)
    assert [(p.item_id, p.priority, p.due_on) for p in proposed] == [
        ("1.2", "medium", TODAY + dt.timedelta(days=90)),
        ("2.1", "high", TODAY + dt.timedelta(days=30)),
    ]
    done = get_assessment(store, officer, draft.id)
    assert done.status == "submitted" and done.overall == 62.5 and done.assessed_on == TODAY  # (75 + 50) / 2
    with pytest.raises(Conflict):
        save_answer(store, officer, draft.id, "1.1", rating="red")
    with pytest.raises(Conflict):
        submit_assessment(store, officer, draft.id, today=TODAY)
    assert open_draft(store, officer, own, "mini").id != draft.id  # the next one is a new assessment
    history = assessment_history(store, officer, own, "mini")
    assert [h["overall"] for h in history][-1] == 62.5 and history[-1]["rules"][2]["status"] == "red"


def test_only_the_own_safety_officer_fills_in(world, mini):
    store, users, own, other = world
    for name in ("demo.admin", "demo.region", "demo.head"):
        with pytest.raises(PermissionDenied):
            open_draft(store, users[name], own, "mini")
    with pytest.raises(PermissionDenied):
        open_draft(store, users["demo.officer"], other, "mini")


def test_changed_file_with_the_same_version_is_refused(world, mini, monkeypatch):
    store, users, own, _ = world
    officer = users["demo.officer"]
    first = open_draft(store, officer, own, "mini")
    _fill(store, officer, first, {"1.1": "green", "1.2": "green", "1.3": "green", "2.1": "green", "2.2": "green"})
    submit_assessment(store, officer, first.id, today=TODAY)
    changed = MINI.model_copy(update={"title": MINI.title.model_copy(update={"en": "Changed"})})
    monkeypatch.setattr(assessments, "load_checklists", lambda: {"mini": changed})
    with pytest.raises(Conflict) as info:
        open_draft(store, officer, own, "mini")
    assert info.value.key == "checklist.version_frozen"
    assert get_assessment(store, officer, first.id).checklist.title.en == "Mini"  # old ones keep their version
    bumped = changed.model_copy(update={"version": 2})
    monkeypatch.setattr(assessments, "load_checklists", lambda: {"mini": bumped})
    assert open_draft(store, officer, own, "mini").checklist.version == 2


def test_actions_confirm_update_and_overdue(world, mini):
    store, users, own, _ = world
    officer, head = users["demo.officer"], users["demo.head"]
    draft = open_draft(store, officer, own, "mini")
    _fill(store, officer, draft, {"1.1": "red", "1.2": "green", "1.3": "green", "2.1": "green", "2.2": "green"})
    [proposed] = submit_assessment(store, officer, draft.id, today=TODAY)
    assert confirm_action(store, head, proposed.id)["state"] == "open"
    with pytest.raises(PermissionDenied):
        update_action(store, head, proposed.id, {"state": "done", "completed_on": TODAY})
    with pytest.raises(ValidationFailed):
        update_action(store, officer, proposed.id, {"state": "done"})
    with pytest.raises(ValidationFailed):
        update_action(store, officer, proposed.id, {"state": "cancelled"})
    manual = create_action(store, officer, own, {"title": "Заменить ограждение", "due_on": TODAY, "priority": "high"})
    late = {a["id"] for a in list_actions(store, officer, overdue=True, today=TODAY + dt.timedelta(days=1))}
    assert manual["id"] in late and proposed.id not in late
    assert is_overdue(manual, TODAY + dt.timedelta(days=1)) and not is_overdue(manual, TODAY)
    update_action(store, officer, manual["id"], {"state": "done", "completed_on": TODAY, "completion_note": "ok"})
    late = {a["id"] for a in list_actions(store, officer, overdue=True, today=TODAY + dt.timedelta(days=1))}
    assert manual["id"] not in late
    done = next(a for a in list_actions(store, officer, state="done") if a["id"] == manual["id"])
    assert not is_overdue(done, TODAY + dt.timedelta(days=400))


def test_export_has_a_sheet_per_rule_with_fills_and_the_actions(world, mini):
    store, users, own, _ = world
    officer = users["demo.officer"]
    draft = open_draft(store, officer, own, "mini")
    _fill(store, officer, draft, {"1.1": "green", "1.2": "yellow", "1.3": "red", "2.1": "na", "2.2": "green"})
    submit_assessment(store, officer, draft.id, today=TODAY)
    book = load_workbook(io.BytesIO(export_assessment(store, users["demo.region"], draft.id, "en")))
    assert book.sheetnames == ["Summary", "Rule 1", "Rule 2", "Actions"]
    rule1 = book["Rule 1"]
    assert [rule1.cell(r, 3).fill.fgColor.rgb[-6:] for r in (2, 3, 4)] == ["2E7D32", "F9A825", "C62828"]
    assert book["Rule 2"].cell(2, 6).value == "нет такого оборудования"
    assert book["Actions"].max_row == 3  # a heading and two proposed actions


def test_compare_shows_better_and_worse(world, mini):
    store, users, own, _ = world
    officer = users["demo.officer"]
    first = open_draft(store, officer, own, "mini")
    _fill(store, officer, first, {"1.1": "red", "1.2": "green", "1.3": "yellow", "2.1": "na", "2.2": "green"})
    submit_assessment(store, officer, first.id, today=TODAY)
    second = open_draft(store, officer, own, "mini")
    _fill(store, officer, second, {"1.1": "green", "1.2": "yellow", "1.3": "yellow", "2.1": "green", "2.2": "green"})
    submit_assessment(store, officer, second.id, today=TODAY)
    changes = {r["item"]: r["change"] for r in compare_assessments(store, officer, first.id, second.id, "en")}
    assert changes == {"1.1": "better", "1.2": "worse", "1.3": "same", "2.1": "changed", "2.2": "same"}


def test_golden_rules_export_has_seven_rule_sheets_with_fills(world):
    store, users, own, _ = world
    officer = users["demo.officer"]
    draft = open_draft(store, officer, own, "golden_rules")
    cycle = ("green", "yellow", "red")
    for number, (_, item) in enumerate(draft.checklist.items()):
        save_answer(store, officer, draft.id, item.id, rating=cycle[number % 3])
    proposed = submit_assessment(store, officer, draft.id, "en", today=TODAY)
    assert len(proposed) == sum(1 for n in range(54) if n % 3)  # one per yellow and red item
    book = load_workbook(io.BytesIO(export_assessment(store, officer, draft.id, "ru")))
    rule_sheets = [name for name in book.sheetnames if name.startswith("Правило")]
    assert len(rule_sheets) == 7
    colours = {"green": "2E7D32", "yellow": "F9A825", "red": "C62828"}
    number = 0
    for name in rule_sheets:
        sheet = book[name]
        for row in range(2, sheet.max_row + 1):
            assert sheet.cell(row, 3).fill.fgColor.rgb[-6:] == colours[cycle[number % 3]]
            number += 1
    assert number == 54 and book["Мероприятия"].max_row == len(proposed) + 1


def test_programme_summary_counts_scores_and_overdue_actions(demo_store):
    from safety.access.roles import SYSTEM
    from safety.indicators.programme import programme_summary

    summary = programme_summary(demo_store, SYSTEM, today=TODAY)
    latest = demo_store.query(
        "SELECT avg(s) FROM (SELECT (array_agg(overall_score ORDER BY assessed_on DESC))[1] AS s "
        "FROM assessments GROUP BY enterprise_id) AS latest"
    )
    assert summary.assessed == 31 and summary.average_score == round(latest[0][0], 1)
    overdue = demo_store.query(
        "SELECT count(*) FROM corrective_actions WHERE due_on < ? AND state IN ('proposed', 'open', 'in_progress')",
        [TODAY],
    )[0][0]
    assert summary.overdue_actions == overdue > 0
    from safety.indicators.programme import latest_year

    assert latest_year(demo_store, SYSTEM) == summary.latest_year == 2026
