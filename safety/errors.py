"""The one error hierarchy of the library; every message is a catalogue key plus parameters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Quote = Callable[[str], str]  # makes a value someone typed safe where the message goes (i18n.plain for Markdown)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input (a catalogue key and its parameters), and where: the file, sheet, row and
    column, with the value found there, or a form field. A check that does not know the place yet returns only
    the key and parameters; its caller adds the place."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    field: str | None = None
    file: str | None = None
    value: str | None = None

    @property
    def field_key(self) -> str:
        """The catalogue key naming the form field: `label.<field>`, or the field itself when it is a whole key."""
        field = self.field or ""
        return field if "." in field else "label." + field

    def render(self, lang: str = "en", quote: Quote | None = None) -> str:
        """Return the problem as one line in the given language, place first."""
        from safety.i18n import quoted, t

        where = []
        if self.sheet:
            where.append(t("where.sheet", lang, **quoted({"sheet": self.sheet}, quote)))
        if self.row is not None:
            where.append(t("where.row", lang, row=self.row))
        if self.column:
            where.append(t("where.column", lang, **quoted({"column": self.column}, quote)))
        elif self.field:
            where.append(t(self.field_key, lang))
        text = t(self.key, lang, **quoted(self.params, quote))
        return f"{', '.join(where)}: {text}" if where else text


class SafetyError(Exception):
    """Base of every error the library raises on purpose; pages show it with st.error."""

    default_key = "error.generic"

    def __init__(self, key: str | None = None, /, problems: list[Problem] | None = None, **params: Any):
        self.key = key or self.default_key
        self.params = params
        self.problems = list(problems or [])
        super().__init__(self.render("en"))

    def render(self, lang: str = "en", max_problems: int = 20, quote: Quote | None = None) -> str:
        """Return the message (and the first problems, one per line) in the given language; quote, when given,
        is applied to every text parameter (a name, a value, a sheet) someone typed."""
        from safety.i18n import quoted, t

        lines = [t(self.key, lang, **quoted(self.params, quote))]
        for problem in self.problems[:max_problems]:
            lines.append("• " + problem.render(lang, quote))
        if len(self.problems) > max_problems:
            lines.append(t("error.more_problems", lang, count=len(self.problems) - max_problems))
        return "\n".join(lines)

    def problem_rows(self, lang: str = "en") -> list[dict[str, Any]]:
        """Return the problems as table rows (sheet, row, column, message) for a page to show."""
        from safety.i18n import t

        return [
            {
                "sheet": p.sheet,
                "row": p.row,
                "column": p.column or (t(p.field_key, lang) if p.field else None),
                "message": t(p.key, lang, **p.params),
            }
            for p in self.problems
        ]


class ValidationFailed(SafetyError):
    """Input data broke one or more rules; `problems` says which and where."""

    default_key = "error.validation"


class NotFound(SafetyError):
    """The record asked for does not exist."""

    default_key = "error.not_found"


class Conflict(SafetyError):
    """The change clashes with data already stored (a duplicate, data that blocks a delete)."""

    default_key = "error.conflict"


class StoreError(SafetyError):
    """The database cannot be opened or used."""

    default_key = "error.store"


class StoreConflict(StoreError):
    """Another writer changed the same rows at the same moment; the write can be tried again."""

    default_key = "error.store_conflict"


class StoreUnreachable(StoreError):
    """The database server cannot be reached, or refused the connection."""

    default_key = "error.store_unreachable"


class StoreLocked(StoreError):
    """Another process holds the database file."""

    default_key = "error.store_locked"


class StoreDamaged(StoreError):
    """The database file is damaged, cut short, or not a database of this application."""

    default_key = "error.store_damaged"


class SchemaTooNew(StoreError):
    """The database was written by a newer version of the application."""

    default_key = "error.schema_too_new"


class FileUnreadable(SafetyError):
    """An uploaded file is not a spreadsheet we can read, or is empty."""

    default_key = "error.file_unreadable"


class PermissionDenied(SafetyError):
    """The acting user may not do this."""

    default_key = "error.permission_denied"


class BackupDamaged(SafetyError):
    """A backup archive is not whole: not an archive, a file missing or altered, a count that does not match."""

    default_key = "error.backup_damaged"


class BackupTooNew(SafetyError):
    """A backup archive holds a database of a newer schema (or format) than this version of the app knows."""

    default_key = "backup.too_new"
