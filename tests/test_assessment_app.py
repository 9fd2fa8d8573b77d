"""The assessment page through AppTest: a whole golden-rules assessment by the demo officer, drafts that
survive a reopened app, and the new score on the enterprise page."""

import pytest

from safety.checklists.schema import load_checklists
from safety.checklists.scoring import overall_score, score_rules
from safety.i18n import format_number, plain, t

LEVELS = ("green", "yellow", "red")


def _rating_boxes(at):
    return [r for r in at.radio if str(r.key).endswith(":rating")]


def test_draft_survives_a_reopened_app(demo_app):
    at = demo_app("demo.officer")
    at.switch_page("app_pages/assessment.py").run()
    boxes = _rating_boxes(at)
    boxes[0].set_value("yellow")
    comment = next(w for w in at.text_input if str(w.key).endswith(":comment"))
    comment.input("Нет графика обходов")
    at.run()
    again = demo_app("demo.officer")  # a new session: nothing carried over in memory
    again.switch_page("app_pages/assessment.py").run()
    assert _rating_boxes(again)[0].value == "yellow"
    assert next(w for w in again.text_input if str(w.key).endswith(":comment")).value == "Нет графика обходов"


def _open_rule(at, rule_id: int) -> None:
    """Open a rule's tab (the page draws the open tab's items only)."""
    draft_id = str(_rating_boxes(at)[0].key).split(":")[0]
    at.session_state[f"assessment_rule:{draft_id}"] = rule_id
    at.run()


def test_officer_fills_and_submits_a_whole_assessment(demo_app):
    at = demo_app("demo.officer")
    at.switch_page("app_pages/assessment.py").run()
    ratings = {}
    number = 0
    for rule in load_checklists()["golden_rules"].rules:
        _open_rule(at, rule.id)
        boxes = _rating_boxes(at)
        assert [str(b.key).split(":")[1] for b in boxes] == [item.id for item in rule.items]
        for box in boxes:
            ratings[str(box.key).split(":")[1]] = LEVELS[0] if number % 9 else LEVELS[number % 2 + 1]
            box.set_value(ratings[str(box.key).split(":")[1]])  # mostly green, a few yellow and red
            number += 1
        at.run()
    assert number == 54
    expected = overall_score(score_rules(load_checklists()["golden_rules"], ratings))
    assert not at.exception
    at.button(key="submit_assessment").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any(t("assessment.submitted", "ru", count=6).split(".")[0] in s.value for s in at.success)
    at.get("form")[-1].button[0].click().run()  # confirm the proposed actions as they are
    assert t("assessment.actions_confirmed", "ru") in [s.value for s in at.success]
    at.switch_page("app_pages/enterprise.py").run()
    latest = [m.value for m in at.markdown if "**" in m.value and "%" in m.value]
    shown = plain(format_number(expected, "ru", 1))  # page parameters are escaped for Markdown
    assert any(f"**{shown}\u00a0%**" in text for text in latest), (latest, expected)


def test_submit_with_unrated_items_is_refused_on_the_page(demo_app):
    at = demo_app("demo.officer")
    at.switch_page("app_pages/assessment.py").run()
    at.button(key="submit_assessment").click().run()
    assert at.error and "54" in at.error[0].value


@pytest.mark.parametrize("username", ["demo.head", "demo.region", "demo.admin"])
def test_only_officers_see_the_assessment_page(demo_app, username):
    with pytest.raises(ValueError):
        demo_app(username).switch_page("app_pages/assessment.py")


def test_tabs_name_their_rule_and_the_page_says_answers_save_themselves(demo_app):
    """Each tab: the rule's number, its name (shortened) and its answered items; a caption tells of saving."""
    at = demo_app("demo.officer")
    at.switch_page("app_pages/assessment.py").run()
    rules = load_checklists()["golden_rules"].rules
    labels = [tab.label for tab in at.tabs]
    assert len(labels) == len(rules) == 7
    for label, rule in zip(labels, rules, strict=True):
        number, name, count = label.split(" · ")
        assert number == str(rule.id) and rule.title.get("ru").startswith(name.rstrip("…"))
        assert count.endswith(f"/{len(rule.items)}")
    assert t("assessment.autosave", "ru") in [c.value for c in at.caption]


def test_the_open_tab_stays_open_when_an_answer_changes_its_title(demo_app):
    """An answer changes its tab's count, so its title; the page keeps that rule's tab open (Streamlit would open
    the first tab of tabs with new titles) and draws only that tab's items."""
    at = demo_app("demo.officer")
    at.switch_page("app_pages/assessment.py").run()
    rule = load_checklists()["golden_rules"].rules[-1]
    _open_rule(at, rule.id)
    boxes = _rating_boxes(at)
    assert [str(b.key).split(":")[1] for b in boxes] == [item.id for item in rule.items]
    boxes[0].set_value("green").run()
    assert [str(b.key).split(":")[1] for b in _rating_boxes(at)] == [item.id for item in rule.items]
    assert _rating_boxes(at)[0].value == "green"
