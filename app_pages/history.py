"""The assessment history block of the enterprise page: scores over time, latest profile, compare, export."""

from functools import partial

import altair as alt
import streamlit as st

from app_pages.ui import lang, store, tr
from safety.access.roles import User
from safety.checklists.assessments import assessment_history, compare_assessments, history_points
from safety.checklists.export import export_assessment
from safety.checklists.schema import load_checklists
from safety.i18n import format_date, format_number

COLOURS = {"green": "#2E7D32", "yellow": "#F9A825", "red": "#C62828", "na": "#9E9E9E"}


def history_section(me: User, bin_: str) -> None:
    """Draw the golden-rules history of one enterprise."""
    st.subheader(tr("history.title"))
    history = assessment_history(store(), me, bin_, "golden_rules")
    if not history:
        st.info(tr("history.none"))
        return
    rules = {r.id: r.title.get(lang()) for r in load_checklists()["golden_rules"].rules}
    names = {"overall": tr("history.overall")} | {str(k): f"{k}. {v}" for k, v in rules.items()}
    points = [p | {"name": names[p["series"]]} for p in history_points(history)]
    line = (
        alt.Chart(alt.Data(values=points))
        .mark_line(point=True)
        .encode(
            x=alt.X("assessed_on:T", title=tr("export.assessed_on"), axis=alt.Axis(format="%m.%Y")),
            y=alt.Y("score:Q", title=tr("history.score"), scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("name:N", title=None, legend=alt.Legend(orient="bottom", columns=2, labelLimit=400)),
            strokeWidth=alt.condition(alt.datum.series == "overall", alt.value(4), alt.value(1.5)),
            tooltip=[
                alt.Tooltip("name:N", title=tr("history.series")),
                alt.Tooltip("assessed_on:T", title=tr("export.assessed_on"), format="%d.%m.%Y"),
                alt.Tooltip("score:Q", title=tr("history.score")),
            ],
        )
    )
    st.altair_chart(line, width="stretch")

    latest = history[-1]
    st.markdown(
        tr(
            "history.latest",
            date=format_date(latest["assessed_on"], lang(), "short"),
            score=format_number(latest["overall"], lang(), 1),
        )
    )
    profile = [
        {"rule": f"{k}. {rules[k]}", "score": v["score"] or 0, "status": v["status"]}
        for k, v in sorted(latest["rules"].items())
    ]
    bars = (
        alt.Chart(alt.Data(values=profile))
        .mark_bar()
        .encode(
            x=alt.X("score:Q", title=tr("history.score"), scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("rule:N", title=None, sort=None, axis=alt.Axis(labelLimit=400)),
            color=alt.Color(
                "status:N", scale=alt.Scale(domain=list(COLOURS), range=list(COLOURS.values())), legend=None
            ),
            tooltip=[
                alt.Tooltip("rule:N", title=tr("actions.rule")),
                alt.Tooltip("score:Q", title=tr("history.score")),
            ],
        )
    )
    st.altair_chart(bars, width="stretch")

    labels = {h["id"]: f"{h['assessed_on']:%d.%m.%Y} · {h['overall']}" for h in history}
    ids = list(labels)
    left, right = st.columns(2)
    first = left.selectbox(
        tr("history.compare_from"), ids, index=max(0, len(ids) - 2), format_func=labels.get, key=f"cmp_a_{bin_}"
    )
    second = right.selectbox(
        tr("history.compare_to"), ids, index=len(ids) - 1, format_func=labels.get, key=f"cmp_b_{bin_}"
    )
    changes = [r for r in compare_assessments(store(), me, first, second, lang()) if r["change"] != "same"]
    signs = {"better": "▲", "worse": "▼", "changed": "•"}
    st.dataframe(
        [r | {"change": signs[r["change"]] + " " + tr("history.change." + r["change"])} for r in changes],
        hide_index=True,
        column_config={
            "rule": tr("actions.rule"),
            "item": tr("export.item"),
            "text": tr("export.question"),
            "before": tr("history.before"),
            "after": tr("history.after"),
            "change": tr("history.change"),
        },
    )
    st.download_button(
        tr("history.export"),
        data=partial(export_assessment, store(), me, second, lang()),
        file_name=f"assessment_{bin_}_{second}.xlsx",
        key=f"export_{second}",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
