"""Outgoing e-mail over SMTP (smtplib): plain, STARTTLS and login as `settings.smtp` says.

SMTP cannot be made idempotent: a server that accepted the message may never tell us (the
connection drops after the final '.'), so the reminders job brackets a send with its state row
(`claimed` before, `done` after) and gives every message a Message-ID derived from the effect's
key. A retry after a crash inside that bracket re-sends the same Message-ID, which mail stores and
clients that de-duplicate by Message-ID fold into one; the residual window is the time between
the server's 250 reply to DATA and the commit of `done` (milliseconds), see `jobs/reminders.py`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from config.errors import AuthenticationError, ConfigurationError, FatalError, RecordError, RetriableError
from config.settings import SmtpSettings

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "config" / "templates"


@dataclass(frozen=True, slots=True)
class Mail:
    to: str
    subject: str
    body: str
    key: str  # the effect's key: the Message-ID is derived from it


def message_id(key: str, sender: str) -> str:
    """The same Message-ID for every attempt at the same effect."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    domain = sender.rpartition("@")[2].strip(">") or "goldheat.invalid"
    return f"<goldheat.{digest}@{domain}>"


def template_path(name: str, site_dir: Path | None = None) -> Path:
    """A template by name: an absolute path, beside the site's process file, or goldheat's default."""
    candidates = [Path(name)] if Path(name).is_absolute() else []
    if site_dir is not None:
        candidates.append(site_dir / name)
    candidates.append(TEMPLATES_DIR / name)
    for path in candidates:
        if path.is_file():
            return path
    raise ConfigurationError(f"e-mail template {name!r} not found (looked in "
                             f"{', '.join(str(p.parent) for p in candidates)})", setting="reminders.email_template")


def render(template: str, fields: dict[str, Any], *, name: str = "template") -> str:
    """Fill `{placeholders}`; an unknown one is a configuration error naming it."""
    try:
        return template.format_map(fields)
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigurationError(f"{name}: unknown or malformed placeholder {exc}; "
                                 f"known: {', '.join(sorted(fields))}", setting="reminders.email_template") from None


def build(mail: Mail, smtp: SmtpSettings, now: dt.datetime) -> EmailMessage:
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id(mail.key, smtp.sender)
    message.set_content(mail.body)
    return message


def send(message: EmailMessage, smtp: SmtpSettings, *, ssl_context: ssl.SSLContext | None = None) -> None:
    """Hand the message to the configured server; raises only goldheat's error tree."""
    if not smtp.host:
        raise ConfigurationError("no SMTP server configured", setting="GOLDHEAT_SMTP__HOST")
    password = smtp.password.get_secret_value()
    if password:
        from config.logs import register_secret

        register_secret(password)
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_seconds) as client:
            client.ehlo()
            if smtp.starttls:
                client.starttls(context=ssl_context or ssl.create_default_context())
                client.ehlo()
            if smtp.username:
                client.login(smtp.username, password)
            client.send_message(message)
    except smtplib.SMTPAuthenticationError:
        raise AuthenticationError("the SMTP server refused goldheat's login", system="smtp",
                                  operation="login", field="GOLDHEAT_SMTP__USERNAME") from None
    except smtplib.SMTPRecipientsRefused as exc:
        codes = {code for code, _ in exc.recipients.values()}
        error = RetriableError if all(400 <= c < 500 for c in codes) else RecordError
        raise error(f"the SMTP server refused the recipient {', '.join(exc.recipients)}", system="smtp",
                    operation="send", status=min(codes), field="E-mail Address") from None
    except smtplib.SMTPSenderRefused as exc:
        raise FatalError(f"the SMTP server refused the sender {smtp.sender}", system="smtp", operation="send",
                         status=exc.smtp_code, field="GOLDHEAT_SMTP__SENDER") from None
    except smtplib.SMTPResponseException as exc:
        if 400 <= exc.smtp_code < 500:
            raise RetriableError("the SMTP server deferred the message", system="smtp", operation="send",
                                 status=exc.smtp_code) from None
        raise RecordError("the SMTP server rejected the message", system="smtp", operation="send",
                          status=exc.smtp_code) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise RetriableError(f"cannot reach the SMTP server {smtp.host}:{smtp.port}: {type(exc).__name__}",
                             system="smtp", operation="send") from None
