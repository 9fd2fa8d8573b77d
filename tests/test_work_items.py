"""Each person's work items (safety.work.items), the regional manager's attention list and the administrator's
overview: each kind, each role, who may see what, and the date edges (due in exactly 14 days, working days)."""

import dataclasses
import datetime as dt
import os

import pytest

from safety.access.auth import authenticate
from safety.access.roles import SYSTEM, Role
from safety.access.users import update_user
from safety.backup import backup_bytes
from safety.checklists.actions import confirm_action, create_action, update_action
from safety.checklists.assessments import open_draft, save_answer
from safety.checklists.schema import load_checklists
from safety.errors import PermissionDenied, SafetyError
from safety.i18n import LANGUAGES, format_date, t
from safety.incidents.imports.history import undo_import
from safety.incidents.imports.pipeline import import_incidents
from safety.incidents.investigations import add_working_days, working_days_left
from safety.incidents.log import add_incident, set_investigation_dates
from safety.indicators.formulas import Scope, by_group
from safety.indicators.programme import latest_year
from safety.register.enterprises import get_enterprise, list_enterprises
from safety.work.attention import needs_attention
from safety.work.items import DUE_WITHIN_DAYS, KINDS, WorkItem, due_items, my_items, next_assessment
from safety.work.overview import admin_overview
from safety.work.wording import deadline, kind_name, progress, state

from conftest import DATA

TODAY = dt.date(2025, 11, 24)  # a Monday


def _action(world, due_on, **extra):
    """A corrective action of the officer's enterprise, due on `due_on`; its id."""
    store, users, own, _ = world
    return create_action(store, users["demo.officer"], own, {"title": "Заменить ограждение", "due_on": due_on} | extra)[
        "id"
    ]


def _by_ref(items, kind, ref):
    return [i for i in items if i.kind == kind and i.ref == ref]


def _severe_accident(world, occurred_on):
    """A severe accident of the officer's enterprise; the id of its case."""
    store, users, own, _ = world
    case = add_incident(
        store, users["demo.officer"], own, {"occurred_on": occurred_on, "kind": "accident", "severity": "severe"}
    )
    return case["id"]


# --- the interface the reminders build on


def test_the_interface_is_as_agreed():
    assert KINDS == (
        "draft",
        "action_overdue",
        "action_due",
        "action_to_confirm",
        "investigation_step",
        "assessment_due",
        "last_import",
    )
    names = [f.name for f in dataclasses.fields(WorkItem)]
    assert names[:7] == ["kind", "enterprise_id", "enterprise_name", "label", "due", "days_left", "page"]
    item = WorkItem("action_due", 1, "ТОО", "x", TODAY, -1, "app_pages/actions.py")
    assert item.overdue
    assert not dataclasses.replace(item, days_left=0).overdue
    assert not dataclasses.replace(item, days_left=None, due=None).overdue
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.label = "y"  # type: ignore[misc]


# --- actions


def test_actions_overdue_and_due_within_14_days_with_the_edges(world):
    store, users, own, _ = world
    late = _action(world, TODAY - dt.timedelta(days=1))
    today = _action(world, TODAY)
    edge = _action(world, TODAY + dt.timedelta(days=DUE_WITHIN_DAYS))
    later = _action(world, TODAY + dt.timedelta(days=DUE_WITHIN_DAYS + 1))
    items = my_items(store, users["demo.officer"], TODAY, "ru")
    [overdue] = _by_ref(items, "action_overdue", late)
    assert (overdue.days_left, overdue.overdue, overdue.due) == (-1, True, TODAY - dt.timedelta(days=1))
    [due_today] = _by_ref(items, "action_due", today)
    assert (due_today.days_left, due_today.overdue) == (0, False)
    [due_edge] = _by_ref(items, "action_due", edge)
    assert due_edge.days_left == 14
    assert not [i for i in items if i.ref == later and i.kind.startswith("action")]
    due = due_items(store, users["demo.officer"], TODAY, "ru")
    assert {late, today, edge} <= {i.ref for i in due if i.kind.startswith("action")}
    for item in (overdue, due_today, due_edge):
        assert item.page == "app_pages/actions.py"
        assert item.bin == own
        assert item.label == "Заменить ограждение"
        assert item.enterprise_name == get_enterprise(store, users["demo.officer"], own).name("ru")


