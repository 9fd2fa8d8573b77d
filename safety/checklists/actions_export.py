"""The corrective actions list as the Actions page filters it, as an .xlsx workbook or a CSV file headed in the
person's language: every action the list shows, with its whole title."""

from __future__ import annotations

import datetime as dt
from typing import Any

from safety.access.roles import User
from safety.checklists.actions import list_actions
from safety.db import Store
from safety.db import enterprises as enterprise_sql
from safety.files.writer import table_bytes
from safety.i18n import bilingual, list_separator, t

# column -> catalogue key of its heading, in the file's order: what is due and where first, as on the page
COLUMNS = {
    "id": "export.number",
    "enterprise": "enterprise.choose",
    "bin": "label.bin",
    "due_on": "label.due_on",
    "state": "label.state",
    "overdue": "actions.overdue",
    "title": "label.action_title",
    "rule_id": "actions.rule",
    "item_id": "export.item",
    "owner": "label.owner",
    "priority": "label.priority",
    "completed_on": "label.completed_on",
    "completion_note": "label.completion_note",
    "cancel_reason": "label.cancel_reason",
}
TEXT_COLUMNS = ("bin", "title", "item_id", "owner", "completion_note", "cancel_reason")


def export_actions(
    store: Store,
    user: User,
    lang: str,
    fmt: str = "xlsx",
    *,
    bin_: str | None = None,
    rule_id: int | None = None,
    state: str | None = None,
    overdue: bool = False,
    today: dt.date | None = None,
) -> bytes:
    """The actions the user may see, filtered as `list_actions` filters them (the page's filters), as "xlsx" or
    "csv": states, priorities and yes/no in the language, dates as dates, titles whole and always text."""
    rows = list_actions(store, user, bin_=bin_, rule_id=rule_id, state=state, overdue=overdue, today=today)
    with store.cursor() as cur:
        names = enterprise_sql.names(cur)
    words: dict[str, Any] = {
        "enterprise": lambda r: bilingual(*names[r["bin"]], lang),
        "state": lambda r: t("state." + r["state"], lang),
        "priority": lambda r: t("priority." + r["priority"], lang),
        "overdue": lambda r: t("common.yes" if r["overdue"] else "common.no", lang),
    }
    table = [[words[c](r) if c in words else r[c] for c in COLUMNS] for r in rows]
    text = tuple(i for i, c in enumerate(COLUMNS, start=1) if c in TEXT_COLUMNS)
    headings = [t(key, lang) for key in COLUMNS.values()]
    return table_bytes(fmt, t("actions.title", lang), headings, table, text, list_separator(lang))
