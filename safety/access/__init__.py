"""Who may do what: roles and their rights, sign-in and passwords, user accounts, the audit trail, and the
enterprise scope every enterprise-scoped function checks first."""

__all__ = ["audit", "auth", "roles", "scope", "sessions", "users"]
