"""Forms never store invisible characters: a control or format character in any text field is refused with a
message naming the field, in every form the library offers, and nothing is written."""

import pytest

from safety.access.auth import create_admin
from safety.access.roles import SYSTEM
from safety.access.users import create_user
from safety.checklists.actions import create_action
from safety.checklists.assessments import open_draft, save_answer
from safety.errors import ValidationFailed
from safety.incidents.imports.history import save_mapping_profile
from safety.incidents.imports.mapping import MappingProfile
from safety.incidents.log import add_incident
from safety.register.enterprises import add_enterprise, update_enterprise

from conftest import PASSWORD
from test_register import GOOD

HOSTILE = ["bell\x07", "tab\x0bvertical", "nul\x00", "zero\u200bwidth", "bidi\u202eoverride", "esc\x1b[31m"]


def _refused(call, field_label_en: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        call()
    message = info.value.render("en")
    assert "invisible control characters" in message and field_label_en in message, message


@pytest.mark.parametrize("value", HOSTILE)
def test_register_forms_refuse_invisible_characters(store, value):
    _refused(lambda: add_enterprise(store, SYSTEM, GOOD | {"name_ru": "ТОО " + value}), "Name (Russian)")
    assert store.query("SELECT count(*) FROM enterprises") == [(0,)]
    add_enterprise(store, SYSTEM, GOOD)
    _refused(lambda: update_enterprise(store, SYSTEM, GOOD["bin"], GOOD | {"officer_name": value}), "Safety officer")


def test_plain_text_with_tabs_and_line_breaks_is_kept(store):
    added = add_enterprise(store, SYSTEM, GOOD | {"industry": "Удобрения\tи химия"})
    assert added.industry == "Удобрения\tи химия"


def test_account_forms_refuse_invisible_characters(store):
    _refused(lambda: create_admin(store, "boss", PASSWORD, "Босс\x07"), "Full name")
    account = {"username": "a", "full_name": "X\u200b", "role": "admin"}
    _refused(lambda: create_user(store, SYSTEM, account), "Full name")
    assert store.query("SELECT count(*) FROM users") == [(0,)]


def test_case_action_answer_and_profile_forms_refuse_invisible_characters(world):
    store, users, own, _ = world
    officer = users["demo.officer"]
    case = {"occurred_on": "2026-03-02", "kind": "near_miss", "description": "Упал\x07 ящик"}
    _refused(lambda: add_incident(store, officer, own, case), "Description")
    _refused(lambda: create_action(store, officer, own, {"title": "Заменить\x00", "due_on": "2026-12-01"}), "Action")
    draft = open_draft(store, officer, own, "golden_rules")
    item = store.query("SELECT item_id FROM assessment_answers WHERE assessment_id = ? LIMIT 1", [draft.id])
    item_id = item[0][0] if item else "1.1"
    _refused(lambda: save_answer(store, officer, draft.id, item_id, comment="ok\x1b"), "Comment")
    _refused(lambda: save_mapping_profile(store, officer, own, MappingProfile(name="мой\x07", columns={})), "Name")