def test_done_and_cancelled_actions_are_not_listed(world):
    store, users, _, _ = world
    done = _action(world, TODAY - dt.timedelta(days=3), state="done", completed_on=TODAY - dt.timedelta(days=4))
    cancelled = _action(world, TODAY - dt.timedelta(days=3), state="cancelled", cancel_reason="не нужно")
    refs = {i.ref for i in my_items(store, users["demo.officer"], TODAY, "ru")}
    assert done not in refs and cancelled not in refs


def test_a_long_title_is_shortened_on_the_list(world):
    store, users, _, _ = world
    action = _action(world, TODAY, title="Очень длинное название мероприятия " * 5)
    [item] = _by_ref(my_items(store, users["demo.officer"], TODAY, "ru"), "action_due", action)
    assert len(item.label) <= 70 and item.label.endswith("…")


def test_proposals_wait_for_the_enterprise_manager(world):
    store, users, _, _ = world
    far = _action(world, TODAY + dt.timedelta(days=60), state="proposed")
    head = users["demo.head"]
    [item] = _by_ref(my_items(store, head, TODAY, "ru"), "action_to_confirm", far)
    assert item.page == "app_pages/actions.py" and item.days_left == 60
    assert item in due_items(store, head, TODAY, "ru")  # waiting for the manager now, whatever its due date
    # the officer's own proposal counts among the officer's actions, by its due date
    officer = my_items(store, users["demo.officer"], TODAY, "ru")
    assert not [i for i in officer if i.ref == far]
    confirm_action(store, head, far)
    assert not _by_ref(my_items(store, head, TODAY, "ru"), "action_to_confirm", far)


def test_the_manager_sees_the_enterprises_open_actions_too(world):
    store, users, _, _ = world
    late = _action(world, TODAY - dt.timedelta(days=10))
    [item] = _by_ref(my_items(store, users["demo.head"], TODAY, "ru"), "action_overdue", late)
    assert item.days_left == -10


# --- drafts, self-assessments and imports


def test_a_draft_in_progress_with_its_progress(world):
    store, users, own, _ = world
    officer = users["demo.officer"]
    draft = open_draft(store, officer, own, "golden_rules")
    first = draft.checklist.rules[0].items[0].id
    second = draft.checklist.rules[0].items[1].id
    save_answer(store, officer, draft.id, first, rating="green")
    save_answer(store, officer, draft.id, second, rating="na")  # N/A without its reason is not answered yet
    [item] = [i for i in my_items(store, officer, TODAY, "ru") if i.kind == "draft"]
    total = len(draft.checklist.items())
    assert item.progress == (1, total)
    assert (item.ref, item.page, item.due, item.days_left) == ("golden_rules", "app_pages/assessment.py", None, None)
    assert item.label == load_checklists()["golden_rules"].title.get("ru")
    assert item not in due_items(store, officer, TODAY, "ru")  # a draft has no deadline of its own
    # the manager sees it too, and opens it on the enterprise card (filling it in is the officer's)
    [seen] = [i for i in my_items(store, users["demo.head"], TODAY, "en") if i.kind == "draft"]
    assert seen.page == "app_pages/enterprise.py"
    assert seen.label == load_checklists()["golden_rules"].title.get("en")


def test_the_next_self_assessment_is_due_a_year_after_the_last():
    assert next_assessment(dt.date(2025, 3, 10), TODAY) == dt.date(2026, 3, 10)
    assert next_assessment(dt.date(2024, 2, 29), TODAY) == dt.date(2025, 2, 28)
    assert next_assessment(None, TODAY) == TODAY


def test_the_next_self_assessment_of_the_enterprise(world):
    store, users, _, _ = world
    officer = users["demo.officer"]
    history = store.query(
        "SELECT max(assessed_on) FROM assessments WHERE enterprise_id = ? AND status = 'submitted' "
        "AND checklist_id = 'golden_rules'",
        [officer.enterprise_id],
    )[0][0]
    [item] = [i for i in my_items(store, officer, TODAY, "kk") if i.kind == "assessment_due"]
    assert item.due == next_assessment(history, TODAY)
    assert item.days_left == (item.due - TODAY).days
    assert item.page == "app_pages/assessment.py" and item.ref == "golden_rules"
    assert item.label == load_checklists()["golden_rules"].title.get("kk")


