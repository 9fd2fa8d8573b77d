"""The home page's sections: a person's own work (officer, enterprise manager), the enterprises that need
attention (regional manager), the programme's figures and the administrator's overview. Every item opens the page
where its work is done."""

import datetime as dt

import streamlit as st

from app_pages.ui import Col, draw, lang, set_choice, show_table, store, titled_metric, tr
from safety.access.roles import Role, User
from safety.i18n import format_datetime, format_number, format_percent, plain, t
from safety.indicators import figures
from safety.indicators.programme import programme_summary
from safety.work.attention import needs_attention
from safety.work.items import WorkItem, my_items
from safety.work.overview import admin_overview
from safety.work.wording import deadline, kind_name, progress

SHOWN = 8  # items a section lists; the rest are on the page the section links to
RANKED = 10  # enterprises the attention list shows


def open_item(item: WorkItem) -> None:
    """Open the page where the item's work is done, with its enterprise (and its checklist, action or accident)
    chosen there."""
    picks: dict[str, object] = {"enterprise_bin": item.bin}
    if item.page.endswith("assessment.py"):
        picks["assessment_checklist"] = item.ref
    elif item.page.endswith("actions.py"):
        picks |= {"act_bin": item.bin, "act_rule": None, "act_state": None, "act_overdue": False}
        picks["act_chosen"] = item.ref
    elif item.page.endswith("incidents.py"):
        picks |= {"inc_bin": item.bin, "inc_kind": None}
        if item.kind == "investigation_step":
            picks["inv_case"] = item.ref
    for key, value in picks.items():
        st.session_state[key] = value
        set_choice(key, value)  # the same choice for a box drawn with ui.choose
    st.switch_page(item.page)


def _when(item: WorkItem) -> str:
    """The item's deadline and how far it is, in the language (red when it has passed, orange on the day)."""
    text = deadline(item, lang())
    if not text:
        return ""
    if item.overdue:
        return f":red[{text}]"
    return f":orange[{text}]" if item.days_left == 0 else text


def _rows(items: list[WorkItem], empty: str, more_page: str | None = None, more_title: str = "") -> None:
    """A section's items, each with its deadline and a button that opens it; a friendly line when there is none."""
    if not items:
        st.caption(tr(empty))
        return
    for item in items[:SHOWN]:
        left, middle, right = st.columns([6, 4, 1.3], vertical_alignment="center")
        left.markdown(plain(item.label))
        middle.markdown(_when(item))
        if right.button(tr("home.open"), key=f"open:{item.kind}:{item.ref}"):
            open_item(item)
    if len(items) > SHOWN and more_page:
        st.page_link(more_page, label=tr("home.more", count=len(items) - SHOWN, page=more_title))


def own_work(me: User) -> None:
    """The officer's or enterprise manager's own list: drafts, actions, investigations, the next self-assessment
    and the last import."""
    items = my_items(store(), me, dt.date.today(), lang())
    kinds: dict[str, list[WorkItem]] = {}
    for item in items:
        kinds.setdefault(item.kind, []).append(item)
    st.subheader(tr("home.mine.title"))
    if items:
        st.caption(tr("home.mine.intro", enterprise=items[0].enterprise_name))

    st.markdown(f"**{kind_name('draft', lang())}**")
    if not kinds.get("draft"):
        st.caption(tr("home.draft.none"))
    for item in kinds.get("draft", []):
        answered, total = item.progress or (0, 0)
        left, right = st.columns([8, 2], vertical_alignment="center")  # room for «Жалғастыру»
        text = f"{plain(item.label)}: {progress(item, lang())}"
        left.progress(answered / total if total else 0.0, text=text)
        if right.button(tr("home.continue"), key=f"open:draft:{item.ref}", type="primary"):
            open_item(item)

    if me.role is Role.ENTERPRISE_MANAGER:
        st.markdown(f"**{tr('home.section.to_confirm')}**")
        _rows(kinds.get("action_to_confirm", []), "home.to_confirm.none", "app_pages/actions.py", tr("page.actions"))
    st.markdown(f"**{tr('home.section.actions')}**")
    actions = kinds.get("action_overdue", []) + kinds.get("action_due", [])
    _rows(actions, "home.actions.none", "app_pages/actions.py", tr("page.actions"))
    st.markdown(f"**{tr('home.section.investigations')}**")
    _rows(
        kinds.get("investigation_step", []), "home.investigations.none", "app_pages/incidents.py", tr("page.incidents")
    )
    st.markdown(f"**{tr('home.section.assessment')}**")
    _rows(kinds.get("assessment_due", []), "home.draft.none")
    st.markdown(f"**{kind_name('last_import', lang())}**")
    _rows(kinds.get("last_import", []), "home.import.none")


