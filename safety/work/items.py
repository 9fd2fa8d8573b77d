"""Each person's own work items: what the home page lists, the sidebar counts and the reminder digest sends.

Who gets what:
- a safety officer: their enterprise's drafts in progress, open actions overdue or due within 14 days, investigation
  steps not done, the next yearly self-assessment and the last import;
- an enterprise manager: the same for their enterprise, plus the proposed actions waiting for their confirmation
  (the officer's own proposals count as the officer's actions);
- a regional manager: the region's overdue investigation steps (the inspectorate follows every late report or act;
  the enterprises that need attention are ranked in safety/work/attention.py);
- an administrator: nothing (their page is the overview in safety/work/overview.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from safety.access.roles import Role, User, can, require
from safety.checklists.actions import CLOSED, list_actions, shortened
from safety.checklists.assessments import get_assessment
from safety.checklists.schema import load_checklists
from safety.db import Store
from safety.db import work as sql
from safety.i18n import format_date, t
from safety.incidents.imports.history import list_imports
from safety.incidents.investigations import working_days_left
from safety.incidents.log import investigations
from safety.register.enterprises import Enterprise, list_enterprises

KINDS = (
    "draft",
    "action_overdue",
    "action_due",
    "action_to_confirm",
    "investigation_step",
    "assessment_due",
    "last_import",
)
DUE_WITHIN_DAYS = 14  # an item due this many days from today or sooner is "due"
YEARLY_CHECKLIST = "golden_rules"  # the self-assessment every enterprise makes once a year

# The page where each kind of work is done, and the right it needs; a person without that right gets the fallback.
_PAGES: dict[str, tuple[str, str, str]] = {
    "draft": ("app_pages/assessment.py", "checklist.fill", "app_pages/enterprise.py"),
    "action_overdue": ("app_pages/actions.py", "actions.read", "app_pages/actions.py"),
    "action_due": ("app_pages/actions.py", "actions.read", "app_pages/actions.py"),
    "action_to_confirm": ("app_pages/actions.py", "actions.read", "app_pages/actions.py"),
    "investigation_step": ("app_pages/incidents.py", "incidents.read", "app_pages/enterprise.py"),
    "assessment_due": ("app_pages/assessment.py", "checklist.fill", "app_pages/enterprise.py"),
    "last_import": ("app_pages/incidents.py", "incidents.read", "app_pages/enterprise.py"),
}


@dataclass(frozen=True)
class WorkItem:
    """One thing a person has to do (or should know), with its deadline and the page where it is done."""

    kind: str  # one of KINDS
    enterprise_id: int
    enterprise_name: str
    label: str  # short text in the requested language
    due: dt.date | None
    days_left: int | None  # calendar days, or working days for investigation steps; negative when overdue
    page: str  # the app page that opens the work
    bin: str = ""  # the enterprise's BIN, for the page that opens the work
    ref: int | str | None = None  # what to open there: a checklist id, an action id or an accident's first case id
    progress: tuple[int, int] | None = None  # a draft's (answered, total)

    @property
    def overdue(self) -> bool:
        """True when the deadline has passed."""
        return self.days_left is not None and self.days_left < 0

    @property
    def due_soon(self) -> bool:
        """True when overdue or due within DUE_WITHIN_DAYS (a proposal waiting for confirmation always is)."""
        if self.kind == "action_to_confirm":
            return True
        return self.days_left is not None and self.days_left <= DUE_WITHIN_DAYS


def my_items(store: Store, user: User, today: dt.date, lang: str) -> list[WorkItem]:
    """Everything on the person's own home list, most urgent first."""
    require(user, "programme.read")
    if user.role.scoped:
        items = _enterprise_items(store, user, today, lang)
    elif user.role is Role.REGIONAL_MANAGER:
        items = _investigation_items(store, user, today, lang, _names(store, user, lang), only_overdue=True)
    else:
        items = []
    return sorted(items, key=_urgency)


def due_items(store: Store, user: User, today: dt.date, lang: str) -> list[WorkItem]:
    """The items due within 14 days or overdue: the sidebar's count and the reminder digest."""
    return [item for item in my_items(store, user, today, lang) if item.due_soon]


def _urgency(item: WorkItem) -> tuple[bool, int, int, str]:
    """Overdue first (the longest overdue first), then the nearest deadline; items without one last."""
    return item.days_left is None, item.days_left or 0, KINDS.index(item.kind), item.label


def _page(user: User, kind: str) -> str:
    page, right, fallback = _PAGES[kind]
    return page if can(user, right, user.enterprise_id) else fallback


def _names(store: Store, user: User, lang: str) -> dict[str, Enterprise]:
    """The enterprises the user may see (inactive ones too) by BIN."""
    return {e.bin: e for e in list_enterprises(store, user, include_inactive=True)}


