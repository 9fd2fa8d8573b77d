"""Column-at-a-time reading and checking of a log's cells, so a big log imports in about its parse time.

Every distinct cell value of a column is converted and checked once (pydantic, with the field types of
`incident_model`), and rows then share the outcome. Checking a column of 100,000 cells costs about as much as
checking its distinct values, which for dates, kinds, severities, shops and jobs are a few hundred.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter, ValidationError

from safety.errors import Problem
from safety.files.dates import parse_date
from safety.files.reader import clean
from safety.files.tables import word_key
from safety.files.text import MAX_CELL_CHARS, Removed
from safety.incidents.model import COMBINED, FIELD_TYPES, consistency_error

SEVERITY_FREE = ("micro_injury", "occupational_disease")  # kinds whose severity column a log may fill regardless

INTEGER_FIELDS = ("lost_days", "restricted_days", "age", "rule")
TEXT_FIELDS = ("accident_no", "place", "description", "cause", "job_title", "external_id", "person_name")
SHARE_LIMIT = 5000  # past this many distinct values, a column (a description) stops sharing equal cells
_ITEM = {name: TypeAdapter(kind) for name, kind in FIELD_TYPES.items()}
# The field types are values here, which mypy cannot follow into list[...].
_LIST = {name: TypeAdapter(list[kind]) for name, kind in FIELD_TYPES.items()}  # type: ignore[valid-type]


class ColumnReader:
    """Collects one column's cells chunk by chunk, cleaned, with equal cells sharing one object (less memory);
    `removed` counts the invisible characters taken out."""

    def __init__(self) -> None:
        self.values: list[Any] = []
        self.removed = Removed()
        self._shared: dict[Any, Any] | None = {}
        self._dirty: dict[Any, int] = {}  # shared cells that held invisible characters -> how many

    def clean(self, cells: tuple[Any, ...]) -> list[Any]:
        """Clean a chunk of cells (see reader.clean); return them (the caller keeps the rows it wants with `keep`)."""
        shared = self._shared
        if shared is None:
            if "".join(c for c in cells if c.__class__ is str).isprintable():  # one check in C for the usual chunk
                return [c.strip() or None if c.__class__ is str else (None if c == "" else c) for c in cells]
            return [clean(c, self.removed) if c.__class__ is str else (None if c == "" else c) for c in cells]
        distinct = dict.fromkeys(cells)
        for cell in distinct:
            if cell not in shared:
                tally = Removed()
                shared[cell] = clean(cell, tally)
                if tally.chars:
                    self._dirty[cell] = tally.chars
        if self._dirty and (hits := [cell for cell in distinct if cell in self._dirty]):
            times = Counter(cells)
            for cell in hits:
                self.removed.add(self._dirty[cell] * times[cell], times[cell])
        out = list(map(shared.__getitem__, cells))
        if len(shared) > SHARE_LIMIT and len(shared) * 2 > len(self.values) + len(out):
            self._shared = None  # nearly every value differs: sharing only costs time and memory
        return out

    def keep(self, cleaned: list[Any]) -> None:
        """Add cleaned cells to the column."""
        self.values.extend(cleaned)


@dataclass
class Column:
    """A converted column: a value per row, and the rows refused with why (row index -> Problem)."""

    values: list[Any]
    errors: dict[int, Problem]
    unmapped: Counter = field(default_factory=Counter)


def _integer(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(-?\d+)(?:[.,]0+)?\s*(?:\D{0,12})", value)
        return int(match[1]) if match else value
    return value


def excel_time(value: Any) -> dt.time | None:
    """The time a cell means (a time, a datetime, a fraction of a day, "14:30"), or None."""
    if isinstance(value, dt.time):
        return value
    if isinstance(value, dt.datetime):
        return value.time()
    if isinstance(value, float) and 0 <= value < 1:  # Excel stores a time as a fraction of a day
        seconds = round(value * 86400)
        return dt.time(seconds // 3600 % 24, seconds // 60 % 60)
    match = re.match(r"^\s*(\d{1,2})[:.](\d{2})", str(value))
    if match and int(match[1]) < 24 and int(match[2]) < 60:
        return dt.time(int(match[1]), int(match[2]))
    return None


def _prepare(name: str, value: Any, order: str, words: dict[str, str] | None) -> Any:
    """Turn a trimmed cell into what the field's type expects, or a Problem when it cannot mean anything."""
    if name == "occurred_on":
        parsed = parse_date(value, order)  # type: ignore[arg-type]
        return Problem("import.bad_date") if parsed is None else parsed
    if name == "occurred_at":
        return excel_time(value)
    if words is not None:
        mapped = words.get(word_key(value))
        return Problem("import.unmapped_value") if mapped is None else mapped
    if name in INTEGER_FIELDS:
        return _integer(value)
    if name == "experience_years" and isinstance(value, str):
        return value.replace(",", ".").strip()
    if name in TEXT_FIELDS and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    return value


