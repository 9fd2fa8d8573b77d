"""The import core every spreadsheet source shares (the register, the incident logs, any later one).

A source declares its fields and the words people use for them as data (a YAML file beside its importer). With
that, this module finds the header row below any title rows, maps headings to fields by their words, never takes
a row counter for a field, matches values against a field's words, and streams a sheet's rows as records.
Reading the file itself (any format, streamed, merged cells filled) is `reader`'s; dates per column are `dates`'.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from itertools import islice, pairwise
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from safety.files.dates import DateOrder
from safety.files.reader import HEAD_ROWS, SheetStream, clean, fold, read_head
from safety.files.text import Removed
from safety.i18n import texts_for

SEARCH_ROWS = HEAD_ROWS  # the header is looked for in this many rows from the top
# Headings of a row counter: a row's place in the sheet, which re-sorting changes, so never a field of its own
# (compared folded: «№» and «#» fold to nothing, like a blank heading).
SEQUENCE_HEADINGS = frozenset(
    fold(h) for h in ("№", "№ п/п", "п/п", "No.", "#", "nn", "порядковый номер", "реттік нөмір", "row", "s/n")
)


class _Meaning(BaseModel):
    """Words that point a value to a category: stems found at the start of a word, and whole words."""

    model_config = ConfigDict(extra="forbid")

    category: str
    stems: list[str] = []
    words: list[str] = []


class _FieldFile(BaseModel):
    """One field of a source file: the headings people give its column, the words they write for its values, and
    the meanings by which a value it does not know is proposed for a category (the first that matches wins)."""

    model_config = ConfigDict(extra="forbid")

    headings: list[str] = []
    values: dict[str, str] = {}  # a word as written -> the category it means
    meanings: list[_Meaning] = []
    identity: bool = False  # part of a record's identity: a column that only counts rows is never taken for it


class _SourceFile(BaseModel):
    """A source file: its name, the catalogue prefix of its column headings, and its fields in order."""

    model_config = ConfigDict(extra="forbid")

    name: str
    headings: str
    fields: dict[str, _FieldFile]


@dataclass(frozen=True)
class Source:
    """What one kind of spreadsheet holds: its fields in order, the catalogue keys heading them (`prefix` + field),
    and per field the headings and value words seen in real files."""

    name: str
    prefix: str
    fields: tuple[str, ...]
    synonyms: dict[str, tuple[str, ...]]
    values: dict[str, dict[str, str]]
    meanings: dict[str, tuple[tuple[tuple[re.Pattern[str], ...], str], ...]] = field(default_factory=dict)
    identity: frozenset[str] = frozenset()

    @cached_property
    def index(self) -> dict[str, str]:
        """Every known heading, folded, and the field it names (the catalogue's own headings in all languages)."""
        index: dict[str, str] = {}
        for name in self.fields:
            for word in (*self.synonyms.get(name, ()), *texts_for(self.prefix + name).values()):
                index.setdefault(fold(word), name)
        return index

    def heading(self, name: str) -> str:
        """A field's heading in all three languages, for a message about a column a file lacks."""
        return " / ".join(dict.fromkeys(texts_for(self.prefix + name).values()))

    def value_words(self, name: str, categories: Iterable[str] = (), extra: dict[str, str] | None = None) -> dict:
        """A field's words -> category, keyed by `word_key`: the catalogue's words for each category (`<field>.<cat>`)
        in all languages, then the source's words, then `extra` (a user's own mapping), each winning over the last."""
        words = {text: value for value in categories for text in texts_for(f"{name}.{value}").values()}
        words |= self.values.get(name, {}) | (extra or {})
        return {word_key(word): value for word, value in words.items()}

    def propose(self, name: str, value: Any) -> str | None:
        """The category the value's words point to for this field, or None when none does ("Инцидент (без
        травмы)" is a near miss). Only a proposal: the user confirms it, and a saved mapping remembers that."""
        text = normal(value)
        for patterns, category in self.meanings.get(name, ()):
            if any(p.search(text) for p in patterns):
                return category
        return None


@cache
def load_source(path: Path) -> Source:
    """Read a source file; a broken one is a programming error, raised with the file and the key at fault."""
    try:
        data = _SourceFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (yaml.YAMLError, ValidationError) as exc:
        raise ValueError(f"{path}: {exc}") from None
    return Source(
        data.name,
        data.headings,
        tuple(data.fields),
        {name: tuple(spec.headings) for name, spec in data.fields.items() if spec.headings},
        {name: dict(spec.values) for name, spec in data.fields.items() if spec.values},
        {
            name: tuple((_patterns(m.stems, m.words), m.category) for m in spec.meanings)
            for name, spec in data.fields.items()
            if spec.meanings
        },
        frozenset(name for name, spec in data.fields.items() if spec.identity),
    )


def normal(text: Any) -> str:
    """A value as meanings read it: lower case, ё as е, punctuation and brackets as spaces, one space between
    words, and a space at each end, so a stem is found at a word's start and a whole word between spaces."""
    words = re.sub(r"[\W_]+", " ", str(text).casefold().replace("ё", "е")).split()
    return " " + " ".join(words) + " "


def _patterns(stems: list[str], words: list[str]) -> tuple[re.Pattern[str], ...]:
    """A meaning's stems (found at the start of a word: "смертельн" in "со смертельным исходом") and whole words
    ("нс", "м"), each read as values are."""
    return tuple(re.compile(re.escape(normal(stem).rstrip())) for stem in stems) + tuple(
        re.compile(re.escape(normal(word))) for word in words
    )


def word_key(text: Any) -> str:
    """A value word as matching compares it: folded (no case, spaces or punctuation); a word of punctuation alone
    ("+", "-") as written."""
    return fold(text) or str(text).strip().casefold()


def counts_up(values: Iterable[Any]) -> bool:
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


@dataclass
class Header:
    """A sheet's header row (1-based) and its columns: field -> 0-based index, field -> the heading as written,
    and the headings that name no field."""

    row: int
    columns: dict[str, int]
    headings: dict[str, str]
    others: list[str] = field(default_factory=list)


def find_header(
    source: Source,
    rows: Sequence[Sequence[Any]],
    header_row: int | None = None,
    *,
    wanted: Iterable[str] | None = None,
    needs: Iterable[str] = (),
) -> Header | None:
    """Find the header row below any title rows: the row naming most fields (of `wanted`, all of `needs` among
    them), at least two unless the row is given. A row counter's column (a counter's heading, or a column of
    values counting 1, 2, 3 under an identity field's heading) is never mapped. None when no row qualifies."""
    wanted = set(source.fields if wanted is None else wanted)
    needs = set(needs)
    candidates = [header_row - 1] if header_row else range(min(SEARCH_ROWS, len(rows)))
    best: Header | None = None
    for r in candidates:
        if r >= len(rows):
            continue
        header = Header(r + 1, {}, {})
        for c, cell in enumerate(rows[r]):
            name = None if fold(cell) in SEQUENCE_HEADINGS else source.index.get(fold(cell))
            if name in source.identity and counts_up(row[c] if c < len(row) else None for row in rows[r + 1 :]):
                name = None  # a «Номер» column that only counts rows is a row counter too
            if name in wanted and name not in header.columns:
                header.columns[name] = c
                header.headings[name] = str(cell)
            elif cell not in (None, ""):
                header.others.append(str(cell))
        if needs <= set(header.columns) and (best is None or len(header.columns) > len(best.columns)):
            best = header
    if best is None or (not header_row and len(best.columns) < 2):
        return None
    return best


def head_of(stream: SheetStream, header_row: int | None) -> list[list[Any]]:
    """The rows the header is looked for in: the stream's head, or more when the given header row lies below it."""
    return stream.head if (header_row or 0) <= HEAD_ROWS else read_head(stream, header_row or 0)


def records(stream: SheetStream, header: Header, removed: Removed | None = None) -> Iterator[tuple[int, dict]]:
    """Stream (spreadsheet row, field -> cleaned value) for each row below the header that holds a mapped value;
    count the invisible characters taken out in `removed`."""
    columns = header.columns.items()
    for number, row in enumerate(islice(stream.rows(), header.row, None), start=header.row + 1):
        values = {name: clean(row[c], removed) if c < len(row) else None for name, c in columns}
        if any(v is not None for v in values.values()):
            yield number, values


def date_order_of(values: Iterable[Any], preferred: DateOrder = "auto") -> tuple[DateOrder, bool]:
    """Decide day-first or month-first for a whole column of dates; return (order, ambiguous)."""
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
