"""Incidents: the log of cases, manual entry, investigations of serious accidents, imports and the template."""

import datetime as dt

import streamlit as st

from app_pages.evidence_section import evidence_expander
from app_pages.ui import act, lang, show_error, store, template_button, tr, user
from safety.access.roles import can
from safety.checklists.actions import PRIORITIES, actions_for_incident, create_action
from safety.errors import SafetyError
from safety.evidence.targets import Target
from safety.incidents.imports.history import list_imports, undo_import
from safety.incidents.imports.report import history_rows
from safety.incidents.log import (
    add_incident,
    investigation_rows,
    investigations,
    list_incidents,
    set_investigation_dates,
)
from safety.incidents.model import GENDERS, KINDS, SEVERITIES
from safety.register.enterprises import list_enterprises

me = user()
st.title(tr("incidents.title"))
mine = {e.bin: f"{e.name(lang())} · {e.bin}" for e in list_enterprises(store(), me)}
officer = can(me, "incidents.write", me.enterprise_id) and me.enterprise_id is not None
everyone = tr("common.all")
choices = {None: everyone} | mine
kinds = {None: everyone} | {k: tr("kind." + k) for k in KINDS}
cols = st.columns(3)
bin_ = cols[0].selectbox(tr("enterprise.choose"), list(choices), format_func=choices.get, key="inc_bin")
kind = cols[1].selectbox(tr("incident.col.kind"), list(kinds), format_func=kinds.get, key="inc_kind")
period = cols[2].date_input(
    tr("audit.period"),
    value=(dt.date(dt.date.today().year - 1, 1, 1), dt.date.today()),
    format="DD.MM.YYYY",
    key="inc_period",
)
since, until = (period[0], period[-1]) if period else (None, None)
cases = list_incidents(store(), me, bin_=bin_, kind=kind, since=since, until=until)
st.caption(tr("incidents.count", count=len(cases)))
shown = (
    "id",
    "bin",
    "occurred_on",
    "kind",
    "severity",
    "lost_days",
    "accident_no",
    "place",
    "description",
    "job_title",
)
labels = {k: tr("kind." + k) for k in KINDS} | {s: tr("severity." + s) for s in SEVERITIES}
st.dataframe(
    [{k: labels.get(c[k], c[k]) for k in shown} for c in cases],
    hide_index=True,
    column_config={k: tr("label.bin") if k == "bin" else tr("incident.col." + k) for k in shown}
    | {"id": "№", "occurred_on": st.column_config.DateColumn(tr("incident.col.occurred_on"), format="DD.MM.YYYY")},
)

case_names = {
    c["id"]: " · ".join(
        filter(
            None,
            (
                f"№{c['id']}",
                f"{c['occurred_on']:%d.%m.%Y}",
                labels[c["kind"]],
                (c["description"] or c["place"] or "")[:60],
            ),
        )
    )
    for c in cases
}
chosen_case = st.selectbox(
    tr("incidents.case"),
    list(case_names),
    format_func=case_names.get,
    index=None,
    placeholder=tr("incidents.case_choose"),
    key="inc_case",
)
case = next((c for c in cases if c["id"] == chosen_case), None)
if case is not None:
    st.markdown(f"**{tr('incidents.case_actions', id=case['id'])}**")
    priorities = {p: tr("priority." + p) for p in PRIORITIES}
    linked = actions_for_incident(store(), me, case["id"])
    if linked:
        st.dataframe(
            [
                {
                    "title": a["title"],
                    "owner": a["owner"],
                    "due_on": a["due_on"],
                    "priority": priorities[a["priority"]],
                    "state": tr("state." + a["state"]),
                    "overdue": a["overdue"],
                }
                for a in linked
            ],
            hide_index=True,
            column_config={
                "title": tr("label.action_title"),
                "owner": tr("label.owner"),
                "priority": tr("label.priority"),
                "due_on": st.column_config.DateColumn(tr("label.due_on"), format="DD.MM.YYYY"),
                "state": tr("label.state"),
                "overdue": st.column_config.CheckboxColumn(tr("actions.overdue")),
            },
        )
    else:
        st.caption(tr("incidents.no_actions"))
    if can(me, "actions.manage", case["enterprise_id"]):
        rules = {None: "—"} | {r: str(r) for r in range(1, 8)}
        with st.form(f"case_action_{case['id']}", clear_on_submit=True):
            st.markdown(f"**{tr('incidents.create_action')}**")
            values = {"title": st.text_input(tr("label.action_title"))}
            left, right = st.columns(2)
            values["owner"] = left.text_input(tr("label.owner"))
            values["due_on"] = right.date_input(
                tr("label.due_on"), value=dt.date.today() + dt.timedelta(days=30), format="DD.MM.YYYY"
            )
            values["priority"] = left.selectbox(tr("label.priority"), PRIORITIES, format_func=priorities.get, index=1)
            values["rule_id"] = right.selectbox(
                tr("actions.rule"), list(rules), format_func=rules.get, index=list(rules).index(case["rule"])
            )
            if st.form_submit_button(tr("incidents.create_action"), type="primary"):
                act(create_action, store(), me, case["bin"], values, incident_id=case["id"])
    editable = can(me, "incidents.write", case["enterprise_id"])
    evidence_expander(Target.incident(case["id"]), editable=editable, key=f"ev:case:{case['id']}")

