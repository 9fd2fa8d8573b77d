"""Sign-in: the first administrator on an empty database, then username and password (or single sign-on)."""

import streamlit as st

from app_pages.ui import Col, lang, show_error, show_table, sign_in, sso_configured, store, tr
from safety.access.auth import authenticate, create_admin, has_users, user_for_email
from safety.demo import demo_credentials
from safety.errors import SafetyError, ValidationFailed
from safety.i18n import plain, t

st.title(tr("signin.title"))
notice = st.session_state.pop("signin_notice", None)
if notice:
    st.warning(tr(notice))

if not has_users(store()):
    st.info(tr("signin.first_admin"))
    with st.form("first_admin"):
        username = st.text_input(tr("label.username"), value="admin")
        full_name = st.text_input(tr("label.full_name"))
        password = st.text_input(tr("label.password"), type="password", help=tr("help.password"))
        again = st.text_input(tr("label.password_again"), type="password")
        if st.form_submit_button(tr("signin.create_admin"), type="primary"):
            try:
                if password != again:
                    raise ValidationFailed("password.mismatch")
                sign_in(create_admin(store(), username, password, full_name))
            except SafetyError as exc:
                show_error(exc)
            else:
                st.rerun()
    st.stop()


def _submit() -> None:
    """Sign in with the form's values before the run the button starts, so that run already opens the app (no
    second run for the navigation to catch up); a refusal waits in the session for the page to show."""
    username, password = st.session_state.get("signin_username", ""), st.session_state.get("signin_password", "")
    st.session_state["signin_password"] = ""
    try:
        sign_in(authenticate(store(), username, password))
    except SafetyError as exc:
        st.session_state["signin_refused"] = exc.render(lang(), quote=plain)


with st.form("sign_in"):
    st.text_input(tr("label.username"), key="signin_username")
    st.text_input(tr("label.password"), type="password", key="signin_password")
    st.form_submit_button(tr("auth.sign_in"), type="primary", on_click=_submit)
refused = st.session_state.pop("signin_refused", None)
if refused:
    st.error(refused)

if sso_configured():
    if st.user.is_logged_in:
        account = user_for_email(store(), str(st.user.get("email") or ""))
        if account is None:
            st.error(tr("signin.sso_unknown", email=st.user.get("email") or "?"))
        else:
            sign_in(account)
            st.rerun()
    st.button(tr("signin.sso"), on_click=st.login)

accounts = demo_credentials(store())
if accounts:
    with st.expander(tr("signin.demo_accounts"), expanded=True):
        st.caption(tr("signin.demo_help"))
        show_table(
            [
                {"username": a["username"], "role": t("role." + a["role"], lang()), "password": a["password"]}
                for a in accounts
            ],
            {
                "username": Col.text(tr("label.username")),
                "role": Col.text(tr("label.role")),
                "password": Col.text(tr("label.password")),
            },
        )
