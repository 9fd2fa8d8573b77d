"""The enterprise register: search, open, add, import and export."""

from functools import partial

import streamlit as st

from app_pages.ui import Col, choose, enterprise_form, lang, show_error, show_table, store, tr, user
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
kato = choose(left, tr("label.kato"), list(districts), "register_kato", districts.__getitem__)
text = middle.text_input(tr("register.search"), key="register_search")
include_inactive = right.checkbox(tr("register.include_inactive"), key="register_inactive")

rows = register_rows(store(), me, lang(), include_inactive=include_inactive, kato=kato, text=text or None)
st.caption(tr("register.count", count=len(rows)))
event = show_table(  # the name first; the industry, a long name, last
    rows,
    {
        "name": Col.text(tr("label.name"), width="medium"),
        "bin": Col.text(tr("label.bin"), width=110),
        "district": Col.text(tr("label.kato"), width="medium"),
        "joined_on": Col.date(tr("label.joined_on")),
        "officer": Col.text(tr("label.officer_name"), width="medium"),
        "phone": Col.text(tr("label.officer_phone"), width=130),
        "active": Col.flag(tr("label.active")),
        "oked": Col.text(tr("label.oked"), width="small"),
        "division": Col.text(tr("label.division"), width="large"),
    },
    on_select="rerun",
    selection_mode="single-row",
    key="register_table",
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
            show_table(
                exc.problem_rows(lang()),
                {
                    "sheet": Col.text(tr("import.sheet"), width="small"),
                    "row": Col.number(tr("import.col.row"), grouped=False, width="small"),
                    "column": Col.text(tr("import.col.column"), width="medium"),
                    "message": Col.text(tr("import.col.reason"), width="large"),
                },
            )
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
