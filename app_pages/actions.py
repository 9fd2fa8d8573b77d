"""Corrective actions: filter, follow up (officer), confirm proposals (officer or enterprise manager), add."""

import datetime as dt
from functools import partial

import streamlit as st

from app_pages.evidence_section import evidence_expander
from app_pages.ui import Col, act, choose, lang, list_downloads, show_error, show_table, store, tr, user
from safety.access.roles import can
from safety.checklists.actions import (
    PRIORITIES,
    STATES,
    confirm_action,
    create_action,
    list_actions,
    shortened,
    update_action,
)
from safety.checklists.actions_export import export_actions
from safety.errors import SafetyError
from safety.evidence.targets import Target
from safety.register.enterprises import list_enterprises

me = user()
st.title(tr("actions.title"))
everyone = tr("common.all")
enterprises = {None: everyone} | {e.bin: f"{e.name(lang())} · {e.bin}" for e in list_enterprises(store(), me)}
states = {None: everyone} | {s: tr("state." + s) for s in STATES}
rules = {None: everyone} | {r: str(r) for r in range(1, 8)}
priorities = {p: tr("priority." + p) for p in PRIORITIES}
cols = st.columns(4)
bin_ = choose(cols[0], tr("enterprise.choose"), list(enterprises), "act_bin", enterprises.__getitem__)
rule = choose(cols[1], tr("actions.rule"), list(rules), "act_rule", rules.__getitem__)
state = choose(cols[2], tr("label.state"), list(states), "act_state", states.__getitem__)
overdue = cols[3].checkbox(tr("actions.overdue_only"), key="act_overdue")

filters = {"bin_": bin_, "rule_id": rule, "state": state, "overdue": overdue}  # the list's and its export's
rows = list_actions(store(), me, **filters)
st.caption(tr("actions.count", count=len(rows), overdue=sum(r["overdue"] for r in rows)))
names = {e.bin: e.name(lang()) for e in list_enterprises(store(), me)}
table = [  # what is due and where first, so the columns that matter fit the page
    {
        "id": r["id"],
        "enterprise": names.get(r["bin"], r["bin"]),
        "due_on": r["due_on"],
        "state": tr("state." + r["state"]),
        "overdue": r["overdue"],
        "title": shortened(r["title"]),
        "rule": r["rule_id"],
        "item": r["item_id"],
        "owner": r["owner"],
        "priority": priorities[r["priority"]],
    }
    for r in rows
]
show_table(
    table,
    {
        "id": Col.number("№", grouped=False, width="small"),
        "enterprise": Col.text(tr("enterprise.choose"), width="medium"),
        "due_on": Col.date(tr("label.due_on")),
        "state": Col.text(tr("label.state"), width=110),
        "overdue": Col.flag(tr("actions.overdue")),
        "title": Col.text(tr("label.action_title"), width=340, help=tr("actions.title_help")),
        "rule": Col.number(tr("actions.rule"), grouped=False, width="small"),
        "item": Col.text(tr("export.item"), width="small"),
        "owner": Col.text(tr("label.owner"), width="medium"),
        "priority": Col.text(tr("label.priority"), width=110),
    },
)
list_downloads("act_export", "vision_zero_actions", partial(export_actions, store(), me, lang(), **filters))

ids = {r["id"]: f"№{r['id']} · {r['title']}" for r in rows}
if ids:  # everyone who sees the actions may open one, for its files at least
    chosen = st.selectbox(tr("actions.choose"), list(ids), format_func=ids.get, key="act_chosen")
    action = next(r for r in rows if r["id"] == chosen)
    confirms = action["state"] == "proposed" and can(me, "actions.confirm", action["enterprise_id"])
    if confirms and st.button(tr("actions.confirm"), key="act_confirm"):
        act(confirm_action, store(), me, chosen)
    if can(me, "actions.manage", action["enterprise_id"]):
        with st.form(f"action_{chosen}"):
            left, right = st.columns(2)
            values = {
                "title": left.text_input(tr("label.action_title"), value=action["title"]),
                "owner": right.text_input(tr("label.owner"), value=action["owner"] or ""),
                "due_on": left.date_input(tr("label.due_on"), value=action["due_on"], format="DD.MM.YYYY"),
                "priority": right.selectbox(
                    tr("label.priority"),
                    PRIORITIES,
                    format_func=priorities.get,
                    index=PRIORITIES.index(action["priority"]),
                ),
                "state": left.selectbox(
                    tr("label.state"), STATES, format_func=states.get, index=STATES.index(action["state"])
                ),
                "completed_on": right.date_input(
                    tr("label.completed_on"), value=action["completed_on"], format="DD.MM.YYYY"
                ),
                "completion_note": left.text_input(tr("label.completion_note"), value=action["completion_note"] or ""),
                "cancel_reason": right.text_input(tr("label.cancel_reason"), value=action["cancel_reason"] or ""),
            }
            if st.form_submit_button(tr("action.save"), type="primary"):
                act(update_action, store(), me, chosen, values)
    editable = can(me, "actions.manage", action["enterprise_id"])
    evidence_expander(Target.action(chosen), editable=editable, key=f"ev:action:{chosen}")

if can(me, "actions.manage", me.enterprise_id) and me.enterprise_id is not None:
    with st.expander(tr("actions.add"), icon=":material/add_task:"), st.form("new_action", clear_on_submit=True):
        title = st.text_input(tr("label.action_title"))
        left, right = st.columns(2)
        owner = left.text_input(tr("label.owner"))
        due_on = right.date_input(
            tr("label.due_on"), value=dt.date.today() + dt.timedelta(days=30), format="DD.MM.YYYY"
        )
        priority = left.selectbox(tr("label.priority"), PRIORITIES, format_func=priorities.get, index=1)
        rule_id = right.selectbox(tr("actions.rule"), list(rules), format_func=rules.get)
        if st.form_submit_button(tr("action.add"), type="primary"):
            own = list_enterprises(store(), me)[0].bin
            try:
                create_action(
                    store(),
                    me,
                    own,
                    {"title": title, "owner": owner, "due_on": due_on, "priority": priority, "rule_id": rule_id},
                )
            except SafetyError as exc:
                show_error(exc)
            else:
                st.rerun()
