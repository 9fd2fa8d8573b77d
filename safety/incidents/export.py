"""The incident log as the Incidents page filters it, as an .xlsx workbook or a CSV file headed in the person's
language: the case number, the enterprise, then the template's columns (so a file can go back in through the
import), without the injured person's name."""

from __future__ import annotations

import datetime as dt
from typing import Any

from safety.access.roles import User
from safety.db import Store
from safety.db import enterprises as enterprise_sql
from safety.files.writer import table_bytes
from safety.i18n import bilingual, list_separator, t
from safety.incidents.log import list_incidents
from safety.incidents.model import IDENTITY

WORDS = ("kind", "severity", "gender")  # stored as codes, written as the language's words (the import reads them)
TEXT_COLUMNS = ("bin", "accident_no", "place", "description", "cause", "job_title", "external_id")


def export_incidents(
    store: Store,
    user: User,
    lang: str,
    fmt: str = "xlsx",
    *,
    bin_: str | None = None,
    kind: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> bytes:
    """The cases the user may see, filtered as `list_incidents` filters them (the page's filters), newest first,
    as "xlsx" or "csv"."""
    cases = list_incidents(store, user, bin_=bin_, kind=kind, since=since, until=until)
    with store.cursor() as cur:
        names = enterprise_sql.names(cur)
    columns = ("id", "enterprise", "bin", *IDENTITY)
    headings = [t("export.number", lang), t("enterprise.choose", lang), t("label.bin", lang)]
    headings += [t("incident.col." + name, lang) for name in IDENTITY]

    def cell(case: dict[str, Any], name: str) -> Any:
        if name == "enterprise":
            return bilingual(*names[case["bin"]], lang)
        if name in WORDS and case[name] is not None:
            return t(f"{name}.{case[name]}", lang)
        return case[name]

    rows = [[cell(case, name) for name in columns] for case in cases]
    text = tuple(i for i, name in enumerate(columns, start=1) if name in TEXT_COLUMNS)
    return table_bytes(fmt, t("incidents.title", lang), headings, rows, text, list_separator(lang))
