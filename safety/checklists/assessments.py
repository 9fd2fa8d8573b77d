"""Golden-rules self-assessments: drafts saved as the officer goes, submit with scores and proposed actions,
history and comparison. A checklist version is frozen by its first assessment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from safety.access.roles import User
from safety.access.scope import enterprise_row, owned_row
from safety.checklists.schema import Checklist, from_snapshot, load_checklists, snapshot
from safety.checklists.scoring import RuleScore, overall_score, score_rules
from safety.db import Store, retry_conflicts
from safety.db import actions as action_sql
from safety.db import assessments as sql
from safety.db import audit as audit_sql
from safety.db import enterprises as enterprise_sql
from safety.db.cursors import present
from safety.errors import Conflict, NotFound, Problem, ValidationFailed
from safety.files.validation import refuse_control

RED_DUE_DAYS = 30
YELLOW_DUE_DAYS = 90
RATINGS = ("green", "yellow", "red", "na")


@dataclass
class Assessment:
    """An assessment with its frozen checklist and answers (item id -> answer dict)."""

    id: int
    enterprise_id: int
    bin: str
    checklist: Checklist
    status: str
    started_by: str
    submitted_by: str | None
    assessed_on: dt.date | None
    overall: float | None
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)

    def ratings(self) -> dict[str, str | None]:
        """Item id -> rating."""
        return {item_id: a.get("rating") for item_id, a in self.answers.items()}

    def rule_scores(self) -> list[RuleScore]:
        """Score every rule from the current answers."""
        return score_rules(self.checklist, self.ratings())

    def progress(self) -> tuple[int, int]:
        """(answered, total) items; an N/A still waiting for its reason is not answered yet."""
        items = self.checklist.items()
        return sum(1 for _, item in items if unanswered(self.answers.get(item.id)) is None), len(items)


def unanswered(answer: dict[str, Any] | None) -> str | None:
    """Why an item's answer is not complete (a catalogue key: no rating, or N/A without its reason), or None."""
    if not answer or not answer.get("rating"):
        return "assessment.unrated"
    if answer["rating"] == "na" and not answer.get("na_reason"):
        return "assessment.na_reason_missing"
    return None


def checklist_version(cur: Any, checklist: Checklist) -> Checklist:
    """Freeze the checklist's version on first use; refuse a changed file that kept a used version number."""
    stored = sql.frozen_version(cur, checklist.id, checklist.version)
    if stored is None:
        sql.freeze_version(cur, checklist.id, checklist.version, checklist.content_hash(), snapshot(checklist))
        return checklist
    if stored["content_hash"] != checklist.content_hash():
        raise Conflict("checklist.version_frozen", id=checklist.id, version=checklist.version)
    return checklist


def _load(cur: Any, row: dict[str, Any]) -> Assessment:
    stored = present(sql.frozen_version(cur, row["checklist_id"], row["version"]))
    enterprise = present(enterprise_sql.by_id(cur, row["enterprise_id"]))
    return Assessment(
        id=row["id"],
        enterprise_id=row["enterprise_id"],
        bin=enterprise["bin"],
        checklist=from_snapshot(stored["definition"]),
        status=row["status"],
        started_by=row["started_by"],
        submitted_by=row["submitted_by"],
        assessed_on=row["assessed_on"],
        overall=row["overall_score"],
        answers={a["item_id"]: a for a in sql.answers(cur, row["id"])},
    )


@retry_conflicts
def open_draft(store: Store, user: User, bin_: str, checklist_id: str) -> Assessment:
    """Return the enterprise's draft for the checklist, starting one (on the current version) when none is open."""
    checklist = load_checklists().get(checklist_id)
    if checklist is None:
        raise NotFound("checklist.not_found", id=checklist_id)
    with store.transaction() as cur:
        enterprise = enterprise_row(cur, user, bin_, "checklist.fill")
        row = sql.draft_for(cur, enterprise["id"], checklist_id)
        if row is None:
            checklist_version(cur, checklist)
            assessment_id = sql.insert(
                cur,
                {
                    "enterprise_id": enterprise["id"],
                    "checklist_id": checklist_id,
                    "version": checklist.version,
                    "status": "draft",
                    "started_by": user.username,
                },
            )
            audit_sql.write(
                cur,
                [
                    audit_sql.entry(
                        user,
                        "assessment.start",
                        "assessment",
                        assessment_id,
                        enterprise["id"],
                        after={"checklist": checklist_id, "version": checklist.version},
                    )
                ],
            )
            row = present(sql.by_id(cur, assessment_id))
        return _load(cur, row)


def get_assessment(store: Store, user: User, assessment_id: int) -> Assessment:
    """Return an assessment the user may see."""
    with store.cursor() as cur:
        row = owned_row(sql.by_id(cur, assessment_id), user, "checklist.read", "assessment.not_found", id=assessment_id)
        return _load(cur, row)


def _draft_row(cur: Any, user: User, assessment_id: int) -> dict[str, Any]:
    """Return a draft the user may fill in; a submitted assessment is read-only."""
    row = owned_row(sql.by_id(cur, assessment_id), user, "checklist.fill", "assessment.not_found", id=assessment_id)
    if row["status"] != "draft":
        raise Conflict("assessment.read_only")
    return row


