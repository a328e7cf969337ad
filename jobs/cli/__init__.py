"""The `goldheat` command line: one Typer app; each group of commands lives in its own module.

Exit codes are the interface's: 0 success, 1 some records failed (each named on standard error),
2 configuration or usage error.
"""

from __future__ import annotations

from jobs.cli.app import app

# Importing a command module registers its commands on `app`.
from jobs.cli import check, demo, orders, runs, sandbox, service, web  # noqa: E402,F401


def main() -> None:
    app()


__all__ = ["app", "main"]
