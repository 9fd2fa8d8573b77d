"""Vision Zero Tracker: the Streamlit entrypoint. It signs the user in, builds the navigation the user's role
allows, draws the sidebar and runs the page."""

import datetime as dt

import streamlit as st

from app_pages.navigation import PAGES
from app_pages.ui import keep_cookie, lang, script_slot, show_error, sign_out, signed_in_user, store, tr
from safety.access.roles import Role, User, can
from safety.backup import start_daily_backup
from safety.demo import demo_loaded
from safety.errors import SafetyError
from safety.i18n import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, plain
from safety.indicators.charts import warm_up
from safety.work.daily_reminders import start_daily_reminders
from safety.work.items import due_items


def due_count(user: User) -> None:
    """How many of the person's items are overdue or due within 14 days, linked to the home page that lists them
    (administrators have no items)."""
    if user.must_change_password or user.role is Role.ADMIN:
        return
    try:
        count = len(due_items(store(), user, dt.date.today(), lang()))
    except SafetyError:  # the page itself shows what is wrong
        return
    if count:
        st.sidebar.page_link(
            "app_pages/home.py",
            label=tr("sidebar.due", count=count),
            icon=":material/notifications:",
            help=tr("sidebar.due.help"),
        )
    else:
        st.sidebar.caption(tr("sidebar.due.none"))


def main() -> None:
    """One run of the app for this session."""
    st.set_page_config(page_title="Vision Zero Tracker", layout="wide")  # default favicon: no request leaves the host

    if "lang" not in st.session_state:
        wanted = st.query_params.get("lang", DEFAULT_LANGUAGE)
        st.session_state["lang"] = wanted if wanted in LANGUAGES else DEFAULT_LANGUAGE
    st.sidebar.selectbox(tr("sidebar.language"), LANGUAGES, key="lang", format_func=LANGUAGE_NAMES.get)
    st.query_params["lang"] = lang()  # page links drop the query string; this keeps reloads and shared links in it

    user = signed_in_user()
    if user is None:
        # Every address shows the sign-in form, so a link to any page asks for sign-in and then opens it.
        pages = [
            st.Page("app_pages/signin.py", title=tr("page.signin"), url_path=url, default=(url == "home"))
            for _, _, url, _ in PAGES
        ]
        page = st.navigation(pages, position="hidden")
    elif user.must_change_password:
        account = st.Page("app_pages/account.py", title=tr("page.account"), url_path="account", default=True)
        page = st.navigation([account], position="hidden")
    else:
        allowed = [(path, key, url) for path, key, url, action in PAGES if can(user, action)]
        page = st.navigation(
            [st.Page(path, title=tr(key), url_path=url, default=(url == "home")) for path, key, url in allowed]
        )

    keep_cookie()
    start_daily_backup(store())  # with $VZ_BACKUP_DIR set: the day's first run starts its backup, in the background
    start_daily_reminders(store())  # with SMTP settings: the first run from $VZ_REMIND_HOUR sends the day's digests
    warm_up()  # the chart renderer starts in the background, so the first report or PNG download need not wait
    if user is not None:
        st.sidebar.divider()
        st.sidebar.markdown(f"**{plain(user.full_name)}**  \n{tr('role.' + user.role.value)}")
        due_count(user)
        if st.sidebar.button(tr("auth.sign_out"), key="sign_out"):
            sign_out()
            st.rerun()
    if demo_loaded(store()):
        st.info(tr("demo.notice"), icon=":material/science:")
    st.sidebar.caption(tr("sidebar.footer"))
    try:
        page.run()
    except SafetyError as exc:  # one a page did not expect (a file damaged after opening): a message, no traceback
        show_error(exc)


with script_slot():
    main()
