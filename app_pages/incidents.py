"""Incidents: the log of cases, manual entry, investigations of serious accidents, imports and the template."""

import datetime as dt
from functools import partial

import streamlit as st

from app_pages.case_columns import case_columns
from app_pages.evidence_section import evidence_expander
from app_pages.ui import (
    Col,
    act,
    choose,
    lang,
    list_downloads,
    show_error,
    show_table,
    store,
    template_button,
    tr,
    user,
)
from safety.access.roles import can
from safety.checklists.actions import PRIORITIES, actions_for_incident, create_action
from safety.errors import SafetyError
from safety.evidence.targets import Target
from safety.incidents.export import export_incidents
from safety.incidents.imports.history import list_imports, undo_import
from safety.incidents.imports.report import HISTORY_COLUMNS, history_rows
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
bin_ = choose(cols[0], tr("enterprise.choose"), list(choices), "inc_bin", choices.__getitem__)
kind = choose(cols[1], tr("incident.col.kind"), list(kinds), "inc_kind", kinds.__getitem__)
period = cols[2].date_input(
    tr("audit.period"),
    value=(dt.date(dt.date.today().year - 1, 1, 1), dt.date.today()),
    format="DD.MM.YYYY",
    key="inc_period",
)
since, until = (period[0], period[-1]) if period else (None, None)
filters = {"bin_": bin_, "kind": kind, "since": since, "until": until}  # the list's and its export's
cases = list_incidents(store(), me, **filters)
st.caption(tr("incidents.count", count=len(cases)))
labels = {k: tr("kind." + k) for k in KINDS} | {s: tr("severity." + s) for s in SEVERITIES}
names = {e.bin: e.name(lang()) for e in list_enterprises(store(), me)}
show_table(  # when, where and what first; the long texts last, whole in the case chosen below
    [
        c
        | {
            "enterprise": names.get(c["bin"], c["bin"]),
            "kind": labels[c["kind"]],
            "severity": labels.get(c["severity"]),
        }
        for c in cases
    ],
    case_columns(enterprise=True, job_title=True),
)
list_downloads("inc_export", "vision_zero_incidents", partial(export_incidents, store(), me, lang(), **filters))

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
        show_table(
            [a | {"priority": priorities[a["priority"]], "state": tr("state." + a["state"])} for a in linked],
            {
                "title": Col.text(tr("label.action_title"), width=340),
                "due_on": Col.date(tr("label.due_on")),
                "state": Col.text(tr("label.state"), width=110),
                "overdue": Col.flag(tr("actions.overdue")),
                "owner": Col.text(tr("label.owner"), width="medium"),
                "priority": Col.text(tr("label.priority"), width=110),
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
show_table(
    [r | {"enterprise": names.get(r["bin"], r["bin"])} for r in investigation_rows(serious, lang())],
    {
        "occurred_on": Col.date(tr("incident.col.occurred_on")),
        "enterprise": Col.text(tr("enterprise.choose"), width="medium"),
        "severity": Col.text(tr("incident.col.severity"), width=110),
        "injured": Col.number(tr("incidents.injured"), width="small"),
    }
    | {n: Col.date(tr("investigation.step." + n)) for n in steps}
    | {"overdue": Col.text(tr("investigation.overdue"), width="medium")},
)
if officer and serious:
    with st.expander(tr("incidents.investigation_dates"), icon=":material/gavel:"):
        ids = {
            a["incident_id"]: f"{a['occurred_on']:%d.%m.%Y} · {labels.get(a['severity'], '–')} · {a['injured']}"
            for a in serious
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
        counted = ("id", "imported", "duplicates", "rejected")  # the rest is text, times written by Babel
        show_table(
            history_rows(history, lang()),
            {
                tr(key): Col.number(tr(key), grouped=name != "id", width="small")
                if name in counted
                else Col.text(tr(key), width="medium")
                for name, key in HISTORY_COLUMNS.items()
            },
        )
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
