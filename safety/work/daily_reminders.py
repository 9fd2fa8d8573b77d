"""The day's reminder digests sent by the running app: at the first run of the app at or after $VZ_REMIND_HOUR
(local time, 7 by default) each day, a background thread sends them, as the daily backup is written.

The app holds the embedded database file, so a `python -m safety remind` from cron cannot open it while the app runs;
the app sends the digests itself instead. At most one thread a day per process and database; the per-person claim in
`reminders_sent` keeps several processes (or the command line) from sending a digest twice on the same day.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading

from safety.access.roles import Role, User
from safety.db import Store
from safety.errors import SafetyError
from safety.work.mail import MailSettings, load_mail_settings
from safety.work.reminders import FAILED, SENT, send_reminders

log = logging.getLogger(__name__)

ENV_REMIND_HOUR = "VZ_REMIND_HOUR"
DEFAULT_HOUR = 7
# The app's own runs of the digests act as a system account (as the command line does), named for what it is.
DAILY_REMINDERS = User(id=None, username="daily-reminders", full_name="Daily reminders", role=Role.ADMIN, system=True)

_LOCK = threading.Lock()
_SEEN: dict[str, dt.date] = {}  # database path -> the last day this process started (or gave up) its digests


def remind_hour() -> int:
    """The hour of the day ($VZ_REMIND_HOUR, 0–23, local time) from which the app sends the day's digests."""
    text = os.environ.get(ENV_REMIND_HOUR, "").strip()
    if not text:
        return DEFAULT_HOUR
    if not (text.isdigit() and 0 <= int(text) <= 23):
        raise ValueError(f"${ENV_REMIND_HOUR} is {text[:20]!r}, not an hour from 0 to 23")
    return int(text)


def start_daily_reminders(store: Store, now: dt.datetime | None = None) -> threading.Thread | None:
    """When SMTP settings are configured, start send_reminders in a background thread at the first call of each day
    at or after the reminder hour; return the thread (None when nothing was started). A bad setting is logged once a
    day, never raised into the page."""
    now = now or dt.datetime.now()
    today = now.date()
    with _LOCK:
        if _SEEN.get(store.path) == today:
            return None
        try:
            hour = remind_hour()
            settings = load_mail_settings() if now.hour >= hour else None
        except (ValueError, SafetyError) as exc:
            _SEEN[store.path] = today
            log.error("the day's reminder digests are not sent: %s", _reason(exc))
            return None
        if settings is None:  # before the hour, or not configured: look again at the next run
            return None
        _SEEN[store.path] = today
    thread = threading.Thread(target=_send, args=(store, today, settings), name="vz-daily-reminders", daemon=True)
    thread.start()
    return thread


def _send(store: Store, today: dt.date, settings: MailSettings) -> None:
    """send_reminders for the background thread: the outcome and any failure go to the log, never into the app."""
    try:
        report = send_reminders(store, DAILY_REMINDERS, today, settings)
    except Exception:
        log.exception("the reminder digests of %s failed", today)
        return
    for outcome in report.outcomes:
        if outcome.status == FAILED:
            log.warning("the reminder digest to %s failed: %s", outcome.username, outcome.reason("en"))
    log.info(
        "reminder digests of %s: %d sent, %d failed, %d skipped",
        today,
        report.count(SENT),
        report.count(FAILED),
        len(report.outcomes) - report.count(SENT) - report.count(FAILED),
    )


def _reason(exc: Exception) -> str:
    """A setting's error in English, for the log."""
    return exc.render("en") if isinstance(exc, SafetyError) else str(exc)
