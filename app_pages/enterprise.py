"""One enterprise: its card; its indicators, cases, actions, investigations and self-assessments together;
editing, deactivation and its yearly headcount and hours."""

import pandas as pd
import streamlit as st

from app_pages.case_columns import case_columns
from app_pages.history import history_section
from app_pages.indicators_section import indicators_section
from app_pages.ui import Col, choose, enterprise_form, lang, set_choice, show_error, show_table, store, tr, user
from safety.access.roles import can
from safety.checklists.actions import list_actions, shortened
from safety.errors import SafetyError
from safety.i18n import format_date, grid_integer, plain
from safety.incidents.log import investigation_rows, investigations, list_incidents
from safety.incidents.model import KINDS, SEVERITIES
from safety.indicators.arrow import arrow_table
from safety.indicators.dashboard import enterprise_labels
from safety.register.enterprises import (
    delete_enterprise,
    enterprise_years,
    get_enterprise,
    save_years,
    set_enterprise_active,
    update_enterprise,
)

me = user()
st.title(tr("enterprise.title"))
labels = enterprise_labels(store(), me, lang(), include_inactive=True)
if not labels:
    st.info(tr("enterprise.none"))
    st.stop()
bins = list(labels)
asked = st.session_state.pop("enterprise_bin", None)  # another page opening an enterprise here
if asked in labels:
    set_choice("enterprise_bin", asked)
bin_ = choose(st, tr("enterprise.choose"), bins, "enterprise_bin", labels.__getitem__)
enterprise = get_enterprise(store(), me, bin_)
admin = can(me, "register.write")

if not enterprise.active:
    st.warning(tr("enterprise.inactive"))
card = st.columns(3)
card[0].markdown(f"**{tr('label.bin')}**  \n{enterprise.bin}")
card[0].markdown(f"**{tr('label.kato')}**  \n{enterprise.district_name(lang())} ({enterprise.kato})")
card[1].markdown(f"**{tr('label.oked')}**  \n{enterprise.oked} · {plain(enterprise.industry)}")
card[1].markdown(f"**{tr('label.division')}**  \n{enterprise.division_name(lang())}")
card[2].markdown(f"**{tr('label.joined_on')}**  \n{format_date(enterprise.joined_on, lang())}")
contacts = (enterprise.officer_name, enterprise.officer_phone, enterprise.officer_email)
card[2].markdown(f"**{tr('label.officer_name')}**  \n" + " · ".join(plain(v) if v else "–" for v in contacts))

try:
    cases = list_incidents(store(), me, bin_=bin_)
    actions = list_actions(store(), me, bin_=bin_)
    serious = investigations(store(), me, bin_=bin_)
except SafetyError as exc:
    show_error(exc)
    st.stop()
late = [a for a in serious if a["overdue"]]
if late:
    st.error(tr("enterprise.investigations_overdue", count=len(late)))
words = {k: tr("kind." + k) for k in KINDS} | {s: tr("severity." + s) for s in SEVERITIES}
tabs = st.tabs(
    [
        tr("page.dashboard"),
        tr("page.incidents"),
        tr("page.actions"),
        tr("enterprise.tab.investigations"),
        tr("page.assessment"),
    ]
)
with tabs[0]:
    indicators_section(me, bin_)
with tabs[1]:
    if not cases:
        st.info(tr("enterprise.no_cases"))
    else:
        show_table(
            arrow_table(c | {"kind": words[c["kind"]], "severity": words.get(c["severity"])} for c in cases),
            case_columns(),
        )
with tabs[2]:
    if not actions:
        st.info(tr("enterprise.no_actions"))
    else:
        show_table(
            arrow_table(a | {"state": tr("state." + a["state"]), "title": shortened(a["title"])} for a in actions),
            {
                "id": Col.number("№", grouped=False, width="small"),
                "due_on": Col.date(tr("label.due_on")),
                "state": Col.text(tr("label.state"), width=110),
                "overdue": Col.flag(tr("actions.overdue")),
                "title": Col.text(tr("label.action_title"), width=340, help=tr("actions.title_help")),
                "owner": Col.text(tr("label.owner"), width="medium"),
                "completed_on": Col.date(tr("label.completed_on")),
                "rule_id": Col.number(tr("actions.rule"), grouped=False, width="small"),
            },
        )
with tabs[3]:
    if not serious:
        st.info(tr("enterprise.no_investigations"))
    else:
        show_table(
            investigation_rows(serious, lang()),
            {
                "occurred_on": Col.date(tr("incident.col.occurred_on")),
                "severity": Col.text(tr("incident.col.severity"), width=110),
                "injured": Col.number(tr("incidents.injured"), width="small"),
            }
            | {n: Col.date(tr("investigation.step." + n)) for n in ("report", "investigation", "act")}
            | {"overdue": Col.text(tr("investigation.overdue"), width="medium")},
        )
with tabs[4]:
    history_section(me, bin_)

st.subheader(tr("enterprise.years"))
st.caption(tr("enterprise.years.help"))
years = pd.DataFrame(
    [(y.year, y.avg_headcount, y.hours_worked) for y in enterprise_years(store(), me, bin_)],
    columns=["year", "avg_headcount", "hours_worked"],
).astype("Int64")
edited = st.data_editor(
    years,
    disabled=not admin,
    num_rows="dynamic" if admin else "fixed",
    hide_index=True,
    key=f"years_{bin_}",
    placeholder="",  # a year without hours shows an empty cell
    column_config={
        "year": st.column_config.NumberColumn(
            tr("label.year"), format=grid_integer(lang(), False), step=1, required=True
        ),
        "avg_headcount": st.column_config.NumberColumn(
            tr("label.avg_headcount"), min_value=1, step=1, format=grid_integer(lang()), required=True
        ),
        "hours_worked": st.column_config.NumberColumn(
            tr("label.hours_worked"), min_value=1, step=1, format=grid_integer(lang())
        ),
    },
)
if not admin:
    st.stop()
if st.button(tr("enterprise.years.save"), key="save_years"):
    try:
        save_years(store(), me, bin_, edited.astype(object).where(edited.notna(), None).to_dict("records"))
    except SafetyError as exc:
        show_error(exc)
    else:
        st.success(tr("enterprise.years.saved"))

with st.expander(tr("enterprise.edit"), icon=":material/edit:"):
    values = enterprise_form(f"edit_{bin_}", enterprise.as_input())
    if values is not None:
        try:
            update_enterprise(store(), me, bin_, values)
        except SafetyError as exc:
            show_error(exc)
        else:
            st.success(tr("enterprise.saved"))
            st.rerun()

with st.expander(tr("enterprise.status"), icon=":material/settings:"):
    st.write(tr("enterprise.status.help"))
    left, right = st.columns(2)
    toggle = "enterprise.activate" if not enterprise.active else "enterprise.deactivate"
    if left.button(tr(toggle), key="toggle_active"):
        set_enterprise_active(store(), me, bin_, not enterprise.active)
        st.rerun()
    if right.button(tr("enterprise.delete"), key="delete_enterprise"):
        try:
            delete_enterprise(store(), me, bin_)
        except SafetyError as exc:
            show_error(exc)
        else:
            st.session_state.pop("enterprise_bin", None)
            st.rerun()
