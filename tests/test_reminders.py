"""The reminder digests, sent to a local SMTP server (aiosmtpd) started by the test: recipients, subjects and content
in ru, kk and en; once a day, also with runs at once; a dry run; a refused recipient; the SMTP settings; the CLI; the
running app sending the day's digests itself."""

from __future__ import annotations

import datetime as dt
import email
import logging
import os
import socket
import threading
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from app_pages import ui
from safety.access.auth import current_user
from safety.access.roles import SYSTEM
from safety.access.users import create_user, email_language, set_email_language, update_user
from safety.checklists.actions import create_action
from safety.cli import main
from safety.db import Store
from safety.demo import remove_demo
from safety.errors import PermissionDenied, ValidationFailed
from safety.i18n import format_date, t
from safety.work import daily_reminders, mail
from safety.work.daily_reminders import start_daily_reminders
from safety.work.items import WorkItem, due_items
from safety.work.mail import MailNotConfigured, MailSettings, MailSettingsInvalid, load_mail_settings
from safety.work.reminders import ALREADY_SENT, FAILED, NO_EMAIL, SENT, WOULD_SEND, compose, send_reminders
from safety.work.wording import deadline

from conftest import at_once, made_real, user_id_of

TODAY = dt.date(2026, 12, 1)
ROUNDS = int(os.environ.get("VZ_CONCURRENCY_ROUNDS", "3"))
# Each person, the language of their e-mails and their address.
PEOPLE = {
    "demo.officer": ("ru", "officer@enterprise.example"),
    "demo.head": ("kk", "head@enterprise.example"),
    "second.officer": ("en", "second@enterprise.example"),
}
HOSTILE = "Заменить <b>ограждение</b> & знак"  # a title someone typed: the HTML part must show it as text


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts and refuses the addresses in `refuse`."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        """The messages that went to an address."""
        return [m for rcpt, m in self.messages if address in rcpt]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def inbox():
    """A local SMTP server on a free port (plain, no TLS) and what it received."""
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    handler.port = controller.port  # type: ignore[attr-defined]
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def settings(inbox) -> MailSettings:
    return MailSettings(host="127.0.0.1", port=inbox.port, tls="none", sender="Vision Zero <tracker@example.kz>")


@pytest.fixture
def people(world):
    """The demo store with three people of one enterprise, each with an e-mail in their own language, and two actions
    of that enterprise: one due in 3 days (with a title holding HTML) and one overdue by 2 days."""
    store, users, own, _ = world
    made_real(store)  # a third account beside the demo's would be refused otherwise
    create_user(
        store,
        SYSTEM,
        {"username": "second.officer", "full_name": "Second Officer", "role": "safety_officer", "enterprise_bin": own},
    )
    for username, (lang, address) in PEOPLE.items():
        role = {"demo.head": "enterprise_manager"}.get(username, "safety_officer")
        full_name = {"demo.officer": "Айгуль Сериковна", "demo.head": "Ерлан Қанатұлы"}.get(username, "Second Officer")
        update_user(
            store,
            SYSTEM,
            username,
            {"full_name": full_name, "email": address, "language": lang, "role": role, "enterprise_bin": own},
        )
    # the regional manager's items depend on the demo's accidents: their account is disabled, to keep the count exact
    update_user(store, SYSTEM, "demo.region", {"full_name": "Region", "role": "regional_manager", "active": False})
    officer = users["demo.officer"]
    create_action(store, officer, own, {"title": HOSTILE, "due_on": TODAY + dt.timedelta(days=3)})
    create_action(store, officer, own, {"title": "Проверить огнетушители", "due_on": TODAY - dt.timedelta(days=2)})
    return store


def _items(store, username: str, lang: str) -> list:
    person = current_user(store, user_id_of(store, username))
    return due_items(store, person, TODAY, lang)


def _parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def test_each_person_gets_a_digest_in_their_language(people, inbox, settings):
    report = send_reminders(people, SYSTEM, TODAY, settings)
    assert {o.username: o.status for o in report.outcomes} == dict.fromkeys(PEOPLE, SENT)
    assert sorted(rcpt for rcpt, _ in inbox.messages) == sorted([address] for _, address in PEOPLE.values())
    for username, (lang, address) in PEOPLE.items():
        [message] = inbox.to(address)
        items = _items(people, username, lang)
        overdue = sum(1 for item in items if item.overdue)
        assert overdue >= 1 and len(items) >= 2
        assert message["Subject"] == t("reminders.subject_overdue", lang, count=len(items), overdue=overdue)
        assert message["To"].addresses[0].addr_spec == address
        assert message["From"].addresses[0].addr_spec == "tracker@example.kz"
        assert message["Content-Language"] == lang and message["Auto-Submitted"] == "auto-generated"
        text, html = _parts(message)
        name = message["To"].addresses[0].display_name
        assert text.startswith(t("reminders.greeting", lang, name=name))
        assert t("reminders.intro", lang, date=format_date(TODAY, lang), days=14) in text
        soon = format_date(TODAY + dt.timedelta(days=3), lang)
        late = format_date(TODAY - dt.timedelta(days=2), lang)
        own = items[0].enterprise_name
        action = t("work.kind.action_due", lang)
        due_soon = t("work.due.left", lang, date=soon, count=3)
        assert f"• {own} — {action}: {HOSTILE} — {due_soon}" in text
        overdue_line = (
            f"• {t('reminders.overdue_mark', lang)} {own} — {t('work.kind.action_overdue', lang)}: "
            f"Проверить огнетушители — {t('work.due.overdue', lang, date=late, count=2)}"
        )
        assert overdue_line in text
        assert all(f" — {deadline(item, lang)}" in text for item in items if item.due is not None)
        assert sum(line.startswith("• ") for line in text.splitlines()) == len(items)
        assert "&lt;b&gt;ограждение&lt;/b&gt; &amp; знак" in html and "<b>ограждение" not in html
        assert f'<html lang="{lang}">' in html and soon in html
    kazakh = _parts(inbox.to(PEOPLE["demo.head"][1])[0])[0]
    assert "Сәлеметсіз бе, Ерлан Қанатұлы!" in kazakh and "күн қалды" in kazakh
    english = inbox.to(PEOPLE["second.officer"][1])[0]
    assert english["Subject"].startswith("Vision Zero: ") and "your attention" in english["Subject"]
    assert "3 days left" in _parts(english)[0] and "2 days overdue" in _parts(english)[0]
    russian = inbox.to(PEOPLE["demo.officer"][1])[0]
    assert "осталось 3 дня" in _parts(russian)[0] and "просрочено на 2 дня" in _parts(russian)[0]
    rows = people.query_dicts("SELECT user_id, sent_on, address, items FROM reminders_sent ORDER BY address")
    assert [(r["sent_on"], r["address"]) for r in rows] == [(TODAY, a) for a in sorted(a for _, a in PEOPLE.values())]


def test_a_digest_holds_only_what_its_recipient_may_see(people, inbox, settings):
    send_reminders(people, SYSTEM, TODAY, settings)
    own = _items(people, "demo.officer", "ru")[0].enterprise_name
    text = _parts(inbox.to(PEOPLE["demo.officer"][1])[0])[0]
    listed = [line for line in text.splitlines() if line.startswith("• ")]
    assert listed and all(f" {own} — " in line for line in listed)
    confirm = t("work.kind.action_to_confirm", "kk")
    head = _parts(inbox.to(PEOPLE["demo.head"][1])[0])[0]
    assert (confirm in head) == any(i.kind == "action_to_confirm" for i in _items(people, "demo.head", "kk"))
    assert confirm not in text  # the officer has no proposals to confirm


def test_a_long_digest_lists_a_hundred_items_and_counts_the_rest():
    item = WorkItem("action_due", 1, "ТОО «Тест»", "Проверить огнетушители", TODAY, 0, "app_pages/actions.py")
    digest = compose("Имя", [item] * 130, TODAY, "ru")
    assert len(digest.lines) == 100 and digest.lines[0].endswith(" — срок сегодня, " + format_date(TODAY, "ru"))
    more = t("reminders.more", "ru", count=30)
    assert more == "…и ещё 30 задач: все они — в приложении." and more in digest.text and more in digest.html
    assert digest.subject == t("reminders.subject", "ru", count=130) == "Vision Zero: 130 задач требуют внимания"


def test_a_second_run_the_same_day_sends_nothing_and_the_next_day_sends_again(people, inbox, settings):
    send_reminders(people, SYSTEM, TODAY, settings)
    assert len(inbox.messages) == 3
    again = send_reminders(people, SYSTEM, TODAY, settings)
    assert {o.status for o in again.outcomes} == {ALREADY_SENT} and len(inbox.messages) == 3
    send_reminders(people, SYSTEM, TODAY + dt.timedelta(days=1), settings)
    assert len(inbox.messages) == 6
    assert people.query("SELECT count(*) FROM reminders_sent") == [(6,)]


def test_a_dry_run_sends_and_records_nothing_and_says_who_would_get_what(people, inbox):
    report = send_reminders(people, SYSTEM, TODAY, None, dry_run=True)
    assert {o.username: o.status for o in report.outcomes} == dict.fromkeys(PEOPLE, WOULD_SEND)
    officer = next(o for o in report.outcomes if o.username == "demo.officer")
    assert officer.digest is not None and officer.address == PEOPLE["demo.officer"][1]
    assert officer.digest.subject.startswith("Vision Zero: ") and len(officer.digest.lines) == officer.items
    assert inbox.messages == [] and people.query("SELECT count(*) FROM reminders_sent") == [(0,)]


def test_without_settings_only_a_dry_run_runs(people):
    with pytest.raises(MailNotConfigured):
        send_reminders(people, SYSTEM, TODAY, None)


def test_only_an_administrator_runs_the_digests(world, settings):
    store, users, _, _ = world
    for username in ("demo.officer", "demo.head", "demo.region"):
        with pytest.raises(PermissionDenied):
            send_reminders(store, users[username], TODAY, settings, dry_run=True)
    send_reminders(store, users["demo.admin"], TODAY, settings, dry_run=True)


def test_a_refused_recipient_does_not_stop_the_others_and_is_tried_again(people, inbox, settings):
    refused = PEOPLE["demo.head"][1]
    inbox.refuse.add(refused)
    report = send_reminders(people, SYSTEM, TODAY, settings)
    outcomes = {o.username: o for o in report.outcomes}
    assert {name: o.status for name, o in outcomes.items()} == {
        "demo.officer": SENT,
        "demo.head": FAILED,
        "second.officer": SENT,
    }
    assert outcomes["demo.head"].reason("en") == "550 5.1.1 No such mailbox here"
    assert sorted(rcpt[0] for rcpt, _ in inbox.messages) == sorted(
        [PEOPLE["demo.officer"][1], PEOPLE["second.officer"][1]]
    )
    assert refused not in {a for (a,) in people.query("SELECT address FROM reminders_sent")}  # its claim is gone
    inbox.refuse.clear()
    retry = send_reminders(people, SYSTEM, TODAY, settings)
    assert {o.username: o.status for o in retry.outcomes}["demo.head"] == SENT
    assert len(inbox.to(refused)) == 1 and len(inbox.messages) == 3


def test_a_server_that_does_not_answer_fails_every_digest_and_records_none(people):
    nowhere = MailSettings(host="127.0.0.1", port=_free_port(), tls="none", sender="tracker@example.kz")
    report = send_reminders(people, SYSTEM, TODAY, nowhere)
    assert {o.status for o in report.outcomes} == {FAILED}
    assert all("ConnectionRefusedError" in o.reason("ru") for o in report.outcomes)
    assert people.query("SELECT count(*) FROM reminders_sent") == [(0,)]


def test_people_without_an_e_mail_are_listed_and_people_with_nothing_due_are_not(people, inbox, settings):
    update_user(
        people,
        SYSTEM,
        "second.officer",
        {
            "full_name": "Second Officer",
            "email": "",
            "role": "safety_officer",
            "enterprise_bin": _bin_of(people, "demo.officer"),
        },
    )
    report = send_reminders(people, SYSTEM, TODAY, settings)
    statuses = {o.username: o.status for o in report.outcomes}
    assert statuses["second.officer"] == NO_EMAIL and "demo.admin" not in statuses  # an admin has no items
    assert len(inbox.messages) == 2


def _bin_of(store, username: str) -> str:
    [(bin_,)] = store.query(
        "SELECT e.bin FROM users u JOIN enterprises e ON e.id = u.enterprise_id WHERE username = ?", [username]
    )
    return bin_


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_runs_at_once_send_each_digest_once(people, inbox, settings, round_):
    reports, errors = at_once(8, lambda n: send_reminders(people, SYSTEM, TODAY, settings))
    assert errors == [] and len(reports) == 8
    for _, address in PEOPLE.values():
        assert len(inbox.to(address)) == 1, address
    sent = [o.username for r in reports for o in r.outcomes if o.status == SENT]
    assert sorted(sent) == sorted(PEOPLE)
    assert {o.status for r in reports for o in r.outcomes} == {SENT, ALREADY_SENT}
    assert people.query("SELECT count(*) FROM reminders_sent") == [(3,)]


def test_removing_the_demo_forgets_its_accounts_digests(world, inbox, settings):
    store, users, own, _ = world
    update_user(
        store,
        SYSTEM,
        "demo.officer",
        {
            "full_name": "Officer",
            "email": "officer@enterprise.example",
            "role": "safety_officer",
            "enterprise_bin": own,
        },
    )
    create_action(store, users["demo.officer"], own, {"title": "Проверить огнетушители", "due_on": TODAY})
    send_reminders(store, SYSTEM, TODAY, settings)
    assert store.query("SELECT count(*) FROM reminders_sent") == [(1,)]
    remove_demo(store, SYSTEM)
    assert store.query("SELECT count(*) FROM reminders_sent") == [(0,)]


# --- the e-mail language of an account


def test_the_language_is_set_by_an_administrator_and_by_the_person(people):
    store = people
    officer = current_user(store, user_id_of(store, "demo.officer"))
    assert email_language(store, officer) == "ru"
    set_email_language(store, officer, "kk")
    assert email_language(store, officer) == "kk"
    assert store.query("SELECT count(*) FROM audit_log WHERE action = 'user.language'") == [(1,)]
    with pytest.raises(ValidationFailed):
        set_email_language(store, officer, "de")
    with pytest.raises(ValidationFailed):
        update_user(store, SYSTEM, "demo.officer", {"full_name": "X", "role": "admin", "language": "fr"})
    update_user(store, SYSTEM, "demo.officer", {"full_name": "X", "role": "admin"})  # no language given: kept
    assert email_language(store, officer) == "kk"


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_a_person_changing_the_language_in_many_tabs_at_once_leaves_a_whole_trail(people, round_):
    officer = current_user(people, user_id_of(people, "demo.officer"))
    languages = ["kk", "en", "ru"] * 4
    _, errors = at_once(len(languages), lambda n: set_email_language(people, officer, languages[n]))
    assert errors == []
    trail = people.query(
        "SELECT before->>'language', after->>'language' FROM audit_log WHERE action = 'user.language' ORDER BY id"
    )
    assert trail and all(before != after for before, after in trail)
    assert all(trail[i][1] == trail[i + 1][0] for i in range(len(trail) - 1))  # each change starts where the last ended
    assert trail[0][0] == "ru" and email_language(people, officer) == trail[-1][1]


def test_the_account_page_changes_ones_own_e_mail_language(demo_app):
    at = demo_app("demo.officer")
    at.switch_page("app_pages/account.py").run()
    box = next(b for b in at.selectbox if b.label == t("label.language", "ru"))
    assert box.value == "ru"
    box.set_value("en")
    next(b for b in at.button if b.label == t("action.save", "ru")).click().run()
    assert not at.exception and t("account.language_saved", "ru") in [s.value for s in at.success]
    me = ui.store().query("SELECT language FROM users WHERE username = 'demo.officer'")
    assert me == [("en",)]


def test_the_users_page_sets_the_language_of_an_account(demo_app):
    at = demo_app("demo.admin")
    at.switch_page("app_pages/users.py").run()
    at.selectbox(key="users_chosen").set_value("demo.head").run()
    forms = at.get("form")
    edit = next(f for f in forms if any(b.label == t("action.save", "ru") for b in f.button))
    next(b for b in edit.selectbox if b.label == t("label.language", "ru")).set_value("kk")
    next(b for b in edit.button if b.label == t("action.save", "ru")).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert ui.store().query("SELECT language FROM users WHERE username = 'demo.head'") == [("kk",)]


# --- the SMTP settings


def _secrets(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "secrets.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_settings_come_from_secrets_toml_and_the_environment_wins(tmp_path):
    path = _secrets(
        tmp_path,
        '[auth]\nclient_id = "x"\n\n[smtp]\nhost = "mail.example.kz"\ntls = "ssl"\nsender = "tracker@example.kz"\n'
        'user = "tracker"\npassword = "s3cret"\n',
    )
    from_file = load_mail_settings(path, {})
    assert from_file == MailSettings(
        host="mail.example.kz", port=465, tls="ssl", sender="tracker@example.kz", user="tracker", password="s3cret"
    )
    assert "s3cret" not in repr(from_file)
    env = {"VZ_SMTP_HOST": "relay.example.kz", "VZ_SMTP_PORT": "2525", "VZ_SMTP_TLS": "starttls"}
    assert load_mail_settings(path, env) == from_file.model_copy(
        update={"host": "relay.example.kz", "port": 2525, "tls": "starttls"}
    )
    only_env = load_mail_settings(tmp_path / "missing.toml", {"VZ_SMTP_HOST": "h", "VZ_SMTP_SENDER": "a@b.kz"})
    assert only_env == MailSettings(host="h", port=587, tls="starttls", sender="a@b.kz")
    assert load_mail_settings(tmp_path / "missing.toml", {}) is None
    assert load_mail_settings(_secrets(tmp_path, '[auth]\nclient_id = "x"\n'), {"VZ_SMTP_USER": ""}) is None


@pytest.mark.parametrize(
    ("toml", "env", "key", "names"),
    [
        ('host = "h"\nsender = "a@b.kz"\nhots = "typo"\n', {}, "mail.unknown_setting", "[smtp] hots"),
        ('host = "h"\nsender = "a@b.kz"\nport = "587"\n', {}, "mail.bad_port", "[smtp] port"),
        ('host = "h"\nsender = "a@b.kz"\nport = 70000\n', {}, "mail.bad_port", "[smtp] port"),
        ('host = "h"\nsender = "a@b.kz"\n', {"VZ_SMTP_PORT": "smtp"}, "mail.bad_port", "$VZ_SMTP_PORT"),
        ('host = "h"\nsender = "a@b.kz"\ntls = "yes"\n', {}, "mail.bad_tls", "[smtp] tls"),
        ('host = "h"\n', {}, "mail.missing_setting", "$VZ_SMTP_SENDER"),
        ('host = "h"\nsender = "nobody"\n', {}, "mail.bad_sender", "[smtp] sender"),
        ('host = "h"\nsender = "a@b.kz"\n', {"VZ_SMTP_HOST": "two words"}, "mail.bad_host", "$VZ_SMTP_HOST"),
        ('host = "h"\nsender = "a@b.kz"\nuser = "u"\n', {}, "mail.user_and_password", "[smtp] user"),
        ('host = "h"\nsender = "a@b.kz"\nuser = 7\npassword = "p"\n', {}, "mail.bad_setting", "[smtp] user"),
    ],
)
def test_bad_settings_name_the_setting_and_where_it_was_set(tmp_path, toml, env, key, names):
    path = _secrets(tmp_path, "[smtp]\n" + toml)
    with pytest.raises(MailSettingsInvalid) as info:
        load_mail_settings(path, env)
    assert [p.key for p in info.value.problems] == [key]
    for lang in ("ru", "kk", "en"):
        message = info.value.render(lang)
        assert names in message and "{" not in message, message
        assert message.splitlines()[0] == t("mail.settings_invalid", lang)


@pytest.mark.parametrize(
    ("password", "key"), [('"hunter2-secret"', "mail.user_and_password"), ("123456789", "mail.bad_setting")]
)
def test_a_password_is_never_shown_in_a_settings_error(tmp_path, password, key):
    path = _secrets(tmp_path, f'[smtp]\nhost = "h"\nsender = "a@b.kz"\npassword = {password}\n')
    with pytest.raises(MailSettingsInvalid) as info:
        load_mail_settings(path, {})
    assert [p.key for p in info.value.problems] == [key]
    assert password.strip('"') not in info.value.render("en") and "[smtp] password" in info.value.render("en")


def test_a_secrets_file_that_is_not_toml_is_named(tmp_path):
    with pytest.raises(MailSettingsInvalid) as info:
        load_mail_settings(_secrets(tmp_path, "[smtp\nhost = "), {})
    assert info.value.key == "mail.secrets_unreadable" and str(tmp_path) in info.value.render("en")
    with pytest.raises(MailSettingsInvalid) as info:
        load_mail_settings(_secrets(tmp_path, 'smtp = "mail.example.kz"\n'), {})
    assert [p.key for p in info.value.problems] == ["mail.section_not_table"]


# --- the command line


@pytest.fixture
def no_settings(tmp_path, monkeypatch):
    """No SMTP settings from this machine: no secrets file, no VZ_SMTP_* variables, no reminder hour."""
    monkeypatch.setattr(mail, "SECRETS_PATH", tmp_path / "no_secrets.toml")
    for variable in (*mail.ENVIRONMENT.values(), daily_reminders.ENV_REMIND_HOUR):
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture
def cli_db(people, no_settings):
    """The people's database file, closed for the CLI, with no SMTP settings from this machine."""
    path = people.path
    people.close()
    return path


