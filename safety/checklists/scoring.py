"""Scores of an assessment: the project's own method (ISSA defines none), explained on the page.

Each rated item earns its level's points (green 2, yellow 1, red 0 by default); "not applicable" leaves the
score. A rule's score is earned over possible points, in %. The overall score is the mean of the rule scores.
A rule with any red item is shown red whatever its percentage; otherwise green from 80 %, yellow from 50 %.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from safety.checklists.schema import Checklist

GREEN_FROM = 80.0
YELLOW_FROM = 50.0


@dataclass(frozen=True)
class RuleScore:
    """One rule's result."""

    rule_id: int
    score: float | None  # None when every item is not applicable
    status: str  # green, yellow, red or na
    answered: int
    total: int
    reds: int
    yellows: int


def rule_status(score: float | None, reds: int) -> str:
    """The traffic light of a rule: red with any red item, else by its percentage."""
    if reds:
        return "red"
    if score is None:
        return "na"
    return "green" if score >= GREEN_FROM else "yellow" if score >= YELLOW_FROM else "red"


def score_rules(checklist: Checklist, ratings: Mapping[str, str | None]) -> list[RuleScore]:
    """Score every rule from item ratings (level ids; None or missing = not answered yet)."""
    points = {level.id: level.points for level in checklist.scale}
    top = points["green"] or 0  # the schema holds points for every level but "na"
    results = []
    for rule in checklist.rules:
        earned = possible = answered = reds = yellows = 0
        for item in rule.items:
            rating = ratings.get(item.id)
            if rating is None:
                continue
            answered += 1
            reds += rating == "red"
            yellows += rating == "yellow"
            if rating != "na":
                earned += points[rating] or 0
                possible += top
        score = round(earned * 100 / possible, 1) if possible else None
        results.append(RuleScore(rule.id, score, rule_status(score, reds), answered, len(rule.items), reds, yellows))
    return results


def overall_score(rules: list[RuleScore]) -> float | None:
    """The mean of the rule scores that exist (rules wholly not applicable are left out)."""
    scores = [r.score for r in rules if r.score is not None]
    return round(sum(scores) / len(scores), 1) if scores else None