def test_without_any_assessment_the_self_assessment_is_due_now(world):
    store, users, _, _ = world
    officer = users["demo.officer"]
    with store.transaction() as cur:
        cur.execute("UPDATE assessments SET checklist_id = 'retired' WHERE enterprise_id = ?", [officer.enterprise_id])
    [item] = [i for i in my_items(store, officer, TODAY, "ru") if i.kind == "assessment_due"]
    assert (item.due, item.days_left, item.overdue) == (TODAY, 0, False)
    assert item in due_items(store, officer, TODAY, "ru")


def test_the_last_import_that_still_stands(world):
    store, users, own, _ = world
    officer = users["demo.officer"]
    assert not [i for i in my_items(store, officer, TODAY, "ru") if i.kind == "last_import"]
    name = "log_ru_titles.xlsx"
    first = import_incidents(store, officer, (DATA / "logs" / name).read_bytes(), name, own)
    second = import_incidents(store, officer, (DATA / "logs" / "log_cp1251.csv").read_bytes(), "log_cp1251.csv", own)
    [item] = [i for i in my_items(store, officer, TODAY, "en") if i.kind == "last_import"]
    assert item.ref == second.import_id and "log_cp1251.csv" in item.label
    assert item.page == "app_pages/incidents.py" and item.due is None
    assert t("work.import_label", "en", file="x", count=second.imported, date="d").split(": ")[1] in item.label
    undo_import(store, officer, second.import_id)
    [item] = [i for i in my_items(store, officer, TODAY, "en") if i.kind == "last_import"]
    assert item.ref == first.import_id
    assert item not in due_items(store, officer, TODAY, "en")


# --- investigations and working days


@pytest.mark.parametrize(
    ("due", "today", "left"),
    [
        (dt.date(2026, 3, 26), dt.date(2026, 3, 20), 1),  # Friday to the Thursday after Nauryz: one working day
        (dt.date(2026, 3, 20), dt.date(2026, 3, 20), 0),  # the day itself
        (dt.date(2026, 3, 20), dt.date(2026, 3, 25), -1),  # late over the Nauryz holidays: at least one day
        (dt.date(2026, 3, 20), dt.date(2026, 3, 27), -2),  # Thursday and Friday after Nauryz have gone by
        (dt.date(2025, 11, 21), dt.date(2025, 11, 22), -1),  # Friday's deadline is late on Saturday
        (dt.date(2025, 11, 22), dt.date(2025, 11, 24), -1),  # a Saturday deadline is one working day late on Monday
        (dt.date(2025, 12, 8), dt.date(2025, 11, 24), 10),  # two weeks of working days
        (dt.date(2025, 12, 17), dt.date(2025, 12, 15), 1),  # Independence Day (Tuesday) is no working day
    ],
)
def test_working_days_left(due, today, left):
    assert working_days_left(due, today) == left


def test_investigation_steps_with_their_deadlines_in_working_days(world):
    store, users, _, _ = world
    officer = users["demo.officer"]
    friday = dt.date(2025, 11, 21)
    case = _severe_accident(world, friday)
    # the report is due the next calendar day (24 hours), a Saturday: on Monday it is one working day late
    [report] = _by_ref(my_items(store, officer, TODAY, "ru"), "investigation_step", case)
    assert (report.due, report.days_left, report.overdue) == (dt.date(2025, 11, 22), -1, True)
    assert report.label == t(
        "work.step_label", "ru", step=t("investigation.step.report", "ru"), date=format_date(friday, "ru")
    )
    assert report.page == "app_pages/incidents.py"
    assert report in due_items(store, officer, TODAY, "ru")
    # reported, commission formed on Monday: the investigation is due 10 working days later
    set_investigation_dates(store, officer, case, {"reported_on": friday, "commission_on": TODAY}, today=TODAY)
    [step] = _by_ref(my_items(store, officer, TODAY, "ru"), "investigation_step", case)
    assert step.due == add_working_days(TODAY, 10) == dt.date(2025, 12, 8)
    assert (step.days_left, step.overdue) == (10, False)
    assert t("investigation.step.investigation", "ru") in step.label
    # closed: the act is due 3 working days after; sent: nothing left
    closed = dt.date(2025, 12, 5)
    dates = {"reported_on": friday, "commission_on": TODAY, "closed_on": closed}
    set_investigation_dates(store, officer, case, dates, today=closed)
    [act] = _by_ref(my_items(store, officer, closed, "en"), "investigation_step", case)
    assert (act.due, act.days_left) == (dt.date(2025, 12, 10), 3)
    set_investigation_dates(store, officer, case, dates | {"act_sent_on": closed}, today=closed)
    assert not _by_ref(my_items(store, officer, closed, "en"), "investigation_step", case)


