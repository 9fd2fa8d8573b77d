"""Reports: the regional report or an enterprise's report card, as PDF or Excel, each file built only when its button
is clicked. An enterprise's manager and safety officer get their own enterprise's card and nothing else."""

import datetime as dt
from functools import partial

import streamlit as st

from app_pages.ui import choose, lang, show_error, store, tr, user
from safety.access.roles import can
from safety.errors import SafetyError
from safety.i18n import LANGUAGE_NAMES, LANGUAGES
from safety.indicators.dashboard import enterprise_choices, enterprise_labels
from safety.indicators.programme import latest_year
from safety.register.enterprises import VISION_ZERO_LAUNCH, get_enterprise
from safety.register.geography import DISTRICTS, DIVISIONS
from safety.reports.files import FORMATS, file_name, report_file

MIME = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
ICONS = {"pdf": ":material/picture_as_pdf:", "xlsx": ":material/table_view:"}

me = user()
db = store()
st.title(tr("page.reports"))
latest = latest_year(db, me) or dt.date.today().year
years = list(range(max(latest, dt.date.today().year), VISION_ZERO_LAUNCH.year - 1, -1))
left, right = st.columns(2)
year = choose(left, tr("label.year"), years, "report_year", str, latest)
# the report's language starts as the page's, and follows it when the page's changes
languages = list(LANGUAGES)
report_lang = right.selectbox(
    tr("report.page.language"),
    languages,
    index=languages.index(lang()),
    format_func=LANGUAGE_NAMES.__getitem__,
    key=f"report_lang@{lang()}",
)

district = division = bin_ = None
try:
    if can(me, "reports.regional"):
        kinds = {"regional": tr("report.page.kind.regional"), "card": tr("report.card.title")}
        kind = choose(st, tr("report.page.kind"), list(kinds), "report_kind", kinds.__getitem__)
        cols = st.columns(3 if kind == "card" else 2)
        everyone = {None: tr("common.all")}
        districts = everyone | {d.kato: d.name(lang()) for d in DISTRICTS}
        district = choose(cols[0], tr("label.kato"), list(districts), "report_district", districts.__getitem__)
        divisions = everyone | {d.code: f"{d.code} · {d.name(lang())}" for d in DIVISIONS}
        division = choose(cols[1], tr("label.division"), list(divisions), "report_division", divisions.__getitem__)
        if kind == "card":
            names = enterprise_labels(db, me, lang(), district=district, division=division)
            bin_ = choose(cols[2], tr("enterprise.choose"), list(names), "report_bin", names.__getitem__)
            if bin_ is None:
                st.info(tr("report.page.pick_enterprise"))
                st.stop()
    else:
        own = enterprise_choices(db, me)
        if not own:
            st.info(tr("enterprise.none"))
            st.stop()
        bin_ = own[0].bin
        st.caption(tr("report.page.own", name=own[0].name(lang())))
    st.caption(tr("report.page.about.card" if bin_ else "report.page.about.regional"))
    if bin_:
        get_enterprise(db, me, bin_)  # refused here, where the page can say so, not inside the download
except SafetyError as exc:
    show_error(exc)
    st.stop()


def file_bytes(fmt: str) -> bytes:
    """The report's file in the format, built when its button is clicked."""
    return report_file(db, me, year=year, lang=report_lang, fmt=fmt, district=district, division=division, bin_=bin_)[1]


with st.container(horizontal=True):
    for fmt in FORMATS:
        st.download_button(
            tr(f"report.page.{fmt}"),
            data=partial(file_bytes, fmt),
            file_name=file_name(fmt, year=year, district=district, division=division, bin_=bin_),
            mime=MIME[fmt],
            key=f"report_{fmt}",
            help=tr("report.page.help"),
            on_click="ignore",
            icon=ICONS[fmt],
        )
