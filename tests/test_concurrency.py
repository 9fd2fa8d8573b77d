"""Many sessions writing at once, as threads against one Store: nothing is refused, lost, split or counted twice.

Each test runs ROUNDS times (VZ_CONCURRENCY_ROUNDS, default 3) on a fresh copy of the demo, with every thread
released at the same moment by a barrier, so that a race has many chances to show.
"""

from __future__ import annotations

import ast
import datetime as dt
import os
from typing import Any

import pytest

from safety.access.auth import SignInFailed, authenticate
from safety.access.roles import SYSTEM
from safety.checklists.actions import create_action, list_actions, update_action
from safety.checklists.assessments import get_assessment, open_draft, save_answer
from safety.checklists.schema import load_checklists
from safety.db import Store, retry_conflicts
from safety.demo import demo_credentials
from safety.errors import StoreConflict
from safety.incidents.imports.pipeline import import_incidents
from safety.incidents.log import add_incident, list_incidents
from safety.incidents.summaries import check_summaries

from conftest import DATA, ROOT, at_once

ROUNDS = int(os.environ.get("VZ_CONCURRENCY_ROUNDS", "3"))


def _password(store: Store, username: str) -> str:
    return next(a["password"] for a in demo_credentials(store) if a["username"] == username)


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_twenty_sign_ins_at_once_all_succeed(world, round_):
    store = world[0]
    passwords = {name: _password(store, name) for name in ("demo.officer", "demo.head", "demo.region")}
    names = list(passwords)
    users, errors = at_once(20, lambda n: authenticate(store, names[n % 3], passwords[names[n % 3]]))
    assert errors == [] and len(users) == 20


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_twenty_wrong_passwords_at_once_are_all_counted_and_lock(world, round_):
    store = world[0]
    _, errors = at_once(20, lambda n: authenticate(store, "demo.officer", f"wrong password {n}"))
    assert len(errors) == 20 and all(isinstance(e, SignInFailed) for e in errors)
    [(attempts, locked_until)] = store.query(
        "SELECT failed_attempts, locked_until FROM users WHERE username = 'demo.officer'"
    )
    assert attempts == 20 and locked_until is not None
    assert store.query("SELECT count(*) FROM audit_log WHERE action = 'user.locked'") == [(1,)]
    with pytest.raises(SignInFailed):
        authenticate(store, "demo.officer", _password(store, "demo.officer"))


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_forty_cases_entered_at_once_are_all_stored(world, round_):
    store, users, own, _ = world
    officer = users["demo.officer"]
    before = len(list_incidents(store, officer, bin_=own))
    case = {"occurred_on": dt.date(2026, 3, 2), "kind": "near_miss", "description": "Искра у щита"}
    stored, errors = at_once(40, lambda n: add_incident(store, officer, own, case))
    assert errors == [] and len(stored) == 40
    assert len(list_incidents(store, officer, bin_=own)) == before + 40
    prints = {c["fingerprint"] for c in stored}  # forty identical rows: occurrences 1 … 40 of one case
    assert len(prints) == 40 and {p.rsplit(":", 1)[1] for p in prints} == {str(n) for n in range(1, 41)}
    assert check_summaries(store, SYSTEM) == []


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_eight_officers_opening_the_assessment_share_one_draft(world, round_):
    store, users, own, _ = world
    officer = users["demo.officer"]
    items = [item.id for _, item in load_checklists()["golden_rules"].items()][:8]

    def open_and_answer(number: int) -> int:
        draft = open_draft(store, officer, own, "golden_rules")
        save_answer(store, officer, draft.id, items[number], rating="yellow", comment=f"ответ {number}")
        return draft.id

    drafts, errors = at_once(8, open_and_answer)
    assert errors == [] and len(set(drafts)) == 1
    answers = get_assessment(store, officer, drafts[0]).answers
    assert {item: answers[item]["comment"] for item in items} == {item: f"ответ {n}" for n, item in enumerate(items)}
    assert store.query("SELECT count(*) FROM assessments WHERE status = 'draft'") == [(1,)]


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_an_import_hand_entries_and_action_edits_at_once_lose_nothing(world, round_):
    store, users, own, _ = world
    officer = users["demo.officer"]
    actions = [
        create_action(store, officer, own, {"title": f"Мера {n}", "due_on": dt.date(2026, 12, 1), "priority": "medium"})
        for n in range(6)
    ]
    before = len(list_incidents(store, officer, bin_=own))
    log = (DATA / "logs" / "log_ru_titles.xlsx").read_bytes()

    def work(number: int) -> Any:
        if number == 0:
            return import_incidents(store, officer, log, "log_ru_titles.xlsx", own).imported
        if number <= 6:
            return update_action(store, officer, actions[number - 1]["id"], {"owner": f"Мастер {number}"})
        return add_incident(
            store,
            officer,
            own,
            {"occurred_on": dt.date(2026, 1, number), "kind": "near_miss", "description": f"Случай {number}"},
        )

    results, errors = at_once(16, work)
    assert errors == []
    imported = results[0]
    assert imported > 0
    assert len(list_incidents(store, officer, bin_=own)) == before + imported + 9
    owners = {a["id"]: a["owner"] for a in list_actions(store, officer, bin_=own)}
    assert [owners[a["id"]] for a in actions] == [f"Мастер {n}" for n in range(1, 7)]
    assert check_summaries(store, SYSTEM) == []


def test_a_conflict_is_tried_again_and_reported_when_it_persists():
    calls = []

    @retry_conflicts
    def flaky(fail_times: int) -> str:
        calls.append(1)
        if len(calls) <= fail_times:
            raise StoreConflict(path="x", detail="Conflict on update")
        return "saved"

    assert flaky(3) == "saved" and len(calls) == 4
    calls.clear()
    with pytest.raises(StoreConflict):
        flaky(10)
    assert len(calls) == 4  # the first try and three more


def test_every_write_of_the_library_is_tried_again_on_a_conflict():
    """A public function that opens a write transaction is wrapped in retry_conflicts (helpers it calls are not)."""
    bare = []
    for path in sorted((ROOT / "safety").rglob("*.py")):
        if "db" in path.relative_to(ROOT).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                body = ast.unparse(node)
                writes = ".transaction()" in body or "writing_cases(store)" in body
                decorators = {ast.unparse(d) for d in node.decorator_list}
                if writes and not decorators & {"retry_conflicts", "contextmanager"}:
                    bare.append(f"{path.relative_to(ROOT)}:{node.name}")
    assert bare == []
