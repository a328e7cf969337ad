"""Logging with structlog: readable on a console, JSON in the service, secrets never written.

Configured once at start-up by `configure_logging`. Bind context per run and record with
`structlog.contextvars.bound_contextvars(job=..., order=...)`. The field vocabulary is fixed:
job, order, account, step, effect, system, operation, key, field, status, error, count, seconds.

Redaction works twice over: by key (any field whose name says password, secret, token, key...)
and by value (every configured secret, and every secret goldheat issues at run time, registered
with `register_secret` before it is used anywhere).
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import Iterable, Mapping
from typing import Any

import structlog

from config.settings import LogFormat, Settings

REDACTED = "[REDACTED]"
_SECRET_KEY = re.compile(r"(pass(word|wd)?|pwd|secret|token|api_?key|authorization|cookie|session_?key)",
                         re.IGNORECASE)
_INLINE_SECRET = re.compile(
    r"(rest_api_key=|PWD=|Password=|password\"?\s*[:=]\s*\"?)(\{(?:[^}]|\}\})*\}|[^;\s\"&,]+)", re.IGNORECASE
)
_MIN_SECRET_LENGTH = 4


class SecretRegistry:
    """The set of secret values to scrub from every log line (thread-safe, append-only)."""

    def __init__(self) -> None:
        self._values: set[str] = set()
        self._lock = threading.Lock()
        self._pattern: re.Pattern[str] | None = None

    def add(self, *values: str) -> None:
        with self._lock:
            for value in values:
                if value and len(value) >= _MIN_SECRET_LENGTH:
                    self._values.add(value)
            self._pattern = None

    def scrub(self, text: str) -> str:
        pattern = self._pattern
        if pattern is None:
            with self._lock:
                ordered = sorted(self._values, key=len, reverse=True)
                pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else re.compile(r"(?!x)x")
                self._pattern = pattern
        text = pattern.sub(REDACTED, text)
        return _INLINE_SECRET.sub(lambda m: m.group(1) + REDACTED, text)


SECRETS = SecretRegistry()


def register_secret(*values: str) -> None:
    """Make sure these values never appear in a log line (call before using a new secret)."""
    SECRETS.add(*values)


def redact(value: Any, registry: SecretRegistry = SECRETS) -> Any:
    """Redact secrets in any value: by key inside mappings, by value inside strings."""
    if isinstance(value, str):
        return registry.scrub(value)
    if isinstance(value, Mapping):
        return {k: (REDACTED if isinstance(k, str) and _SECRET_KEY.search(k) and v not in (None, "")
                    else redact(v, registry)) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        items = [redact(v, registry) for v in value]
        return tuple(items) if isinstance(value, tuple) else items
    if isinstance(value, BaseException):
        return registry.scrub(f"{type(value).__name__}: {value}")
    if hasattr(value, "get_secret_value"):
        return REDACTED
    return value


def redaction_processor(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """structlog processor: the last word before rendering, so nothing escapes it."""
    return redact(event_dict)


def configure_logging(settings: Settings, *, stream: Any = None, extra_secrets: Iterable[str] = ()) -> None:
    """Configure structlog (and stdlib logging, for libraries) once, at the entry point."""
    register_secret(*settings.secrets(), *extra_secrets)
    level = getattr(logging, settings.log.level.value)
    out = stream or sys.stderr
    renderer: Any
    if settings.log.format is LogFormat.JSON:
        renderer = structlog.processors.JSONRenderer()
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=False)
    shared = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
    ]
    structlog.configure(
        processors=[*shared, redaction_processor, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=out),
        cache_logger_on_first_use=False,
    )
    # Libraries (celery, urllib3, kombu) log through stdlib: same redaction, same format.
    formatter = structlog.stdlib.ProcessorFormatter(
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, redaction_processor, renderer],
        foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name],
    )
    handler = logging.StreamHandler(out)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(max(level, logging.INFO))
    for noisy in ("urllib3", "kombu", "amqp"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
