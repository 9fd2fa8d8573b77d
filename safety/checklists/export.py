"""A submitted assessment as .xlsx: a summary, one sheet per rule with traffic-light fills, and the actions."""

from __future__ import annotations

from typing import Any

from openpyxl.styles import Alignment, PatternFill

from safety.access.roles import User
from safety.checklists.actions import list_actions
from safety.checklists.assessments import get_assessment
from safety.db import Store
from safety.errors import Conflict
from safety.files.writer import new_workbook, workbook_bytes, write_table
from safety.i18n import t


def export_assessment(store: Store, user: User, assessment_id: int, lang: str) -> bytes:
    """Write a submitted assessment: summary, a sheet per rule (rating cells filled in their colour), actions."""
    assessment = get_assessment(store, user, assessment_id)
    if assessment.status != "submitted":
        raise Conflict("assessment.not_submitted")
    checklist = assessment.checklist
    fills = {level.id: PatternFill("solid", fgColor=level.colour[1:]) for level in checklist.scale}
    labels = {level.id: level.label.get(lang) for level in checklist.scale}
    workbook = new_workbook()
    summary = workbook.active
    summary.title = t("export.summary", lang)
    rows: list[list[Any]] = [
        [t("export.checklist", lang), f"{checklist.title.get(lang)} (v{checklist.version})"],
        [t("label.bin", lang), assessment.bin],
        [t("export.assessed_on", lang), assessment.assessed_on],
        [t("export.overall", lang), assessment.overall],
    ]
    rows += [
        [f"{rule.id}. {rule.title.get(lang)}", score.score]
        for rule, score in zip(checklist.rules, assessment.rule_scores(), strict=True)
    ]
    write_table(summary, [t("export.field", lang), t("export.value", lang)], rows)
    for row, score in zip(range(6, 6 + len(checklist.rules)), assessment.rule_scores(), strict=True):
        if score.status in fills:
            summary.cell(row, 2).fill = fills[score.status]
    headings = [
        t("export.item", lang),
        t("export.question", lang),
        t("export.rating", lang),
        t("export.comment", lang),
        t("export.evidence", lang),
        t("export.na_reason", lang),
    ]
    for rule in checklist.rules:
        sheet = workbook.create_sheet(t("export.rule_sheet", lang, rule=rule.id))
        items = []
        for item in rule.items:
            answer = assessment.answers.get(item.id, {})
            label = labels.get(answer.get("rating") or "", "")
            items.append(
                [
                    item.id,
                    item.text.get(lang),
                    label,
                    answer.get("comment"),
                    answer.get("evidence"),
                    answer.get("na_reason"),
                ]
            )
        write_table(sheet, headings, items, text_columns=(1,))
        for row_no, item in enumerate(rule.items, start=2):
            rating = assessment.answers.get(item.id, {}).get("rating")
            if rating in fills:
                sheet.cell(row_no, 3).fill = fills[rating]
            sheet.cell(row_no, 2).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions["B"].width = 70
    actions = workbook.create_sheet(t("export.actions", lang))
    rows = [
        [
            a["item_id"],
            a["title"],
            a["owner"],
            a["due_on"],
            t("priority." + a["priority"], lang),
            t("state." + a["state"], lang),
        ]
        for a in list_actions(store, user, bin_=assessment.bin)
        if a["assessment_id"] == assessment_id
    ]
    write_table(
        actions,
        [
            t("export.item", lang),
            t("label.action_title", lang),
            t("label.owner", lang),
            t("label.due_on", lang),
            t("label.priority", lang),
            t("label.state", lang),
        ],
        rows,
        text_columns=(1,),
    )
    return workbook_bytes(workbook)
