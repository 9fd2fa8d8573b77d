"""Helpers shared by the pages: the cached store, the current language and error display."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from safety.db import Store, default_db_path, open_store
from safety.demo import ensure_demo
from safety.errors import SafetyError
from safety.geography import DISTRICTS
from safety.i18n import DEFAULT_LANGUAGE, normalise_language, t
from safety.register import VISION_ZERO_LAUNCH


@st.cache_resource(show_spinner=False)
def _open_store(path: str) -> Store:
    store = open_store(path)
    ensure_demo(store)
    return store


def store() -> Store:
    """Return the process's one Store; on a database that cannot be opened, show why and stop the page."""
    try:
        return _open_store(str(default_db_path()))
    except SafetyError as exc:
        st.error(exc.render(lang()))
        st.stop()
        raise  # st.stop() never returns; this keeps type checkers content


def lang() -> str:
    """Return the language chosen in the sidebar."""
    return normalise_language(st.session_state.get("lang", DEFAULT_LANGUAGE))


def tr(key: str, **params: Any) -> str:
    """Translate a catalogue key into the current language."""
    return t(key, lang(), **params)


def show_error(exc: SafetyError) -> None:
    """Show a library error in the user's language."""
    st.error(exc.render(lang()))


def enterprise_form(key: str, initial: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """Draw the add/edit form of an enterprise; return the entered values when it is submitted."""
    initial = initial or {}
    editing = bool(initial)
    katos = [d.kato for d in DISTRICTS]
    names = {d.kato: d.name(lang()) for d in DISTRICTS}
    with st.form(key):
        left, right = st.columns(2)
        bin_ = left.text_input(tr("label.bin"), value=initial.get("bin", ""), max_chars=12, disabled=editing,
                               help=tr("help.bin"))
        kato = right.selectbox(tr("label.kato"), katos, format_func=names.get,
                               index=katos.index(initial["kato"]) if initial.get("kato") in katos else 0)
        name_ru = left.text_input(tr("label.name_ru"), value=initial.get("name_ru", ""))
        name_kk = right.text_input(tr("label.name_kk"), value=initial.get("name_kk", ""))
        oked = left.text_input(tr("label.oked"), value=initial.get("oked", ""), help=tr("help.oked"))
        industry = right.text_input(tr("label.industry"), value=initial.get("industry", ""))
        joined_on = left.date_input(tr("label.joined_on"), value=initial.get("joined_on", dt.date.today()),
                                    min_value=VISION_ZERO_LAUNCH, max_value=dt.date.today(), format="DD.MM.YYYY")
        officer_name = right.text_input(tr("label.officer_name"), value=initial.get("officer_name") or "")
        officer_phone = left.text_input(tr("label.officer_phone"), value=initial.get("officer_phone") or "")
        officer_email = right.text_input(tr("label.officer_email"), value=initial.get("officer_email") or "")
        submitted = st.form_submit_button(tr("action.save" if editing else "action.add"), type="primary")
    if not submitted:
        return None
    return {
        "bin": initial.get("bin", bin_), "name_ru": name_ru, "name_kk": name_kk, "kato": kato, "oked": oked,
        "industry": industry, "joined_on": joined_on, "officer_name": officer_name,
        "officer_phone": officer_phone, "officer_email": officer_email,
    }
