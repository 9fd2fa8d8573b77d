"""What names a database: a postgresql:// URL or a DuckDB file path, and how messages show it."""

from __future__ import annotations

import re
from pathlib import Path

_SCHEMES = ("postgresql://", "postgres://")
_PASSWORD = re.compile(r"(://[^:/@]+):[^@]*@")


def is_url(target: str | Path) -> bool:
    """True when target names a PostgreSQL database (postgresql://…) rather than a file."""
    return str(target).startswith(_SCHEMES)


def shown(target: str | Path) -> str:
    """A database target as messages show it: a URL without its password."""
    return _PASSWORD.sub(r"\1:***@", str(target))
