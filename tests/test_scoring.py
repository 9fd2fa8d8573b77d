"""Scores, hand-computed: points over possible points per rule, mean over rules, N/A left out, red wins."""

from safety.checklists.schema import load_checklist
from safety.checklists.scoring import overall_score, rule_status, score_rules

from conftest import DATA

MINI = load_checklist(DATA / "checklists" / "mini.yaml")


def test_hand_computed_example_with_na():
    # rule 1: green 2 + yellow 1 + n/a → 3 of 4 = 75 %; rule 2: green 2 + green 2 → 100 %
    rules = score_rules(MINI, {"1.1": "green", "1.2": "yellow", "1.3": "na", "2.1": "green", "2.2": "green"})
    assert [(r.score, r.status, r.answered, r.total) for r in rules] == [(75.0, "yellow", 3, 3), (100.0, "green", 2, 2)]
    assert overall_score(rules) == 87.5


def test_one_red_item_makes_a_high_scoring_rule_red():
    # rule 2 in a 10-item rule would be 90 %; here: green + red = 2 of 4 = 50 % but red wins anyway
    rules = score_rules(MINI, {"1.1": "green", "1.2": "green", "1.3": "red", "2.1": "green", "2.2": "green"})
    assert rules[0].score == 66.7 and rules[0].status == "red" and rules[0].reds == 1
    assert overall_score(rules) == 83.3  # (66.7 + 100) / 2, rounded
    assert rule_status(95.0, reds=1) == "red"


def test_all_na_rule_has_no_score_and_leaves_the_mean():
    rules = score_rules(MINI, {"1.1": "na", "1.2": "na", "1.3": "na", "2.1": "yellow", "2.2": "red"})
    assert rules[0].score is None and rules[0].status == "na"
    assert rules[1].score == 25.0 and overall_score(rules) == 25.0


def test_unanswered_items_count_as_not_answered_yet():
    rules = score_rules(MINI, {"1.1": "green"})
    assert (rules[0].answered, rules[0].score) == (1, 100.0)
    assert (rules[1].answered, rules[1].score) == (0, None)
    assert overall_score(score_rules(MINI, {})) is None


def test_thresholds():
    assert rule_status(80.0, 0) == "green" and rule_status(79.9, 0) == "yellow"
    assert rule_status(50.0, 0) == "yellow" and rule_status(49.9, 0) == "red"
