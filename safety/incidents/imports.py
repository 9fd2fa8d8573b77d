"""Import of real incident logs: find the header, map columns and values, read dates per column, check every
row, then write all new cases in one transaction (re-imports add nothing; any import can be undone)."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import compress, islice, pairwise
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.compute as pc
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from safety.access.roles import User, enterprise_scope, require
from safety.access.scope import enterprise_row, owned_row
from safety.db import Store, retry_conflicts
from safety.db import audit as audit_sql
from safety.db import enterprises as enterprise_sql
from safety.db import incidents as sql
from safety.db.summaries import CaseWrites
from safety.errors import FileUnreadable, Problem, ValidationFailed
from safety.files.reader import (
    HEAD_ROWS,
    Sheet,
    SheetStream,
    fold,
    open_sheet,
    read_head,
    release_unused_memory,
)
from safety.files.text import Removed
from safety.files.validation import refuse_control
from safety.i18n import format_date, t, texts_for
from safety.identifiers import normalise_bin
from safety.incidents.columns import (
    CellError,
    Column,
    ColumnReader,
    check_combinations,
    convert,
    drop_severity_of_non_accidents,
)
from safety.incidents.fingerprints import base_fingerprints
from safety.incidents.model import FIELDS, GENDERS, KINDS, SEVERITIES, case_array
from safety.incidents.summaries import writing_cases
from safety.incidents.vocabulary import VALUE_SYNONYMS, propose

HEADER_SEARCH_ROWS = 30
CATEGORICAL = {"kind": KINDS, "severity": SEVERITIES, "gender": GENDERS}
# Headings seen in real logs (Russian, Kazakh, English, OSHA 300), compared without case, spaces or punctuation.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "occurred_on": (
        "дата",
        "дата происшествия",
        "дата несчастного случая",
        "дата травмы",
        "дата события",
        "дата и время происшествия",
        "date",
        "event date",
        "date of injury",
        "date of injury or onset of illness",
        "(d) date of injury or onset of illness",
        "оқиға күні",
        "күні",
        "accident_dt",
        "accident date",
    ),
    "occurred_at": ("время", "время происшествия", "time", "time of event", "уақыты"),
    "kind": (
        "вид происшествия",
        "вид события",
        "тип происшествия",
        "вид",
        "kind",
        "type",
        "event type",
        "оқиға түрі",
        "түрі",
    ),
    "severity": (
        "тяжесть",
        "степень тяжести",
        "тяжесть травмы",
        "severity",
        "degree",
        "degree of injury",
        "degree_injury",
        "ауырлығы",
        "ауырлық дәрежесі",
    ),
    "lost_days": (
        "дни нетрудоспособности",
        "дней нетрудоспособности",
        "потеряно дней",
        "число дней нетрудоспособности",
        "lost days",
        "days lost",
        "days_lost",
        "days away",
        "days away from work",
        "(k) away from work (days)",
        "away from work (days)",
        "еңбекке жарамсыз күндер",
        "еңбекке жарамсыздық күндері",
    ),
    "restricted_days": (
        "дни ограниченного труда",
        "дни перевода на лёгкий труд",
        "restricted days",
        "on job transfer or restriction (days)",
        "(l) on job transfer or restriction (days)",
        "days restricted",
    ),
    "accident_no": ("номер несчастного случая", "№ нс", "номер нс", "accident no", "accident number", "оқиға нөмірі"),
    "place": (
        "цех",
        "участок",
        "цех участок",
        "место",
        "место происшествия",
        "подразделение",
        "location",
        "where the event occurred",
        "(e) where the event occurred",
        "орны",
        "бөлімше",
        "цех (участок)",
    ),
    "description": (
        "описание",
        "обстоятельства",
        "обстоятельства несчастного случая",
        "описание происшествия",
        "description",
        "narrative",
        "describe injury or illness, parts of body affected, and object "
        "substance that directly injured or made person ill",
        "сипаттамасы",
        "мән-жайы",
    ),
    "cause": (
        "причина",
        "причины",
        "причины несчастного случая",
        "cause",
        "causes",
        "root cause",
        "себебі",
        "себептері",
    ),
    "job_title": (
        "профессия",
        "должность",
        "профессия пострадавшего",
        "профессия должность",
        "job title",
        "(c) job title",
        "occupation",
        "кәсібі",
        "лауазымы",
    ),
    "gender": ("пол", "gender", "sex", "жынысы"),
    "age": ("возраст", "age", "жасы"),
    "experience_years": ("стаж", "стаж работы", "стаж лет", "experience", "years of experience", "еңбек өтілі"),
    "rule": ("золотое правило", "правило", "golden rule", "rule", "алтын ереже", "ереже"),
    "external_id": (
        "номер",
        "рег номер",
        "регистрационный номер",
        "case no",
        "case number",
        "(a) case no",
        "тіркеу нөмірі",
    ),
    "person_name": (
        "фио",
        "фио пострадавшего",
        "пострадавший",
        "employee's name",
        "(b) employee's name",
        "name",
        "аты-жөні",
        "зардап шегуші",
    ),
}
CHUNK_ROWS = 10_000  # rows streamed from the sheet at a time
SHOWN_CHARS = 200  # a rejected value longer than this is shown cut short (a too-long cell would not fit a sheet)
# Errors about the row as a whole, shown against the column they are most about.
MODEL_ERROR_FIELDS = {
    "incident.near_miss_days": "lost_days",
    "incident.severity_needed": "severity",
    "incident.severity": "severity",
    "incident.severity_only_accidents": "severity",
    "incident.kind": "kind",
}


class MappingProfile(BaseModel):
    """A saved mapping of one log layout (the YAML file shape of the CLI's --mapping)."""

    model_config = ConfigDict(extra="forbid")

    name: str = "auto"
    sheet: str | int | None = None
    header_row: int | None = None
    date_order: Literal["auto", "dmy", "mdy", "ymd"] = "auto"
    columns: dict[str, str] = {}
    values: dict[str, dict[str, str]] = {}
    defaults: dict[str, Any] = {}
    skip_values: dict[str, list[str]] = {}
    keep_names: bool = False

    def model_post_init(self, _: Any) -> None:
        for section in (self.columns, self.values, self.defaults, self.skip_values):
            unknown = sorted(set(section) - set(FIELDS))
            if unknown:
                raise ValueError(f"unknown field {unknown[0]!r}")
        for field_name, mapping in self.values.items():
            allowed = CATEGORICAL.get(field_name)
            bad = [v for v in mapping.values() if allowed and v not in allowed]
            if bad:
                raise ValueError(f"values.{field_name}: {bad[0]!r} is not one of {', '.join(allowed or ())}")


def parse_profile(text: str, name: str = "profile.yaml") -> MappingProfile:
    """Read a mapping profile from YAML; a problem names the file and the key."""
    try:
        data = yaml.safe_load(text) or {}
        if not isinstance(data, dict):
            raise ValueError("a mapping of keys is expected")
        return MappingProfile.model_validate(data)
    except (yaml.YAMLError, ValueError, ValidationError) as exc:
        detail = str(exc).splitlines()
        if isinstance(exc, ValidationError):
            first = exc.errors()[0]
            detail = [".".join(str(p) for p in first["loc"]) + ": " + first["msg"]]
        raise ValidationFailed("import.bad_profile", file=name, detail=detail[0][:300] if detail else "?") from None


def load_profile(path: Path) -> MappingProfile:
    """Load a mapping profile file."""
    return parse_profile(path.read_text(encoding="utf-8"), path.name)


# Headings of a row counter: a row's place in the log, which re-sorting changes, so never a field of its own and
# never part of a case's identity (compared folded: «№» and «#» fold to nothing, like a blank heading).
SEQUENCE_HEADINGS = frozenset(
    fold(h) for h in ("№", "№ п/п", "п/п", "No.", "#", "nn", "порядковый номер", "реттік нөмір", "row", "s/n")
)


def counts_up(values: list[Any]) -> bool:
    """True when the values (blanks aside) are whole numbers going up by one, as a row counter's do."""
    numbers = []
    for value in values:
        if value in (None, ""):
            continue
        text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip().rstrip(".")
        if not text.isdigit():
            return False
        numbers.append(int(text))
    return len(numbers) >= 2 and all(b == a + 1 for a, b in pairwise(numbers))


def _heading_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for name, words in SYNONYMS.items():
        for word in (*words, *texts_for("incident.col." + name).values()):
            index.setdefault(fold(word), name)
    return index


@dataclass
class RowError:
    """A rejected row: where (spreadsheet row, column heading), the value and why (catalogue key)."""

    row: int
    column: str | None
    value: str | None
    key: str
    params: dict[str, Any] = field(default_factory=dict)


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
    errors: list[RowError] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    unmapped: dict[str, dict[str, int]] = field(default_factory=dict)
    proposals: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> value -> proposed category
    unmapped_columns: list[str] = field(default_factory=list)
    table: Any = None  # the new cases as an Arrow table (fields, source_row, fingerprint)
    import_id: int | None = None
    date_order: str = "dmy"

    @property
    def cases(self) -> list[dict[str, Any]]:
        """The new cases as dicts, in file order (built on demand: a big import holds them as a table)."""
        return self.preview(None)

    def preview(self, limit: int | None = 500) -> list[dict[str, Any]]:
        """The first `limit` new cases as dicts (all of them with None)."""
        if self.table is None:
            return []
        return (self.table if limit is None else self.table.slice(0, limit)).to_pylist()


def find_header(sheet: Sheet, header_row: int | None = None) -> tuple[int, dict[str, int], dict[str, str], list[str]]:
    """Find the header row (1-based) below any title rows; map its headings to our fields."""
    index = _heading_index()
    candidates = [header_row - 1] if header_row else range(min(HEADER_SEARCH_ROWS, len(sheet.rows)))
    best: tuple[int, dict[str, int], dict[str, str], list[str]] | None = None
    for r in candidates:
        if r >= len(sheet.rows):
            continue
        columns: dict[str, int] = {}
        headings: dict[str, str] = {}
        others = []
        for c, cell in enumerate(sheet.rows[r]):
            name = None if fold(cell) in SEQUENCE_HEADINGS else index.get(fold(cell))
            if name == "external_id" and counts_up([row[c] if c < len(row) else None for row in sheet.rows[r + 1 :]]):
                name = None  # a «Номер» column that only counts rows is a row counter too
            if name and name not in columns:
                columns[name] = c
                headings[name] = str(cell)
            elif cell not in (None, ""):
                others.append(str(cell))
        if best is None or len(columns) > len(best[1]):
            best = (r + 1, columns, headings, others)
    if best is None or (not header_row and len(best[1]) < 2):
        raise ValidationFailed("import.no_header", sheet=sheet.name)
    return best


def decide_date_order(values: list[Any], preferred: str = "auto") -> tuple[str, bool]:
    """Decide day-first or month-first for a whole column; return (order, ambiguous)."""
    day_first = month_first = False
    for value in values:
        if not isinstance(value, str):
            continue
        match = re.match(r"^\s*(\d{1,2})[./\-](\d{1,2})[./\-]\d{2,4}", value)
        if match:
            a, b = int(match[1]), int(match[2])
            day_first |= a > 12 >= b
            month_first |= b > 12 >= a
    if day_first and not month_first:
        return "dmy", False
    if month_first and not day_first:
        return "mdy", False
    if preferred in ("dmy", "mdy", "ymd"):
        return preferred, False
    return "dmy", not day_first  # both (inconsistent) or neither: day first, as in Kazakhstan


@retry_conflicts
def import_incidents(
    store: Store,
    user: User,
    data: bytes,
    filename: str,
    bin_: str,
    *,
    profile: MappingProfile | None = None,
    sheet: str | int | None = None,
    dry_run: bool = False,
    drop_identical: bool = False,
    progress: Callable[[float], None] | None = None,
) -> ImportResult:
    """Read a log, check every row, then (unless dry_run) write all new cases in one transaction."""
    profile = profile or MappingProfile()
    with store.cursor() as cur:
        enterprise = enterprise_row(cur, user, bin_, "incidents.read" if dry_run else "incidents.write")
    digest = hashlib.sha256(data).hexdigest()
    with _gc_paused():
        stream = open_sheet(data, filename, sheet if sheet is not None else profile.sheet)
        result, columns = _map_columns(stream, filename, profile)
        removed = Removed()
        cells, row_numbers = _read_columns(stream, result.header_row, columns, progress, removed)
        if removed.chars:
            result.warnings.append(Problem("file.control_removed", {"chars": removed.chars, "cells": removed.cells}))
        del stream  # calamine's copy of every cell: a big log's largest allocation, no longer needed
        release_unused_memory()
        result.rows_read = len(row_numbers)
        checked, accepted = _check(result, profile, cells, row_numbers)
        del cells
        cases, rows = _accepted(checked, accepted, row_numbers)  # the cases now live in one Arrow table
    if progress:
        progress(0.8)
    if dry_run:
        with store.cursor() as cur:
            _stage(cur, enterprise["id"], result, cases, rows, drop_identical)
    else:
        with writing_cases(store) as writes:  # fingerprints are compared with what is stored inside the transaction
            _stage(writes.cursor, enterprise["id"], result, cases, rows, drop_identical)
            if result.imported:
                _write(writes, user, enterprise["id"], digest, profile, result)
    if progress:
        progress(1.0)
    return result


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector while millions of cells become lists and tuples: they form no cycles,
    and the collector would otherwise walk the growing columns again and again (about a tenth of the time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _map_columns(stream: SheetStream, filename: str, profile: MappingProfile) -> tuple[ImportResult, dict[str, int]]:
    """Find the header and say which column holds which field (the profile's headings win over the guess)."""
    head = stream.head if (profile.header_row or 0) <= HEAD_ROWS else read_head(stream, profile.header_row or 0)
    if not any(any(c is not None for c in row) for row in head):
        raise FileUnreadable("file.empty", name=Path(filename).name)
    header_row, columns, headings, others = find_header(Sheet(stream.name, head), profile.header_row)
    by_heading = {fold(cell): c for c, cell in enumerate(head[header_row - 1]) if cell not in (None, "")}
    for field_name, heading in profile.columns.items():
        if fold(heading) not in by_heading:
            raise ValidationFailed("import.profile_column", column=heading, field=field_name, sheet=stream.name)
        columns[field_name] = by_heading[fold(heading)]
        headings[field_name] = heading
    if "occurred_on" not in columns:
        raise ValidationFailed("import.no_date_column", sheet=stream.name, row=header_row)
    if not profile.keep_names:
        columns.pop("person_name", None)
    known = {fold(h) for h in headings.values()}
    result = ImportResult(
        file=Path(filename).name,
        sheet=stream.name,
        header_row=header_row,
        columns={f: headings[f] for f in columns},
        unmapped_columns=[o for o in others if fold(o) not in known],
    )
    return result, columns


def _read_columns(
    stream: SheetStream,
    header_row: int,
    columns: dict[str, int],
    progress: Callable[[float], None] | None,
    removed: Removed,
) -> tuple[dict[str, list[Any]], list[int]]:
    """Stream the rows below the header into one list per mapped field, leaving out rows with none of them;
    count the invisible characters taken out of their cells in `removed`."""
    names = list(columns)
    readers = {name: ColumnReader() for name in names}
    indices = [columns[n] for n in names]
    width = max(indices) + 1
    nothing = (None,) * len(names)
    row_numbers: list[int] = []
    rows = islice(stream.rows(), header_row, None)
    first = header_row + 1
    while chunk := list(islice(rows, CHUNK_ROWS)):
        if min(map(len, chunk)) < width:  # sheets are rectangular; this is only a safeguard
            chunk = [row + [None] * (width - len(row)) for row in chunk]
        transposed = list(zip(*chunk, strict=False))  # one tuple per spreadsheet column
        cleaned = [readers[name].clean(transposed[index]) for name, index in zip(names, indices, strict=True)]
        keep = [cells != nothing for cells in zip(*cleaned, strict=True)]
        for name, values in zip(names, cleaned, strict=True):
            readers[name].keep(list(compress(values, keep)))
        row_numbers.extend(compress(range(first, first + len(chunk)), keep))
        first += len(chunk)
        if progress:
            progress(min(0.7, 0.7 * first / max(1, stream.height)))
    for reader in readers.values():
        removed.add(reader.removed.chars, reader.removed.cells)
    return {name: reader.values for name, reader in readers.items()}, row_numbers


def _check(
    result: ImportResult, profile: MappingProfile, cells: dict[str, list[Any]], row_numbers: list[int]
) -> tuple[dict[str, Column], list[bool]]:
    """Convert and check every mapped column; record row errors; return the columns and which rows pass."""
    count = len(row_numbers)
    skipped = [False] * count
    for name, words in profile.skip_values.items():
        if name in cells:
            skip = {fold(w) for w in words}
            hits = {c for c in dict.fromkeys(cells[name]) if c is not None and fold(c) in skip}
            if hits:
                skipped = [s or c in hits for s, c in zip(skipped, cells[name], strict=True)]
    result.skipped = sum(skipped)
    if result.skipped:
        cells = {name: list(compress(values, (not s for s in skipped))) for name, values in cells.items()}
        row_numbers[:] = compress(row_numbers, (not s for s in skipped))
        count = len(row_numbers)
    date_cells = cells["occurred_on"]
    order, ambiguous = decide_date_order(
        [c for c in dict.fromkeys(date_cells) if c.__class__ is str], profile.date_order
    )
    result.date_order = order
    if ambiguous and any(
        c.__class__ is str and re.match(r"^\s*\d{1,2}[./\-]\d{1,2}[./\-]", c) for c in dict.fromkeys(date_cells)
    ):
        result.warnings.append(Problem("import.date_order_assumed", {"column": result.columns["occurred_on"]}))
    if "kind" not in cells and "kind" not in profile.defaults:
        result.warnings.append(Problem("import.kind_assumed"))
    defaults = {"kind": "accident"} | profile.defaults
    value_words = {
        f: {
            fold(k): v
            for k, v in {**_catalogue_values(f), **VALUE_SYNONYMS.get(f, {}), **profile.values.get(f, {})}.items()
        }
        for f in CATEGORICAL
    }
    checked = {
        name: convert(
            name,
            cells.get(name) or [None] * count,
            order=order,
            words=value_words.get(name) if name in cells else None,
            default=defaults.get(name),
        )
        for name in FIELDS
    }
    dropped = drop_severity_of_non_accidents(checked)
    if dropped:
        result.warnings.append(Problem("import.severity_dropped", {"count": dropped}))
    combined = check_combinations(checked)
    problems: list[tuple[int, int, str, CellError]] = []
    for position, name in enumerate(FIELDS):
        problems.extend((index, position, name, error) for index, error in checked[name].errors.items())
        if checked[name].unmapped:
            result.unmapped[name] = dict(checked[name].unmapped)
            found = {value: propose(name, value) for value in checked[name].unmapped}
            result.proposals[name] = {value: category for value, category in found.items() if category}
    for index, error in combined.items():
        name = MODEL_ERROR_FIELDS.get(error.key, "kind")
        problems.append((index, FIELDS.index(name), name, error))
    problems.sort(key=lambda p: (p[0], p[1]))
    for index, _, name, error in problems:
        value = cells[name][index] if name in cells else None
        shown = None if value is None else str(value)
        if shown is not None and len(shown) > SHOWN_CHARS:
            shown = shown[: SHOWN_CHARS - 1] + "…"
        result.errors.append(
            RowError(
                row_numbers[index],
                result.columns.get(name, name),
                shown,
                error.key,
                error.params,
            )
        )
    refused = {p[0] for p in problems}
    result.rejected = len(refused)
    return checked, [index not in refused for index in range(count)]


def _accepted(checked: dict[str, Column], accepted: list[bool], row_numbers: list[int]) -> tuple[pa.Table, list[int]]:
    """The rows that passed every check, as an Arrow table of case fields, and their spreadsheet row numbers.

    Each column's Python values are let go as soon as its Arrow array exists, so both never sit in memory whole.
    """
    everything = all(accepted)
    arrays = {}
    for name in FIELDS:
        values = checked[name].values if everything else list(compress(checked[name].values, accepted))
        checked[name].values = []
        arrays[name] = case_array(name, values)
        del values
        release_unused_memory()
    return pa.table(arrays), row_numbers if everything else list(compress(row_numbers, accepted))


def _stage(
    cur: Any, enterprise_id: int, result: ImportResult, cases: pa.Table, rows: list[int], drop_identical: bool
) -> None:
    """Fingerprint the accepted cases, count identical rows and duplicates, keep the new cases on the result."""
    existing = pa.array(sql.fingerprints(cur, enterprise_id), pa.string())
    bases = base_fingerprints(cur, enterprise_id, cases)
    if pc.count_distinct(bases).as_py() == len(bases):  # the usual case: every row is the first of its kind
        prints = pc.binary_join_element_wise(bases, pa.scalar(":1"), "")
        new = pc.invert(pc.is_in(prints, value_set=existing))
        result.duplicates = len(new) - pc.sum(new).as_py() if len(new) else 0
    else:
        numbered, flags = _number_identical(result, rows, bases.to_pylist(), set(existing.to_pylist()), drop_identical)
        prints, new = pa.array(numbered, pa.string()), pa.array(flags, pa.bool_())
    table = cases.append_column("fingerprint", prints).append_column("source_row", pa.array(rows, pa.int64()))
    result.table = table if pc.all(new).as_py() is not False else table.filter(new)
    result.imported = result.table.num_rows


def _number_identical(
    result: ImportResult, rows: list[int], bases: list[str], existing: set[str], drop_identical: bool
) -> tuple[list[str], list[bool]]:
    """Number identical rows 1, 2, ... (flagged; dropped on request); say which fingerprints are new."""
    seen: dict[str, int] = {}
    prints: list[str] = []
    new: list[bool] = []
    for row, base in zip(rows, bases, strict=True):
        occurrence = seen[base] = seen.get(base, 0) + 1
        print_ = f"{base}:{occurrence}"
        prints.append(print_)
        if occurrence > 1:
            result.identical_in_file += 1
            result.warnings.append(Problem("import.identical_row", {"row": row}))
            if drop_identical:
                new.append(False)
                continue
        if print_ in existing:
            result.duplicates += 1
            new.append(False)
        else:
            new.append(True)
    return prints, new


def _catalogue_values(field_name: str) -> dict[str, str]:
    """Our own words for a field's values in all three languages (the template's drop-down lists use them)."""
    return {text: value for value in CATEGORICAL[field_name] for text in texts_for(f"{field_name}.{value}").values()}


def _write(
    writes: CaseWrites, user: User, enterprise_id: int, digest: str, profile: MappingProfile, result: ImportResult
) -> None:
    cur = writes.cursor
    import_id = sql.insert_import(
        cur,
        {
            "enterprise_id": enterprise_id,
            "file_name": result.file,
            "sha256": digest,
            "sheet": result.sheet,
            "profile": profile.name,
            "username": user.username,
            "rows_read": result.rows_read,
            "imported": result.imported,
            "duplicates": result.duplicates,
            "identical_in_file": result.identical_in_file,
            "skipped": result.skipped,
            "rejected": result.rejected,
        },
    )
    sql.insert_staged(writes, result.table, enterprise_id, import_id, user.username)
    audit_sql.write(
        cur,
        [
            audit_sql.entry(
                user,
                "incident.import",
                "import",
                import_id,
                enterprise_id,
                after={
                    "file": result.file,
                    "sheet": result.sheet,
                    "imported": result.imported,
                    "duplicates": result.duplicates,
                    "rejected": result.rejected,
                },
            )
        ],
    )
    result.import_id = import_id


def list_imports(store: Store, user: User, bin_: str | None = None) -> list[dict[str, Any]]:
    """The import history the user may see, newest first."""
    with store.cursor() as cur:
        enterprise_id = enterprise_scope(user)
        if bin_:
            row = enterprise_sql.by_bin(cur, normalise_bin(bin_))
            require(user, "incidents.read", row["id"] if row else -1)
            enterprise_id = row["id"] if row else -1
        else:
            require(user, "incidents.read")
        return sql.imports(cur, enterprise_id)


@retry_conflicts
def undo_import(store: Store, user: User, import_id: int) -> int:
    """Remove every case an import wrote (audited); return how many were removed."""
    with writing_cases(store) as writes:
        cur = writes.cursor
        record = owned_row(sql.import_by_id(cur, import_id), user, "incidents.write", "import.not_found", id=import_id)
        if record["undone_at"] is not None:
            raise ValidationFailed("import.already_undone", id=import_id)
        removed = sql.undo_import(writes, import_id, user.username)
        audit_sql.write(
            cur,
            [
                audit_sql.entry(
                    user,
                    "incident.import_undo",
                    "import",
                    import_id,
                    record["enterprise_id"],
                    before={"cases": removed},
                )
            ],
        )
        return removed


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
        "rows_read": result.rows_read,
        "imported": result.imported,
        "duplicates": result.duplicates,
        "identical_in_file": result.identical_in_file,
        "skipped": result.skipped,
        "rejected": result.rejected,
        "errors": [
            {"row": e.row, "column": e.column, "value": e.value, "message": t(e.key, lang, **e.params)}
            for e in result.errors
        ],
        "warnings": [w.render(lang) for w in result.warnings],
        "unmapped_values": result.unmapped,
        "proposed_values": result.proposals,
        "import_id": result.import_id,
    }


@retry_conflicts
def save_mapping_profile(store: Store, user: User, bin_: str, profile: MappingProfile) -> None:
    """Save a mapping under its name for the enterprise (replacing one of the same name)."""
    refuse_control({"name": profile.name})
    with store.transaction() as cur:
        enterprise = enterprise_row(cur, user, bin_, "incidents.write")
        sql.save_profile(cur, enterprise["id"], profile.name, profile.model_dump_json(), user.username)
        audit_sql.write(
            cur,
            [
                audit_sql.entry(
                    user,
                    "import.profile_save",
                    "mapping_profile",
                    profile.name,
                    enterprise["id"],
                    after=profile.model_dump(),
                )
            ],
        )


def mapping_profiles(store: Store, user: User, bin_: str) -> dict[str, MappingProfile]:
    """The enterprise's saved mapping profiles by name."""
    with store.cursor() as cur:
        enterprise = enterprise_sql.by_bin(cur, normalise_bin(bin_))
        require(user, "incidents.read", enterprise["id"] if enterprise else -1)
        rows = sql.profiles(cur, enterprise["id"]) if enterprise else []
    return {r["name"]: MappingProfile.model_validate_json(r["profile"]) for r in rows}


def profile_yaml(profile: MappingProfile) -> str:
    """The profile as the YAML file the CLI takes (--mapping)."""
    return yaml.safe_dump(profile.model_dump(), allow_unicode=True, sort_keys=False)


def errors_workbook(result: ImportResult, lang: str) -> bytes:
    """The rejected rows of an import as .xlsx: spreadsheet row, column, value and reason."""
    from safety.files.writer import new_workbook, workbook_bytes, write_table

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


@dataclass(frozen=True)
class FileOverview:
    """What the page needs to let the user choose: the sheets, the chosen one, its header row and headings."""

    sheets: list[str]
    sheet: str
    header_row: int | None
    headings: list[str]
    guessed: dict[str, str]  # heading -> field, from the synonyms


def inspect_file(
    data: bytes, filename: str, sheet: str | int | None = None, header_row: int | None = None
) -> FileOverview:
    """Read a file's sheets and find its header row, for the mapping step (nothing is imported)."""
    stream = open_sheet(data, filename, sheet)
    head = stream.head if (header_row or 0) <= HEAD_ROWS else read_head(stream, header_row or 0)
    try:
        row, columns, headings, _ = find_header(Sheet(stream.name, head), header_row)
    except ValidationFailed:
        return FileOverview(stream.sheet_names, stream.name, header_row, [], {})
    cells = [str(c) for c in head[row - 1] if c not in (None, "")]
    return FileOverview(
        stream.sheet_names, stream.name, row, list(dict.fromkeys(cells)), {headings[f]: f for f in columns}
    )
