"""The one retry policy: tenacity, bounded, retrying only RetriableError, honouring Retry-After.

Tenacity absorbs seconds-long blips inside one call; outages are left to Celery task retries.
With the defaults (4 tries, waits capped at 30 s) one call waits at most about a minute.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TypeVar

import structlog
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

from config.errors import RetriableError
from config.settings import RetrySettings

T = TypeVar("T")
log = structlog.get_logger("goldheat.retry")


def _wait(settings: RetrySettings) -> Callable[[RetryCallState], float]:
    def wait(state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            return min(float(retry_after), settings.max_retry_after_seconds)
        # Exponential backoff with full jitter keeps two workers from retrying in lock-step.
        ceiling = min(settings.max_wait_seconds, settings.initial_wait_seconds * 2 ** (state.attempt_number - 1))
        return random.uniform(settings.initial_wait_seconds / 2, max(ceiling, settings.initial_wait_seconds / 2))

    return wait


def _log_retry(state: RetryCallState) -> None:
    error = state.outcome.exception() if state.outcome else None
    fields = error.to_dict() if hasattr(error, "to_dict") else {"error": type(error).__name__}
    log.warning("retrying", attempt=state.attempt_number, **fields)


def retrying(settings: RetrySettings, *, sleep: Callable[[float], None] | None = None) -> Retrying:
    """A tenacity Retrying object built from settings; `sleep` is injectable for tests."""
    kwargs = {"sleep": sleep} if sleep is not None else {}
    return Retrying(
        retry=retry_if_exception_type(RetriableError),
        stop=stop_after_attempt(settings.attempts),
        wait=_wait(settings),
        before_sleep=_log_retry,
        reraise=True,
        **kwargs,
    )


def call_with_retry(settings: RetrySettings, fn: Callable[[], T], *,
                    sleep: Callable[[float], None] | None = None) -> T:
    """Run fn under the policy; the last RetriableError is re-raised when attempts run out."""
    return retrying(settings, sleep=sleep)(fn)
