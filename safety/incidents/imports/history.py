"""An enterprise's imports after the fact: the history, undoing one, and the saved mapping profiles."""

from __future__ import annotations

from typing import Any

import yaml

from safety.access.roles import User, enterprise_scope, require
from safety.access.scope import enterprise_row, owned_row
from safety.db import Store, retry_conflicts
from safety.db import audit as audit_sql
from safety.db import enterprises as enterprise_sql
from safety.db import evidence as evidence_sql
from safety.db import incidents as sql
from safety.errors import ValidationFailed
from safety.files.validation import refuse_control
from safety.identifiers import normalise_bin
from safety.incidents.imports.mapping import MappingProfile
from safety.incidents.summaries import writing_cases


def list_imports(store: Store, user: User, bin_: str | None = None) -> list[dict[str, Any]]:
    """The import history the user may see, newest first."""
    with store.cursor() as cur:
        enterprise_id = enterprise_scope(user)
        if bin_:
            row = enterprise_sql.by_bin(cur, normalise_bin(bin_))
            require(user, "incidents.read", row["id"] if row else -1)
            enterprise_id = row["id"] if row else -1
        else:
            require(user, "incidents.read")
        return sql.imports(cur, enterprise_id)


@retry_conflicts
def undo_import(store: Store, user: User, import_id: int) -> int:
    """Remove every case an import wrote, with their evidence files (audited); return how many cases went."""
    with writing_cases(store) as writes:
        cur = writes.cursor
        record = owned_row(sql.import_by_id(cur, import_id), user, "incidents.write", "import.not_found", id=import_id)
        if record["undone_at"] is not None:
            raise ValidationFailed("import.already_undone", id=import_id)
        files = evidence_sql.names_of_import(cur, import_id)  # they go with the cases
        removed = sql.undo_import(writes, import_id, user.username)
        audit_sql.write(
            cur,
            [
                audit_sql.entry(
                    user,
                    "incident.import_undo",
                    "import",
                    import_id,
                    record["enterprise_id"],
                    before={"cases": removed} | ({"evidence_files": files} if files else {}),
                )
            ],
        )
        return removed


@retry_conflicts
def save_mapping_profile(store: Store, user: User, bin_: str, profile: MappingProfile) -> None:
    """Save a mapping under its name for the enterprise (replacing one of the same name)."""
    refuse_control({"name": profile.name})
    with store.transaction() as cur:
        enterprise = enterprise_row(cur, user, bin_, "incidents.write")
        sql.save_profile(cur, enterprise["id"], profile.name, profile.model_dump_json(), user.username)
        audit_sql.write(
            cur,
            [
                audit_sql.entry(
                    user,
                    "import.profile_save",
                    "mapping_profile",
                    profile.name,
                    enterprise["id"],
                    after=profile.model_dump(),
                )
            ],
        )


def mapping_profiles(store: Store, user: User, bin_: str) -> dict[str, MappingProfile]:
    """The enterprise's saved mapping profiles by name."""
    with store.cursor() as cur:
        enterprise = enterprise_sql.by_bin(cur, normalise_bin(bin_))
        require(user, "incidents.read", enterprise["id"] if enterprise else -1)
        rows = sql.profiles(cur, enterprise["id"]) if enterprise else []
    return {r["name"]: MappingProfile.model_validate_json(r["profile"]) for r in rows}


def profile_yaml(profile: MappingProfile) -> str:
    """The profile as the YAML file the CLI takes (--mapping)."""
    return yaml.safe_dump(profile.model_dump(), allow_unicode=True, sort_keys=False)
