"""Home: what the tracker is for, the programme's figures and where to go next."""

import streamlit as st

from app_pages.ui import draw, lang, store, tr, user
from safety.access.roles import can
from safety.i18n import format_number, format_percent
from safety.indicators import figures
from safety.indicators.programme import programme_summary

st.title(tr("home.title"))
st.write(tr("home.intro"))

summary = programme_summary(store(), user())
cols = st.columns(4)
cols[0].metric(tr("home.metric.enterprises"), format_number(summary.enterprises, lang()))
cols[1].metric(tr("home.metric.districts"), format_number(summary.districts, lang()))
cols[2].metric(tr("home.metric.industries"), format_number(summary.industries, lang()))
cols[3].metric(tr("home.metric.headcount", year=summary.latest_year or "–"), format_number(summary.headcount, lang()))
cols = st.columns(4)
cols[0].metric(
    tr("home.metric.score"),
    format_percent(summary.average_score, lang()),
    help=tr("home.metric.score_help", count=summary.assessed),
)
cols[1].metric(tr("home.metric.assessed"), format_number(summary.assessed, lang()))
cols[2].metric(tr("home.metric.overdue_actions"), format_number(summary.overdue_actions, lang()))

st.subheader(tr("home.by_district"))
draw(figures.districts(store(), user(), lang()))

st.subheader(tr("home.next"))
if can(user(), "register.list"):
    st.page_link("app_pages/enterprises.py", label=tr("home.next.register"), icon=":material/factory:")
st.page_link("app_pages/enterprise.py", label=tr("home.next.enterprise"), icon=":material/badge:")
