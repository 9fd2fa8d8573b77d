"""Import and export of the enterprise register as .xlsx: calamine reads, openpyxl writes, nothing half written."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from safety.access.demo_guard import refuse_while_demo
from safety.access.roles import User, require
from safety.db import Store, retry_conflicts
from safety.db import audit as audit_sql
from safety.db import enterprises as sql
from safety.errors import Problem, ValidationFailed
from safety.files.dates import parse_date
from safety.files.reader import open_sheet
from safety.files.tables import Header, date_order_of, find_header, head_of, load_source, records, word_key
from safety.files.text import MAX_CELL_CHARS, Removed
from safety.files.validation import problems_from
from safety.files.writer import new_workbook, workbook_bytes, write_table
from safety.i18n import t
from safety.identifiers import normalise_bin
from safety.register.enterprises import Enterprise, EnterpriseInput, YearInput, enterprise_years, list_enterprises
from safety.register.geography import DISTRICTS_BY_KATO

ENTERPRISE_COLUMNS = (
    "bin",
    "name_ru",
    "name_kk",
    "district",
    "kato",
    "oked",
    "industry",
    "joined_on",
    "officer_name",
    "officer_phone",
    "officer_email",
    "active",
)
YEAR_COLUMNS = ("bin", "year", "avg_headcount", "hours_worked")
SOURCE = load_source(Path(__file__).with_name("register_source.yaml"))  # the words for both sheets' fields
ACTIVE_WORDS = SOURCE.value_words("active")  # "да", "иә", "+" … -> "yes" or "no"
REQUIRED_ENTERPRISE = ("bin", "name_ru", "name_kk", "oked", "industry", "joined_on")
REQUIRED_YEAR = ("bin", "year", "avg_headcount")


@dataclass
class Table:
    """A sheet of the register, its header found and its rows read (spreadsheet row, field -> cleaned value)."""

    sheet: str
    header: Header
    rows: list[tuple[int, dict[str, Any]]]


def find_tables(data: bytes, filename: str, removed: Removed) -> tuple[Table | None, Table | None, str]:
    """The enterprise table (the first sheet headed with a BIN and a Russian name) and the yearly one (the first
    other sheet headed with a BIN and a year), read from the file's sheets in order; and the first sheet's name."""
    first = open_sheet(data, filename)  # the first sheet with data; an empty file is refused here
    names = first.sheet_names[first.sheet_names.index(first.name) :]
    enterprises = years = None
    for name in names:
        stream = first if name == first.name else open_sheet(data, filename, name)
        head = head_of(stream, None)
        if enterprises is None:
            header = find_header(SOURCE, head, wanted=ENTERPRISE_COLUMNS, needs=("bin", "name_ru"))
            if header is not None:
                enterprises = Table(name, header, list(records(stream, header, removed)))
                continue
        if years is None:
            header = find_header(SOURCE, head, wanted=YEAR_COLUMNS, needs=("bin", "year"))
            if header is not None:
                years = Table(name, header, list(records(stream, header, removed)))
        if enterprises is not None and years is not None:
            break
    return enterprises, years, first.name


@dataclass
class RegisterImport:
    """What an import would do: enterprises to add or update, yearly rows, how many are unchanged, and warnings
    about what was changed on the way in (render them with Problem.render)."""

    added: list[dict[str, Any]] = field(default_factory=list)
    updated: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0
    years: list[dict[str, Any]] = field(default_factory=list)
    activity: dict[str, bool] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)


@retry_conflicts
def import_register(store: Store, user: User, data: bytes, filename: str, *, dry_run: bool = False) -> RegisterImport:
    """Check a register file row by row, then write all of it in one transaction (or nothing, on any error)."""
    require(user, "register.write")
    removed = Removed()
    enterprise_table, year_table, first_sheet = find_tables(data, filename, removed)
    if enterprise_table is None:
        expected = "; ".join(SOURCE.heading(c) for c in REQUIRED_ENTERPRISE)
        raise ValidationFailed("register.no_header", expected=expected, sheet=first_sheet)

    problems: list[Problem] = []
    records, activity = _read_enterprises(enterprise_table, problems)
    columns_missing = any(p.key == "register.missing_column" for p in problems)
    existing = {e.bin: e for e in list_enterprises(store, user, include_inactive=True)}
    plan = RegisterImport(activity=activity)
    for record in records.values():
        old = existing.get(record["bin"])
        if old is None:
            plan.added.append(record)
        elif old.as_input() != record or (record["bin"] in activity and activity[record["bin"]] != old.active):
            plan.updated.append(record)
        else:
            plan.unchanged += 1
    if year_table is not None and not columns_missing:
        mentioned = {normalise_bin(values.get("bin")) for _, values in enterprise_table.rows}
        plan.years = _read_years(year_table, mentioned | set(existing), problems)
    if not records and not problems:
        problems.append(Problem("register.no_rows", sheet=enterprise_table.sheet))
    if problems:
        raise ValidationFailed("register.rejected", problems=problems, count=len(problems))
    if removed.chars:
        plan.warnings.append(Problem("file.control_removed", {"chars": removed.chars, "cells": removed.cells}))
    if plan.added:  # said at the check already, not only when the import is confirmed
        with store.cursor() as cur:
            refuse_while_demo(cur)
    if not dry_run:
        _apply(store, user, plan, existing)
    return plan


def _read_enterprises(table: Table, problems: list[Problem]) -> tuple[dict[str, dict[str, Any]], dict[str, bool]]:
    missing = [c for c in REQUIRED_ENTERPRISE if c not in table.header.columns]
    if "kato" not in table.header.columns and "district" not in table.header.columns:
        missing.append("kato")
    for name in missing:
        problems.append(
            Problem(
                "register.missing_column", {"column": SOURCE.heading(name)}, sheet=table.sheet, row=table.header.row
            )
        )
    if missing:
        return {}, {}
    records: dict[str, dict[str, Any]] = {}
    first_row: dict[str, int] = {}
    activity: dict[str, bool] = {}
    headings = dict(table.header.headings)
    headings.setdefault("kato", headings.get("district", ""))
    order, _ = date_order_of(values.get("joined_on") for _, values in table.rows)
    for row_no, values in table.rows:
        if _too_long(table, row_no, values, headings, problems):
            continue
        values = dict(values)
        district = values.pop("district", None)
        if values.get("kato") in (None, ""):
            values["kato"] = district
        active = values.pop("active", None)
        values["joined_on"] = parse_date(values.get("joined_on"), order) or values.get("joined_on")
        try:
            record = EnterpriseInput.model_validate(values).model_dump()
        except ValidationError as exc:
            problems += problems_from(exc, sheet=table.sheet, row=row_no, columns=headings)
            continue
        bin_ = record["bin"]
        if bin_ in records:
            problems.append(
                Problem(
                    "register.duplicate_bin",
                    {"bin": bin_, "first": first_row[bin_]},
                    sheet=table.sheet,
                    row=row_no,
                    column=headings["bin"],
                )
            )
            continue
        if active not in (None, ""):
            flag = _flag(active)
            if flag is None:
                problems.append(
                    Problem(
                        "register.bad_flag",
                        {"value": str(active)},
                        sheet=table.sheet,
                        row=row_no,
                        column=headings.get("active"),
                    )
                )
                continue
            activity[bin_] = flag
        records[bin_] = record
        first_row[bin_] = row_no
    return records, activity


def _read_years(table: Table, known_bins: set[str], problems: list[Problem]) -> list[dict[str, Any]]:
    missing = [c for c in REQUIRED_YEAR if c not in table.header.columns]
    for name in missing:
        problems.append(
            Problem(
                "register.missing_column", {"column": SOURCE.heading(name)}, sheet=table.sheet, row=table.header.row
            )
        )
    if missing:
        return []
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[str, int], int] = {}
    for row_no, values in table.rows:
        if _too_long(table, row_no, values, table.header.headings, problems):
            continue
        bin_ = normalise_bin(values.pop("bin"))
        try:
            year = YearInput.model_validate({k: _whole(v) for k, v in values.items()})
        except ValidationError as exc:
            problems += problems_from(exc, sheet=table.sheet, row=row_no, columns=table.header.headings)
            continue
        if bin_ not in known_bins:
            problems.append(
                Problem(
                    "register.unknown_bin",
                    {"bin": bin_},
                    sheet=table.sheet,
                    row=row_no,
                    column=table.header.headings["bin"],
                )
            )
            continue
        if (bin_, year.year) in seen:
            problems.append(
                Problem(
                    "register.duplicate_year",
                    {"bin": bin_, "year": year.year, "first": seen[(bin_, year.year)]},
                    sheet=table.sheet,
                    row=row_no,
                )
            )
            continue
        seen[(bin_, year.year)] = row_no
        rows.append({"bin": bin_, **year.model_dump()})
    return rows


def _too_long(
    table: Table, row_no: int, values: dict[str, Any], headings: dict[str, str], problems: list[Problem]
) -> bool:
    """Report each cell of the row longer than a spreadsheet cell may be; True when there was one."""
    found = False
    for name, value in values.items():
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            found = True
            problems.append(
                Problem(
                    "file.cell_too_long",
                    {"length": len(value), "limit": MAX_CELL_CHARS},
                    sheet=table.sheet,
                    row=row_no,
                    column=headings.get(name),
                )
            )
    return found


def _whole(value: Any) -> Any:
    """Excel stores whole numbers as floats; give them back as ints so integer fields accept them."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        compact = value.replace("\u00a0", "").replace(" ", "")
        return compact if compact else None
    return value