def _smtp_environment(monkeypatch, inbox) -> None:
    """Settings for the local SMTP server, in the environment."""
    monkeypatch.setenv("VZ_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("VZ_SMTP_PORT", str(inbox.port))
    monkeypatch.setenv("VZ_SMTP_TLS", "none")
    monkeypatch.setenv("VZ_SMTP_SENDER", "tracker@example.kz")


def test_cli_remind_dry_run_lists_who_would_get_what(cli_db, capsys):
    code = main(["--db", cli_db, "--lang", "en", "remind", "--dry-run", "--today", TODAY.isoformat()])
    out, err = capsys.readouterr()
    assert code == 0 and err == "", err
    lines = out.splitlines()
    for username, (_, address) in PEOPLE.items():
        [line] = [x for x in lines if x.startswith(username + " ")]
        assert f"<{address}>" in line and line.endswith(t("cli.remind.would_send", "en"))
    assert "Vision Zero: " in out and "• " in out
    assert lines[-1] == t("cli.remind.total_dry", "en", date=TODAY.isoformat(), sent=3, skipped=0, failed=0)
    with Store(cli_db) as store:
        assert store.query("SELECT count(*) FROM reminders_sent") == [(0,)]


def test_cli_remind_sends_through_the_environments_settings(cli_db, inbox, capsys, monkeypatch):
    _smtp_environment(monkeypatch, inbox)
    inbox.refuse.add(PEOPLE["demo.head"][1])
    argv = ["--db", cli_db, "--lang", "ru", "remind", "--today", TODAY.isoformat()]
    assert main(argv) == 1  # one digest failed
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == t("cli.remind.total", "ru", date=TODAY.isoformat(), sent=2, skipped=0, failed=1)
    assert "550 5.1.1 No such mailbox here" in out
    inbox.refuse.clear()
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == t("cli.remind.total", "ru", date=TODAY.isoformat(), sent=1, skipped=2, failed=0)
    assert len(inbox.messages) == 3


def test_cli_remind_without_settings_says_how_to_set_them(cli_db, capsys):
    assert main(["--db", cli_db, "--lang", "en", "remind"]) == 2
    assert capsys.readouterr().err.strip() == t("mail.not_configured", "en")


def test_cli_remind_with_bad_settings_names_them(cli_db, capsys, monkeypatch):
    monkeypatch.setenv("VZ_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("VZ_SMTP_SENDER", "tracker@example.kz")
    monkeypatch.setenv("VZ_SMTP_PORT", "twenty-five")
    assert main(["--db", cli_db, "--lang", "en", "remind", "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "$VZ_SMTP_PORT" in err and "twenty-five" in err and "Traceback" not in err


# --- the running app sends the day's digests


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def test_the_app_sends_the_days_digests_once_from_the_hour(people, inbox, no_settings, monkeypatch):
    _smtp_environment(monkeypatch, inbox)
    assert start_daily_reminders(people, _at(TODAY, 6, 59)) is None  # before 7 o'clock
    thread = start_daily_reminders(people, _at(TODAY, 7))
    assert thread is not None
    thread.join(60)
    assert sorted(rcpt for rcpt, _ in inbox.messages) == sorted([address] for _, address in PEOPLE.values())
    assert start_daily_reminders(people, _at(TODAY, 7, 1)) is None  # once a day
    assert start_daily_reminders(people, _at(TODAY, 23, 59)) is None
    tomorrow = TODAY + dt.timedelta(days=1)
    monkeypatch.setenv("VZ_REMIND_HOUR", "5")
    assert start_daily_reminders(people, _at(tomorrow, 4, 59)) is None
    thread = start_daily_reminders(people, _at(tomorrow, 5))
    assert thread is not None
    thread.join(60)
    assert len(inbox.messages) == 6
    assert people.query("SELECT sent_on, count(*) FROM reminders_sent GROUP BY sent_on ORDER BY 1") == [
        (TODAY, 3),
        (tomorrow, 3),
    ]


def test_without_settings_the_app_sends_nothing_until_they_are_set(people, inbox, no_settings, monkeypatch):
    assert start_daily_reminders(people, _at(TODAY, 9)) is None
    assert start_daily_reminders(people, _at(TODAY, 10)) is None
    assert inbox.messages == [] and people.query("SELECT count(*) FROM reminders_sent") == [(0,)]
    _smtp_environment(monkeypatch, inbox)  # set later the same day: the next run sends
    thread = start_daily_reminders(people, _at(TODAY, 11))
    assert thread is not None
    thread.join(60)
    assert len(inbox.messages) == 3


@pytest.fixture
def heard(monkeypatch: pytest.MonkeyPatch) -> list[logging.LogRecord]:
    """The records the daily sender's logger gives, heard by a handler of its own: whatever another test in the same
    process did to logging (a disabled logger, logging.disable, a level), these tests hear what it says."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.INFO)
    handler.emit = records.append  # type: ignore[method-assign]
    logger = daily_reminders.log
    level, disabled = logger.level, logging.root.manager.disable
    monkeypatch.setattr(logger, "disabled", False)
    logging.disable(logging.NOTSET)  # these two also empty the loggers' caches of what is enabled
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)
    logger.setLevel(level)
    logging.disable(disabled)


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [("VZ_SMTP_PORT", "twenty-five", "$VZ_SMTP_PORT"), ("VZ_REMIND_HOUR", "25", "$VZ_REMIND_HOUR")],
)
def test_a_bad_setting_is_logged_once_a_day_and_not_raised(
    people, inbox, no_settings, monkeypatch, heard, variable, value, named
):
    _smtp_environment(monkeypatch, inbox)
    monkeypatch.setenv(variable, value)
    assert start_daily_reminders(people, _at(TODAY, 12)) is None
    assert start_daily_reminders(people, _at(TODAY, 13)) is None
    [record] = [r for r in heard if r.levelno >= logging.ERROR]
    assert named in record.getMessage() and value in record.getMessage()
    assert inbox.messages == []


def test_a_refused_digest_is_logged_by_the_apps_run(people, inbox, no_settings, monkeypatch, heard):
    _smtp_environment(monkeypatch, inbox)
    inbox.refuse.add(PEOPLE["demo.head"][1])
    thread = start_daily_reminders(people, _at(TODAY, 8))
    assert thread is not None
    thread.join(60)
    said = [r.getMessage() for r in heard]
    assert "the reminder digest to demo.head failed: 550 5.1.1 No such mailbox here" in said
    assert f"reminder digests of {TODAY}: 2 sent, 1 failed, 0 skipped" in said


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_app_sessions_and_the_command_line_at_once_send_each_digest_once(
    people, inbox, no_settings, monkeypatch, round_
):
    _smtp_environment(monkeypatch, inbox)
    settings = mail.load_mail_settings()

    def run(n: int):
        if n % 2:
            return send_reminders(people, SYSTEM, TODAY, settings)
        return start_daily_reminders(people, _at(TODAY, 8))

    results, errors = at_once(8, run)
    assert errors == []
    threads = [r for r in results if isinstance(r, threading.Thread)]
    assert len(threads) == 1  # one thread in this process for the day
    threads[0].join(60)
    for _, address in PEOPLE.values():
        assert len(inbox.to(address)) == 1, address
    assert people.query("SELECT count(*) FROM reminders_sent") == [(3,)]


def test_each_run_of_the_app_starts_the_days_digests(demo_app, no_settings, monkeypatch):
    calls = []
    monkeypatch.setattr(daily_reminders, "start_daily_reminders", lambda store, now=None: calls.append(store.path))
    at = demo_app("demo.officer")
    assert not at.exception and calls == [str(at.db_path)]
