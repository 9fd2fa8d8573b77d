"""Users (admins): accounts, roles and enterprises, one-time passwords."""

import streamlit as st

from app_pages.ui import Col, flash, lang, show_error, show_flashes, show_table, sign_out, store, tr, user
from safety.access.roles import Role
from safety.access.users import create_user, list_users, reset_password, update_user
from safety.demo import demo_loaded, remove_demo
from safety.errors import SafetyError
from safety.i18n import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES
from safety.register.enterprises import list_enterprises

me = user()
st.title(tr("users.title"))
show_flashes()  # what the last change did, above the table that now shows it
accounts = list_users(store(), me)
show_table(  # who and what role first; the sign-in state after
    [a | {"role": tr("role." + a["role"]), "language": LANGUAGE_NAMES.get(a["language"])} for a in accounts],
    {
        "username": Col.text(tr("label.username"), width=140),
        "full_name": Col.text(tr("label.full_name"), width="medium"),
        "role": Col.text(tr("label.role"), width=160),
        "enterprise_bin": Col.text(tr("label.bin"), width=110),
        "active": Col.flag(tr("label.active")),
        "last_sign_in_at": Col.moment(tr("users.last_sign_in")),
        "email": Col.text(tr("label.email"), width="medium"),
        "language": Col.text(tr("label.language"), width="small"),
        "locked_until": Col.moment(tr("users.locked_until")),
        "failed_attempts": Col.number(tr("users.failed"), width="small"),
        "must_change_password": Col.flag(tr("users.must_change")),
        "is_demo": Col.flag(tr("users.demo")),
    },
)

roles = list(Role)
role_names = {r: tr("role." + r.value) for r in roles}
enterprises = {None: "—"} | {e.bin: f"{e.name(lang())} · {e.bin}" for e in list_enterprises(store(), me)}
bins = list(enterprises)


def account_form(key: str, initial: dict | None = None) -> dict | None:
    """Draw the account form; return its values when submitted."""
    initial = initial or {}
    with st.form(key):
        left, right = st.columns(2)
        username = left.text_input(
            tr("label.username"), value=initial.get("username", ""), disabled=bool(initial), help=tr("help.username")
        )
        full_name = right.text_input(tr("label.full_name"), value=initial.get("full_name", ""))
        email = left.text_input(tr("label.email"), value=initial.get("email") or "")
        language = right.selectbox(
            tr("label.language"),
            LANGUAGES,
            format_func=LANGUAGE_NAMES.get,
            index=LANGUAGES.index(initial.get("language") or DEFAULT_LANGUAGE),
        )
        role = right.selectbox(
            tr("label.role"),
            roles,
            format_func=role_names.get,
            index=roles.index(Role(initial["role"])) if initial else 3,
        )
        bin_ = left.selectbox(
            tr("users.enterprise"),
            bins,
            format_func=enterprises.get,
            index=bins.index(initial.get("enterprise_bin")) if initial.get("enterprise_bin") in bins else 0,
            help=tr("help.user_enterprise"),
        )
        active = right.checkbox(tr("label.active"), value=initial.get("active", True))
        if not st.form_submit_button(tr("action.save" if initial else "action.add"), type="primary"):
            return None
    return {
        "username": initial.get("username", username),
        "full_name": full_name,
        "email": email,
        "language": language,
        "role": role,
        "enterprise_bin": bin_,
        "active": active,
    }


with st.expander(tr("users.add"), icon=":material/person_add:"):
    added = st.session_state.get("users_added", 0)  # a new form after each account added: an empty one
    values = account_form(f"add_user_{added}")
    if values is not None:
        try:
            created, password = create_user(store(), me, values)
        except SafetyError as exc:
            show_error(exc)  # the form keeps what was typed, to be put right
        else:
            st.session_state["users_added"] = added + 1
            flash("users.created", password, username=created.username)
            st.rerun()

with st.expander(tr("users.edit"), icon=":material/manage_accounts:"):
    names = [a["username"] for a in accounts]
    chosen = st.selectbox(tr("label.username"), names, key="users_chosen")
    if chosen:
        current = next(a for a in accounts if a["username"] == chosen)
        values = account_form(f"edit_user_{chosen}", current)
        if values is not None:
            try:
                update_user(store(), me, chosen, values)
            except SafetyError as exc:
                show_error(exc)
            else:
                flash("users.saved")
                st.rerun()
        if st.button(tr("users.reset"), key="reset_password"):
            try:
                password = reset_password(store(), me, chosen)
            except SafetyError as exc:
                show_error(exc)
            else:
                st.success(tr("users.reset_done", username=chosen))
                st.code(password, language=None)

if demo_loaded(store()):
    with st.expander(tr("users.demo_remove"), icon=":material/delete_sweep:"):
        st.caption(tr("users.demo_remove_help"))
        sure = st.checkbox(tr("users.demo_remove_confirm"), key="demo_remove_sure")
        if st.button(tr("users.demo_remove"), disabled=not sure, key="demo_remove"):
            try:
                remove_demo(store(), me)
            except SafetyError as exc:
                show_error(exc)
            else:
                if me.is_demo:
                    sign_out()
                st.rerun()
