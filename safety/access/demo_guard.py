"""Real data and the demo never mix: the demo accounts' passwords are printed on the sign-in page, so no real record
may be added while they exist."""

from __future__ import annotations

from safety.db import enterprises as enterprise_sql
from safety.db.cursors import Cursor
from safety.errors import Conflict


def refuse_while_demo(cur: Cursor) -> None:
    """Raise Conflict (saying how to remove the demo) while any demo record is stored; call it inside the write."""
    if enterprise_sql.any_stored(cur, demo=True):
        raise Conflict("demo.remove_first")
