"""Logging: JSON for the service, redaction by key and by value, also through an error path."""

import io
import json

import pytest
import structlog

from config.errors import RecordError
from config.logs import REDACTED, configure_logging, redact, register_secret
from config.settings import LogFormat, load_settings


@pytest.fixture
def json_log(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("GOLDHEAT_LOG__FORMAT", "json")
    monkeypatch.setenv("GOLDHEAT_HEAT__API_KEY", "api-key-8d7f6e5a")
    monkeypatch.setenv("GOLDHEAT_GOLDMINE__DSN", "DRIVER={PostgreSQL Unicode};SERVER=db;UID=gm;PWD=Db-Pa55word")
    stream = io.StringIO()
    settings = load_settings()
    assert settings.log.format is LogFormat.JSON
    configure_logging(settings, stream=stream)
    yield stream
    structlog.reset_defaults()


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_service_logs_are_json_with_bound_context(json_log: io.StringIO) -> None:
    with structlog.contextvars.bound_contextvars(job="orders", order="OP1"):
        structlog.get_logger().info("step done", step="customer")
    (entry,) = lines(json_log)
    assert entry["event"] == "step done" and entry["job"] == "orders" and entry["order"] == "OP1"


def test_secret_keys_are_redacted(json_log: io.StringIO) -> None:
    structlog.get_logger().info("login", password="hunter2-xyz", api_key="whatever", login="jdoe")
    (entry,) = lines(json_log)
    assert entry["password"] == REDACTED and entry["api_key"] == REDACTED and entry["login"] == "jdoe"


def test_configured_secrets_are_redacted_by_value(json_log: io.StringIO) -> None:
    structlog.get_logger().warning("connect failed", detail="key api-key-8d7f6e5a refused; PWD=Db-Pa55word")
    text = json_log.getvalue()
    assert "api-key-8d7f6e5a" not in text and "Db-Pa55word" not in text


def test_issued_password_through_an_error_path_is_redacted(json_log: io.StringIO) -> None:
    """A password goldheat issues, registered at once, never reaches a log even inside an exception."""
    password = "Xq7#mP2!vR9@kL4s"
    register_secret(password)
    log = structlog.get_logger()
    try:
        raise RecordError(f"HEAT refused InternalAuthPasswd={password}", key="order OP7", field="password")
    except RecordError as exc:
        log.error("step failed", error=exc, exc_info=True)
    text = json_log.getvalue()
    assert password not in text
    assert "order OP7" in text


def test_redact_walks_nested_structures() -> None:
    register_secret("s3cr3t-value")
    data = {"a": ["x s3cr3t-value y", {"token": "abc"}], "Authorization": "rest_api_key=zzz"}
    assert redact(data) == {"a": [f"x {REDACTED} y", {"token": REDACTED}], "Authorization": REDACTED}
    assert redact("GET with rest_api_key=abcdef") == f"GET with rest_api_key={REDACTED}"


def test_an_inline_braced_odbc_password_is_redacted_whole() -> None:
    """ODBC braces may hold ';': a password nobody registered is still cut out entire."""
    assert redact("connect DRIVER={x};PWD={un;regis}}tered};SERVER=h") == \
        f"connect DRIVER={{x}};PWD={REDACTED};SERVER=h"


def test_redact_takes_named_tuples_and_sets() -> None:
    """A namedtuple cannot be rebuilt from one iterable; redaction must not crash the log line."""
    from collections import namedtuple

    register_secret("s3cr3t-value")
    pair = namedtuple("pair", "left right")
    assert redact(pair("s3cr3t-value", 1)) == (REDACTED, 1)
    assert redact({"s3cr3t-value"}) == [REDACTED]
