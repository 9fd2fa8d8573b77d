"""What an import read and would write, or wrote, and how a person reads it: the preview, the rejected rows, the
report the CLI prints and the rejected rows' workbook, in the user's language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from safety.errors import Problem
from safety.files.writer import new_workbook, workbook_bytes, write_table
from safety.i18n import format_date, format_datetime, t
from safety.incidents.imports.mapping import CATEGORICAL

# What an import counts, in the order the page, the CLI, the report and the import record give them.
COUNTS = ("rows_read", "imported", "duplicates", "identical_in_file", "skipped", "rejected")


@dataclass
class ImportResult:
    """What an import read, would write (dry run) or wrote, and every problem found, row by row."""

    file: str
    sheet: str
    header_row: int
    columns: dict[str, str]
    rows_read: int = 0
    imported: int = 0
    duplicates: int = 0
    identical_in_file: int = 0
    skipped: int = 0
    rejected: int = 0
    errors: list[Problem] = field(default_factory=list)  # rejected rows: each with its row, column and value
    warnings: list[Problem] = field(default_factory=list)
    unmapped: dict[str, dict[str, int]] = field(default_factory=dict)
    proposals: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> value -> proposed category
    unmapped_columns: list[str] = field(default_factory=list)
    table: Any = None  # the new cases as an Arrow table (fields, source_row, fingerprint)
    import_id: int | None = None
    date_order: str = "dmy"

    def counts(self) -> dict[str, int]:
        """The import's counts by name (COUNTS)."""
        return {name: getattr(self, name) for name in COUNTS}

    @property
    def cases(self) -> list[dict[str, Any]]:
        """The new cases as dicts, in file order (built on demand: a big import holds them as a table)."""
        return self.preview(None)

    def preview(self, limit: int | None = 500) -> list[dict[str, Any]]:
        """The first `limit` new cases as dicts (all of them with None)."""
        if self.table is None:
            return []
        return (self.table if limit is None else self.table.slice(0, limit)).to_pylist()


PREVIEW_FIELDS = ("occurred_on", "kind", "severity", "lost_days", "place", "description")


def preview_rows(result: ImportResult, lang: str, limit: int = 500) -> list[dict[str, Any]]:
    """The first cases to import as a person reads them: headings, categories and dates in the language, the
    spreadsheet row first, and a blank as an empty cell (never None)."""
    rows = []
    for case in result.preview(limit):
        row: dict[str, Any] = {t("import.col.row", lang): case["source_row"]}
        for name in PREVIEW_FIELDS:
            value = case.get(name)
            if value is None:
                value = ""
            elif name in CATEGORICAL:
                value = t(f"{name}.{value}", lang)
            elif isinstance(value, dt.date):
                value = format_date(value, lang)
            row[t("incident.col." + name, lang)] = value
        rows.append(row)
    return rows


HISTORY_COLUMNS = {
    "id": "import.history.id",
    "bin": "label.bin",
    "file_name": "import.history.file",
    "imported_at": "import.history.at",
    "username": "import.history.by",
    "imported": "import.history.imported",
    "duplicates": "import.count.duplicates",
    "rejected": "import.count.rejected",
    "undone_at": "import.history.undone",
}


def history_rows(imports: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """The import history (of `history.list_imports`) as a person reads it: headings in the language, times as
    the language writes them, and an import not undone with an empty cell, not None."""
    return [
        {
            t(key, lang): format_datetime(record[name], lang) if name.endswith("_at") else record[name]
            for name, key in HISTORY_COLUMNS.items()
        }
        for record in imports
    ]


def rejected_rows(result: ImportResult, lang: str) -> list[dict[str, Any]]:
    """The rejected rows as a table with headings in the language (row, column, value, reason; blanks empty)."""
    keys = {"row": "import.col.row", "column": "import.col.column", "value": "import.col.value"}
    return [
        {t(key, lang): "" if error[name] is None else error[name] for name, key in keys.items()}
        | {t("import.col.reason", lang): error["message"]}
        for error in import_report(result, lang)["errors"]
    ]


def import_report(result: ImportResult, lang: str) -> dict[str, Any]:
    """The import's outcome as plain data (the CLI's --json shape), messages in the language."""
    return {
        "file": result.file,
        "sheet": result.sheet,
        **result.counts(),
        "errors": [
            {"row": e.row, "column": e.column, "value": e.value, "message": t(e.key, lang, **e.params)}
            for e in result.errors
        ],
        "warnings": [w.render(lang) for w in result.warnings],
        "unmapped_values": result.unmapped,
        "proposed_values": result.proposals,
        "import_id": result.import_id,
    }


def errors_workbook(result: ImportResult, lang: str) -> bytes:
    """The rejected rows of an import as .xlsx: spreadsheet row, column, value and reason."""
    report = import_report(result, lang)
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = t("import.errors_sheet", lang)
    write_table(
        sheet,
        [
            t("import.col.row", lang),
            t("import.col.column", lang),
            t("import.col.value", lang),
            t("import.col.reason", lang),
        ],
        [[e["row"], e["column"], e["value"], e["message"]] for e in report["errors"]],
    )
    return workbook_bytes(workbook)
