"""Migration 6: every case's fingerprint recomputed as an md5 of its enterprise and its identity fields.

A frozen copy of the rule as it stood when this migration was written (the live rule is in
safety/incidents/fingerprints.py): text lower-cased with each run of spaces as one, fields joined by U+001F,
a missing value as U+0000, and identical cases numbered 1, 2, … in the order of their old numbers.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from safety.db.cursors import Cursor, fetch_arrow, registered
from safety.db.migrations.step import Migration

IDENTITY = (
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
)
TYPES = {
    "occurred_on": pa.date32(),
    "occurred_at": pa.time64("us"),
    "lost_days": pa.int32(),
    "restricted_days": pa.int32(),
    "age": pa.int32(),
    "experience_years": pa.float64(),
    "rule": pa.int32(),
}
SPACE = r"\s\x{0B}\x{1C}-\x{1F}\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}"


def _text(column: pa.ChunkedArray, name: str) -> Any:
    """One identity field as the text the hash reads."""
    if name in TYPES:
        return pc.fill_null(pc.cast(pc.cast(column, TYPES[name]), pa.string()), "\x00")
    text = pc.utf8_trim_whitespace(pc.replace_substring_regex(pc.utf8_lower(column), f"[{SPACE}]+", " "))
    return pc.fill_null(text, "\x00")


def refingerprint(cur: Cursor) -> None:
    """Recompute every stored fingerprint, keeping identical cases numbered in their old order."""
    stored = fetch_arrow(cur, f"SELECT id, enterprise_id, fingerprint, {', '.join(IDENTITY)} FROM incidents")
    if not stored.num_rows:
        return
    parts = [pc.cast(stored.column("enterprise_id"), pa.string())]
    parts += [_text(stored.column(name), name) for name in IDENTITY]
    joined = pa.table({"id": stored.column("id"), "text": pc.binary_join_element_wise(*parts, "\x1f")})
    with registered(cur, "fingerprint_input", joined):
        cur.execute("""
            UPDATE incidents SET fingerprint = numbered.print FROM (
                SELECT i.id, md5(f.text) || ':' || row_number() OVER (
                    PARTITION BY i.enterprise_id, md5(f.text)
                    ORDER BY TRY_CAST(split_part(i.fingerprint, ':', 2) AS INTEGER) NULLS LAST, i.id) AS print
                FROM incidents i JOIN fingerprint_input f ON f.id = i.id) AS numbered
            WHERE incidents.id = numbered.id""")


MIGRATION = Migration(6, "case fingerprints: md5 of the normalised fields, computed in bulk", (), refingerprint)
