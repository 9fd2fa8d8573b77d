"""The incident model: one row of a log is one case (one injured person, or one near miss with nobody hurt)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import pyarrow as pa
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from safety.files.validation import OptionalText, custom

KINDS = ("accident", "near_miss", "micro_injury", "occupational_disease")
SEVERITIES = ("light", "severe", "fatal")
GENDERS = ("male", "female")
EARLIEST = dt.date(1950, 1, 1)
# The fields of a case, in the order of the template and of an export.
FIELDS = (
    "occurred_on",
    "occurred_at",
    "kind",
    "severity",
    "lost_days",
    "restricted_days",
    "accident_no",
    "place",
    "description",
    "cause",
    "job_title",
    "gender",
    "age",
    "experience_years",
    "rule",
    "external_id",
    "person_name",
)
# Fields that identify a case (its fingerprint); the person's name is left out, so a log with and without
# names still matches.
IDENTITY = tuple(f for f in FIELDS if f != "person_name")
TEXT_FIELDS = (
    "kind",
    "severity",
    "accident_no",
    "place",
    "description",
    "cause",
    "job_title",
    "gender",
    "external_id",
    "person_name",
)


def _blank_days(value: Any) -> Any:
    return 0 if value is None or (isinstance(value, str) and not value.strip()) else value


def _date_range(value: dt.date) -> dt.date:
    if value < EARLIEST:
        raise custom("incident.too_old", date=value.isoformat())
    if value > dt.date.today():
        raise custom("incident.future", date=value.isoformat())
    return value


def _gender(value: str | None) -> str | None:
    if value is not None and value not in GENDERS:
        raise custom("incident.gender", value=value)
    return value


Word = Annotated[str, StringConstraints(strip_whitespace=True)]
OptionalWord = Word | None
Days = Annotated[int, BeforeValidator(_blank_days), Field(ge=0, le=10_000)]
OccurredOn = Annotated[dt.date, AfterValidator(_date_range)]
OccurredAt = dt.time | None
Gender = Annotated[Word | None, AfterValidator(_gender)]
Age = Annotated[int | None, Field(ge=14, le=100)]
Experience = Annotated[float | None, Field(ge=0, le=80)]
Rule = Annotated[int | None, Field(ge=1, le=7)]
# Each field's type with its own checks, so an import can check a whole column at once (incident_columns.py).
FIELD_TYPES: dict[str, Any] = {
    "occurred_on": OccurredOn,
    "occurred_at": OccurredAt,
    "kind": Word,
    "severity": OptionalWord,
    "lost_days": Days,
    "restricted_days": Days,
    "accident_no": OptionalText,
    "place": OptionalText,
    "description": OptionalText,
    "cause": OptionalText,
    "job_title": OptionalText,
    "gender": Gender,
    "age": Age,
    "experience_years": Experience,
    "rule": Rule,
    "external_id": OptionalText,
    "person_name": OptionalText,
}
# The fields whose combination a case must respect (see consistency_error).
COMBINED = ("kind", "severity", "lost_days", "restricted_days")


def consistency_error(
    kind: str, severity: str | None, lost_days: int, restricted_days: int
) -> PydanticCustomError | None:
    """Why a kind, severity and days do not go together (severity for accidents only, no days for a near miss)."""
    if kind not in KINDS:
        return custom("incident.kind", value=kind)
    if kind == "accident":
        if severity is None:
            return custom("incident.severity_needed")
        if severity not in SEVERITIES:
            return custom("incident.severity", value=severity)
    elif severity is not None:
        return custom("incident.severity_only_accidents", kind=kind)
    if kind == "near_miss" and (lost_days or restricted_days):
        return custom("incident.near_miss_days")
    return None


class IncidentInput(BaseModel):
    """A case as entered by hand or read from a log row; severity is required for accidents only."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    occurred_on: OccurredOn
    occurred_at: OccurredAt = None
    kind: Word = "accident"
    severity: OptionalWord = None
    lost_days: Days = 0
    restricted_days: Days = 0
    accident_no: OptionalText = None
    place: OptionalText = None
    description: OptionalText = None
    cause: OptionalText = None
    job_title: OptionalText = None
    gender: Gender = None
    age: Age = None
    experience_years: Experience = None
    rule: Rule = None
    external_id: OptionalText = None
    person_name: OptionalText = None

    @model_validator(mode="after")
    def _consistent(self) -> IncidentInput:
        error = consistency_error(self.kind, self.severity, self.lost_days, self.restricted_days)
        if error is not None:
            raise error
        return self


# Arrow types of the case fields, for bulk inserts and fingerprints.
ARROW_TYPES = {
    "occurred_on": pa.date32(),
    "occurred_at": pa.time64("us"),
    "lost_days": pa.int32(),
    "restricted_days": pa.int32(),
    "age": pa.int32(),
    "experience_years": pa.float64(),
    "rule": pa.int32(),
} | {name: pa.string() for name in TEXT_FIELDS}


def case_table(columns: dict[str, list[Any]]) -> pa.Table:
    """The case fields (one list per field, all the same length; a missing field is empty) as an Arrow table."""
    count = len(next(iter(columns.values())))
    return pa.table({name: case_array(name, columns.get(name, [None] * count)) for name in FIELDS})


def case_array(name: str, values: list[Any]) -> pa.Array:
    """One case field's values as an Arrow array (a field with no value at all costs nothing)."""
    if values and values[0] is None and values.count(None) == len(values):
        return pa.nulls(len(values), ARROW_TYPES[name])
    return pa.array(values, ARROW_TYPES[name])