def test_the_manager_opens_an_investigation_on_the_incidents_page(world):
    store, users, _, _ = world
    case = _severe_accident(world, dt.date(2025, 11, 21))
    [step] = _by_ref(my_items(store, users["demo.head"], TODAY, "ru"), "investigation_step", case)
    assert step.page == "app_pages/incidents.py"


# --- roles and rights


def test_the_regional_manager_gets_the_regions_overdue_investigation_steps_only(world):
    store, users, own, _ = world
    late = _severe_accident(world, dt.date(2025, 11, 3))
    fresh = _severe_accident(world, TODAY)
    region = my_items(store, users["demo.region"], TODAY, "ru")
    assert {i.kind for i in region} <= {"investigation_step"}
    assert all(i.overdue for i in region)
    [item] = [i for i in region if i.ref == late]
    assert item.bin == own and item.page == "app_pages/incidents.py"
    assert not [i for i in region if i.ref == fresh]  # due tomorrow: the enterprise's own work, not late yet
    assert due_items(store, users["demo.region"], TODAY, "ru") == region


def test_the_administrator_has_no_items(world):
    store, users, _, _ = world
    _severe_accident(world, dt.date(2025, 11, 3))
    assert my_items(store, users["demo.admin"], TODAY, "ru") == []
    assert due_items(store, users["demo.admin"], TODAY, "ru") == []


def test_an_officer_sees_only_the_own_enterprise(world):
    store, users, own, other = world
    officer = users["demo.officer"]
    theirs = create_action(store, SYSTEM, other, {"title": "Чужое", "due_on": TODAY})["id"]
    mine = _action(world, TODAY)
    items = my_items(store, officer, TODAY, "ru")
    refs = {i.ref for i in items if i.kind.startswith("action")}
    assert mine in refs and theirs not in refs
    assert {i.bin for i in items} == {own}


def test_a_disabled_account_and_an_unbound_scoped_one(world):
    store, users, _, _ = world
    disabled = dataclasses.replace(users["demo.officer"], active=False)
    with pytest.raises(PermissionDenied):
        my_items(store, disabled, TODAY, "ru")
    with pytest.raises(PermissionDenied):
        due_items(store, disabled, TODAY, "ru")
    unbound = dataclasses.replace(users["demo.officer"], enterprise_id=None)
    assert my_items(store, unbound, TODAY, "ru") == []


def test_most_urgent_first(world):
    store, users, _, _ = world
    _action(world, TODAY - dt.timedelta(days=40))
    _action(world, TODAY + dt.timedelta(days=3))
    _severe_accident(world, dt.date(2025, 11, 21))
    officer = users["demo.officer"]
    open_draft(store, officer, world[2], "golden_rules")
    items = my_items(store, officer, TODAY, "ru")
    dated = [i.days_left for i in items if i.days_left is not None]
    assert dated == sorted(dated)
    assert items.index(next(i for i in items if i.days_left is None)) == len(dated)  # undated items last


@pytest.mark.parametrize("lang", LANGUAGES)
def test_labels_in_each_language_and_no_none(world, lang):
    store, users, _, _ = world
    _action(world, TODAY)
    _severe_accident(world, dt.date(2025, 11, 21))
    for name in ("demo.officer", "demo.head", "demo.region"):
        for item in my_items(store, users[name], TODAY, lang):
            assert item.label and "None" not in item.label and "work." not in item.label
            assert item.enterprise_name and item.kind in KINDS


# --- the regional manager's attention list


