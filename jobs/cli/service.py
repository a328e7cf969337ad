"""`goldheat serve`: the background service (Celery worker and beat)."""

from __future__ import annotations

from typing import Annotated

import typer

from jobs.cli.app import app, cli_errors, settings
from jobs.service.serve import Role


@app.command("serve")
@cli_errors
def serve(
    role: Annotated[Role, typer.Option(
        "--role", help="all: worker with beat inside (one machine); worker or beat alone "
                       "(docker-compose, several workers; run one beat only); flower: the web monitor; "
                       "web: the sales admins' web console")] = Role.ALL,
    concurrency: Annotated[int | None, typer.Option(
        "--concurrency", min=1, max=32, help="jobs run side by side (default GOLDHEAT_SERVICE__CONCURRENCY)")] = None,
    loglevel: Annotated[str | None, typer.Option(
        "--loglevel", help="DEBUG, INFO, WARNING or ERROR (default GOLDHEAT_LOG__LEVEL)")] = None,
    pool: Annotated[str, typer.Option("--pool", help="Celery pool: prefork (default), threads or solo")] = "prefork",
) -> None:
    """Run goldheat as a service until stopped: polls new orders every 30 s, sweeps reminders every
    minute, runs the follow-up jobs daily. Uses the broker in GOLDHEAT_BROKER__URL (Redis or
    RabbitMQ), or a broker file in the var folder when none is set (one machine only). Logs are JSON
    lines; metrics for Prometheus are served on GOLDHEAT_SERVICE__METRICS_PORT when set."""
    from jobs.service.serve import serve as run_service

    if loglevel and loglevel.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise typer.BadParameter("use DEBUG, INFO, WARNING or ERROR", param_hint="--loglevel")
    if pool not in ("prefork", "threads", "solo"):
        raise typer.BadParameter("use prefork, threads or solo", param_hint="--pool")
    raise typer.Exit(run_service(settings(), role, concurrency=concurrency, loglevel=loglevel, pool=pool))