st.subheader(tr("incidents.investigations"))
serious = investigations(store(), me, bin_=bin_)
steps = ("report", "investigation", "act")
st.dataframe(
    investigation_rows(serious, lang()),
    hide_index=True,
    column_config={
        "bin": tr("label.bin"),
        "occurred_on": tr("incident.col.occurred_on"),
        "severity": tr("incident.col.severity"),
        "injured": tr("incidents.injured"),
        "overdue": tr("investigation.overdue"),
    }
    | {n: st.column_config.DateColumn(tr("investigation.step." + n), format="DD.MM.YYYY") for n in steps},
)
if officer and serious:
    with st.expander(tr("incidents.investigation_dates"), icon=":material/gavel:"):
        ids = {
            a["incident_id"]: f"{a['occurred_on']:%d.%m.%Y} · {labels[a['severity']]} · {a['injured']}" for a in serious
        }
        chosen = st.selectbox(tr("incidents.accident"), list(ids), format_func=ids.get, key="inv_case")
        accident = next(a for a in serious if a["incident_id"] == chosen)
        with st.form(f"inv_{chosen}"):
            dates = {
                n: st.date_input(tr("investigation.date." + n), value=accident[n], format="DD.MM.YYYY")
                for n in ("reported_on", "commission_on", "closed_on", "act_sent_on")
            }
            if st.form_submit_button(tr("action.save"), type="primary"):
                act(set_investigation_dates, store(), me, chosen, dates)

if officer:
    own = next(iter(mine))
    with st.expander(tr("incidents.add"), icon=":material/add:"):
        genders = {None: "—"} | {g: tr("gender." + g) for g in GENDERS}
        severities = {None: "—"} | {s: tr("severity." + s) for s in SEVERITIES}
        with st.form("new_incident", clear_on_submit=True):
            left, right = st.columns(2)
            values = {
                "occurred_on": left.date_input(tr("incident.col.occurred_on"), format="DD.MM.YYYY"),
                "kind": right.selectbox(tr("incident.col.kind"), KINDS, format_func=kinds.get),
                "severity": left.selectbox(tr("incident.col.severity"), list(severities), format_func=severities.get),
                "lost_days": right.number_input(tr("incident.col.lost_days"), min_value=0, step=1),
                "accident_no": left.text_input(tr("incident.col.accident_no")),
                "place": right.text_input(tr("incident.col.place")),
                "description": st.text_area(tr("incident.col.description")),
                "cause": left.text_input(tr("incident.col.cause")),
                "job_title": right.text_input(tr("incident.col.job_title")),
                "gender": left.selectbox(tr("incident.col.gender"), list(genders), format_func=genders.get),
                "rule": right.selectbox(tr("incident.col.rule"), [None, *range(1, 8)]),
            }
            if st.form_submit_button(tr("action.add"), type="primary"):
                act(add_incident, store(), me, own, values)

with st.expander(tr("incidents.imports"), icon=":material/history:"):
    template_button("template")
    history = list_imports(store(), me, bin_)
    if history:
        st.dataframe(history_rows(history, lang()), hide_index=True)
    else:
        st.caption(tr("import.history.none"))
    undoable = {r["id"]: f"№{r['id']} · {r['file_name']}" for r in history if r["undone_at"] is None}
    if officer and undoable:
        target = st.selectbox(tr("incidents.undo_which"), list(undoable), format_func=undoable.get, key="undo_id")
        if st.button(tr("incidents.undo"), key="undo_import"):
            try:
                st.success(tr("cli.import_undone", id=target, count=undo_import(store(), me, target)))
            except SafetyError as exc:
                show_error(exc)
