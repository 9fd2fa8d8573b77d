"""The daily reminder digest: each active person with an e-mail and items due within 14 days or overdue gets one
message in their own language, at most once a day.

Who reads what: running the digests is an administrator's job (the command line acts as one), but each person's
items are read as that person (`due_items(store, person, …)`), so a digest holds only what its recipient may see.

At most once a day: before a digest goes to the mail server, its row in `reminders_sent` (primary key: the person
and the day) is claimed in its own transaction, insert-or-skip. Of two runs at once only one claim goes in, and only
that run sends. A digest the server does not accept has its claim removed, so the next run tries it again. A run
that stops between the claim and the server's answer leaves the claim: that person may miss the day's digest, but
never gets it twice (the next day's digest lists whatever is still due). Recording after sending would be the other
way round: two overlapping runs would both send.
"""

from __future__ import annotations

import datetime as dt
import html
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from safety.access.auth import now, user_from_row
from safety.access.roles import User, require
from safety.db import Store, retry_conflicts
from safety.db import reminders as sql
from safety.errors import SafetyError
from safety.i18n import format_date, normalise_language, t
from safety.work.items import DUE_WITHIN_DAYS, WorkItem, due_items
from safety.work.mail import Mailer, MailNotConfigured, MailSettings, failure, message
from safety.work.wording import kind_name, state

SENT, WOULD_SEND, ALREADY_SENT, NO_EMAIL, FAILED = "sent", "would_send", "already_sent", "no_email", "failed"
OUTCOMES = (SENT, WOULD_SEND, ALREADY_SENT, NO_EMAIL, FAILED)
MAX_LISTED = 100  # items listed in one digest; the rest are counted
_COLUMNS = ("enterprise", "item", "state")  # of the HTML table


@dataclass(frozen=True)
class Digest:
    """One person's reminder: the subject and the body as plain text and as HTML."""

    subject: str
    lines: tuple[str, ...]  # one per item listed, as in the plain text
    text: str
    html: str


@dataclass(frozen=True)
class Outcome:
    """What became of one person's digest."""

    username: str
    full_name: str
    address: str | None
    items: int
    status: str  # one of OUTCOMES
    digest: Digest | None = None  # what was (or, in a dry run, would be) sent
    error: BaseException | None = None  # why it failed

    def reason(self, lang: str) -> str:
        """Why the digest failed, in one line (a library error in the language, else what the server said)."""
        if self.error is None:
            return ""
        return self.error.render(lang) if isinstance(self.error, SafetyError) else failure(self.error)


@dataclass(frozen=True)
class RemindReport:
    """One run of the digests: the day, whether it was a dry run, and each person's outcome (people without due
    items are not listed)."""

    day: dt.date
    dry_run: bool
    outcomes: tuple[Outcome, ...]

    def count(self, status: str) -> int:
        """How many people had this outcome."""
        return sum(1 for o in self.outcomes if o.status == status)


def send_reminders(
    store: Store, actor: User, today: dt.date, settings: MailSettings | None, *, dry_run: bool = False
) -> RemindReport:
    """Send the day's digests (administrators and the command line). A failure for one person is reported in their
    outcome and the others still get theirs; a dry run sends and records nothing, and needs no settings."""
    require(actor, "reminders.send")
    if settings is None and not dry_run:
        raise MailNotConfigured()
    with store.cursor() as cur:
        people = sql.recipients(cur)
        done = sql.sent_on(cur, today)
    outcomes = []
    with _mailer(settings, dry_run) as mailer:
        for row in people:
            outcome = _remind(store, mailer, settings, row, today, already=row["id"] in done)
            if outcome is not None:
                outcomes.append(outcome)
    return RemindReport(today, dry_run, tuple(outcomes))


@contextmanager
def _mailer(settings: MailSettings | None, dry_run: bool) -> Iterator[Mailer | None]:
    """One connection for the whole run (none for a dry run), closed at its end."""
    if dry_run or settings is None:
        yield None
        return
    with Mailer(settings) as mailer:
        yield mailer


