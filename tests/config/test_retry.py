"""The retry policy: bounded, only RetriableError, Retry-After honoured and capped."""

import pytest

from config.errors import FatalError, RetriableError
from config.retry import call_with_retry
from config.settings import RetrySettings


def failing(errors: list[Exception], result: str = "ok"):
    calls = []

    def fn() -> str:
        calls.append(1)
        if errors:
            raise errors.pop(0)
        return result

    return fn, calls


def test_transient_errors_are_retried_until_success() -> None:
    sleeps: list[float] = []
    fn, calls = failing([RetriableError("blip"), RetriableError("blip")])
    assert call_with_retry(RetrySettings(attempts=3), fn, sleep=sleeps.append) == "ok"
    assert len(calls) == 3 and len(sleeps) == 2


def test_attempts_are_bounded_and_the_last_error_is_raised() -> None:
    fn, calls = failing([RetriableError(f"blip {i}") for i in range(10)])
    with pytest.raises(RetriableError, match="blip 2"):
        call_with_retry(RetrySettings(attempts=3), fn, sleep=lambda _s: None)
    assert len(calls) == 3


def test_fatal_errors_are_not_retried() -> None:
    fn, calls = failing([FatalError("no")])
    with pytest.raises(FatalError):
        call_with_retry(RetrySettings(attempts=5), fn, sleep=lambda _s: None)
    assert len(calls) == 1


def test_retry_after_is_honoured_and_capped() -> None:
    sleeps: list[float] = []
    fn, _ = failing([RetriableError("429", retry_after=7), RetriableError("429", retry_after=9999)])
    call_with_retry(RetrySettings(attempts=3, max_retry_after_seconds=60), fn, sleep=sleeps.append)
    assert sleeps == [7, 60]


def test_backoff_stays_under_the_maximum_wait() -> None:
    sleeps: list[float] = []
    fn, _ = failing([RetriableError("x") for _ in range(6)])
    call_with_retry(RetrySettings(attempts=7, initial_wait_seconds=1, max_wait_seconds=4), fn, sleep=sleeps.append)
    assert all(0 < s <= 4 for s in sleeps)