def test_enterprises_that_need_attention_ranked_with_their_reasons(world):
    store, users, own, _ = world
    region = users["demo.region"]
    _severe_accident(world, dt.date(2025, 11, 3))
    ranked = needs_attention(store, region, TODAY, "ru")
    assert [a.score for a in ranked] == sorted((a.score for a in ranked), reverse=True)
    assert all(a.reasons for a in ranked)
    first = next(a for a in ranked if a.bin == own)
    kinds = [r.kind for r in first.reasons]
    assert "investigation_overdue" in kinds
    assert first.reasons[0].kind == "investigation_overdue"  # the weightiest reason first
    assert t("work.reason.investigation_overdue", "ru", count=1) in [r.text for r in first.reasons]


def test_attention_scores_follow_the_documented_weights(world):
    store, users, _, _ = world
    region = users["demo.region"]
    for a in needs_attention(store, region, TODAY, "en"):
        points = 0
        for reason in a.reasons:
            if reason.kind == "overdue_actions":
                points += a.overdue_actions // 5
            elif reason.kind == "investigation_overdue":
                points += 4 * int(reason.text.split()[0])
            else:
                points += 2
        assert a.score == points, a


def test_rising_kch_comes_from_the_indicator_formulas(world):
    store, users, _, _ = world
    region = users["demo.region"]
    year = latest_year(store, region)
    rising = {
        r["key"]
        for r in by_group(store, Scope(), "enterprise", year)
        if r["kch"] is not None and r["previous_kch"] is not None and r["kch"] > r["previous_kch"]
    }
    flagged = {
        a.bin for a in needs_attention(store, region, TODAY, "ru") if "kch_rising" in [r.kind for r in a.reasons]
    }
    assert flagged == rising and rising


def test_no_assessment_in_twelve_months(world):
    store, users, own, _ = world
    region = users["demo.region"]
    later = dt.date(2028, 1, 1)  # every demo assessment is older than a year by then
    flagged = {
        a.bin for a in needs_attention(store, region, later, "ru") if "no_assessment" in [r.kind for r in a.reasons]
    }
    assert flagged == {e.bin for e in list_enterprises(store, region)}
    with store.transaction() as cur:
        cur.execute(
            "UPDATE assessments SET checklist_id = 'retired' WHERE enterprise_id = ?",
            [users["demo.head"].enterprise_id],
        )
    [mine] = [a for a in needs_attention(store, region, TODAY, "ru") if a.bin == own]
    assert t("work.reason.no_assessment_ever", "ru") in [r.text for r in mine.reasons]


def test_many_overdue_actions(world):
    store, users, own, _ = world
    for _ in range(5):
        _action(world, TODAY - dt.timedelta(days=1))
    [mine] = [a for a in needs_attention(store, users["demo.region"], TODAY, "ru") if a.bin == own]
    assert mine.overdue_actions >= 5
    assert t("work.reason.overdue_actions", "ru", count=mine.overdue_actions) in [r.text for r in mine.reasons]


@pytest.mark.parametrize("name", ["demo.officer", "demo.head"])
def test_the_attention_list_is_not_for_enterprise_roles(world, name):
    store, users, _, _ = world
    with pytest.raises(PermissionDenied):
        needs_attention(store, users[name], TODAY, "ru")


# --- the administrator's overview


def test_the_overview_counts_accounts_by_role(world):
    store, users, _, _ = world
    admin = users["demo.admin"]
    overview = admin_overview(store, admin)
    assert [r.role for r in overview.roles] == [role.value for role in Role]
    assert all((r.total, r.active, r.locked, r.disabled) == (1, 1, 0, 0) for r in overview.roles)
    update_user(
        store,
        admin,
        "demo.region",
        {"full_name": users["demo.region"].full_name, "role": "regional_manager", "active": False},
    )
    for _ in range(5):
        with pytest.raises(SafetyError):
            authenticate(store, "demo.officer", "not the password at all")
    counts = {r.role: r for r in admin_overview(store, admin).roles}
    assert (counts["regional_manager"].disabled, counts["regional_manager"].active) == (1, 0)
    assert counts["safety_officer"].locked == 1


