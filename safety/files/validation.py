"""Input validation at the boundary: pydantic errors become Problems with catalogue keys and places."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ValidationError
from pydantic_core import PydanticCustomError

from safety.errors import Problem, ValidationFailed
from safety.files.text import control_chars

M = TypeVar("M", bound=BaseModel)

# pydantic's own error types, mapped to catalogue keys; custom errors carry their key as their type.
_BUILTIN_KEYS = {
    "missing": "field.required",
    "string_too_short": "field.required",
    "string_too_long": "field.too_long",
    "string_type": "field.invalid",
    "date_parsing": "field.bad_date",
    "date_from_datetime_parsing": "field.bad_date",
    "date_from_datetime_inexact": "field.bad_date",
    "date_type": "field.bad_date",
    "int_parsing": "field.bad_integer",
    "int_type": "field.bad_integer",
    "int_from_float": "field.bad_integer",
    "greater_than": "field.greater_than",
    "greater_than_equal": "field.greater_equal",
    "less_than": "field.less_than",
    "less_than_equal": "field.less_equal",
    "extra_forbidden": "field.unknown",
}


def custom(key: str, **params: Any) -> PydanticCustomError:
    """Build a validator error whose type is a catalogue key."""
    return PydanticCustomError(key, key, params)


def problems_from(
    exc: ValidationError,
    *,
    sheet: str | None = None,
    row: int | None = None,
    columns: Mapping[str, str] | None = None,
    labels: str = "label.",
) -> list[Problem]:
    """Translate a pydantic ValidationError into Problems; `columns` maps a field to the file's heading, `labels`
    is the catalogue prefix of the fields' names."""
    problems = []
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        name = loc[0] if loc else None
        kind = error["type"]
        ctx = {k: v for k, v in (error.get("ctx") or {}).items() if isinstance(v, (str, int, float))}
        key = kind if "." in kind else _BUILTIN_KEYS.get(kind, "field.invalid")
        params = dict(ctx)
        if key == "field.invalid":
            params = {"value": _short(error.get("input"))}
        column = columns.get(name) if (columns and name) else None
        problems.append(
            Problem(key, params, sheet=sheet, row=row, column=column, field=None if column else _field(name, labels))
        )
    return problems


def _field(name: str | None, labels: str) -> str | None:
    """A Problem's field: the bare name for the usual `label.` prefix, else the whole catalogue key."""
    return name if name is None or labels == "label." else labels + name


def refuse_control(data: Mapping[str, Any], labels: str = "label.") -> None:
    """Raise ValidationFailed naming every text field that holds invisible control or format characters (a form
    never stores them; an import strips them and says so)."""
    problems = [
        Problem("field.control_chars", {"count": count}, field=_field(name, labels))
        for name, value in data.items()
        if isinstance(value, str) and (count := control_chars(value))
    ]
    if problems:
        raise ValidationFailed(problems=problems)


def validate(model: type[M], data: Mapping[str, Any], labels: str = "label.") -> M:
    """Validate a form's data into a model, raising ValidationFailed with one Problem per field; `labels` is the
    catalogue prefix that names the fields."""
    refuse_control(data, labels)
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        raise ValidationFailed(problems=problems_from(exc, labels=labels)) from None


def _short(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 40 else text[:37] + "…"


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def blank_to_none(value: Any) -> Any:
    """Treat an empty or blank cell or field as missing; trim the rest."""
    return None if value is None or str(value).strip() == "" else str(value).strip()


def _check_email(value: str | None) -> str | None:
    if value is not None and not _EMAIL.match(value):
        raise custom("email.format", value=value)
    return value


OptionalText = Annotated[str | None, BeforeValidator(blank_to_none)]
OptionalEmail = Annotated[str | None, BeforeValidator(blank_to_none), AfterValidator(_check_email)]
