"""Database access: the Store (connection, cursors, transactions), migrations and all SQL."""

from safety.db.store import Store, default_db_path, open_store, retry_conflicts

__all__ = ["Store", "default_db_path", "open_store", "retry_conflicts"]
