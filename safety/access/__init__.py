"""Who may do what: roles and their rights, sign-in and passwords, user accounts, the audit trail, the
enterprise scope every enterprise-scoped function checks first, and the guard that keeps real data from the demo."""

__all__ = ["audit", "auth", "demo_guard", "roles", "scope", "sessions", "users"]
