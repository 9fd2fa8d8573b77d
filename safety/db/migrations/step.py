"""What one migration is: a number, a name, its SQL, and at most one step SQL alone cannot do."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Migration:
    """One schema step: its number, a short name, the statements it runs and an optional step after them."""

    number: int
    name: str
    statements: tuple[str, ...]
    run: Callable[[Any], None] | None = None  # given the cursor, inside the migration's transaction
