"""Home: each role's own view. The officer and the enterprise manager see their work with its deadlines, the
regional manager the enterprises that need attention above the programme's figures, the administrator the
accounts, the last backup and the database size."""

import streamlit as st

from app_pages import home_sections
from app_pages.ui import tr, user
from safety.access.roles import Role

me = user()
st.title(tr("home.title"))
if me.role.scoped:
    home_sections.own_work(me)
else:
    if me.role is Role.REGIONAL_MANAGER:
        home_sections.attention(me)
    else:
        home_sections.admin(me)
    st.subheader(tr("home.programme"))
    home_sections.programme(me)
