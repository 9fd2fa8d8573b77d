"""The enterprise register: validated add, edit, deactivate and safe delete, and the yearly headcount table."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from safety.access.demo_guard import refuse_while_demo
from safety.access.roles import User, enterprise_scope, require
from safety.access.scope import enterprise_row
from safety.db import Store, retry_conflicts
from safety.db import audit as audit_sql
from safety.db import enterprises as sql
from safety.db.cursors import present
from safety.errors import Conflict, NotFound, Problem, ValidationFailed
from safety.files.validation import OptionalEmail, OptionalText, custom, validate
from safety.i18n import bilingual
from safety.identifiers import bin_problem, normalise_bin
from safety.register.geography import DISTRICTS_BY_KATO, district_for, division_name

VISION_ZERO_LAUNCH = dt.date(2017, 9, 3)  # ISSA launched Vision Zero at the World Congress in Singapore
MAX_HOURS_PER_WORKER = 8784  # hours in a leap year: more per head means the figure is wrong
_PHONE = re.compile(r"^\+?[\d\s\-()]{7,20}$")
_OKED = re.compile(r"^\d{2}(\d{1,3})?$")


class EnterpriseInput(BaseModel):
    """What an admin enters for an enterprise; every rule of the register is checked here."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    bin: str
    name_ru: str = Field(min_length=1, max_length=300)
    name_kk: str = Field(min_length=1, max_length=300)
    kato: str
    oked: str
    industry: str = Field(min_length=1, max_length=300)
    joined_on: dt.date
    officer_name: OptionalText = Field(default=None, max_length=200)
    officer_phone: OptionalText = Field(default=None, max_length=40)
    officer_email: OptionalEmail = Field(default=None, max_length=200)

    @field_validator("bin", mode="before")
    @classmethod
    def _bin(cls, value: Any) -> str:
        text = normalise_bin(value)
        problem = bin_problem(text)
        if problem:
            raise custom(problem.key, **problem.params)
        return text

    @field_validator("kato", mode="before")
    @classmethod
    def _kato(cls, value: Any) -> str:
        district = district_for(value)
        if district is None:
            raise custom("district.unknown", value=str(value or ""))
        return district.kato

    @field_validator("oked", mode="before")
    @classmethod
    def _oked(cls, value: Any) -> str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = re.sub(r"[\s.]", "", "" if value is None else str(value))
        if not _OKED.match(text):
            raise custom("oked.format", value=str(value or ""))
        return text

    @field_validator("joined_on")
    @classmethod
    def _joined(cls, value: dt.date) -> dt.date:
        if value < VISION_ZERO_LAUNCH or value > dt.date.today():
            raise custom("joined.range", start=VISION_ZERO_LAUNCH.isoformat())
        return value

    @field_validator("officer_phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is not None and not _PHONE.match(value):
            raise custom("phone.format", value=value)
        return value


class YearInput(BaseModel):
    """One year of an enterprise's average headcount and hours worked (hours may be unknown)."""

    model_config = ConfigDict(extra="forbid")

    year: int = Field(ge=2000, le=2100)
    avg_headcount: int = Field(gt=0, le=1_000_000)
    hours_worked: int | None = Field(default=None, gt=0)

    @field_validator("hours_worked", mode="before")
    @classmethod
    def _blank_hours(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, float) and value != value:  # NaN from a data editor's empty cell
            return None
        return value

    @model_validator(mode="after")
    def _plausible(self) -> YearInput:
        if self.year > dt.date.today().year:
            raise custom("year.future", year=self.year)
        if self.hours_worked is not None and self.hours_worked > self.avg_headcount * MAX_HOURS_PER_WORKER:
            raise custom("hours.too_many", hours=self.hours_worked, limit=MAX_HOURS_PER_WORKER)
        return self


@dataclass(frozen=True)
class Enterprise:
    """An enterprise of the register as stored."""

    id: int
    bin: str
    name_ru: str
    name_kk: str
    kato: str
    oked: str
    industry: str
    joined_on: dt.date
    officer_name: str | None
    officer_phone: str | None
    officer_email: str | None
    active: bool
    is_demo: bool

    def name(self, lang: str) -> str:
        """Return the name for the language (Kazakh for kk, otherwise Russian)."""
        return bilingual(self.name_ru, self.name_kk, lang)

    def district_name(self, lang: str) -> str:
        """Return the name of the enterprise's district in the language."""
        return DISTRICTS_BY_KATO[self.kato].name(lang) if self.kato in DISTRICTS_BY_KATO else self.kato

    def division_name(self, lang: str) -> str:
        """Return the name of the enterprise's OKED division in the language."""
        return division_name(self.oked, lang)

    def as_input(self) -> dict[str, Any]:
        """Return the editable fields, as a form or an export row holds them."""
        return {name: getattr(self, name) for name in sql.FIELDS}


@dataclass(frozen=True)
class YearRow:
    """One stored year of an enterprise's headcount table."""

    bin: str
    year: int
    avg_headcount: int
    hours_worked: int | None


def _enterprise(row: dict[str, Any]) -> Enterprise:
    return Enterprise(**{k: v for k, v in row.items() if k not in ("created_at", "updated_at")})


def _require(cur: Any, bin_: str) -> dict[str, Any]:
    """Return the enterprise row for a BIN (callers have checked the user's right to act)."""
    row = sql.by_bin(cur, normalise_bin(bin_))
    if row is None:
        raise NotFound("enterprise.not_found", bin=bin_)
    return row


def _audit_view(row: dict[str, Any]) -> dict[str, Any]:
    return {name: row[name] for name in (*sql.FIELDS, "active")}


def get_enterprise(store: Store, user: User, bin_: str) -> Enterprise:
    """Return the enterprise with this BIN, or raise NotFound (PermissionDenied outside the user's scope)."""
    with store.cursor() as cur:
        return _enterprise(enterprise_row(cur, user, bin_, "enterprise.read"))


def list_enterprises(
    store: Store, user: User, *, include_inactive: bool = False, kato: str | None = None, text: str | None = None
) -> list[Enterprise]:
    """List the enterprises the user may see, optionally with inactive ones, one district or a search text."""
    require(user, "enterprise.read")
    scope = enterprise_scope(user)
    with store.cursor() as cur:
        rows = sql.select(cur, include_inactive=include_inactive or scope is not None, kato=kato, text=text)
    return [_enterprise(r) for r in rows if scope is None or r["id"] == scope]


def register_rows(
    store: Store,
    user: User,
    lang: str,
    *,
    include_inactive: bool = False,
    kato: str | None = None,
    text: str | None = None,
) -> list[dict[str, Any]]:
    """Return the register as display rows for the language (district and division names resolved)."""
    require(user, "register.list")
    return [
        {
            "bin": e.bin,
            "name": e.name(lang),
            "district": e.district_name(lang),
            "oked": e.oked,
            "division": e.division_name(lang),
            "joined_on": e.joined_on,
            "officer": e.officer_name,
            "phone": e.officer_phone,
            "active": e.active,
        }
        for e in list_enterprises(store, user, include_inactive=include_inactive, kato=kato, text=text)
    ]


@retry_conflicts
def add_enterprise(store: Store, user: User, data: Mapping[str, Any]) -> Enterprise:
    """Validate and add an enterprise (admins only); a BIN already in the register is a Conflict."""
    require(user, "register.write")
    record = validate(EnterpriseInput, data).model_dump()
    with store.transaction() as cur:
        refuse_while_demo(cur)
        if sql.by_bin(cur, record["bin"]) is not None:
            raise Conflict("enterprise.duplicate_bin", bin=record["bin"])
        enterprise_id = sql.insert(cur, record)
        row = present(sql.by_id(cur, enterprise_id))
        audit_sql.write(
            cur,
            [
                audit_sql.entry(
                    user, "enterprise.create", "enterprise", row["bin"], enterprise_id, after=_audit_view(row)
                )
            ],
        )
        return _enterprise(row)


@retry_conflicts
def update_enterprise(store: Store, user: User, bin_: str, data: Mapping[str, Any]) -> Enterprise:
    """Validate and save changes to an enterprise (admins only); its BIN cannot change."""
    require(user, "register.write")
    record = validate(EnterpriseInput, {**data, "bin": data.get("bin", bin_)}).model_dump()
    if record["bin"] != normalise_bin(bin_):
        raise ValidationFailed(problems=[Problem("bin.immutable", field="bin")])
    with store.transaction() as cur:
        old = _require(cur, bin_)
        sql.update(cur, old["id"], record)
        new = present(sql.by_id(cur, old["id"]))
        audit_sql.write(
            cur,
            [
                audit_sql.entry(
                    user,
                    "enterprise.update",
                    "enterprise",
                    new["bin"],
                    new["id"],
                    before=_audit_view(old),
                    after=_audit_view(new),
                )
            ],
        )
        return _enterprise(new)


@retry_conflicts
def set_enterprise_active(store: Store, user: User, bin_: str, active: bool) -> Enterprise:
    """Deactivate (or reactivate) an enterprise (admins only); its data stays."""
    require(user, "register.write")
    with store.transaction() as cur:
        old = _require(cur, bin_)
        sql.set_active(cur, old["id"], active)
        audit_sql.write(
            cur,
            [
                audit_sql.entry(
                    user,
                    "enterprise.activate" if active else "enterprise.deactivate",
                    "enterprise",
                    old["bin"],
                    old["id"],
                    before={"active": old["active"]},
                    after={"active": active},
                )
            ],
        )
        return _enterprise(present(sql.by_id(cur, old["id"])))


@retry_conflicts
def delete_enterprise(store: Store, user: User, bin_: str) -> None:
    """Delete an enterprise that has no data at all (admins only); one with data can only be deactivated."""
    require(user, "register.write")
    with store.transaction() as cur:
        row = _require(cur, bin_)
        count = sql.dependent_rows(cur, row["id"])
        if count:
            raise Conflict("enterprise.has_data", bin=row["bin"], count=count)
        sql.delete(cur, row["id"])
        audit_sql.write(
            cur,
            [audit_sql.entry(user, "enterprise.delete", "enterprise", row["bin"], row["id"], before=_audit_view(row))],
        )


def enterprise_years(store: Store, user: User, bin_: str | None = None) -> list[YearRow]:
    """Return the yearly headcount table of one enterprise, or of every enterprise the user may see."""
    with store.cursor() as cur:
        if bin_ is not None:
            enterprise_id = enterprise_row(cur, user, bin_, "enterprise.read")["id"]
        else:
            require(user, "enterprise.read")
            enterprise_id = enterprise_scope(user)
        return [
            YearRow(r["bin"], r["year"], r["avg_headcount"], r["hours_worked"]) for r in sql.years(cur, enterprise_id)
        ]


@retry_conflicts
def save_years(store: Store, user: User, bin_: str, rows: Iterable[Mapping[str, Any]]) -> list[YearRow]:
    """Replace an enterprise's yearly table (admins only), every row validated before anything is written."""
    require(user, "register.write")
    checked: dict[int, YearInput] = {}
    problems: list[Problem] = []
    for number, row in enumerate(rows, start=1):
        if all(v is None or str(v).strip() in ("", "nan") for v in row.values()):
            continue  # an empty line left in a table editor
        try:
            year = validate(YearInput, row)
        except ValidationFailed as exc:
            problems += [Problem(p.key, p.params, row=number, field=p.field) for p in exc.problems]
            continue
        if year.year in checked:
            problems.append(Problem("year.duplicate", {"year": year.year}, row=number))
        checked[year.year] = year
    if problems:
        raise ValidationFailed(problems=problems)
    with store.transaction() as cur:
        enterprise_id = _require(cur, bin_)["id"]
        before = {r["year"]: [r["avg_headcount"], r["hours_worked"]] for r in sql.years(cur, enterprise_id)}
        for year in before:
            if year not in checked:
                sql.delete_year(cur, enterprise_id, year)
        for year in checked.values():
            sql.upsert_year(cur, enterprise_id, year.year, year.avg_headcount, year.hours_worked)
        after = {y.year: [y.avg_headcount, y.hours_worked] for y in sorted(checked.values(), key=lambda y: y.year)}
        if after != before:
            audit_sql.write(
                cur,
                [
                    audit_sql.entry(
                        user,
                        "enterprise.years",
                        "enterprise",
                        normalise_bin(bin_),
                        enterprise_id,
                        before=before,
                        after=after,
                    )
                ],
            )
    return enterprise_years(store, user, bin_)
