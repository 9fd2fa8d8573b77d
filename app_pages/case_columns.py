"""The columns of a list of cases, one set for the Incidents page and the enterprise card."""

from typing import Any

from app_pages.ui import Col, tr


def case_columns(*, enterprise: bool = False, job_title: bool = False) -> dict[str, Any]:
    """When, where and what first, the long texts last; with the enterprise and the job title where asked."""
    columns = {
        "id": Col.number("№", grouped=False, width="small"),
        "occurred_on": Col.date(tr("incident.col.occurred_on")),
        "enterprise": Col.text(tr("enterprise.choose"), width="medium") if enterprise else None,
        "kind": Col.text(tr("incident.col.kind"), width="medium"),
        "severity": Col.text(tr("incident.col.severity"), width=110),
        "lost_days": Col.number(tr("incident.col.lost_days"), width="small"),
        "description": Col.text(tr("incident.col.description"), width=360),
        "place": Col.text(tr("incident.col.place"), width="medium"),
        "job_title": Col.text(tr("incident.col.job_title"), width="medium") if job_title else None,
        "accident_no": Col.text(tr("incident.col.accident_no"), width="small"),
    }
    return {name: column for name, column in columns.items() if column is not None}
