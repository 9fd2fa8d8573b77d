"""Mail: the SMTP settings ([smtp] in .streamlit/secrets.toml, or VZ_SMTP_* variables, which win) and the sending of
a message through the standard library's smtplib, with a plain text part and an HTML alternative."""

from __future__ import annotations

import os
import smtplib
import ssl
import tomllib
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from safety.db.store import PROJECT_ROOT
from safety.errors import Problem, SafetyError

# Streamlit reads .streamlit/secrets.toml in the folder it runs from: the project folder, beside app.py.
SECRETS_PATH = PROJECT_ROOT / ".streamlit" / "secrets.toml"
SECTION = "smtp"
ENVIRONMENT = {
    "host": "VZ_SMTP_HOST",
    "port": "VZ_SMTP_PORT",
    "tls": "VZ_SMTP_TLS",
    "sender": "VZ_SMTP_SENDER",
    "user": "VZ_SMTP_USER",
    "password": "VZ_SMTP_PASSWORD",
}
DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}
TIMEOUT = 30  # seconds for the connection and each reply of the server


class MailSettingsInvalid(SafetyError):
    """The SMTP settings cannot be read or break a rule; each problem names the setting and where it was set."""

    default_key = "mail.settings_invalid"


class MailNotConfigured(SafetyError):
    """Neither .streamlit/secrets.toml nor the environment holds SMTP settings."""

    default_key = "mail.not_configured"


class MailSettings(BaseModel):
    """How to reach the mail server: host, port, TLS mode (none, starttls, ssl), the sender, and a user and password
    when the server asks for them."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    host: str = Field(min_length=1, max_length=253)
    port: int = Field(ge=1, le=65535)
    tls: Literal["none", "starttls", "ssl"] = "starttls"
    sender: str = Field(min_length=3, max_length=320)
    user: str | None = None
    password: str | None = Field(default=None, repr=False)

    @model_validator(mode="before")
    @classmethod
    def _default_port(cls, data: Any) -> Any:
        """The TLS mode's usual port (25, 587 or 465) when none is given."""
        if isinstance(data, dict) and "port" not in data:
            tls = data.get("tls", "starttls")
            return data | {"port": DEFAULT_PORTS.get(tls, 587) if isinstance(tls, str) else 587}
        return data

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        if any(ch.isspace() or ord(ch) < 32 for ch in value):
            raise ValueError("not a mail server name")
        return value

    @field_validator("sender")
    @classmethod
    def _sender(cls, value: str) -> str:
        if any(ord(ch) < 32 for ch in value) or "@" not in parseaddr(value)[1]:
            raise ValueError("not a sender address")
        return value

    @model_validator(mode="after")
    def _credentials(self) -> MailSettings:
        if (self.user is None) != (self.password is None):
            raise ValueError("a user and a password go together")
        return self

    @property
    def address(self) -> str:
        """The sender's bare address (without a display name)."""
        return parseaddr(self.sender)[1]


def load_mail_settings(path: Path | None = None, environ: Mapping[str, str] | None = None) -> MailSettings | None:
    """Read the SMTP settings: the [smtp] section of .streamlit/secrets.toml, each VZ_SMTP_* variable taking the place
    of its key. None when neither holds any; MailSettingsInvalid naming every setting that is wrong, and where."""
    path = path or SECRETS_PATH
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    where: dict[str, str] = {}
    for name, value in _section(path).items():
        values[name] = value
        where[name] = f"{path}, [{SECTION}] {name}"
    for name, variable in ENVIRONMENT.items():
        text = environ.get(variable, "")
        text = text if name == "password" else text.strip()  # a password may begin or end with a blank
        if text:  # an empty variable counts as unset
            values[name] = int(text) if name == "port" and text.isdigit() else text
            where[name] = "$" + variable
    if not values:
        return None
    try:
        return MailSettings.model_validate(values)
    except ValidationError as exc:
        raise MailSettingsInvalid(problems=_problems(exc, values, where, path)) from None


