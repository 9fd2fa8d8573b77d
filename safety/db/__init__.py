"""Database access: the Store (engine, cursors, transactions), migrations and all SQL."""

from safety.db.store import Store, default_db_path, default_target, open_store, retry_conflicts
from safety.db.targets import is_url

__all__ = ["Store", "default_db_path", "default_target", "is_url", "open_store", "retry_conflicts"]
