"""Migration 13: indexes by enterprise on PostgreSQL, for the reads and recounts of one enterprise or district.

PostgreSQL stores rows, not columns: without an index, the dashboard of one enterprise read all 680,000 month
counts of a national database (about 0.2 s), and every written case recounted its enterprise's summaries by reading
all two million cases. DuckDB scans its columns with min/max per block and keeps its indexes for keys and
constraints (an ART index costs every insert and helps only point lookups), so it gets none of these.
"""

from __future__ import annotations

from typing import Any

from safety.db.migrations.step import Migration

INDEXES = (
    "CREATE INDEX IF NOT EXISTS incidents_by_enterprise ON incidents (enterprise_id, occurred_on)",
    "CREATE INDEX IF NOT EXISTS incident_counts_by_enterprise ON incident_counts (enterprise_id, year)",
    "CREATE INDEX IF NOT EXISTS monthly_counts_by_enterprise ON monthly_counts (enterprise_id, year)",
    "CREATE INDEX IF NOT EXISTS accident_counts_by_enterprise ON accident_counts (enterprise_id, year)",
    "CREATE INDEX IF NOT EXISTS serious_accidents_by_enterprise ON serious_accidents (enterprise_id)",
    "CREATE INDEX IF NOT EXISTS corrective_actions_by_enterprise ON corrective_actions (enterprise_id)",
)


def create_indexes(cur: Any) -> None:
    """Create the indexes on PostgreSQL; nothing on DuckDB."""
    if cur.dialect != "postgresql":
        return
    for statement in INDEXES:
        cur.execute(statement)


MIGRATION = Migration(13, "indexes by enterprise (PostgreSQL)", (), create_indexes)
