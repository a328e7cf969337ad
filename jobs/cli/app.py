"""The Typer app, the settings loaded once per invocation, and the exit-code contract."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer

from config.errors import ConfigurationError, GoldheatError, RecordError
from config.logs import configure_logging, redact
from config.settings import Settings, load_settings

EXIT_OK, EXIT_RECORDS_FAILED, EXIT_CONFIG = 0, 1, 2

app = typer.Typer(
    name="goldheat",
    help="goldheat runs the sales process inside GoldMine and HEAT: follow-ups, order onboarding, "
         "website logins, welcome letters and after-shipment reminders.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

_settings: Settings | None = None
F = TypeVar("F", bound=Callable[..., Any])


def settings() -> Settings:
    """The settings for this invocation, loaded once (logging is configured with them)."""
    global _settings
    if _settings is None:
        _settings = load_settings()
        configure_logging(_settings)
    return _settings


def reset_settings() -> None:
    """Forget the loaded settings (tests run several invocations in one process)."""
    global _settings
    _settings = None


def fail(message: str, code: int = EXIT_CONFIG) -> None:
    typer.echo(redact(message), err=True)
    raise typer.Exit(code)


def cli_errors(fn: F) -> F:
    """Turn goldheat errors into the interface's exit codes and a one-line, redacted message."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ConfigurationError as exc:
            fail(f"configuration error: {exc}", EXIT_CONFIG)
        except RecordError as exc:
            fail(f"record error: {exc}", EXIT_RECORDS_FAILED)
        except GoldheatError as exc:
            fail(f"error: {exc}", EXIT_RECORDS_FAILED)

    return wrapper  # type: ignore[return-value]


def echo_plan(planned: list[dict[str, Any]]) -> None:
    """A dry run's plan, one line per action, field by field."""
    for item in planned:
        typer.echo("would " + item["action"] + ": " + ", ".join(
            f"{k}={v}" for k, v in item.items() if k != "action"))


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(redact(data), indent=2, default=str) + "\n")
