"""Self-assessments against checklists kept as data: the checklist schema, drafts and submitted assessments,
their scores, the corrective actions they lead to, and their .xlsx export."""

__all__ = ["actions", "actions_export", "assessments", "export", "schema", "scoring"]
