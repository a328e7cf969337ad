"""The jobs `goldheat run JOB` and the service know, by name, imported only when used."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from config.errors import ConfigurationError

if TYPE_CHECKING:
    from jobs.context import JobContext
    from jobs.summary import RunSummary

JobFunction = Callable[["JobContext"], "RunSummary"]

# name -> "module:function"; every function takes a JobContext and returns a RunSummary.
JOBS: dict[str, str] = {
    "orders": "jobs.orders.job:run",
    "cadence": "jobs.cadence:run",
    "responses": "jobs.responses:run",
    "referrals": "jobs.referrals:run",
    "proposals": "jobs.proposals:run",
    "reminders": "jobs.reminders:run",
}


def get_job(name: str) -> JobFunction:
    try:
        module_name, function = JOBS[name].split(":")
    except KeyError:
        raise ConfigurationError(f"unknown job {name!r}; jobs are: {', '.join(JOBS)}") from None
    return getattr(importlib.import_module(module_name), function)