def _section(path: Path) -> dict[str, Any]:
    """The [smtp] table of the secrets file ({} when the file or the section is missing)."""
    try:
        with path.open("rb") as fh:
            secrets = tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise MailSettingsInvalid("mail.secrets_unreadable", path=str(path), detail=str(exc)[:200]) from None
    section = secrets.get(SECTION, {})
    if not isinstance(section, dict):
        raise MailSettingsInvalid(problems=[Problem("mail.section_not_table", {"where": f"{path}, [{SECTION}]"})])
    return section


# The catalogue key of each setting's own rule; a setting whose value is shown in the message (never the password).
_FIELD_KEYS = {"port": "mail.bad_port", "tls": "mail.bad_tls", "host": "mail.bad_host", "sender": "mail.bad_sender"}
_SHOWN = {"port", "tls", "host", "sender", "user"}


def _problems(exc: ValidationError, values: dict[str, Any], where: dict[str, str], path: Path) -> list[Problem]:
    """One problem per setting that is wrong, naming it as it was set (the file's key or the variable)."""
    problems = []
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else ""
        if error["type"] == "extra_forbidden":
            key = "mail.unknown_setting"
        elif error["type"] == "missing":
            key = "mail.missing_setting"
            where[name] = f"{path}, [{SECTION}] {name} / ${ENVIRONMENT[name]}"
        elif not name:
            key, name = "mail.user_and_password", "user"
            where[name] = " / ".join(where[n] for n in ("user", "password") if n in where)
        else:
            key = _FIELD_KEYS.get(name, "mail.bad_setting")
        shown = str(values.get(name, ""))[:80] if name in _SHOWN else "…"
        problems.append(Problem(key, {"where": where.get(name, name), "value": shown}))
    return problems


def message(
    settings: MailSettings, to_name: str, to_address: str, subject: str, text: str, html: str, lang: str
) -> EmailMessage:
    """An e-mail from the configured sender: the plain text, and the same in HTML as its alternative."""
    mail = EmailMessage()
    mail["From"] = settings.sender
    mail["To"] = formataddr((" ".join(to_name.split()), to_address))
    mail["Subject"] = " ".join(subject.split())
    mail["Date"] = formatdate(localtime=True)
    mail["Message-ID"] = make_msgid(domain=settings.address.rpartition("@")[2] or None)
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to a reminder
    mail.set_content(text)
    mail.add_alternative(html, subtype="html")
    mail["Content-Language"] = lang  # after the parts are made: making them moves every Content-* header down
    return mail


class Mailer:
    """One connection to the mail server for a run of messages: opened at the first message, and opened again for the
    next one after a failure that may have broken it."""

    def __init__(self, settings: MailSettings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def send(self, mail: EmailMessage) -> None:
        """Hand one message to the server; raise smtplib.SMTPException or OSError when it is not accepted."""
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            self._smtp.send_message(mail)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError):
            raise  # the server refused this message; the session itself is still good for the next one
        except BaseException:
            self.close()
            raise

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if s.tls == "ssl":
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=TIMEOUT, context=context)
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=TIMEOUT)
        try:
            if s.tls == "starttls":
                smtp.starttls(context=context)
            if s.user is not None and s.password is not None:
                smtp.login(s.user, s.password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def close(self) -> None:
        """Say goodbye to the server (or just drop the connection when it does not answer)."""
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def failure(exc: BaseException) -> str:
    """What the server or the network said, in one line (a refused recipient: its code and the server's words)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, said = next(iter(exc.recipients.values()), (0, b""))
        return _one_line(f"{code} {_text(said)}")
    if isinstance(exc, smtplib.SMTPResponseException):
        return _one_line(f"{exc.smtp_code} {_text(exc.smtp_error)}")
    return _one_line(f"{type(exc).__name__}: {exc}")


def _text(said: bytes | str) -> str:
    return said.decode(errors="replace") if isinstance(said, bytes) else str(said)


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]
