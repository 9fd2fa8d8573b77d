"""The assessment history block of the enterprise page: scores over time, latest profile, compare, export."""

from functools import partial

import streamlit as st

from app_pages.evidence_section import assessment_files
from app_pages.ui import Col, choose, draw, lang, show_table, store, tr
from safety.access.roles import User
from safety.checklists.assessments import assessment_history, compare_assessments
from safety.checklists.export import export_assessment
from safety.i18n import format_date, format_number
from safety.indicators import figures
from safety.indicators.arrow import arrow_table


def history_section(me: User, bin_: str) -> None:
    """Draw the golden-rules history of one enterprise."""
    st.subheader(tr("history.title"))
    history = assessment_history(store(), me, bin_, "golden_rules")
    if not history:
        st.info(tr("history.none"))
        return
    drawn = figures.rules_history(store(), me, bin_, lang())
    if drawn:
        draw(drawn[0])
    latest = history[-1]
    st.markdown(
        tr(
            "history.latest",
            date=format_date(latest["assessed_on"], lang(), "short"),
            score=format_number(latest["overall"], lang(), 1),
        )
    )
    if drawn:
        draw(drawn[1])

    labels = {
        h["id"]: f"{format_date(h['assessed_on'], lang(), 'short')} · {format_number(h['overall'], lang(), 1)}"
        for h in history
    }
    ids = list(labels)
    left, right = st.columns(2)
    before = ids[max(0, len(ids) - 2)]  # the one before the latest, to compare with the latest
    first = choose(left, tr("history.compare_from"), ids, f"cmp_a_{bin_}", labels.__getitem__, before)
    second = choose(right, tr("history.compare_to"), ids, f"cmp_b_{bin_}", labels.__getitem__, ids[-1])
    changes = [r for r in compare_assessments(store(), me, first, second, lang()) if r["change"] != "same"]
    signs = {"better": "▲", "worse": "▼", "changed": "•"}
    show_table(
        arrow_table(r | {"change": signs[r["change"]] + " " + tr("history.change." + r["change"])} for r in changes),
        {
            "rule": Col.number(tr("actions.rule"), grouped=False, width="small"),
            "item": Col.text(tr("export.item"), width="small"),
            "text": Col.text(tr("export.question"), width="large"),
            "before": Col.text(tr("history.before"), width="small"),
            "after": Col.text(tr("history.after"), width="small"),
            "change": Col.text(tr("history.change"), width="small"),
        },
    )
    st.download_button(
        tr("history.export"),
        data=partial(export_assessment, store(), me, second, lang()),
        file_name=f"assessment_{bin_}_{second}.xlsx",
        key=f"export_{second}",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    assessment_files(second)