def _remind(
    store: Store,
    mailer: Mailer | None,
    settings: MailSettings | None,
    row: dict[str, Any],
    today: dt.date,
    *,
    already: bool,
) -> Outcome | None:
    """Build, claim and send one person's digest; None when they have nothing due."""
    person = user_from_row(row)
    lang = normalise_language(row["language"])
    address = row["email"]
    base = {"username": person.username, "full_name": person.full_name, "address": address}
    try:
        items = due_items(store, person, today, lang)
    except SafetyError as exc:
        return Outcome(**base, items=0, status=FAILED, error=exc)
    if not items:
        return None
    if not address:
        return Outcome(**base, items=len(items), status=NO_EMAIL)
    if already:
        return Outcome(**base, items=len(items), status=ALREADY_SENT)
    digest = compose(person.full_name, items, today, lang)
    if mailer is None or settings is None:
        return Outcome(**base, items=len(items), status=WOULD_SEND, digest=digest)
    if not _claim(store, row["id"], today, address, len(items)):
        return Outcome(**base, items=len(items), status=ALREADY_SENT)  # another run claimed it meanwhile
    mail = message(settings, person.full_name, address, digest.subject, digest.text, digest.html, lang)
    try:
        mailer.send(mail)
    except (smtplib.SMTPException, OSError) as exc:
        _release(store, row["id"], today)
        return Outcome(**base, items=len(items), status=FAILED, digest=digest, error=exc)
    except BaseException:
        _release(store, row["id"], today)
        raise
    return Outcome(**base, items=len(items), status=SENT, digest=digest)


@retry_conflicts
def _claim(store: Store, user_id: int, today: dt.date, address: str, items: int) -> bool:
    """Record the day's digest of a person before it is sent; False when it is recorded already."""
    with store.transaction() as cur:
        return sql.claim(cur, user_id, today, now(), address, items)


@retry_conflicts
def _release(store: Store, user_id: int, today: dt.date) -> None:
    """Remove the claim of a digest the server did not accept."""
    with store.transaction() as cur:
        sql.release(cur, user_id, today)


def compose(name: str, items: list[WorkItem], today: dt.date, lang: str) -> Digest:
    """The digest of a person's due items in the language: a subject with the count, and one line (a table row in
    the HTML) per item with its enterprise, what it is, its date and the days left or overdue."""
    overdue = sum(1 for item in items if item.overdue)
    subject = (
        t("reminders.subject_overdue", lang, count=len(items), overdue=overdue)
        if overdue
        else t("reminders.subject", lang, count=len(items))
    )
    greeting = t("reminders.greeting", lang, name=name)
    intro = t("reminders.intro", lang, date=format_date(today, lang), days=DUE_WITHIN_DAYS)
    listed, rest = items[:MAX_LISTED], len(items) - MAX_LISTED
    more = t("reminders.more", lang, count=rest) if rest > 0 else ""
    footer = t("reminders.footer", lang, page=t("account.title", lang))
    rows = [_row(item, lang) for item in listed]

    listing = tuple(_line(item, cells, lang) for item, cells in zip(listed, rows, strict=True))
    text = "\n".join([greeting, "", intro, "", *listing, *([more] if more else []), "", footer]) + "\n"

    heads = "".join(f'<th align="left">{html.escape(t("reminders.col." + c, lang))}</th>' for c in _COLUMNS)
    body = "".join(_html_row(cells, item.overdue) for item, cells in zip(listed, rows, strict=True))
    page = (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"></head>'
        '<body style="font-family:Arial,sans-serif;font-size:14px;color:#1f1f1f">'
        f"<p>{html.escape(greeting)}</p><p>{html.escape(intro)}</p>"
        f'<table cellpadding="6" border="1" style="border-collapse:collapse"><thead><tr>{heads}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
        + (f"<p>{html.escape(more)}</p>" if more else "")
        + f"<p>{html.escape(footer)}</p></body></html>"
    )
    return Digest(subject, listing, text, page)


def _line(item: WorkItem, cells: tuple[str, str, str], lang: str) -> str:
    """One item as a line of the plain text: «• [OVERDUE] enterprise — what — due date, days left»."""
    enterprise, what, state = cells
    mark = t("reminders.overdue_mark", lang) + " " if item.overdue else ""
    return f"• {mark}{enterprise} — {what}" + (f" — {state}" if state else "")


def _html_row(cells: tuple[str, ...], overdue: bool) -> str:
    """One item as a table row, every text escaped; an overdue item's state in bold red."""
    tds = [f"<td>{html.escape(cell)}</td>" for cell in cells]
    if overdue:
        tds[-1] = f'<td style="color:#b3261e;font-weight:bold">{html.escape(cells[-1])}</td>'
    return "<tr>" + "".join(tds) + "</tr>"


def _row(item: WorkItem, lang: str) -> tuple[str, str, str]:
    """An item's enterprise, what it is, and where it stands (its deadline and the days left or overdue, or a
    draft's progress; may be empty), in the home page's words."""
    return item.enterprise_name, f"{kind_name(item.kind, lang)}: {item.label}", state(item, lang)
