"""Mapping a log to case fields: the log source (headings and words as data), the user's mapping profile, and
the columns and values of a file as the mapping step shows them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from safety.errors import FileUnreadable, ValidationFailed
from safety.files.reader import SheetStream, fold, open_sheet
from safety.files.tables import Header, find_header, head_of, load_source
from safety.incidents.model import FIELDS, GENDERS, KINDS, SEVERITIES

SOURCE = load_source(Path(__file__).with_name("log_source.yaml"))
CATEGORICAL = {"kind": KINDS, "severity": SEVERITIES, "gender": GENDERS}


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
        """Refuse a field that cases do not have, and a value mapped to a category the field does not have."""
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


def value_words(profile: MappingProfile) -> dict[str, dict[str, str]]:
    """Per categorical field, every word known for its values (ours in all languages, the log source's, the
    profile's own mapping) -> the category, keyed as `tables.word_key` compares them."""
    return {name: SOURCE.value_words(name, CATEGORICAL[name], profile.values.get(name)) for name in CATEGORICAL}


def map_columns(stream: SheetStream, filename: str, profile: MappingProfile) -> Header:
    """Find the header and say which column holds which field (the profile's headings win over the guess)."""
    head = head_of(stream, profile.header_row)
    if not any(any(c is not None for c in row) for row in head):
        raise FileUnreadable("file.empty", name=Path(filename).name)
    header = find_header(SOURCE, head, profile.header_row)
    if header is None:
        raise ValidationFailed("import.no_header", sheet=stream.name)
    by_heading = {fold(cell): c for c, cell in enumerate(head[header.row - 1]) if cell not in (None, "")}
    for field_name, heading in profile.columns.items():
        if fold(heading) not in by_heading:
            raise ValidationFailed("import.profile_column", column=heading, field=field_name, sheet=stream.name)
        header.columns[field_name] = by_heading[fold(heading)]
        header.headings[field_name] = heading
    if "occurred_on" not in header.columns:
        raise ValidationFailed("import.no_date_column", sheet=stream.name, row=header.row)
    if not profile.keep_names:
        header.columns.pop("person_name", None)
    known = {fold(h) for h in header.headings.values()}
    header.headings = {f: header.headings[f] for f in header.columns}
    header.others = [o for o in header.others if fold(o) not in known]
    return header


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
    head = head_of(stream, header_row)
    header = find_header(SOURCE, head, header_row)
    if header is None:
        return FileOverview(stream.sheet_names, stream.name, header_row, [], {})
    cells = [str(c) for c in head[header.row - 1] if c not in (None, "")]
    return FileOverview(
        stream.sheet_names,
        stream.name,
        header.row,
        list(dict.fromkeys(cells)),
        {header.headings[f]: f for f in header.columns},
    )
