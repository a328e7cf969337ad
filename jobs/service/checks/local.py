"""The local pieces: state store, broker, letters folder, signature images, SMTP."""

from __future__ import annotations

import smtplib
import tempfile

from config.errors import GoldheatError
from config.logs import redact
from config.settings import Settings
from jobs.service.checks import FAIL, OK, SKIP, Finding


def check_state(settings: Settings) -> list[Finding]:
    from sqlalchemy import text

    from jobs.state.db import make_engine

    try:
        engine = make_engine(settings.state.resolved_url_in(settings.var_dir))
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except GoldheatError as exc:
        return [Finding("state", "connection", FAIL, exc.message, "fix GOLDHEAT_STATE__URL")]
    except Exception as exc:
        return [Finding("state", "connection", FAIL, redact(f"{type(exc).__name__}: {exc}")[:300],
                        "check GOLDHEAT_STATE__URL and that its database server is reachable")]
    where = "a SQLite file in the var folder" if not settings.state.url.get_secret_value() else engine.url.drivername
    return [Finding("state", "connection", OK, f"reachable ({where})")]


def check_broker(settings: Settings) -> list[Finding]:
    from kombu import Connection

    from jobs.service.celery_app import broker_url, is_embedded, transport_options

    try:
        url = broker_url(settings)
    except GoldheatError as exc:
        return [Finding("broker", "connection", FAIL, exc.message, "fix GOLDHEAT_BROKER__URL")]
    if is_embedded(url):
        settings.var_dir.mkdir(parents=True, exist_ok=True)
    try:
        with Connection(url, transport_options=transport_options(settings, url), connect_timeout=5) as conn:
            conn.ensure_connection(max_retries=1)
    except Exception as exc:
        return [Finding("broker", "connection", FAIL, redact(f"{type(exc).__name__}: {exc}")[:300],
                        "check GOLDHEAT_BROKER__URL, and that Redis or RabbitMQ runs and accepts the login")]
    detail = "embedded (one machine only: SQLite file in the var folder)" if is_embedded(url) else "connected"
    return [Finding("broker", "connection", OK, detail)]


def check_letters(settings: Settings) -> list[Finding]:
    folder = settings.letters.output_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".goldheat-check-"):
            pass
    except OSError as exc:
        return [Finding("letters", "folder", FAIL, f"{folder}: {exc.strerror}",
                        "set GOLDHEAT_LETTERS__OUTPUT_DIR to a folder the service's user can write")]
    return [Finding("letters", "folder", OK, f"{folder.resolve()} is writable")]


def check_signatures(settings: Settings) -> list[Finding]:
    signatures = settings.letters.signatures
    if not signatures:
        return [Finding("letters", "signatures", SKIP, "none configured: letters go out unsigned",
                        "map each SM's GoldMine user name to an image in GOLDHEAT_LETTERS__SIGNATURES")]
    missing = [f"{user}: {path}" for user, path in sorted(signatures.items()) if not path.is_file()]
    if missing:
        return [Finding("letters", "signatures", FAIL, "missing images: " + ", ".join(missing),
                        "put the image there or correct its path in GOLDHEAT_LETTERS__SIGNATURES")]
    return [Finding("letters", "signatures", OK, f"{len(signatures)} images found")]


def check_smtp(settings: Settings) -> list[Finding]:
    smtp = settings.smtp
    if not smtp.host:
        return [Finding("smtp", "connection", SKIP, "not configured: distributor e-mails cannot be sent",
                        "set GOLDHEAT_SMTP__HOST (and GOLDHEAT_SMTP__PORT)")]
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_seconds) as server:
            server.ehlo()
            if smtp.starttls:
                server.starttls()
                server.ehlo()
            if smtp.username:
                server.login(smtp.username, smtp.password.get_secret_value())
    except smtplib.SMTPAuthenticationError:
        return [Finding("smtp", "login", FAIL, "the server refused the login",
                        "check GOLDHEAT_SMTP__USERNAME and GOLDHEAT_SMTP__PASSWORD")]
    except (OSError, smtplib.SMTPException) as exc:
        return [Finding("smtp", "connection", FAIL, redact(f"{smtp.host}:{smtp.port}: {exc}")[:300],
                        "check GOLDHEAT_SMTP__HOST, GOLDHEAT_SMTP__PORT and GOLDHEAT_SMTP__STARTTLS")]
    return [Finding("smtp", "connection", OK, f"{smtp.host}:{smtp.port} accepted the connection"
                    + (" and login" if smtp.username else ""))]
