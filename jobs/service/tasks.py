"""The Celery tasks: a few lines each around the jobs, with explicit names and IDs as arguments.

    goldheat.run_job(name)        one job (`orders`, `cadence`, ...) through `jobs.cli.runs.run_job`
    goldheat.sync_order(order)    onboard one order now (its OPID or PO number)
    goldheat.sweep_reminders()    the after-shipment reminders that are due

Retries: a RetriableError that escapes a job (tenacity already tried each call a few times, so
this is an outage) retries the task with exponential backoff and jitter, at most
`service.task_max_retries` times. With the defaults a call is tried 4 x 4 = 16 times over about
15 minutes before the task fails and a person is told. Any other error fails the task at once.

Each periodic job runs under the single-run guard (`jobs.service.guard`): a tick that finds the
job already running elsewhere is skipped, because that run does the work. The one exception is a
redelivery of the very task whose process died holding the lease (SIGKILL, `reject_on_worker_lost`):
it retries once the dead holder's lease has run out, so a killed daily job is finished the same day.
If on that retry the lease is still held under its id, the holder is alive (Redis redelivered a
job that outlived the visibility timeout) and the copy is skipped.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any

import structlog
from celery import Task

from config.errors import RetriableError
from jobs.service.guard import single_run

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from jobs.context import JobContext
    from jobs.service.celery_app import GoldheatCelery

log = structlog.get_logger("goldheat.service")
_ENGINES: dict[tuple[int, str], Engine] = {}


def state_engine(url: str) -> Engine:
    """One state-store engine per worker process: pools must not cross a fork."""
    key = (os.getpid(), url)
    if key not in _ENGINES:
        from jobs.state.db import create_all, make_engine

        engine = make_engine(url)
        create_all(engine)
        _ENGINES[key] = engine
    return _ENGINES[key]


def job_context(app: GoldheatCelery) -> JobContext:
    from jobs.context import JobContext

    settings = app.settings
    return JobContext.from_settings(
        settings, state_engine=state_engine(settings.state.resolved_url_in(settings.var_dir)))


def holder_of(task: Task) -> str:
    """The lease holder: this delivery's task id first, so a redelivery recognises its own lease."""
    return f"{task.request.id}@{task.request.hostname or 'local'}#{os.getpid()}"


def _jsonable(value: Any) -> Any:
    if hasattr(value, "to_dict"):
        value = value.to_dict()
    return json.loads(json.dumps(value, default=str))


def _busy(task: Task, engine: Engine, lease_name: str, job: str) -> dict[str, Any]:
    """What to do when the lease is held: skip, or retry if the holder was an earlier delivery of us."""
    from jobs.service import metrics
    from jobs.state.locks import current

    lease = current(engine, lease_name)
    if lease is not None and lease.holder.split("@")[0] == task.request.id and not task.request.retries:
        countdown = lease.remaining() + 1
        log.warning("redelivered while the dead run's lease lasts; retrying", job=job, seconds=countdown)
        raise task.retry(countdown=countdown, expires=countdown + 3600)
    metrics.observe_skip(job)
    log.info("skipped: already running elsewhere", job=job)
    return {"job": job, "skipped": "already running"}


def _run_guarded(task: Task, job: str) -> dict[str, Any]:
    from jobs.cli.runs import run_job
    from jobs.service import metrics

    app: GoldheatCelery = task.app  # type: ignore[assignment]
    lease_name = f"job:{job}"
    with structlog.contextvars.bound_contextvars(job=job), job_context(app) as ctx:
        with single_run(ctx.state, lease_name, holder_of(task), app.settings.service.lock_lease_seconds) as held:
            if not held:
                return _busy(task, ctx.state, lease_name, job)
            try:
                summary = run_job(ctx, job)
            except Exception:
                metrics.observe_error(job)
                raise
        metrics.observe_run(summary)
        log.info(summary.line(), count=sum(summary.counts.values()), seconds=summary.seconds,
                 error=len(summary.failures) or None)
        return _jsonable(summary)


def run_job_task(self: Task, name: str) -> dict[str, Any]:
    return _run_guarded(self, name)


def sweep_reminders_task(self: Task) -> dict[str, Any]:
    return _run_guarded(self, "reminders")


def sync_order_task(self: Task, order: str) -> Any:
    """One order now. Its lease keeps two requests for the same order from running side by side."""
    from jobs.orders.job import sync_order
    from jobs.service import metrics

    app: GoldheatCelery = self.app  # type: ignore[assignment]
    lease_name = f"order:{order}"
    lease_seconds = app.settings.service.lock_lease_seconds
    with structlog.contextvars.bound_contextvars(order=order), job_context(app) as ctx:
        with single_run(ctx.state, lease_name, holder_of(self), lease_seconds) as held:
            if not held:
                from jobs.state.locks import current

                lease = current(ctx.state, lease_name)
                raise self.retry(countdown=(lease.remaining() if lease else 0) + 1)
            result = sync_order(ctx, order)
        ok = bool(getattr(result, "ok", True))
        metrics.RUNS.labels("sync_order", "ok" if ok else "failed").inc()
        log.info("order synced" if ok else "order failed", order=order, error=getattr(result, "failure", None))
        return _jsonable(result)


def register_tasks(app: GoldheatCelery) -> None:
    """Register the tasks on the app with the retry policy from its settings."""
    from jobs.service import metrics

    service = app.settings.service
    options: dict[str, Any] = {
        "bind": True,
        "shared": False,  # a shared task would be added to every app made later, with these options
        "autoretry_for": (RetriableError,),
        "retry_backoff": service.task_retry_backoff_seconds,
        "retry_backoff_max": service.task_retry_backoff_max_seconds,
        "retry_jitter": True,
        "max_retries": service.task_max_retries,
    }
    app.task(name="goldheat.run_job", **options)(run_job_task)
    app.task(name="goldheat.sync_order", **options)(sync_order_task)
    app.task(name="goldheat.sweep_reminders", **options)(sweep_reminders_task)
    metrics.connect_signals()
