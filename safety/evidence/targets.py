"""What a file is attached to (an answer, a case or an action), who may see and change its files, and the rule
that a submitted assessment's evidence is frozen with it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from safety.access.roles import User
from safety.access.scope import owned_row
from safety.db import actions as action_sql
from safety.db import assessments as assessment_sql
from safety.db import evidence as sql
from safety.db import incidents as incident_sql
from safety.db.cursors import Cursor
from safety.errors import Conflict, NotFound

# kind -> (right to see its files, right to attach and delete them): the rights of the record itself.
RIGHTS = {
    "answer": ("checklist.read", "checklist.fill"),
    "incident": ("incidents.read", "incidents.write"),
    "action": ("actions.read", "actions.manage"),
}


class EvidenceFrozen(Conflict):
    """The file belongs to a submitted assessment, whose evidence no longer changes."""

    default_key = "evidence.frozen"


@dataclass(frozen=True)
class Target:
    """One record files are attached to: an assessment's answer to an item, a case, or a corrective action."""

    kind: str
    owner_id: int
    item_id: str | None = None

    @classmethod
    def answer(cls, assessment_id: int, item_id: str) -> Target:
        """The answer to one item of an assessment."""
        return cls("answer", assessment_id, item_id)

    @classmethod
    def incident(cls, incident_id: int) -> Target:
        """A case of the incident log."""
        return cls("incident", incident_id)

    @classmethod
    def action(cls, action_id: int) -> Target:
        """A corrective action."""
        return cls("action", action_id)

    @property
    def columns(self) -> dict[str, Any]:
        """The target as the columns of a stored file."""
        return {
            "attached_to": self.kind,
            "assessment_id": self.owner_id if self.kind == "answer" else None,
            "item_id": self.item_id,
            "incident_id": self.owner_id if self.kind == "incident" else None,
            "action_id": self.owner_id if self.kind == "action" else None,
        }

    def view(self) -> dict[str, Any]:
        """The target as the audit trail records it."""
        return {k: v for k, v in self.columns.items() if v is not None}


def target_of(row: dict[str, Any]) -> Target:
    """The target a stored file is attached to."""
    kind = row["attached_to"]
    return Target(kind, row[sql.OWNER_COLUMNS[kind]], row["item_id"])


def _record(cur: Cursor, target: Target) -> tuple[dict[str, Any] | None, str, dict[str, Any]]:
    """The record a target names (or None), with the catalogue key and parameters that say it is missing."""
    if target.kind == "answer":
        return assessment_sql.by_id(cur, target.owner_id), "assessment.not_found", {"id": target.owner_id}
    if target.kind == "incident":
        return incident_sql.by_id(cur, target.owner_id), "incident.not_found", {"id": target.owner_id}
    if target.kind == "action":
        return action_sql.by_id(cur, target.owner_id), "action.not_found", {"id": target.owner_id}
    raise ValueError(f"files are attached to an answer, an incident or an action, not {target.kind!r}")


def readable(cur: Cursor, user: User, target: Target) -> int:
    """The target's enterprise, if the user may see its files."""
    row, missing, params = _record(cur, target)
    return int(owned_row(row, user, RIGHTS[target.kind][0], missing, **params)["enterprise_id"])


def writable(cur: Cursor, user: User, target: Target, file_name: str) -> int:
    """The target's enterprise, if the user may attach files to it or delete its files now: an answer's item must
    be in its checklist, and its assessment still a draft (read in the caller's write transaction)."""
    row, missing, params = _record(cur, target)
    row = owned_row(row, user, RIGHTS[target.kind][1], missing, **params)
    if target.kind == "answer":
        if row["status"] != "draft":
            raise EvidenceFrozen(file=file_name)
        if target.item_id is None or not sql.item_in_assessment(cur, target.owner_id, target.item_id):
            raise NotFound("assessment.no_item", item=target.item_id)
    return int(row["enterprise_id"])