def _flag(value: Any) -> bool | None:
    """An "active" cell as a flag (yes, нет, иә, 1, +, ...), or None when it is no word for one."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    word = ACTIVE_WORDS.get(word_key(value))
    return None if word is None else word == "yes"


def _apply(store: Store, user: User, plan: RegisterImport, existing: dict[str, Enterprise]) -> None:
    with store.transaction() as cur:
        if plan.added:
            refuse_while_demo(cur)
        sql.insert_many(cur, plan.added)
        sql.update_many(cur, plan.updated)
        sql.set_active_many(cur, plan.activity)
        sql.upsert_years_many(cur, plan.years)
        ids = {bin_: id_ for bin_, id_ in sql.ids_by_bin(cur)}
        entries = [
            audit_sql.entry(user, "enterprise.import", "enterprise", r["bin"], ids[r["bin"]], after=r)
            for r in plan.added
        ]
        for record in plan.updated:
            old = existing[record["bin"]]
            before = old.as_input() | {"active": old.active}
            after = record | {"active": plan.activity.get(record["bin"], old.active)}
            entries.append(
                audit_sql.entry(
                    user, "enterprise.import", "enterprise", record["bin"], old.id, before=before, after=after
                )
            )
        by_bin: dict[str, dict[int, list[Any]]] = {}
        for year in plan.years:
            by_bin.setdefault(year["bin"], {})[year["year"]] = [year["avg_headcount"], year["hours_worked"]]
        entries += [
            audit_sql.entry(user, "enterprise.years_import", "enterprise", bin_, ids[bin_], after=years)
            for bin_, years in by_bin.items()
        ]
        audit_sql.write(cur, entries)


def export_register(store: Store, user: User, lang: str = "ru", *, include_inactive: bool = True) -> bytes:
    """Write the register and its yearly table as .xlsx, headed in the language; it imports back as is."""
    require(user, "register.list")
    enterprises = list_enterprises(store, user, include_inactive=include_inactive)
    exported = {e.bin for e in enterprises}
    years = [y for y in enterprise_years(store, user) if y.bin in exported]
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = t("register.sheet.enterprises", lang)
    rows = [
        [
            e.bin,
            e.name_ru,
            e.name_kk,
            DISTRICTS_BY_KATO[e.kato].name(lang) if e.kato in DISTRICTS_BY_KATO else "",
            e.kato,
            e.oked,
            e.industry,
            e.joined_on,
            e.officer_name,
            e.officer_phone,
            e.officer_email,
            t("common.yes" if e.active else "common.no", lang),
        ]
        for e in enterprises
    ]
    write_table(sheet, [t("register.col." + c, lang) for c in ENTERPRISE_COLUMNS], rows, text_columns=(1, 5, 6))
    year_sheet = workbook.create_sheet(t("register.sheet.years", lang))
    write_table(
        year_sheet,
        [t("register.col." + c, lang) for c in YEAR_COLUMNS],
        [[y.bin, y.year, y.avg_headcount, y.hours_worked] for y in years],
        text_columns=(1,),
    )
    return workbook_bytes(workbook)