def _pydantic_error(exc: ValidationError) -> Problem:
    error = exc.errors()[0]
    kind = error["type"]
    if "." in kind:  # our own checks raise catalogue keys
        return Problem(kind, {k: v for k, v in (error.get("ctx") or {}).items() if isinstance(v, (str, int, float))})
    return Problem(
        "import.invalid", {k: v for k, v in (error.get("ctx") or {}).items() if isinstance(v, (str, int, float))}
    )


def convert(
    name: str, cells: list[Any], *, order: str = "dmy", words: dict[str, str] | None = None, default: Any = None
) -> Column:
    """Convert and check a whole column: each distinct cell once, through the field's pydantic type."""
    distinct = list(dict.fromkeys(cells))
    too_long = {
        cell: Problem("file.cell_too_long", {"length": len(cell), "limit": MAX_CELL_CHARS})
        for cell in distinct
        if cell.__class__ is str and len(cell) > MAX_CELL_CHARS
    }
    if too_long:
        distinct = [cell for cell in distinct if cell not in too_long]
    if name in TEXT_FIELDS and words is None and default is None:
        if not too_long and not [cell for cell in distinct if cell is not None and cell.__class__ is not str]:
            return Column(list(cells), {})  # trimmed, non-empty text or nothing: what OptionalText returns
        prepared = [cell if cell.__class__ is str else _prepare(name, cell, order, None) for cell in distinct]
    else:
        prepared = [default if cell is None else _prepare(name, cell, order, words) for cell in distinct]
    outcome: dict[Any, Any] = {}
    good = [(cell, value) for cell, value in zip(distinct, prepared, strict=True) if value.__class__ is not Problem]
    try:  # one call for the whole column; only a column with a bad value is checked value by value
        if name in TEXT_FIELDS and all(value is None or value.__class__ is str for _, value in good):
            checked = [value for _, value in good]  # trimmed, non-empty text: what OptionalText would return
        else:
            checked = _LIST[name].validate_python([value for _, value in good])
        outcome.update((cell, value) for (cell, _), value in zip(good, checked, strict=True))
    except ValidationError:
        for cell, value in good:
            try:
                outcome[cell] = _ITEM[name].validate_python(value)
            except ValidationError as exc:
                outcome[cell] = _pydantic_error(exc)
    bad: dict[Any, Problem] = dict(too_long)
    bad.update((cell, value) for cell, value in zip(distinct, prepared, strict=True) if value.__class__ is Problem)
    bad.update((cell, value) for cell, value in outcome.items() if value.__class__ is Problem)
    if not bad:
        if len(outcome) == 1:  # a field the log lacks, or one value throughout
            return Column([next(iter(outcome.values()))] * len(cells), {})
        return Column(list(map(outcome.__getitem__, cells)), {})
    values: list[Any] = []
    errors: dict[int, Problem] = {}
    unmapped: Counter = Counter()
    for index, cell in enumerate(cells):
        problem = bad.get(cell)
        if problem is None:
            values.append(outcome[cell])
            continue
        values.append(None)
        errors[index] = problem
        if problem.key == "import.unmapped_value":
            unmapped[str(cell)] += 1
    return Column(values, errors, unmapped)


def drop_severity_of_non_accidents(columns: dict[str, Column], cells: list[Any] | None) -> int:
    """Clear the severity officers write against a micro-injury (light by definition) or an occupational disease,
    which has none here; return how many rows had one, for a warning. Such a row imports; it is never refused, and
    a word of it that is not mapped (`cells`: the column as read) is no longer asked about."""
    kinds, severity = columns["kind"].values, columns["severity"]
    rows = [
        index
        for index, (kind, value) in enumerate(zip(kinds, severity.values, strict=True))
        if kind in SEVERITY_FREE and (value is not None or index in severity.errors)  # even a word not mapped
    ]
    if rows:
        values, errors, unmapped = list(severity.values), dict(severity.errors), Counter(severity.unmapped)
        for index in rows:
            values[index] = None
            problem = errors.pop(index, None)
            if problem is not None and problem.key == "import.unmapped_value" and cells is not None:
                unmapped[str(cells[index])] -= 1
        columns["severity"] = Column(values, errors, +unmapped)  # unary plus drops the words counted down to 0
    return len(rows)


def check_combinations(columns: dict[str, Column]) -> dict[int, Problem]:
    """Rows whose kind, severity and days do not go together (rows with a bad one of them are skipped)."""
    refused = set().union(*(columns[name].errors for name in COMBINED))
    seen: dict[tuple[Any, ...], Problem | None] = {}
    errors: dict[int, Problem] = {}
    for index, combo in enumerate(zip(*(columns[name].values for name in COMBINED), strict=True)):
        if index in refused:
            continue
        if combo not in seen:
            error = consistency_error(*combo)
            seen[combo] = None if error is None else Problem(error.type, dict(error.context or {}))
        problem = seen[combo]
        if problem is not None:
            errors[index] = problem
    return errors
