"""The incident log: manual entry, edits and deletes (audited), listing, and the case fingerprint."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from safety.access.roles import User, enterprise_scope, require
from safety.access.scope import enterprise_row, owned_row
from safety.db import Store, retry_conflicts
from safety.db import audit as audit_sql
from safety.db import evidence as evidence_sql
from safety.db import incidents as sql
from safety.db.cursors import present
from safety.errors import Problem, ValidationFailed
from safety.files.validation import validate
from safety.i18n import t
from safety.incidents.fingerprints import next_fingerprint
from safety.incidents.investigations import check_dates, investigation_steps, needs_investigation, overdue_steps
from safety.incidents.model import FIELDS, IncidentInput
from safety.incidents.summaries import writing_cases


@retry_conflicts
def add_incident(store: Store, user: User, bin_: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Log one case by hand (the enterprise's safety officer), with the same checks as an import."""
    record = validate(IncidentInput, data, labels="incident.col.").model_dump()
    with writing_cases(store) as writes:
        cur = writes.cursor
        enterprise = enterprise_row(cur, user, bin_, "incidents.write")
        row = record | {
            "enterprise_id": enterprise["id"],
            "created_by": user.username,
            "fingerprint": next_fingerprint(cur, enterprise["id"], record),
        }
        incident_id = sql.insert(writes, row)
        audit_sql.write(
            cur, [audit_sql.entry(user, "incident.create", "incident", incident_id, enterprise["id"], after=record)]
        )
        return present(sql.by_id(cur, incident_id))


@retry_conflicts
def update_incident(store: Store, user: User, incident_id: int, data: Mapping[str, Any]) -> dict[str, Any]:
    """Edit a case of the officer's own enterprise."""
    with writing_cases(store) as writes:
        cur = writes.cursor
        old = _case(cur, user, incident_id, "incidents.write")
        record = validate(IncidentInput, {k: old[k] for k in FIELDS} | dict(data), labels="incident.col.").model_dump()
        record["fingerprint"] = next_fingerprint(cur, old["enterprise_id"], record, skip_id=incident_id)
        sql.update(writes, incident_id, record)
        audit_sql.write(
            cur,
            [
                audit_sql.entry(
                    user,
                    "incident.update",
                    "incident",
                    incident_id,
                    old["enterprise_id"],
                    before={k: old[k] for k in FIELDS},
                    after={k: record[k] for k in FIELDS},
                )
            ],
        )
        return present(sql.by_id(cur, incident_id))


@retry_conflicts
def delete_incident(store: Store, user: User, incident_id: int) -> None:
    """Delete a case of the officer's own enterprise, with its evidence files (named in the audit entry)."""
    with writing_cases(store) as writes:
        cur = writes.cursor
        old = _case(cur, user, incident_id, "incidents.write")
        files = evidence_sql.names_of_incident(cur, incident_id)  # they go with the case
        sql.delete(writes, incident_id)
        audit_sql.write(
            cur,
            [
                audit_sql.entry(
                    user,
                    "incident.delete",
                    "incident",
                    incident_id,
                    old["enterprise_id"],
                    before={k: old[k] for k in FIELDS} | ({"evidence_files": files} if files else {}),
                )
            ],
        )


def _case(cur: Any, user: User, incident_id: int, right: str) -> dict[str, Any]:
    return owned_row(sql.by_id(cur, incident_id), user, right, "incident.not_found", id=incident_id)


def list_incidents(
    store: Store,
    user: User,
    *,
    bin_: str | None = None,
    kind: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> list[dict[str, Any]]:
    """List the cases the user may see, newest first."""
    with store.cursor() as cur:
        if bin_:
            enterprise_id = enterprise_row(cur, user, bin_, "incidents.read")["id"]
        else:
            require(user, "incidents.read")
            enterprise_id = enterprise_scope(user)
        return sql.select(cur, enterprise_id=enterprise_id, kind=kind, since=since, until=until)


def _accident_key(case: Mapping[str, Any]) -> tuple[int, str | None, int | None]:
    """Cases that share an accident number form one accident; a case without one is an accident of its own."""
    return case["enterprise_id"], case["accident_no"], None if case["accident_no"] else case["id"]


def investigations(
    store: Store, user: User, *, bin_: str | None = None, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """Severe, fatal and group accidents with their investigation steps (due dates, done dates, overdue)."""
    today = today or dt.date.today()
    groups: dict[tuple[int, str | None, int | None], list[dict[str, Any]]] = {}
    for case in list_incidents(store, user, bin_=bin_, kind="accident"):
        groups.setdefault(_accident_key(case), []).append(case)
    found = []
    for (_, number, _lone), cases in groups.items():
        worst = max(cases, key=lambda c: ("light", "severe", "fatal").index(c["severity"] or "light"))
        if not needs_investigation(worst["severity"], len(cases)):
            continue
        first = min(cases, key=lambda c: c["id"])
        steps = investigation_steps(first["occurred_on"], *(first[n] for n in sql.INVESTIGATION))
        found.append(
            {
                "incident_id": first["id"],
                "bin": first["bin"],
                "accident_no": number,
                "occurred_on": first["occurred_on"],
                "severity": worst["severity"],
                "injured": len(cases),
                "group": len(cases) >= 2,
                "steps": steps,
                "overdue": [s.name for s in overdue_steps(steps, today)],
                **{n: first[n] for n in sql.INVESTIGATION},
            }
        )
    return sorted(found, key=lambda a: a["occurred_on"], reverse=True)


def investigation_rows(serious: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """`investigations` as a table shows them: BIN, date, severity in the language (None when no case gave one, as
    in a group accident of unknown severity), injured, each step's due date and the overdue steps in the language."""
    return [
        {
            "bin": a["bin"],
            "occurred_on": a["occurred_on"],
            "severity": a["severity"] and t(f"severity.{a['severity']}", lang),
        }
        | {"injured": a["injured"]}
        | {step.name: step.due for step in a["steps"]}
        | {"overdue": ", ".join(t("investigation.step." + n, lang) for n in a["overdue"])}
        for a in serious
    ]


@retry_conflicts
def set_investigation_dates(
    store: Store, user: User, incident_id: int, dates: Mapping[str, Any], today: dt.date | None = None
) -> None:
    """Record the investigation dates of an accident (on every case of it), checking their order."""
    clean = {n: dates.get(n) or None for n in sql.INVESTIGATION}
    with writing_cases(store) as writes:
        cur = writes.cursor
        case = _case(cur, user, incident_id, "incidents.write")
        problems = check_dates(
            case["occurred_on"],
            clean["reported_on"],
            clean["commission_on"],
            clean["closed_on"],
            clean["act_sent_on"],
            today=today or dt.date.today(),
        )
        if problems:
            raise ValidationFailed(problems=[Problem(key) for key in problems])
        ids = [
            c["id"]
            for c in sql.select(cur, enterprise_id=case["enterprise_id"], kind="accident")
            if _accident_key(c) == _accident_key(case)
        ]
        sql.set_investigation(writes, case["enterprise_id"], ids, clean)
        audit_sql.write(
            cur,
            [
                audit_sql.entry(
                    user,
                    "incident.investigation",
                    "incident",
                    incident_id,
                    case["enterprise_id"],
                    before={n: case[n] for n in sql.INVESTIGATION},
                    after=clean,
                )
            ],
        )
