"""Audit trail (admins): who changed what and when, with filters and an .xlsx export; and the database backup."""

import datetime as dt
from functools import partial

import streamlit as st

from app_pages.ui import Col, choose, lang, show_table, store, tr, user
from safety.access.audit import audit_actions, audit_entries, export_audit
from safety.access.roles import can
from safety.access.users import list_users
from safety.backup import SUFFIX, backup_bytes
from safety.register.enterprises import list_enterprises

me = user()
st.title(tr("audit.title"))
st.caption(tr("audit.help"))

left, middle, right = st.columns(3)
everyone = tr("common.all")
usernames = {None: everyone} | {name: name for name in [a["username"] for a in list_users(store(), me)] + ["cli"]}
username = choose(left, tr("label.username"), list(usernames), "audit_user", usernames.__getitem__)
enterprises = {None: everyone} | {
    e.bin: f"{e.name(lang())} · {e.bin}" for e in list_enterprises(store(), me, include_inactive=True)
}
enterprise = choose(middle, tr("enterprise.choose"), list(enterprises), "audit_enterprise", enterprises.__getitem__)
actions = {None: everyone} | {a: a for a in audit_actions(store(), me)}
action = choose(right, tr("audit.action"), list(actions), "audit_action", actions.__getitem__)
today = dt.date.today()
period = st.date_input(
    tr("audit.period"), value=(today - dt.timedelta(days=90), today), format="DD.MM.YYYY", key="audit_period"
)
since, until = (period[0], period[-1]) if period else (None, None)

rows = audit_entries(store(), me, username=username, enterprise_bin=enterprise, action=action, since=since, until=until)
st.caption(tr("audit.count", count=len(rows)))
show_table(  # the changed values (JSON) last, widest
    rows,
    {
        "logged_at": Col.moment(tr("audit.col.logged_at")),
        "username": Col.text(tr("audit.col.username"), width=110),
        "action": Col.text(tr("audit.col.action"), width="medium"),
        "entity": Col.text(tr("audit.col.entity"), width=110),
        "entity_id": Col.text(tr("audit.col.entity_id"), width="small"),
        "enterprise_bin": Col.text(tr("audit.col.enterprise_bin"), width=110),
        "before": Col.text(tr("audit.col.before"), width="large"),
        "after": Col.text(tr("audit.col.after"), width="large"),
    },
)
st.download_button(
    tr("audit.export"),
    data=partial(export_audit, store(), me, rows, lang()),
    file_name="vision_zero_audit.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)

if can(me, "database.maintain"):
    # The app holds the database file, so this is the way to back it up while it runs; made only on a click.
    st.subheader(tr("backup.title"))
    st.caption(tr("backup.help"))
    st.download_button(
        tr("backup.download"),
        data=partial(backup_bytes, store(), me),
        file_name=f"vision_zero_{dt.datetime.now():%Y-%m-%d_%H%M}{SUFFIX}",
        mime="application/zip",
        key="backup_download",
    )
