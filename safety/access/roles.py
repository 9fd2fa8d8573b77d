"""Who may do what: roles, the acting user, and the checks every library function makes before it acts."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from safety.errors import PermissionDenied


class Role(StrEnum):
    """The four roles of the tracker."""

    ADMIN = "admin"
    REGIONAL_MANAGER = "regional_manager"
    ENTERPRISE_MANAGER = "enterprise_manager"
    SAFETY_OFFICER = "safety_officer"

    @property
    def scoped(self) -> bool:
        """True for the roles bound to one enterprise."""
        return self in (Role.ENTERPRISE_MANAGER, Role.SAFETY_OFFICER)


@dataclass(frozen=True)
class User:
    """The acting user, as the library needs it: identity, role and (for enterprise roles) the enterprise."""

    id: int | None
    username: str
    full_name: str
    role: Role
    enterprise_id: int | None = None
    email: str | None = None
    must_change_password: bool = False
    active: bool = True
    is_demo: bool = False
    system: bool = False  # the command line: it holds the database file, so every check passes


# The command line runs with the database file in hand, so it acts as "cli", for whom every check passes.
SYSTEM = User(id=None, username="cli", full_name="Command line", role=Role.ADMIN, system=True)

# action -> roles allowed; an action on one enterprise also needs the user's enterprise for scoped roles
_RULES: dict[str, frozenset[Role]] = {
    "programme.read": frozenset(Role),
    "enterprise.read": frozenset(Role),
    "register.list": frozenset({Role.ADMIN, Role.REGIONAL_MANAGER}),
    "register.write": frozenset({Role.ADMIN}),
    "users.manage": frozenset({Role.ADMIN}),
    "audit.read": frozenset({Role.ADMIN}),
    "database.maintain": frozenset({Role.ADMIN}),
    "reminders.send": frozenset({Role.ADMIN}),  # the digests; each one's items are read as its recipient
    "checklist.read": frozenset(Role),
    "checklist.fill": frozenset({Role.SAFETY_OFFICER}),
    "actions.read": frozenset(Role),
    "actions.manage": frozenset({Role.SAFETY_OFFICER}),
    "actions.confirm": frozenset({Role.SAFETY_OFFICER, Role.ENTERPRISE_MANAGER}),
    "incidents.read": frozenset(Role),
    "incidents.write": frozenset({Role.SAFETY_OFFICER}),
    "incidents.import": frozenset({Role.SAFETY_OFFICER}),
    "reports.regional": frozenset({Role.ADMIN, Role.REGIONAL_MANAGER}),
}


def can(user: User | None, action: str, enterprise_id: int | None = None) -> bool:
    """True when the user may do the action (on the given enterprise, when there is one)."""
    if user is not None and user.system and action in _RULES:
        return True
    if user is None or not user.active or action not in _RULES or user.role not in _RULES[action]:
        return False
    if user.role.scoped and enterprise_id is not None:
        return user.enterprise_id == enterprise_id
    return True


def require(user: User | None, action: str, enterprise_id: int | None = None) -> User:
    """Raise PermissionDenied unless the user may do the action; return the user for convenience."""
    if not can(user, action, enterprise_id):
        raise PermissionDenied("access.denied", action=action)
    assert user is not None
    return user


def enterprise_scope(user: User) -> int | None:
    """Return the only enterprise a scoped user may see, or None when the user sees all of them (a scoped user
    bound to no enterprise gets -1, which matches nothing: such a user must never see the whole region)."""
    if not user.role.scoped:
        return None
    return user.enterprise_id if user.enterprise_id is not None else -1
