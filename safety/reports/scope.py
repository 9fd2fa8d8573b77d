"""What a report covers and who made it, in words: the region, a district, an industry, or one enterprise with its
BIN; a person's name, or the command line and the system account that ran it."""

from __future__ import annotations

import getpass

from safety.access.roles import User
from safety.db import Store
from safety.i18n import t
from safety.indicators.formulas import Scope
from safety.register.enterprises import get_enterprise
from safety.register.geography import DISTRICTS_BY_KATO, division_name


def scope_text(store: Store, user: User, scope: Scope, lang: str) -> str:
    """«ТОО … · БИН …», «Байзакский район», «24 Металлургия» (joined with « · » when both) or «Жамбылская
    область»; `scope` comes from formulas.scope_for, which already checked the user."""
    if scope.bin:
        enterprise = get_enterprise(store, user, scope.bin)
        return f"{enterprise.name(lang)} · {t('label.bin', lang)} {scope.bin}"
    parts = []
    if scope.district:
        district = DISTRICTS_BY_KATO.get(scope.district)
        parts.append(district.name(lang) if district else scope.district)
    if scope.division:
        parts.append(f"{scope.division} {division_name(scope.division, lang)}")
    return " · ".join(parts) or t("report.scope.region", lang)


def author(user: User, lang: str) -> str:
    """Who generated a report: the person's full name, or «командная строка (root)» for the command line."""
    if user.system:
        try:
            account = getpass.getuser()
        except (KeyError, OSError):  # no name for this process's user id (a bare container)
            account = "?"
        return t("report.by_cli", lang, account=account)
    return user.full_name or user.username
