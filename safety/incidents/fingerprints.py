"""The fingerprint of a case: what makes two rows of two logs the same case, so re-importing a log, or an
overlapping one, never counts a case twice.

A case's fingerprint is an md5 of its enterprise and its identity fields (text lower-cased, each run of spaces as
one, no edge spaces, so a retyped log still matches), then ':' and its occurrence among identical cases (1, 2, …:
identical rows in one log are a group accident, kept apart).
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from safety.db import incidents as sql
from safety.db.cursors import Cursor
from safety.incidents.model import FIELDS, IDENTITY, case_table

_SPACE = r"\s\x{0B}\x{1C}-\x{1F}\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}"
_ODD_SPACE = f"[{_SPACE}]{{2}}|[{_SPACE[2:]}\\t\\n\\r\\f]|^ | $"  # a run, a space that is not " ", an edge space


FINGERPRINT_BATCH = 100_000  # cases hashed at a time, so a million-row import never holds all the texts at once


def base_fingerprints(cur: Cursor, enterprise_id: int | pa.Array, cases: pa.Table) -> pa.Array:
    """The fingerprint of each case before its occurrence number: an md5 of the enterprise and the identity
    fields, text lower-cased with each run of spaces as one (so a retyped log still matches)."""
    batches = []
    for start in range(0, max(cases.num_rows, 1), FINGERPRINT_BATCH):
        ids = enterprise_id if isinstance(enterprise_id, int) else enterprise_id.slice(start, FINGERPRINT_BATCH)
        batches.append(_base_batch(cur, ids, cases.slice(start, FINGERPRINT_BATCH)))
    return pa.concat_arrays(batches)


def _base_batch(cur: Cursor, enterprise_id: int | pa.Array, cases: pa.Table) -> pa.Array:
    parts: list[Any] = [
        pa.scalar(str(enterprise_id)) if isinstance(enterprise_id, int) else pc.cast(enterprise_id, pa.string())
    ]
    for name in IDENTITY:
        column = cases.column(name).combine_chunks()
        if pa.types.is_string(column.type):
            sample = column.slice(0, 1000).to_pylist()
            if len(set(sample)) * 2 < len(sample):  # few distinct values (a shop, a job): tidy each once
                coded = column.dictionary_encode()
                column = pc.take(_tidy(coded.dictionary), coded.indices)
            else:
                column = _tidy(column)
        else:
            column = pc.cast(column, pa.string())
        parts.append(pc.fill_null(column, "\x00"))
    return sql.md5(pc.binary_join_element_wise(*parts, "\x1f"))


def _tidy(text: Any) -> Any:
    """Text as the fingerprint compares it: lower case, each run of spaces as one space, no edge spaces."""
    text = pc.utf8_lower(text)
    odd = pc.fill_null(pc.match_substring_regex(text, _ODD_SPACE), False)
    if not pc.any(odd).as_py():
        return text
    tidy = pc.utf8_trim_whitespace(pc.replace_substring_regex(pc.filter(text, odd), f"[{_SPACE}]+", " "))
    if isinstance(tidy, pa.ChunkedArray):
        tidy = tidy.combine_chunks()
    return pc.replace_with_mask(text, odd, tidy)


def next_fingerprint(cur: Cursor, enterprise_id: int, record: dict[str, Any], skip_id: int | None = None) -> str:
    """The fingerprint of a case entered by hand: its base plus the first occurrence number not yet taken."""
    base = base_fingerprints(cur, enterprise_id, case_table({name: [record.get(name)] for name in FIELDS}))[0].as_py()
    taken = sql.taken_fingerprints(cur, enterprise_id, base, skip_id)
    occurrence = 1
    while f"{base}:{occurrence}" in taken:
        occurrence += 1
    return f"{base}:{occurrence}"


def refingerprint(cur: Cursor) -> None:
    """Recompute every stored fingerprint, keeping identical cases numbered in their order (after a bulk load
    that wrote cases without their prints, such as the demo's)."""
    stored = sql.stored_cases(cur)
    if not stored.num_rows:
        return
    cases = case_table({name: stored.column(name).to_pylist() for name in FIELDS})
    bases = base_fingerprints(cur, stored.column("enterprise_id").combine_chunks(), cases)
    sql.renumber_fingerprints(cur, stored.column("id"), bases)