def _enterprise_items(store: Store, user: User, today: dt.date, lang: str) -> list[WorkItem]:
    """The items of an officer's or an enterprise manager's own enterprise."""
    enterprises = _names(store, user, lang)
    if not enterprises:
        return []
    enterprise = next(iter(enterprises.values()))
    return [
        *_draft_items(store, user, enterprise, lang),
        *_action_items(store, user, enterprise, today, lang),
        *_investigation_items(store, user, today, lang, enterprises, only_overdue=False),
        *_assessment_items(store, user, enterprise, today, lang),
        *_import_items(store, user, enterprise, lang),
    ]


def _item(user: User, kind: str, enterprise: Enterprise, lang: str, **fields: Any) -> WorkItem:
    return WorkItem(
        kind=kind,
        enterprise_id=enterprise.id,
        enterprise_name=enterprise.name(lang),
        page=_page(user, kind),
        bin=enterprise.bin,
        **{"due": None, "days_left": None} | fields,
    )


def _draft_items(store: Store, user: User, enterprise: Enterprise, lang: str) -> list[WorkItem]:
    """The enterprise's drafts in progress, with how much is answered."""
    checklists = load_checklists()
    items = []
    with store.cursor() as cur:
        drafts = sql.drafts(cur, enterprise.id)
    for draft in drafts:
        checklist = checklists.get(draft["checklist_id"])
        answered, total = get_assessment(store, user, draft["id"]).progress()
        title = checklist.title.get(lang) if checklist else draft["checklist_id"]
        items.append(
            _item(user, "draft", enterprise, lang, label=title, ref=draft["checklist_id"], progress=(answered, total))
        )
    return items


def _action_items(store: Store, user: User, enterprise: Enterprise, today: dt.date, lang: str) -> list[WorkItem]:
    """Open actions overdue or due within 14 days; for an enterprise manager also the proposals to confirm."""
    manager = user.role is Role.ENTERPRISE_MANAGER
    items = []
    for action in list_actions(store, user, bin_=enterprise.bin, today=today):
        if action["state"] in CLOSED:
            continue
        days = (action["due_on"] - today).days
        if manager and action["state"] == "proposed":
            kind = "action_to_confirm"
        elif days <= DUE_WITHIN_DAYS:
            kind = "action_overdue" if days < 0 else "action_due"
        else:
            continue
        items.append(
            _item(
                user,
                kind,
                enterprise,
                lang,
                label=shortened(action["title"]),
                due=action["due_on"],
                days_left=days,
                ref=action["id"],
            )
        )
    return items


def _investigation_items(
    store: Store, user: User, today: dt.date, lang: str, enterprises: dict[str, Enterprise], *, only_overdue: bool
) -> list[WorkItem]:
    """The investigation steps not done that have a deadline (only the overdue ones, region-wide)."""
    items = []
    for accident in investigations(store, user, today=today):
        enterprise = enterprises.get(accident["bin"])
        if enterprise is None:
            continue
        for step in accident["steps"]:
            if step.done_on is not None or step.due is None or (only_overdue and not step.overdue(today)):
                continue
            label = t("work.step_label", lang, step=t(step.key, lang), date=format_date(accident["occurred_on"], lang))
            items.append(
                _item(
                    user,
                    "investigation_step",
                    enterprise,
                    lang,
                    label=label,
                    due=step.due,
                    days_left=working_days_left(step.due, today),
                    ref=accident["incident_id"],
                )
            )
    return items


def next_assessment(last: dt.date | None, today: dt.date) -> dt.date:
    """The day the next yearly self-assessment is due: a year after the last one (28 February for 29 February),
    today when there has been none."""
    if last is None:
        return today
    try:
        return last.replace(year=last.year + 1)
    except ValueError:
        return last.replace(year=last.year + 1, day=28)


def _assessment_items(store: Store, user: User, enterprise: Enterprise, today: dt.date, lang: str) -> list[WorkItem]:
    """The next yearly self-assessment of the enterprise."""
    with store.cursor() as cur:
        last = sql.last_assessed(cur, YEARLY_CHECKLIST).get(enterprise.id)
    due = next_assessment(last, today)
    checklist = load_checklists().get(YEARLY_CHECKLIST)
    title = checklist.title.get(lang) if checklist else YEARLY_CHECKLIST
    return [
        _item(
            user,
            "assessment_due",
            enterprise,
            lang,
            label=title,
            due=due,
            days_left=(due - today).days,
            ref=YEARLY_CHECKLIST,
        )
    ]


def _import_items(store: Store, user: User, enterprise: Enterprise, lang: str) -> list[WorkItem]:
    """The enterprise's last import that still stands (not undone)."""
    done = [r for r in list_imports(store, user, enterprise.bin) if r["undone_at"] is None]
    if not done:
        return []
    last = done[0]
    label = t(
        "work.import_label",
        lang,
        file=last["file_name"],
        count=last["imported"],
        date=format_date(last["imported_at"], lang),
    )
    return [_item(user, "last_import", enterprise, lang, label=label, ref=last["id"])]
