"""Helpers shared by the pages: the cached store, the current language and error display."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal, TypeVar

import pandas as pd
import streamlit as st

from safety.access.auth import current_user, idle_minutes, now, session_expired
from safety.access.roles import User
from safety.access.sessions import COOKIE, TOUCH_EVERY, end_session, resume_session, start_session, touch_session
from safety.db import Store, default_target, open_store
from safety.demo import ensure_demo
from safety.errors import SafetyError
from safety.i18n import (
    DEFAULT_LANGUAGE,
    format_number,
    format_percent,
    grid_date,
    grid_datetime,
    grid_integer,
    normalise_language,
    plain,
    quoted,
    t,
)
from safety.incidents.template import incident_template
from safety.indicators.charts import Figure
from safety.register.enterprises import VISION_ZERO_LAUNCH
from safety.register.geography import DISTRICTS

T = TypeVar("T")
_STORES: dict[str, Store] = {}  # path -> the open Store: one per process, as st.cache_resource would keep it
_OPENING = threading.Lock()


def _open_store(path: str) -> Store:
    """The Store of `path` (a file, or a postgresql:// URL), opened (and the demo loaded into a new database) by
    the first session that asks. A plain dict rather than st.cache_resource: a page asks for the store dozens of
    times per run, and Streamlit's cache hashes the arguments at each call."""
    found = _STORES.get(path)
    if found is None:
        with _OPENING:
            found = _STORES.get(path)
            if found is None:
                found = open_store(path)
                ensure_demo(found)
                _STORES[path] = found
    return found


def _slots() -> threading.Semaphore:
    """How many sessions' scripts may run at once in this process: $VZ_CONCURRENT_RUNS, default 3."""
    try:
        return threading.Semaphore(max(1, int(os.environ.get("VZ_CONCURRENT_RUNS", DEFAULT_CONCURRENT_RUNS))))
    except ValueError:
        return threading.Semaphore(DEFAULT_CONCURRENT_RUNS)


DEFAULT_CONCURRENT_RUNS = 3
_RUNS = _slots()


@contextmanager
def script_slot() -> Iterator[None]:
    """Hold one of the process's script slots for a run. Sessions beyond the slots wait their turn, first come
    first served, instead of all sharing the interpreter at once: with fifty sessions sharing it, each page took as
    long as all fifty and the switching between them cost a third more CPU (bench/load_bench.py)."""
    with _RUNS:
        yield


def store() -> Store:
    """Return the process's one Store; on a database that cannot be opened, show why and stop the page."""
    try:
        return _open_store(str(default_target()))
    except SafetyError as exc:
        st.title(tr("store.damaged_title"))
        show_error(exc)
        st.stop()
        raise  # st.stop() never returns; this keeps type checkers content


def user() -> User:
    """Return the signed-in user (app.py signs in before any page runs)."""
    signed_in = st.session_state.get("user")
    if signed_in is None:
        st.stop()
    return signed_in


def signed_in_user() -> User | None:
    """Return the signed-in user, ending the session when it was idle too long or the account went away. A new
    browser session (a reload, a new tab) resumes the one its cookie names."""
    user_id = st.session_state.get("user_id")
    at = now()
    if user_id is None:
        token = _cookie()
        resumed = resume_session(store(), token, at)
        if resumed is None:
            st.session_state.pop("user", None)
            return None
        _remember(resumed, token, at)
        return resumed
    if session_expired(st.session_state.get("last_seen"), at, idle_minutes()):
        sign_out("auth.expired")
        return None
    current = current_user(store(), user_id)
    if current is None:
        sign_out("auth.gone")
        return None
    token = st.session_state.get("session_token")
    if token and at - st.session_state.get("session_touched", at) >= TOUCH_EVERY:
        touch_session(store(), token, at)
        st.session_state["session_touched"] = at
    st.session_state["user"] = current
    st.session_state["last_seen"] = at
    return current


def _cookie() -> str | None:
    """The session token this browser sent, if any (AppTest hands out a stand-in object, which is none)."""
    value = st.context.cookies.get(COOKIE)
    return value if isinstance(value, str) and value else None


def _remember(signed_in: User, token: str | None, at: dt.datetime) -> None:
    st.session_state["user_id"] = signed_in.id
    st.session_state["user"] = signed_in
    st.session_state["last_seen"] = st.session_state["session_touched"] = at
    st.session_state["session_token"] = token
    st.session_state.pop("signin_notice", None)


def sign_in(signed_in: User) -> None:
    """Start a session for the user, one that a reload or a new tab keeps (through the browser's cookie); also
    after a password change, which ended every session of the account."""
    _remember(signed_in, start_session(store(), signed_in) if signed_in.id is not None else None, now())


def sign_out(notice: str | None = None) -> None:
    """End the session, here and in the database; the sign-in page shows the notice (a catalogue key)."""
    end_session(store(), st.session_state.get("session_token"))
    for key in ("user_id", "user", "last_seen", "session_token", "session_touched"):
        st.session_state.pop(key, None)
    if notice:
        st.session_state["signin_notice"] = notice


def keep_cookie() -> None:
    """Hand the browser this session's token as a cookie (again on every run, so it outlives the idle limit only
    as the session does), or drop a cookie that names no open session."""
    token = st.session_state.get("session_token")
    if token is None and _cookie() is None:
        return
    secure = "; Secure" if str(st.context.url or "").startswith("https:") else ""
    age = idle_minutes() * 60 if token else 0
    value = json.dumps(f"{COOKIE}={token or ''}; Path=/; Max-Age={age}; SameSite=Strict{secure}")
    st.sidebar.html(f"<script>document.cookie = {value};</script>", unsafe_allow_javascript=True)


def sso_configured() -> bool:
    """True when .streamlit/secrets.toml configures an OIDC provider for st.login."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def lang() -> str:
    """Return the language chosen in the sidebar."""
    return normalise_language(st.session_state.get("lang", DEFAULT_LANGUAGE))


def tr(key: str, **params: Any) -> str:
    """Translate a catalogue key into the current language. Pages show the result as Markdown (text, labels,
    help), so every text parameter (a name, a value from a file) is escaped with plain and shows as typed."""
    return t(key, lang(), **quoted(params))


def kept(name: str, key: tuple, compute: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """compute(*args, **kwargs), kept in this session under (name, key): a rerun with the same key (a click, a
    language switch) reuses it instead of reading an uploaded file again. The last two keys per name are kept."""
    shelf = st.session_state.setdefault("kept:" + name, {})
    if key not in shelf:
        while len(shelf) >= 2:
            shelf.pop(next(iter(shelf)))
        shelf[key] = compute(*args, **kwargs)
    return shelf[key]


def choose(
    where: Any, label: str, options: list[Any], key: str, names: Callable[[Any], str], default: Any = None
) -> Any:
    """A selectbox whose choice outlives a language switch. Streamlit remembers a keyed selectbox's choice by the
    text it showed, which the same option in another language no longer matches; so the widget is keyed per
    language (`<key>@<lang>`) and the choice itself is kept in the session under `key`. An empty box says so in the
    language (Streamlit's own words are English)."""
    remembered = st.session_state.get("chosen:" + key, default)
    index = options.index(remembered) if remembered in options else 0
    value = where.selectbox(
        label, options, index=index, format_func=names, key=f"{key}@{lang()}", placeholder=tr("common.choose")
    )
    st.session_state["chosen:" + key] = value
    return value


def choose_many(
    where: Any, label: str, options: list[Any], key: str, names: Callable[[Any], str], default: list[Any]
) -> list[Any]:
    """A multiselect whose choices outlive a language switch, kept as `choose` keeps its one choice."""
    remembered = [v for v in st.session_state.get("chosen:" + key, default) if v in options]
    value = where.multiselect(
        label, options, default=remembered, format_func=names, key=f"{key}@{lang()}", placeholder=tr("common.choose")
    )
    st.session_state["chosen:" + key] = value
    return value


def set_choice(key: str, value: Any) -> None:
    """Make `value` the choice of the `choose` box `key` from the next run on (its widget starts afresh)."""
    st.session_state["chosen:" + key] = value
    st.session_state.pop(f"{key}@{lang()}", None)


def flash(key: str, code: str | None = None, **params: Any) -> None:
    """Keep a success message (a catalogue key), and a text to copy such as a one-time password, for the run that
    comes after st.rerun(): a page reruns after a change so that its tables show it."""
    st.session_state.setdefault("flashes", []).append((key, code, params))


def show_flashes() -> None:
    """Show, once, the success messages kept by `flash`."""
    for key, code, params in st.session_state.pop("flashes", []):
        st.success(tr(key, **params))
        if code is not None:
            st.code(code, language=None)


def template_button(key: str) -> None:
    """The button that downloads the incident-log template in the current language (built only on a click)."""
    st.download_button(
        tr("incidents.template"),
        data=partial(incident_template, lang()),
        file_name="incident_log_template.xlsx",
        key=key,
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def titled_metric(
    where: Any, label: str, value: str, delta: str | None = None, *, help: str | None = None, **kwargs: Any
) -> None:
    """A figure with its title written out above it: a metric's own label is cut to one line («Просроченные
    меропри…»), so the title is Markdown that wraps and the metric's label is collapsed. `border` frames the tile;
    tiles in a row stretch to the same height. Other arguments go to st.metric (delta_color, delta_arrow)."""
    box = where.container(border=kwargs.pop("border", False), height="stretch", gap="small")
    box.markdown(label, help=help)
    box.metric(label, value, delta, label_visibility="collapsed", **kwargs)


MIME = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv"}


def list_downloads(key: str, stem: str, build: Callable[[str], bytes]) -> None:
    """The buttons that download a list as its page filters it, as .xlsx and as .csv; `build(fmt)` makes the
    file, only when its button is clicked."""
    with st.container(horizontal=True):
        for fmt in MIME:
            st.download_button(
                tr(f"export.list_{fmt}"),
                data=partial(build, fmt),
                file_name=f"{stem}.{fmt}",
                mime=MIME[fmt],
                key=f"{key}_{fmt}",
                help=tr("export.list_help"),
                on_click="ignore",
                icon=":material/download:",
            )


def show_error(exc: SafetyError, max_problems: int = 20) -> None:
    """Show a library error in the user's language, the values people typed escaped (st.error reads Markdown)."""
    st.error(exc.render(lang(), max_problems, quote=plain))


def act(action: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Do a library action from a button: show its error in the user's language, or rerun the page on success."""
    try:
        action(*args, **kwargs)
    except SafetyError as exc:
        show_error(exc)
    else:
        st.rerun()


def enterprise_form(key: str, initial: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """Draw the add/edit form of an enterprise; return the entered values when it is submitted."""
    initial = initial or {}
    editing = bool(initial)
    katos = [d.kato for d in DISTRICTS]
    names = {d.kato: d.name(lang()) for d in DISTRICTS}
    with st.form(key):
        left, right = st.columns(2)
        bin_ = left.text_input(
            tr("label.bin"), value=initial.get("bin", ""), max_chars=12, disabled=editing, help=tr("help.bin")
        )
        kato = right.selectbox(
            tr("label.kato"),
            katos,
            format_func=names.get,
            index=katos.index(initial["kato"]) if initial.get("kato") in katos else 0,
        )
        name_ru = left.text_input(tr("label.name_ru"), value=initial.get("name_ru", ""))
        name_kk = right.text_input(tr("label.name_kk"), value=initial.get("name_kk", ""))
        oked = left.text_input(tr("label.oked"), value=initial.get("oked", ""), help=tr("help.oked"))
        industry = right.text_input(tr("label.industry"), value=initial.get("industry", ""))
        joined_on = left.date_input(
            tr("label.joined_on"),
            value=initial.get("joined_on", dt.date.today()),
            min_value=VISION_ZERO_LAUNCH,
            max_value=dt.date.today(),
            format="DD.MM.YYYY",
        )
        officer_name = right.text_input(tr("label.officer_name"), value=initial.get("officer_name") or "")
        officer_phone = left.text_input(tr("label.officer_phone"), value=initial.get("officer_phone") or "")
        officer_email = right.text_input(tr("label.officer_email"), value=initial.get("officer_email") or "")
        submitted = st.form_submit_button(tr("action.save" if editing else "action.add"), type="primary")
    if not submitted:
        return None
    return {
        "bin": initial.get("bin", bin_),
        "name_ru": name_ru,
        "name_kk": name_kk,
        "kato": kato,
        "oked": oked,
        "industry": industry,
        "joined_on": joined_on,
        "officer_name": officer_name,
        "officer_phone": officer_phone,
        "officer_email": officer_email,
    }


def draw(chart: Figure) -> None:
    """Show a shared chart across the page's width (its data goes to the browser as the Arrow it already is)."""
    st.vega_lite_chart(chart.with_arrow_data(), width="stretch")


Width = Literal["small", "medium", "large"] | int | None  # Streamlit's named widths, or pixels
PIXELS = {"small": 75, "medium": 200, "large": 400}
CHAR_PIXELS = 7.5  # about the width of a letter in a table heading (Source Sans, 14 px)


@dataclass(frozen=True)
class Col:
    """How a table shows one column: heading, kind, width and hover text. `show_table` makes it Streamlit's column
    config in the page's language, so numbers and dates read as Babel writes them there (safety.i18n.grid_*)."""

    label: str
    kind: Literal["text", "number", "date", "moment", "flag", "trend"] = "text"
    digits: int = 0  # a number's decimals
    grouped: bool = True  # False for a year or a number that names a row
    signed: bool = False  # a change in percent: + before a rise
    width: Width = None
    help: str | None = None

    @classmethod
    def text(cls, label: str, width: Width = None, help: str | None = None) -> Col:
        """A text column."""
        return cls(label, width=width, help=help)

    @classmethod
    def number(
        cls, label: str, digits: int = 0, *, grouped: bool = True, width: Width = None, help: str | None = None
    ) -> Col:
        """A number column: whole numbers grouped as the language groups them, or `digits` decimals."""
        return cls(label, "number", digits, grouped, width=width, help=help)

    @classmethod
    def change(cls, label: str, digits: int = 1, width: Width = 100, help: str | None = None) -> Col:
        """A change in percent, «+12,5 %»."""
        return cls(label, "number", digits, signed=True, width=width, help=help)

    @classmethod
    def date(cls, label: str, width: Width = 100, help: str | None = None) -> Col:
        """A date column."""
        return cls(label, "date", width=width, help=help)

    @classmethod
    def moment(cls, label: str, width: Width = 140) -> Col:
        """A date-and-time column."""
        return cls(label, "moment", width=width)

    @classmethod
    def flag(cls, label: str, width: Width = 100, help: str | None = None) -> Col:
        """A yes/no column, shown as a ticked box."""
        return cls(label, "flag", width=width, help=help)

    @classmethod
    def trend(cls, label: str, width: Width = None) -> Col:
        """A small line chart of a list of numbers."""
        return cls(label, "trend", width=width)

    def config(self, language: str) -> Any:
        """Streamlit's column config of this column in the language; a heading too long for its narrow column
        shows whole on hover."""
        pixels = PIXELS.get(self.width, self.width) if isinstance(self.width, str) else self.width
        cut = pixels is not None and len(self.label) * CHAR_PIXELS > pixels - 24  # the sort arrow's room
        common: dict[str, Any] = {"width": self.width, "help": self.help or (self.label if cut else None)}
        if self.kind == "number":
            # decimals: the grid has no decimal sign to choose, so `written` gives their text (format=None lets it)
            text = None if self.written(language) else grid_integer(language, self.grouped)
            return st.column_config.NumberColumn(self.label, format=text, **common)
        if self.kind == "date":
            return st.column_config.DateColumn(self.label, format=grid_date(language), **common)
        if self.kind == "moment":
            return st.column_config.DatetimeColumn(self.label, format=grid_datetime(language), **common)
        if self.kind == "flag":
            return st.column_config.CheckboxColumn(self.label, **common)
        if self.kind == "trend":
            return st.column_config.LineChartColumn(self.label, width=self.width, help=self.help)
        return st.column_config.TextColumn(self.label, **common)

    def written(self, language: str) -> Callable[[Any], str] | None:
        """How Babel writes a value of this column when the grid cannot (decimals, changes); None otherwise."""
        if self.kind != "number" or not (self.digits or self.signed):
            return None
        if self.signed:
            return lambda v: ("+" if v > 0 else "") + format_percent(v, language, self.digits)
        return lambda v: format_number(v, language, self.digits)


def column_configs(columns: dict[str, Col]) -> dict[str, Any]:
    """The Streamlit column configs of a table's columns in the page's language."""
    return {name: column.config(lang()) for name, column in columns.items()}


def _only(data: Any, names: list[str]) -> Any:
    """The table's shown columns only: what a page does not show (a person's name, an internal id) stays on the
    server instead of going to the browser hidden."""
    if hasattr(data, "select") and hasattr(data, "column_names"):  # an Arrow table
        return data.select([n for n in names if n in data.column_names])
    if isinstance(data, pd.DataFrame):
        return data[[n for n in names if n in data.columns]]
    return [{n: row.get(n) for n in names} for row in data]


def show_table(data: Any, columns: dict[str, Col], where: Any = None, **kwargs: Any) -> Any:
    """Show a table as the page's language writes it: the given columns only, in their order, with typed values
    (they sort as numbers and dates) written by Babel's rules, and an empty cell empty (never "None"). Decimals go
    to the grid as display text beside their values (a pandas Styler), which the grid shows and sorts by value."""
    data = _only(data, list(columns))
    written = {name: f for name, column in columns.items() if (f := column.written(lang())) is not None}
    if written and len(data):
        frame = data.to_pandas() if hasattr(data, "to_pandas") else pd.DataFrame(data)
        data = frame.style.format({k: f for k, f in written.items() if k in frame.columns}, na_rep="")
    return (where or st).dataframe(
        data,
        hide_index=True,
        column_order=tuple(columns),
        column_config=column_configs(columns),
        placeholder="",
        **kwargs,
    )
