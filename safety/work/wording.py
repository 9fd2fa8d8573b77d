"""The words of a work item in a language: what kind it is, its deadline and how far it is, a draft's progress.
One set of texts for the home page and the reminder digest."""

from __future__ import annotations

from safety.i18n import format_date, t
from safety.work.items import WorkItem

_WORKING_DAYS = frozenset({"investigation_step"})  # kinds whose days left are working days


def kind_name(kind: str, lang: str) -> str:
    """What a kind of item is («Мероприятие», «Расследование несчастного случая»…)."""
    return t("work.kind." + kind, lang)


def deadline(item: WorkItem, lang: str) -> str:
    """The item's due date and the days left or overdue (working days for investigation steps); "" without one."""
    if item.due is None or item.days_left is None:
        return ""
    date = format_date(item.due, lang)
    if item.days_left == 0:
        return t("work.due.today", lang, date=date)
    working = "working_" if item.kind in _WORKING_DAYS else ""
    if item.days_left < 0:
        return t(f"work.due.{working}overdue", lang, date=date, count=-item.days_left)
    return t(f"work.due.{working}left", lang, date=date, count=item.days_left)


def progress(item: WorkItem, lang: str) -> str:
    """A draft's answered questions of its total; "" for other items."""
    if item.progress is None:
        return ""
    return t("work.progress", lang, answered=item.progress[0], total=item.progress[1])


def state(item: WorkItem, lang: str) -> str:
    """Where the item stands: a draft's progress, else its deadline ("" when it has neither)."""
    return progress(item, lang) or deadline(item, lang)
