"""Vision Zero Tracker: the Streamlit entrypoint. It builds the navigation, draws the sidebar and runs the page."""

import streamlit as st

from app_pages.ui import lang, store, tr
from safety.demo import demo_loaded
from safety.i18n import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES

st.set_page_config(page_title="Vision Zero Tracker", page_icon="🦺", layout="wide")

if "lang" not in st.session_state:
    wanted = st.query_params.get("lang", DEFAULT_LANGUAGE)
    st.session_state["lang"] = wanted if wanted in LANGUAGES else DEFAULT_LANGUAGE


def _remember_language() -> None:
    st.query_params["lang"] = st.session_state["lang"]


st.sidebar.selectbox(
    "🌐 " + tr("sidebar.language"),
    LANGUAGES,
    key="lang",
    format_func=LANGUAGE_NAMES.get,
    on_change=_remember_language,
)

pages = [
    st.Page("app_pages/home.py", title=tr("page.home"), icon="🏠", url_path="home", default=True),
    st.Page("app_pages/enterprises.py", title=tr("page.enterprises"), icon="🏭", url_path="enterprises"),
    st.Page("app_pages/enterprise.py", title=tr("page.enterprise"), icon="📋", url_path="enterprise"),
]
page = st.navigation(pages)

if demo_loaded(store()):
    st.info(tr("demo.notice"), icon="🧪")
st.sidebar.caption(tr("sidebar.footer", lang=lang()))
page.run()
