"""One enterprise: its card, editing, deactivation and its yearly headcount and hours."""

import pandas as pd
import streamlit as st

from app_pages.history import history_section
from app_pages.ui import enterprise_form, lang, show_error, store, tr, user
from safety.access import can
from safety.errors import SafetyError
from safety.i18n import format_date
from safety.incidents import investigations
from safety.register import (
    delete_enterprise,
    enterprise_years,
    get_enterprise,
    list_enterprises,
    save_years,
    set_enterprise_active,
    update_enterprise,
)

me = user()
st.title(tr("enterprise.title"))
everyone = {e.bin: e for e in list_enterprises(store(), me, include_inactive=True)}
if not everyone:
    st.info(tr("enterprise.none"))
    st.stop()
bins = list(everyone)
if st.session_state.get("enterprise_bin") not in everyone:
    st.session_state["enterprise_bin"] = bins[0]
labels = {b: f"{e.name(lang())} · {b}" for b, e in everyone.items()}
bin_ = st.selectbox(tr("enterprise.choose"), bins, key="enterprise_bin", format_func=labels.get)
enterprise = get_enterprise(store(), me, bin_)
admin = can(me, "register.write")

if not enterprise.active:
    st.warning(tr("enterprise.inactive"))
card = st.columns(3)
card[0].markdown(f"**{tr('label.bin')}**  \n{enterprise.bin}")
card[0].markdown(f"**{tr('label.kato')}**  \n{enterprise.district_name(lang())} ({enterprise.kato})")
card[1].markdown(f"**{tr('label.oked')}**  \n{enterprise.oked} · {enterprise.industry}")
card[1].markdown(f"**{tr('label.division')}**  \n{enterprise.division_name(lang())}")
card[2].markdown(f"**{tr('label.joined_on')}**  \n{format_date(enterprise.joined_on, lang())}")
card[2].markdown(
    f"**{tr('label.officer_name')}**  \n{enterprise.officer_name or '–'} · {enterprise.officer_phone or '–'}"
    f" · {enterprise.officer_email or '–'}"
)

history_section(me, bin_)
late = [a for a in investigations(store(), me, bin_=bin_) if a["overdue"]]
if late:
    st.error(tr("enterprise.investigations_overdue", count=len(late)))
    st.dataframe([{"occurred_on": a["occurred_on"], "severity": tr("severity." + a["severity"]),
                   "overdue": ", ".join(tr("investigation.step." + n) for n in a["overdue"])} for a in late],
                 hide_index=True, column_config={
                     "occurred_on": st.column_config.DateColumn(tr("incident.col.occurred_on"), format="DD.MM.YYYY"),
                     "severity": tr("incident.col.severity"), "overdue": tr("investigation.overdue")})

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
    column_config={
        "year": st.column_config.NumberColumn(tr("label.year"), format="%d", step=1, required=True),
        "avg_headcount": st.column_config.NumberColumn(tr("label.avg_headcount"), min_value=1, step=1,
                                                       format="localized", required=True),
        "hours_worked": st.column_config.NumberColumn(tr("label.hours_worked"), min_value=1, step=1,
                                                      format="localized"),
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
