"""The Celery app, built from Settings at the entry point (never at import time).

Brokers: Redis (`redis://`, `rediss://`) and RabbitMQ (`amqp://`, `amqps://`), or, with no broker
configured, kombu's own SQLAlchemy transport over a SQLite file in the var folder
(`sqla+sqlite:///<var_dir>/broker.sqlite`), so one machine runs the service with nothing else
installed. That transport keeps in-flight messages in the worker's memory: a worker killed with
SIGKILL loses the task it was running, and the beat's next tick redoes the work (every periodic job
is a poll over GoldMine and idempotent). Redis and RabbitMQ redeliver it instead.

Delivery: `task_acks_late` + `task_reject_on_worker_lost` + one prefetched message per process
mean a task is acknowledged only after it finished, and a task whose process died goes back to the
queue. With Redis, a message nobody acknowledged comes back after the visibility timeout (setting
`GOLDHEAT_BROKER__VISIBILITY_TIMEOUT_SECONDS`, one hour), which must exceed the longest job and the
longest retry countdown, or a slow job would start twice (still without duplicate effects).

Serialisation is JSON for messages and results: a task's arguments are IDs, results are run
summaries (plain dicts), Flower and an admin can read every message, and nothing from the broker
is ever unpickled (pickle from a shared Redis is code execution). Errors still survive: inside a
worker the prefork pool pickles them between processes (`config.errors` are picklable), and in
a result an error arrives as its own class with its message; its structured fields are in the
run's record (`goldheat status`) and in the JSON log line.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from celery import Celery

from config.errors import ConfigurationError
from config.settings import Settings

BROKER_SCHEMES = ("redis", "rediss", "amqp", "amqps", "pyamqp", "sqla+sqlite", "sqla+postgresql")


class GoldheatCelery(Celery):
    """A Celery app that knows the settings it was built from (tasks build their JobContext from them)."""

    settings: Settings


def embedded_broker_url(var_dir: Path) -> str:
    return f"sqla+sqlite:///{(var_dir / 'broker.sqlite').resolve()}"


def broker_url(settings: Settings) -> str:
    """The configured broker, or the embedded SQLite one; a wrong scheme is a configuration error."""
    url = settings.broker.url.get_secret_value()
    if not url:
        return embedded_broker_url(settings.var_dir)
    scheme = urlsplit(url).scheme.lower()
    if scheme not in BROKER_SCHEMES:
        raise ConfigurationError(
            f"GOLDHEAT_BROKER__URL: unsupported broker {scheme!r}; use redis://host:6379/0 or "
            "amqp://user:password@host:5672// (or leave it empty for the embedded broker)",
            setting="GOLDHEAT_BROKER__URL")
    return url


def is_embedded(url: str) -> bool:
    return url.startswith("sqla+")


def transport_options(settings: Settings, url: str) -> dict[str, Any]:
    """kombu transport options per broker kind, with the site's own merged over them."""
    options: dict[str, Any]
    if url.startswith(("redis", "rediss")):
        # The key prefix lets two installations (or two test runs) share one Redis server.
        options = {"visibility_timeout": settings.broker.visibility_timeout_seconds,
                   "global_keyprefix": f"{settings.broker.queue}:"}
    elif is_embedded(url):
        # The SQLAlchemy transport passes its options to create_engine: only engine arguments here.
        options = {"connect_args": {"timeout": 30}}
    else:
        options = {}
    return {**options, **settings.broker.transport_options}


def celery_config(settings: Settings) -> dict[str, Any]:
    url = broker_url(settings)
    queue = settings.broker.queue
    backend = settings.broker.result_backend.get_secret_value() or None
    real_broker = not is_embedded(url)
    return {
        "broker_url": url,
        "broker_transport_options": transport_options(settings, url),
        "broker_connection_retry_on_startup": True,
        "result_backend": backend,
        "task_ignore_result": backend is None,
        "result_extended": backend is not None,
        "task_default_queue": queue,
        "task_default_exchange": queue,
        "task_default_routing_key": queue,
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "result_accept_content": ["json"],
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        # The broker will redeliver a task whose connection dropped: stop running it here.
        "worker_cancel_long_running_tasks_on_connection_loss": True,
        "worker_hijack_root_logger": False,
        "worker_send_task_events": real_broker,  # Flower watches these; the embedded broker has no fan-out
        "task_send_sent_event": real_broker,
        "timezone": settings.site.timezone,
        "enable_utc": True,
        "beat_schedule_filename": str((settings.var_dir / "beat-schedule").resolve()),
    }


_FORK_HOOK = False


def _fresh_embedded_engines() -> None:
    """In a forked child (pool process, embedded beat): stop using the parent's SQLite connections.

    kombu's SQLAlchemy transport caches its engines on the class, so a child inherits the parent's
    pooled connections to the broker file; two processes on one SQLite connection corrupt its locks
    (seen as a beat that hangs on its first publish). `dispose(close=False)` gives the child a new
    pool and leaves the parent's connections alone.
    """
    from kombu.transport.sqlalchemy import Channel

    for engine, _session in list(Channel._engines.values()):
        engine.dispose(close=False)


def declare_embedded_queue(app: GoldheatCelery, queue: str, attempts: int = 5) -> None:
    """Create the queue's row in the embedded broker before the worker consumes from it.

    kombu's SQLAlchemy transport inserts a queue's row on first use and guards that with a lock
    inside one process only: two `goldheat serve` processes starting together on a new broker file
    both insert, and the loser's worker dies on the unique constraint. Here the loser retries and
    finds the winner's row.
    """
    from kombu import Queue
    from sqlalchemy.exc import IntegrityError, OperationalError

    for attempt in range(1, attempts + 1):
        try:
            with app.connection_for_write() as conn:
                Queue(queue, routing_key=queue)(conn.default_channel).declare()
            return
        except (IntegrityError, OperationalError):
            if attempt == attempts:
                raise


def create_app(settings: Settings) -> GoldheatCelery:
    """A configured app with goldheat's tasks and beat schedule."""
    from jobs.service.beat import beat_schedule
    from jobs.service.tasks import register_tasks

    global _FORK_HOOK
    url = broker_url(settings)
    if is_embedded(url):
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        if not _FORK_HOOK:
            os.register_at_fork(after_in_child=_fresh_embedded_engines)
            _FORK_HOOK = True
    app = GoldheatCelery("goldheat", set_as_current=False)
    app.settings = settings
    app.conf.update(celery_config(settings))
    app.conf.beat_schedule = beat_schedule(settings)
    register_tasks(app)
    return app