def attention(me: User) -> None:
    """The regional manager's ranked list of enterprises that need attention, each with its reasons, and the
    region's overdue investigation steps."""
    st.subheader(tr("home.attention.title"), help=tr("home.attention.help"))
    ranked = needs_attention(store(), me, dt.date.today(), lang())
    if not ranked:
        st.caption(tr("home.attention.none"))
    for place, found in enumerate(ranked[:RANKED], start=1):
        with st.container(border=True):
            left, right = st.columns([8, 2], vertical_alignment="center")  # room for «Жалғастыру»
            score = tr("home.attention.score", count=found.score)
            left.markdown(f"**{place}. {plain(found.name)}** · {found.bin} · {score}")
            left.markdown("\n".join(f"- {plain(reason.text)}" for reason in found.reasons))
            if right.button(tr("home.open"), key=f"attention:{found.bin}"):
                st.session_state["enterprise_bin"] = found.bin
                st.switch_page("app_pages/enterprise.py")
    if len(ranked) > RANKED:
        st.page_link(
            "app_pages/enterprises.py",
            label=tr("home.more", count=len(ranked) - RANKED, page=tr("page.enterprises")),
        )
    steps = my_items(store(), me, dt.date.today(), lang())
    if steps:
        with st.expander(f"{tr('home.section.investigations')} ({len(steps)})", icon=":material/gavel:"):
            _rows_named(steps)


def _rows_named(items: list[WorkItem]) -> None:
    """Items of many enterprises: each names its enterprise."""
    for item in items:
        left, middle, right = st.columns([6, 4, 1.3], vertical_alignment="center")
        left.markdown(f"**{plain(item.enterprise_name)}**  \n{plain(item.label)}")
        middle.markdown(_when(item))
        if right.button(tr("home.open"), key=f"open:{item.kind}:{item.ref}:{item.due}"):
            open_item(item)


def programme(me: User) -> None:
    """The programme's headline figures and the enterprises by district."""
    summary = programme_summary(store(), me)
    cols = st.columns(4)  # titled_metric: the titles wrap instead of being cut in a quarter of the page
    titled_metric(cols[0], tr("home.metric.enterprises"), format_number(summary.enterprises, lang()))
    titled_metric(cols[1], tr("home.metric.districts"), format_number(summary.districts, lang()))
    titled_metric(cols[2], tr("home.metric.industries"), format_number(summary.industries, lang()))
    year = summary.latest_year or "–"
    titled_metric(cols[3], tr("home.metric.headcount", year=year), format_number(summary.headcount, lang()))
    cols = st.columns(4)
    titled_metric(
        cols[0],
        tr("home.metric.score"),
        format_percent(summary.average_score, lang()),
        help=tr("home.metric.score_help", count=summary.assessed),
    )
    titled_metric(cols[1], tr("home.metric.assessed"), format_number(summary.assessed, lang()))
    titled_metric(cols[2], tr("home.metric.overdue_actions"), format_number(summary.overdue_actions, lang()))
    st.subheader(tr("home.by_district"))
    draw(figures.districts(store(), me, lang()))


def admin(me: User) -> None:
    """The administrator's overview: accounts by role, the last backup, the database size."""
    overview = admin_overview(store(), me)
    st.subheader(tr("home.admin.title"))
    left, right = st.columns(2)
    size = overview.database_bytes
    titled_metric(left, tr("home.admin.db_size"), _megabytes(size) if size is not None else "–")
    backup = overview.last_backup
    titled_metric(right, tr("home.admin.backup"), format_datetime(backup.at, lang()) if backup else "–")
    if backup:
        right.caption(
            tr(
                "home.admin.backup.detail",
                file=backup.file or "–",
                size=_megabytes(backup.size) if backup.size is not None else "–",
                who=backup.by or "–",
            )
        )
    else:
        right.caption(tr("home.admin.backup.none"))
    folder = overview.backup_dir
    right.caption(tr("home.admin.backup.daily", folder=folder) if folder else tr("home.admin.backup.no_daily"))
    st.markdown(f"**{tr('home.admin.users')}**")
    columns = ("total", "active", "locked", "disabled", "must_change")
    show_table(
        [{"role": tr("role." + r.role)} | {k: getattr(r, k) for k in columns} for r in overview.roles],
        {"role": Col.text(tr("home.admin.col.role"), width="medium")}
        | {k: Col.number(tr("home.admin.col." + k), width=110) for k in columns},
    )
    st.page_link("app_pages/users.py", label=tr("page.users"), icon=":material/group:")
    st.page_link("app_pages/audit.py", label=tr("page.audit"), icon=":material/history:")


def _megabytes(size: int) -> str:
    """A size in megabytes with one decimal, in the language (unescaped: a metric's value is no Markdown)."""
    return t("home.admin.megabytes", lang(), size=format_number(size / 1_000_000, lang(), 1))