@retry_conflicts
def save_answer(
    store: Store,
    user: User,
    assessment_id: int,
    item_id: str,
    *,
    rating: str | None = None,
    comment: str | None = None,
    evidence: str | None = None,
    na_reason: str | None = None,
) -> None:
    """Save one item's answer into a draft (the page calls this on every change, so nothing is lost)."""
    if rating is not None and rating not in RATINGS:
        raise ValidationFailed(problems=[Problem("assessment.bad_rating", {"value": rating}, field="rating")])
    refuse_control({"comment": comment, "evidence": evidence, "na_reason": na_reason}, labels="assessment.")
    with store.transaction() as cur:
        row = _draft_row(cur, user, assessment_id)
        checklist = from_snapshot(present(sql.frozen_version(cur, row["checklist_id"], row["version"]))["definition"])
        if item_id not in {item.id for _, item in checklist.items()}:
            raise NotFound("assessment.no_item", item=item_id)
        clean = {
            k: (v.strip() or None) if isinstance(v, str) else v
            for k, v in {"comment": comment, "evidence": evidence, "na_reason": na_reason}.items()
        }
        sql.save_answer(cur, assessment_id, {"item_id": item_id, "rating": rating, **clean})


@dataclass(frozen=True)
class ProposedAction:
    """A corrective action proposed on submit from a red or yellow item."""

    id: int
    item_id: str
    rule_id: int
    title: str
    priority: str
    due_on: dt.date


@retry_conflicts
def submit_assessment(
    store: Store, user: User, assessment_id: int, lang: str = "ru", today: dt.date | None = None
) -> list[ProposedAction]:
    """Check every item is rated (N/A with a reason), score it, make it read-only and propose actions."""
    today = today or dt.date.today()
    with store.transaction() as cur:
        row = _draft_row(cur, user, assessment_id)
        assessment = _load(cur, row)
        problems = []
        for rule, item in assessment.checklist.items():
            missing = unanswered(assessment.answers.get(item.id))
            if missing:
                problems.append(Problem(missing, {"item": item.id, "rule": rule.id}))
        if problems:
            raise ValidationFailed("assessment.incomplete", problems=problems, count=len(problems))
        rules = assessment.rule_scores()
        overall = overall_score(rules)
        sql.submit(
            cur, assessment_id, user.username, _now(), today, overall, [(r.rule_id, r.score, r.status) for r in rules]
        )
        proposed = []
        for rule, item in assessment.checklist.items():
            rating = assessment.answers[item.id]["rating"]
            if rating not in ("red", "yellow"):
                continue
            red = rating == "red"
            record = {
                "enterprise_id": row["enterprise_id"],
                "assessment_id": assessment_id,
                "item_id": item.id,
                "rule_id": rule.id,
                "title": item.text.get(lang),
                "owner": None,
                "due_on": today + dt.timedelta(days=RED_DUE_DAYS if red else YELLOW_DUE_DAYS),
                "priority": "high" if red else "medium",
                "state": "proposed",
                "created_by": user.username,
            }
            comment = assessment.answers[item.id].get("comment")
            if comment:
                record["title"] += f" — {comment}"
            action_id = action_sql.insert(cur, record)
            proposed.append(
                ProposedAction(action_id, item.id, rule.id, record["title"], record["priority"], record["due_on"])
            )
        audit_sql.write(
            cur,
            [
                audit_sql.entry(
                    user,
                    "assessment.submit",
                    "assessment",
                    assessment_id,
                    row["enterprise_id"],
                    after={"overall": overall, "proposed_actions": len(proposed)},
                )
            ],
        )
        return proposed


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def assessment_history(store: Store, user: User, bin_: str, checklist_id: str = "golden_rules") -> list[dict]:
    """Return the enterprise's submitted assessments, oldest first, with overall and per-rule scores."""
    with store.cursor() as cur:
        enterprise = enterprise_row(cur, user, bin_, "checklist.read")
        rows = sql.submitted(cur, enterprise["id"], checklist_id)
        scores = sql.rule_scores(cur, [r["id"] for r in rows])
    by_assessment: dict[int, dict[int, dict[str, Any]]] = {}
    for s in scores:
        by_assessment.setdefault(s["assessment_id"], {})[s["rule_id"]] = {"score": s["score"], "status": s["status"]}
    return [
        {
            "id": r["id"],
            "assessed_on": r["assessed_on"],
            "version": r["version"],
            "overall": r["overall_score"],
            "submitted_by": r["submitted_by"],
            "rules": by_assessment.get(r["id"], {}),
        }
        for r in rows
    ]


def compare_assessments(store: Store, user: User, first_id: int, second_id: int, lang: str) -> list[dict]:
    """Compare two assessments item by item: each row says whether it got better, worse or stayed the same."""
    first, second = get_assessment(store, user, first_id), get_assessment(store, user, second_id)
    rank = {"red": 0, "yellow": 1, "green": 2}
    rows = []
    for rule, item in second.checklist.items():
        before = first.answers.get(item.id, {}).get("rating")
        after = second.answers.get(item.id, {}).get("rating")
        if before in rank and after in rank:
            change = "better" if rank[after] > rank[before] else "worse" if rank[after] < rank[before] else "same"
        else:
            change = "same" if before == after else "changed"
        rows.append(
            {
                "rule": rule.id,
                "item": item.id,
                "text": item.text.get(lang),
                "before": before,
                "after": after,
                "change": change,
            }
        )
    return rows


def history_points(history: list[dict]) -> list[dict]:
    """Flatten a history into chart points (ISO dates): one per assessment for the overall score and one per rule."""
    points = []
    for entry in history:
        day = entry["assessed_on"].isoformat()
        points.append({"assessed_on": day, "series": "overall", "score": entry["overall"]})
        points += [
            {"assessed_on": day, "series": str(rule_id), "score": value["score"]}
            for rule_id, value in sorted(entry["rules"].items())
        ]
    return points
