"""What a report covers, in words: the region, a district, an industry, or one enterprise with its BIN."""

from __future__ import annotations

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
