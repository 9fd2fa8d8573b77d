"""Checklists as data: strict loading of checklists/*.yaml, with errors that name the file and the path inside."""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from safety.db.store import PROJECT_ROOT
from safety.errors import Problem, SafetyError

CHECKLIST_DIR = PROJECT_ROOT / "checklists"
LEVELS = ("green", "yellow", "red", "na")


class ChecklistInvalid(SafetyError):
    """A checklist file breaks the schema; each problem names the file and the path inside it."""

    default_key = "checklist.invalid"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Texts(_Strict):
    """One text in the three languages, none of them empty."""

    ru: str = Field(min_length=1)
    kk: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        """Return the text in the language."""
        return getattr(self, lang, self.ru)


class Level(_Strict):
    """A rating level: green, yellow, red or na, with its points (None for not applicable) and colour."""

    id: str
    points: int | None
    colour: str = Field(pattern=r"^#[0-9A-Fa-f]{6}$")
    label: Texts


class Item(_Strict):
    """One checklist question with guidance on what "fully implemented" looks like."""

    id: str = Field(pattern=r"^\d+\.\d+$")
    text: Texts
    guidance: Texts


class Rule(_Strict):
    """A golden rule with its items."""

    id: int = Field(ge=1)
    title: Texts
    items: list[Item] = Field(min_length=1)

    @model_validator(mode="after")
    def _item_ids(self) -> Rule:
        seen: set[str] = set()
        for item in self.items:
            if item.id in seen:
                raise ValueError(f"duplicate item id {item.id}")
            if not item.id.startswith(f"{self.id}."):
                raise ValueError(f"item id {item.id} does not belong to rule {self.id}")
            seen.add(item.id)
        return self


class Checklist(_Strict):
    """A checklist file: id, version, title, rating scale and rules."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    version: int = Field(ge=1)
    title: Texts
    scale: list[Level]
    rules: list[Rule] = Field(min_length=1)

    @field_validator("scale")
    @classmethod
    def _scale(cls, scale: list[Level]) -> list[Level]:
        if sorted(level.id for level in scale) != sorted(LEVELS):
            raise ValueError(f"the scale must have exactly the levels {', '.join(LEVELS)}")
        points = {level.id: level.points for level in scale}
        scored = [p for p in (points["green"], points["yellow"], points["red"]) if p is not None]
        if points["na"] is not None or len(scored) < 3:
            raise ValueError("na has no points (null); green, yellow and red need points")
        green, yellow, red = scored
        if not green > yellow > red >= 0:
            raise ValueError("points must fall from green to yellow to red (and not below 0)")
        return scale

    @model_validator(mode="after")
    def _rule_ids(self) -> Checklist:
        ids = [rule.id for rule in self.rules]
        if len(ids) != len(set(ids)):
            raise ValueError(f"duplicate rule ids in {ids}")
        return self

    def level(self, level_id: str) -> Level:
        """Return a level of the scale by id."""
        return next(level for level in self.scale if level.id == level_id)

    def items(self) -> list[tuple[Rule, Item]]:
        """Return every (rule, item) pair in order."""
        return [(rule, item) for rule in self.rules for item in rule.items]

    def item(self, item_id: str) -> tuple[Rule, Item]:
        """Return the rule and item with this id."""
        return next((rule, item) for rule, item in self.items() if item.id == item_id)

    def content_hash(self) -> str:
        """A fingerprint of the content, to notice a changed file that kept its version number."""
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()


def _path(loc: tuple[Any, ...], data: Any) -> str:
    """Render a pydantic location as a readable path: rules[2].items[3].text.kk (with the item id if known)."""
    parts: list[str] = []
    node = data
    for part in loc:
        if isinstance(part, int):
            label = f"[{part}]"
            if isinstance(node, list) and part < len(node) and isinstance(node[part], dict) and "id" in node[part]:
                label = f"[{part}] (id {node[part]['id']})"
            parts.append(label)
            node = node[part] if isinstance(node, list) and part < len(node) else None
        else:
            parts.append(("." if parts else "") + str(part))
            node = node.get(part) if isinstance(node, dict) else None
    return "".join(parts) or "(top level)"


def parse_checklist(text: str, name: str) -> Checklist:
    """Validate a checklist's YAML text; every problem names the file and the path inside it."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "?"
        raise ChecklistInvalid(problems=[Problem("checklist.yaml", {"file": name, "where": where})]) from None
    if not isinstance(data, dict):
        raise ChecklistInvalid(problems=[Problem("checklist.not_mapping", {"file": name})])
    try:
        return Checklist.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            message = error["msg"].removeprefix("Value error, ")
            if error["type"] == "extra_forbidden":
                message = "unknown key"
            elif error["type"] == "missing":
                message = "missing"
            problems.append(
                Problem("checklist.problem", {"file": name, "path": _path(error["loc"], data), "message": message})
            )
        raise ChecklistInvalid(problems=problems) from None


def load_checklist(path: Path) -> Checklist:
    """Load and validate one checklist file."""
    return parse_checklist(path.read_text(encoding="utf-8"), path.name)


@lru_cache(maxsize=4)
def load_checklists(folder: Path = CHECKLIST_DIR) -> dict[str, Checklist]:
    """Load every checklist in the folder, collecting the problems of all files before failing."""
    found: dict[str, Checklist] = {}
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            checklist = load_checklist(path)
        except ChecklistInvalid as exc:
            problems += exc.problems
            continue
        if checklist.id in found:
            problems.append(Problem("checklist.duplicate_id", {"file": path.name, "id": checklist.id}))
        found[checklist.id] = checklist
    if problems:
        raise ChecklistInvalid(problems=problems)
    return found


def snapshot(checklist: Checklist) -> str:
    """The checklist as JSON, stored with the first assessment that uses its version."""
    return json.dumps(checklist.model_dump(), ensure_ascii=False)


def from_snapshot(text: str) -> Checklist:
    """Rebuild a stored checklist version."""
    return Checklist.model_validate_json(text)


_ITEM_ID = re.compile(r"^(\d+)\.(\d+)$")


def item_sort_key(item_id: str) -> tuple[int, int]:
    """Sort item ids numerically (1.10 after 1.9)."""
    match = _ITEM_ID.match(item_id)
    return (int(match[1]), int(match[2])) if match else (0, 0)
