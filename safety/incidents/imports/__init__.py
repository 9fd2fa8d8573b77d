"""Import of the officers' own incident logs: `mapping` (the log source, profiles, the mapping step), `pipeline`
(reading, checking and writing), `report` (the outcome as people read it) and `history` (past imports, undo,
saved profiles). The spreadsheet work every source shares is in `safety.files.tables`."""

__all__ = ["history", "mapping", "pipeline", "report"]
