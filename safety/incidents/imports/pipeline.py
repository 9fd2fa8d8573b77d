"""The incident-log import itself: stream the mapped columns, check every distinct value once per column, then
write all new cases in one transaction (re-imports add nothing; any import can be undone, see `history`)."""

from __future__ import annotations

import gc
import hashlib
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import compress, islice
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from safety.access.roles import User
from safety.access.scope import enterprise_row
from safety.db import Store, retry_conflicts
from safety.db import audit as audit_sql
from safety.db import incidents as sql
from safety.db.summaries import CaseWrites
from safety.errors import Problem
from safety.files.reader import SheetStream, fold, open_sheet, release_unused_memory
from safety.files.tables import date_order_of
from safety.files.text import Removed
from safety.incidents.columns import (
    Column,
    ColumnReader,
    check_combinations,
    convert,
    drop_severity_of_non_accidents,
)
from safety.incidents.fingerprints import base_fingerprints
from safety.incidents.imports.mapping import SOURCE, MappingProfile, map_columns, value_words
from safety.incidents.imports.report import ImportResult
from safety.incidents.model import FIELDS, case_array
from safety.incidents.summaries import writing_cases

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
        header = map_columns(stream, filename, profile)
        columns = header.columns
        result = ImportResult(
            Path(filename).name, stream.name, header.row, header.headings, unmapped_columns=header.others
        )
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
    order, ambiguous = date_order_of([c for c in dict.fromkeys(date_cells) if c.__class__ is str], profile.date_order)
    result.date_order = order
    if ambiguous and any(
        c.__class__ is str and re.match(r"^\s*\d{1,2}[./\-]\d{1,2}[./\-]", c) for c in dict.fromkeys(date_cells)
    ):
        result.warnings.append(Problem("import.date_order_assumed", {"column": result.columns["occurred_on"]}))
    if "kind" not in cells and "kind" not in profile.defaults:
        result.warnings.append(Problem("import.kind_assumed"))
    defaults = {"kind": "accident"} | profile.defaults
    known = value_words(profile)
    checked = {
        name: convert(
            name,
            cells.get(name) or [None] * count,
            order=order,
            words=known.get(name) if name in cells else None,
            default=defaults.get(name),
        )
        for name in FIELDS
    }
    dropped = drop_severity_of_non_accidents(checked, cells.get("severity"))
    if dropped:
        result.warnings.append(Problem("import.severity_dropped", {"count": dropped}))
    combined = check_combinations(checked)
    problems: list[tuple[int, int, str, Problem]] = []
    for position, name in enumerate(FIELDS):
        problems.extend((index, position, name, error) for index, error in checked[name].errors.items())
        if checked[name].unmapped:
            result.unmapped[name] = dict(checked[name].unmapped)
            found = {value: SOURCE.propose(name, value) for value in checked[name].unmapped}
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
        row, column = row_numbers[index], result.columns.get(name, name)
        result.errors.append(Problem(error.key, error.params, result.sheet, row, column, file=result.file, value=shown))
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
            **result.counts(),
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
