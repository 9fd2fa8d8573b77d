"""Vision Zero Tracker: the Streamlit entrypoint. It builds the navigation, draws the sidebar and runs the page."""

import streamlit as st

from app_pages.ui import lang, store, tr
from safety.demo import demo_loaded
from safety.i18n import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES

st.set_page_config(page_title="Vision Zero Tracker", page_icon=":material/health_and_safety:", layout="wide")

if "lang" not in st.session_state:
    wanted = st.query_params.get("lang", DEFAULT_LANGUAGE)
    st.session_state["lang"] = wanted if wanted in LANGUAGES else DEFAULT_LANGUAGE


def _remember_language() -> None:
    st.query_params["lang"] = st.session_state["lang"]


st.sidebar.selectbox(
    tr("sidebar.language"),
    LANGUAGES,
    key="lang",
    format_func=LANGUAGE_NAMES.get,
    on_change=_remember_language,
)

# (file, catalogue key of the title, icon, url path); the url stays the same in every language
PAGES = [
    ("app_pages/home.py", "page.home", ":material/home:", "home"),
    ("app_pages/enterprises.py", "page.enterprises", ":material/factory:", "enterprises"),
    ("app_pages/enterprise.py", "page.enterprise", ":material/badge:", "enterprise"),
]
pages = [
    st.Page(path, title=tr(key), icon=icon, url_path=url, default=(url == "home")) for path, key, icon, url in PAGES
]
page = st.navigation(pages)

if demo_loaded(store()):
    st.info(tr("demo.notice"), icon=":material/science:")
st.sidebar.caption(tr("sidebar.footer", lang=lang()))
page.run()
