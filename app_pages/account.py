"""My account: who I am, and changing my password (required after a one-time password)."""

import streamlit as st

from app_pages.ui import flash, show_error, show_flashes, sign_in, store, tr, user
from safety.access.auth import change_password, current_user
from safety.access.users import email_language, set_email_language
from safety.errors import SafetyError, ValidationFailed
from safety.i18n import LANGUAGE_NAMES, LANGUAGES, plain

me = user()
st.title(tr("account.title"))
st.markdown(f"**{plain(me.full_name)}** · {plain(me.username)} · {tr('role.' + me.role.value)}")
show_flashes()
if me.must_change_password:
    st.warning(tr("account.must_change"))

with st.form("change_password", clear_on_submit=True):
    old = st.text_input(tr("label.old_password"), type="password")
    new = st.text_input(tr("label.new_password"), type="password", help=tr("help.password"))
    again = st.text_input(tr("label.password_again"), type="password")
    if st.form_submit_button(tr("account.change"), type="primary"):
        try:
            if new != again:
                raise ValidationFailed("password.mismatch")
            change_password(store(), me, old, new)
        except SafetyError as exc:
            show_error(exc)
        else:
            fresh = current_user(store(), me.id)
            if fresh is not None:
                sign_in(fresh)  # the change ended every session of the account, this one too
            if me.must_change_password:  # the pages the change unlocks appear after a rerun
                flash("account.changed")
                st.rerun()
            st.success(tr("account.changed"))

with st.form("email_language"):
    current = email_language(store(), me)
    chosen = st.selectbox(
        tr("label.language"),
        LANGUAGES,
        index=LANGUAGES.index(current),
        format_func=LANGUAGE_NAMES.get,
        help=tr("account.language_help", email=me.email) if me.email else None,
    )
    if not me.email:
        st.caption(tr("account.no_email"))
    if st.form_submit_button(tr("action.save")):
        try:
            set_email_language(store(), me, chosen)
        except SafetyError as exc:
            show_error(exc)
        else:
            st.success(tr("account.language_saved"))
