"""Vision Zero Tracker: the Streamlit entrypoint. It builds the navigation, draws the sidebar and runs the page."""

import streamlit as st

from app_pages.ui import lang, store, tr
from safety.demo import demo_loaded
from safety.i18n import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES

st.set_page_config(page_title="Vision Zero Tracker", layout="wide")  # default favicon: no request leaves the host

if "lang" not in st.session_state:
    wanted = st.query_params.get("lang", DEFAULT_LANGUAGE)
    st.session_state["lang"] = wanted if wanted in LANGUAGES else DEFAULT_LANGUAGE


st.sidebar.selectbox(
    tr("sidebar.language"),
    LANGUAGES,
    key="lang",
    format_func=LANGUAGE_NAMES.get,
)
st.query_params["lang"] = lang()  # page links drop the query string; this keeps reloads and shared links in it

# (file, catalogue key of the title, url path); the url stays the same in every language. No page icons:
# Streamlit makes the current page's icon the favicon and fetches Material ones from an outside host.
PAGES = [
    ("app_pages/home.py", "page.home", "home"),
    ("app_pages/enterprises.py", "page.enterprises", "enterprises"),
    ("app_pages/enterprise.py", "page.enterprise", "enterprise"),
]
pages = [st.Page(path, title=tr(key), url_path=url, default=(url == "home")) for path, key, url in PAGES]
page = st.navigation(pages)

if demo_loaded(store()):
    st.info(tr("demo.notice"), icon=":material/science:")
st.sidebar.caption(tr("sidebar.footer", lang=lang()))
page.run()
