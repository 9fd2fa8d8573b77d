"""The enterprise register: search, open, add, import and export."""

from functools import partial

import streamlit as st

from app_pages.ui import enterprise_form, lang, show_error, store, tr, user
from safety.access.roles import can
from safety.errors import SafetyError, ValidationFailed
from safety.i18n import plain
from safety.register.enterprises import add_enterprise, register_rows
from safety.register.geography import DISTRICTS
from safety.register.spreadsheets import export_register, import_register

me = user()
st.title(tr("register.title"))

left, middle, right = st.columns([2, 2, 1])
districts = {None: tr("common.all")} | {d.kato: d.name(lang()) for d in DISTRICTS}
kato = left.selectbox(tr("label.kato"), list(districts), format_func=districts.get, key="register_kato")
text = middle.text_input(tr("register.search"), key="register_search")
include_inactive = right.checkbox(tr("register.include_inactive"), key="register_inactive")

rows = register_rows(store(), me, lang(), include_inactive=include_inactive, kato=kato, text=text or None)
st.caption(tr("register.count", count=len(rows)))
event = st.dataframe(
    rows,
    hide_index=True,
    on_select="rerun",
    selection_mode="single-row",
    key="register_table",
    column_config={
        "bin": st.column_config.TextColumn(tr("label.bin")),
        "name": st.column_config.TextColumn(tr("label.name")),
        "district": st.column_config.TextColumn(tr("label.kato")),
        "oked": st.column_config.TextColumn(tr("label.oked")),
        "division": st.column_config.TextColumn(tr("label.division")),
        "joined_on": st.column_config.DateColumn(tr("label.joined_on"), format="DD.MM.YYYY"),
        "officer": st.column_config.TextColumn(tr("label.officer_name")),
        "phone": st.column_config.TextColumn(tr("label.officer_phone")),
        "active": st.column_config.CheckboxColumn(tr("label.active")),
    },
)
selected = event.selection.rows if event and event.selection else []
if selected:
    st.session_state["enterprise_bin"] = rows[selected[0]]["bin"]
    st.switch_page("app_pages/enterprise.py")

if not can(me, "register.write"):
    st.download_button(
        tr("register.export"),
        data=partial(export_register, store(), me, lang()),
        file_name="vision_zero_register.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    st.stop()

with st.expander(tr("register.add"), icon=":material/add:"):
    values = enterprise_form("add_enterprise")
    if values is not None:
        try:
            added = add_enterprise(store(), me, values)
        except SafetyError as exc:
            show_error(exc)
        else:
            st.success(tr("register.added", name=added.name(lang())))

with st.expander(tr("register.io"), icon=":material/upload_file:"):
    st.write(tr("register.io.help"))
    st.download_button(
        tr("register.export"),
        data=partial(export_register, store(), me, lang()),
        file_name="vision_zero_register.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    upload = st.file_uploader(tr("register.import.upload"), type=["xlsx", "xlsm", "xls", "ods", "csv"])
    if upload is not None:
        data = upload.getvalue()
        try:
            plan = import_register(store(), me, data, upload.name, dry_run=True)
        except ValidationFailed as exc:
            show_error(exc, max_problems=0)
            st.dataframe(exc.problem_rows(lang()), hide_index=True)
        except SafetyError as exc:
            show_error(exc)
        else:
            st.info(
                tr(
                    "register.import.preview",
                    added=len(plan.added),
                    updated=len(plan.updated),
                    unchanged=plan.unchanged,
                    years=len(plan.years),
                )
            )
            for warning in plan.warnings:
                st.warning(warning.render(lang(), quote=plain))
            if st.button(tr("register.import.confirm"), type="primary"):
                try:
                    import_register(store(), me, data, upload.name)
                except SafetyError as exc:
                    show_error(exc)
                else:
                    st.success(tr("register.import.done"))