def test_the_overview_shows_the_last_backup_and_the_database_size(world, tmp_path, monkeypatch):
    store, users, _, _ = world
    admin = users["demo.admin"]
    monkeypatch.delenv("VZ_BACKUP_DIR", raising=False)
    first = admin_overview(store, admin)
    assert first.last_backup is None and first.backup_dir is None
    on_disk = os.path.getsize(store.path) if store.dialect == "duckdb" else 1_000_000  # the server's own count
    assert first.database_bytes and first.database_bytes >= on_disk
    data = backup_bytes(store, admin)
    backup = admin_overview(store, admin).last_backup
    assert backup is not None and (backup.by, backup.size, backup.file) == ("demo.admin", len(data), None)
    # a newer archive in the daily backups' folder counts too
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "vision_zero_2099-01-01.vzbackup").write_bytes(b"x" * 10)
    (folder / "notes.txt").write_text("not a backup")
    future = dt.datetime(2099, 1, 1).timestamp()
    os.utime(folder / "vision_zero_2099-01-01.vzbackup", (future, future))
    monkeypatch.setenv("VZ_BACKUP_DIR", str(folder))
    overview = admin_overview(store, admin)
    assert overview.backup_dir == str(folder)
    assert overview.last_backup is not None
    assert (overview.last_backup.file, overview.last_backup.size, overview.last_backup.by) == (
        "vision_zero_2099-01-01.vzbackup",
        10,
        None,
    )


@pytest.mark.parametrize("name", ["demo.region", "demo.head", "demo.officer"])
def test_the_overview_is_for_administrators(world, name):
    store, users, _, _ = world
    with pytest.raises(PermissionDenied):
        admin_overview(store, users[name])


def test_update_action_keeps_a_proposal_for_the_manager(world):
    """A proposal the officer edits (state kept 'proposed') still waits for the manager."""
    store, users, _, _ = world
    proposal = _action(world, TODAY + dt.timedelta(days=30), state="proposed")
    update_action(store, users["demo.officer"], proposal, {"owner": "Мастер участка", "state": "proposed"})
    assert _by_ref(my_items(store, users["demo.head"], TODAY, "ru"), "action_to_confirm", proposal)


# --- the words of an item (safety.work.wording), shared by the home page and the digest


def _worded(kind="action_due", days=3, due=TODAY, progress=None):
    return WorkItem(kind, 1, "ТОО «Тест»", "Заменить ограждение", due, days, "app_pages/actions.py", progress=progress)


@pytest.mark.parametrize(
    ("lang", "item", "expected"),
    [
        ("ru", _worded(days=3), "срок {date}, осталось 3 дня"),
        ("ru", _worded(days=-21), "срок {date}, просрочено на 21 день"),
        ("ru", _worded(days=0), "срок сегодня, {date}"),
        ("ru", _worded("investigation_step", days=5), "срок {date}, осталось 5 рабочих дней"),
        ("kk", _worded(days=-2), "мерзімі {date}, 2 күнге кешікті"),
        ("kk", _worded("investigation_step", days=1), "мерзімі {date}, 1 жұмыс күні қалды"),
        ("en", _worded(days=1), "due {date}, 1 day left"),
        ("en", _worded("investigation_step", days=-2), "due {date}, 2 working days overdue"),
        ("en", _worded("last_import", days=None, due=None), ""),
    ],
)
def test_an_items_deadline_in_words(lang, item, expected):
    assert deadline(item, lang) == expected.format(date=format_date(TODAY, lang))


def test_a_drafts_progress_and_each_kinds_name_in_words():
    draft = _worded("draft", days=None, due=None, progress=(3, 8))
    assert [progress(draft, lang) for lang in LANGUAGES] == [
        "отвечено 3 из 8",
        "8 сұрақтың 3 жауабы берілді",
        "3 of 8 answered",
    ]
    assert state(draft, "en") == "3 of 8 answered" and state(_worded(days=0), "en") == deadline(_worded(days=0), "en")
    assert progress(_worded(), "en") == "" and state(_worded("last_import", days=None, due=None), "en") == ""
    for lang in LANGUAGES:
        names = [kind_name(kind, lang) for kind in KINDS]
        assert len(set(names)) == len(KINDS) and not [n for n in names if n.startswith("work.")]
