"""Rows as Arrow tables, the form in which tables and chart data go to the browser: a page hands Streamlit a table
it sends on as it is, instead of a list it would first turn into a pandas frame (most of a small table's cost)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import pyarrow as pa


def arrow_table(rows: Iterable[dict[str, Any]]) -> pa.Table:
    """One column per key (in order of first appearance, missing values null); decimals become floats and a column
    of mixed types becomes text."""
    rows = list(rows)
    names = list(dict.fromkeys(k for r in rows for k in r))
    columns = {}
    for name in names:
        values = [r.get(name) for r in rows]
        if any(isinstance(v, Decimal) for v in values):
            values = [float(v) if isinstance(v, Decimal) else v for v in values]
        try:
            columns[name] = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            columns[name] = pa.array([None if v is None else str(v) for v in values], pa.string())
    return pa.table(columns) if columns else pa.table({})


def ipc_bytes(table: pa.Table) -> bytes:
    """A table as an Arrow IPC stream."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue().to_pybytes())
