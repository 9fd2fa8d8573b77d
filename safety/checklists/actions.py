"""Corrective actions: proposed on submit, confirmed, followed up to done or cancelled; overdue when late."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from safety.access.roles import User, enterprise_scope, require
from safety.access.scope import enterprise_row, owned_row
from safety.db import Store, retry_conflicts
from safety.db import actions as sql
from safety.db import audit as audit_sql
from safety.db import enterprises as enterprise_sql
from safety.db import incidents as incident_sql
from safety.db.cursors import present
from safety.errors import Conflict
from safety.files.validation import OptionalText, custom, validate
from safety.identifiers import normalise_bin

STATES = ("proposed", "open", "in_progress", "done", "cancelled")
PRIORITIES = ("high", "medium", "low")
CLOSED = ("done", "cancelled")


class ActionInput(BaseModel):
    """An action as the officer edits it; done needs a completion date, cancelled needs a reason."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=1000)
    owner: OptionalText = None
    due_on: dt.date
    priority: str = "medium"
    state: str = "open"
    completed_on: dt.date | None = None
    completion_note: OptionalText = None
    cancel_reason: OptionalText = None
    rule_id: int | None = Field(default=None, ge=1, le=7)

    @model_validator(mode="after")
    def _state(self) -> ActionInput:
        if self.priority not in PRIORITIES:
            raise custom("action.priority", value=self.priority)
        if self.state not in STATES:
            raise custom("action.state", value=self.state)
        if self.state == "done" and self.completed_on is None:
            raise custom("action.done_needs_date")
        if self.state == "cancelled" and not self.cancel_reason:
            raise custom("action.cancel_needs_reason")
        if self.state != "done":
            self.completed_on = None
        return self


def is_overdue(action: Mapping[str, Any], today: dt.date) -> bool:
    """Past its due date and neither done nor cancelled."""
    return action["state"] not in CLOSED and action["due_on"] < today


def _row(cur: Any, user: User, action_id: int, right: str) -> dict[str, Any]:
    return owned_row(sql.by_id(cur, action_id), user, right, "action.not_found", id=action_id)


def _case(cur: Any, user: User, incident_id: int, right: str) -> dict[str, Any]:
    return owned_row(incident_sql.by_id(cur, incident_id), user, right, "incident.not_found", id=incident_id)


def actions_for_incident(
    store: Store, user: User, incident_id: int, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """List the actions created from one case, if the user may see its enterprise's actions; each says if overdue."""
    today = today or dt.date.today()
    with store.cursor() as cur:
        case = _case(cur, user, incident_id, "actions.read")
        rows = sql.select(cur, enterprise_id=case["enterprise_id"], incident_id=incident_id)
    return [r | {"overdue": is_overdue(r, today)} for r in rows]


SHORT_TITLE = 70  # characters of an action's title a list shows; the card and the export hold it whole


def shortened(title: str, limit: int = SHORT_TITLE) -> str:
    """An action's title cut at a word to fit a list (a title taken from a checklist question is long)."""
    if len(title) <= limit:
        return title
    cut = title[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:—–-")
    return cut + "…"


def list_actions(
    store: Store,
    user: User,
    *,
    bin_: str | None = None,
    rule_id: int | None = None,
    state: str | None = None,
    overdue: bool = False,
    today: dt.date | None = None,
) -> list[dict]:
    """List the actions the user may see, with filters; each row says whether it is overdue."""
    today = today or dt.date.today()
    with store.cursor() as cur:
        enterprise_id = enterprise_scope(user)
        if bin_:
            row = enterprise_sql.by_bin(cur, normalise_bin(bin_))
            require(user, "actions.read", row["id"] if row else -1)
            if row is None:
                return []
            enterprise_id = row["id"]
        else:
            require(user, "actions.read")
        rows = sql.select(
            cur, enterprise_id=enterprise_id, rule_id=rule_id, state=state, overdue_on=today if overdue else None
        )
    return [r | {"overdue": is_overdue(r, today)} for r in rows]


@retry_conflicts
def create_action(
    store: Store, user: User, bin_: str, data: Mapping[str, Any], *, incident_id: int | None = None
) -> dict[str, Any]:
    """Create an action by hand (or from an incident of the same enterprise) for the user's enterprise."""
    checked = validate(ActionInput, data).model_dump()
    with store.transaction() as cur:
        enterprise = enterprise_row(cur, user, bin_, "actions.manage")
        if incident_id is not None:
            case = _case(cur, user, incident_id, "actions.manage")
            if case["enterprise_id"] != enterprise["id"]:
                raise Conflict("action.incident_elsewhere", id=incident_id, bin=enterprise["bin"])
        action_id = sql.insert(
            cur, checked | {"enterprise_id": enterprise["id"], "incident_id": incident_id, "created_by": user.username}
        )
        row = present(sql.by_id(cur, action_id))
        audit_sql.write(
            cur, [audit_sql.entry(user, "action.create", "action", action_id, enterprise["id"], after=_view(row))]
        )
        return row


@retry_conflicts
def update_action(store: Store, user: User, action_id: int, data: Mapping[str, Any]) -> dict[str, Any]:
    """Edit an action: its text, owner, due date, priority and state (with date or reason)."""
    with store.transaction() as cur:
        old = _row(cur, user, action_id, "actions.manage")
        checked = validate(ActionInput, {k: old[k] for k in sql.EDITABLE} | dict(data)).model_dump()
        checked.pop("rule_id", None)
        sql.update(cur, action_id, checked)
        new = present(sql.by_id(cur, action_id))
        audit_sql.write(
            cur,
            [
                audit_sql.entry(
                    user,
                    "action.update",
                    "action",
                    action_id,
                    old["enterprise_id"],
                    before=_view(old),
                    after=_view(new),
                )
            ],
        )
        return new


@retry_conflicts
def confirm_action(store: Store, user: User, action_id: int) -> dict[str, Any]:
    """Confirm a proposed action (safety officer or enterprise manager): it becomes open."""
    with store.transaction() as cur:
        old = _row(cur, user, action_id, "actions.confirm")
        if old["state"] != "proposed":
            return old
        sql.update(cur, action_id, {k: old[k] for k in sql.EDITABLE} | {"state": "open"})
        new = present(sql.by_id(cur, action_id))
        audit_sql.write(
            cur,
            [
                audit_sql.entry(
                    user,
                    "action.confirm",
                    "action",
                    action_id,
                    old["enterprise_id"],
                    before={"state": "proposed"},
                    after={"state": "open"},
                )
            ],
        )
        return new


def _view(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in (*sql.EDITABLE, "item_id", "rule_id", "assessment_id", "incident_id")}
