"""Migration 9: at most one open draft per enterprise and checklist, held by a unique key.

Two officers opening the self-assessment at the same moment could start two drafts and split their answers
between them. Such twins are merged here into the first draft (an item answered in several keeps its latest
answer), and the key keeps it from happening again.
"""

from safety.db.migrations.step import Migration

MIGRATION = Migration(
    9,
    "one open draft per enterprise and checklist",
    (
        "ALTER TABLE assessments ADD COLUMN draft_key VARCHAR",
        # DuckDB builds an index only before the transaction's first change of rows
        "CREATE UNIQUE INDEX one_draft ON assessments (draft_key)",
        """CREATE TEMP TABLE draft_twins AS
            SELECT id, min(id) OVER (PARTITION BY enterprise_id, checklist_id) AS keeper
            FROM assessments WHERE status = 'draft'""",
        """INSERT INTO assessment_answers (assessment_id, item_id, rating, comment, evidence, na_reason, updated_at)
            SELECT t.keeper, a.item_id,
                   (array_agg(a.rating ORDER BY a.updated_at DESC) FILTER (WHERE a.rating IS NOT NULL))[1],
                   (array_agg(a.comment ORDER BY a.updated_at DESC) FILTER (WHERE a.comment IS NOT NULL))[1],
                   (array_agg(a.evidence ORDER BY a.updated_at DESC) FILTER (WHERE a.evidence IS NOT NULL))[1],
                   (array_agg(a.na_reason ORDER BY a.updated_at DESC) FILTER (WHERE a.na_reason IS NOT NULL))[1],
                   max(a.updated_at)
            FROM assessment_answers a JOIN draft_twins t ON t.id = a.assessment_id
            GROUP BY t.keeper, a.item_id
            ON CONFLICT (assessment_id, item_id) DO UPDATE SET
                rating = excluded.rating, comment = excluded.comment, evidence = excluded.evidence,
                na_reason = excluded.na_reason, updated_at = excluded.updated_at""",
        """DELETE FROM assessment_answers
            WHERE assessment_id IN (SELECT id FROM draft_twins WHERE id <> keeper)""",
        "DELETE FROM assessments WHERE id IN (SELECT id FROM draft_twins WHERE id <> keeper)",
        """UPDATE assessments SET draft_key = CAST(enterprise_id AS VARCHAR) || ':' || checklist_id
            WHERE status = 'draft'""",
        "DROP TABLE draft_twins",
    ),
)
