"""The incident model: one row of a log is one case (one injured person, or one near miss with nobody hurt)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from safety.validation import OptionalText, custom

KINDS = ("accident", "near_miss", "micro_injury", "occupational_disease")
SEVERITIES = ("light", "severe", "fatal")
GENDERS = ("male", "female")
EARLIEST = dt.date(1950, 1, 1)
# The fields of a case, in the order of the template and of an export.
FIELDS = ("occurred_on", "occurred_at", "kind", "severity", "lost_days", "restricted_days", "accident_no", "place",
          "description", "cause", "job_title", "gender", "age", "experience_years", "rule", "external_id",
          "person_name")


class IncidentInput(BaseModel):
    """A case as entered by hand or read from a log row; severity is required for accidents only."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    occurred_on: dt.date
    occurred_at: dt.time | None = None
    kind: str = "accident"
    severity: str | None = None
    lost_days: int = Field(default=0, ge=0, le=10_000)
    restricted_days: int = Field(default=0, ge=0, le=10_000)
    accident_no: OptionalText = None
    place: OptionalText = None
    description: OptionalText = None
    cause: OptionalText = None
    job_title: OptionalText = None
    gender: str | None = None
    age: int | None = Field(default=None, ge=14, le=100)
    experience_years: float | None = Field(default=None, ge=0, le=80)
    rule: int | None = Field(default=None, ge=1, le=7)
    external_id: OptionalText = None
    person_name: OptionalText = None

    @field_validator("lost_days", "restricted_days", mode="before")
    @classmethod
    def _blank_days(cls, value: Any) -> Any:
        return 0 if value is None or (isinstance(value, str) and not value.strip()) else value

    @field_validator("occurred_on")
    @classmethod
    def _date_range(cls, value: dt.date) -> dt.date:
        if value < EARLIEST:
            raise custom("incident.too_old", date=value.isoformat())
        if value > dt.date.today():
            raise custom("incident.future", date=value.isoformat())
        return value

    @model_validator(mode="after")
    def _consistent(self) -> IncidentInput:
        if self.kind not in KINDS:
            raise custom("incident.kind", value=self.kind)
        if self.gender is not None and self.gender not in GENDERS:
            raise custom("incident.gender", value=self.gender)
        if self.kind == "accident":
            if self.severity is None:
                raise custom("incident.severity_needed")
            if self.severity not in SEVERITIES:
                raise custom("incident.severity", value=self.severity)
        elif self.severity is not None:
            raise custom("incident.severity_only_accidents", kind=self.kind)
        if self.kind == "near_miss" and (self.lost_days or self.restricted_days):
            raise custom("incident.near_miss_days")
        return self
