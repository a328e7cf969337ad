"""Starting the service's processes: the worker (with or without an embedded beat), beat, Flower.

Roles, one per process (`goldheat serve --role ROLE`):
- `all` (the default): a worker with beat embedded (Celery's `-B`), for one machine. The beat runs
  as a child of the worker, so one command, one process tree to supervise.
- `worker` and `beat`: the two halves, for docker-compose and for more than one worker. Run exactly
  one beat per installation; a second one only causes skipped duplicate ticks, not duplicate effects.
- `flower`: Flower's web monitor over the same broker and settings (needs the `monitoring` extra).
- `web`: the sales admins' web console (`goldheat web serve` with the configured host and port).

Logs are structured JSON in the service unless GOLDHEAT_LOG__FORMAT says otherwise.
"""

from __future__ import annotations

import enum
import importlib.util
import os
import shutil
import socket
from pathlib import Path
from typing import Any

from celery.beat import PersistentScheduler

from config.errors import ConfigurationError
from config.settings import LogFormat, LogLevel, Settings

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
HEARTBEAT_FILE = "beat-heartbeat"


class Role(str, enum.Enum):
    ALL = "all"
    WORKER = "worker"
    BEAT = "beat"
    FLOWER = "flower"
    WEB = "web"


def service_settings(settings: Settings, loglevel: str | None = None) -> Settings:
    """The settings with the service's logging: JSON unless a format was set, the level if given."""
    update: dict[str, Any] = {}
    if "format" not in settings.log.model_fields_set:
        update["format"] = LogFormat.JSON
    if loglevel:
        update["level"] = LogLevel(loglevel.upper())
    if not update:
        return settings
    return settings.model_copy(update={"log": settings.log.model_copy(update=update)})


def prepare_multiprocess_dir(var_dir: Path) -> Path:
    """Empty `<var_dir>/metrics-<host>` and point prometheus-client at it, before anything imports it.

    One folder per host: workers in several containers may share one var volume."""
    path = (var_dir / f"metrics-{socket.gethostname()}").resolve()
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    os.environ[MULTIPROC_ENV] = str(path)
    return path


def _quiet_celery_logging() -> None:
    """Celery must not reconfigure logging: config.logs already did (JSON, redaction)."""
    from celery.signals import setup_logging

    setup_logging.connect(lambda **_: None, weak=False, dispatch_uid="goldheat.logging")


def _start_metrics(settings: Settings) -> Any:
    from jobs.service import metrics
    from jobs.service.tasks import state_engine

    url = settings.state.resolved_url_in(settings.var_dir)
    # Connect and import everything the scrape needs now, in this thread: a scrape must never hold
    # the import lock or a pool lock while the worker forks its processes (the children would hang).
    engine = state_engine(url)
    metrics.last_orders_run(engine)
    lag = metrics.OrderPollLag(lambda: metrics.last_orders_run(engine))
    return metrics.serve_metrics(settings.service.metrics_port, metrics.exporter_registry(lag))


def serve(settings: Settings, role: Role = Role.ALL, *, concurrency: int | None = None,
          loglevel: str | None = None, pool: str = "prefork", hostname: str | None = None) -> int:
    """Run one role of the service in this process until it is stopped; returns its exit code."""
    from config.logs import configure_logging

    if role is Role.FLOWER and importlib.util.find_spec("flower") is None:
        raise ConfigurationError("Flower is not installed: pip install 'goldheat[monitoring]' "
                                 "(the docker image has it)")
    settings = service_settings(settings, loglevel)
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    configure_logging(settings)
    if role is Role.WEB:
        from jobs.web.serve import serve as serve_web

        return serve_web(settings)
    _quiet_celery_logging()
    serves_metrics = settings.service.metrics_port > 0 and role in (Role.ALL, Role.WORKER)
    if serves_metrics:
        prepare_multiprocess_dir(settings.var_dir)

    from jobs.service.celery_app import broker_url, create_app, declare_embedded_queue, is_embedded

    app = create_app(settings)
    if is_embedded(broker_url(settings)) and role in (Role.ALL, Role.WORKER):
        declare_embedded_queue(app, settings.broker.queue)
    level = settings.log.level.value
    quiet = settings.log.format is LogFormat.JSON
    if role is Role.FLOWER:
        app.start(["flower", "--port=5555", f"--logging={level.lower()}"])
        return 0
    if role is Role.BEAT:
        from celery.apps.beat import Beat

        Beat(app=app, loglevel=level, quiet=quiet, scheduler="jobs.service.serve:HeartbeatScheduler").run()
        return 0
    if serves_metrics:
        _start_metrics(settings)
    worker = app.Worker(
        concurrency=concurrency or settings.service.concurrency, loglevel=level, pool=pool, quiet=quiet,
        beat=role is Role.ALL, queues=[settings.broker.queue],
        hostname=hostname or f"goldheat-{os.getpid()}@{socket.gethostname()}",
        scheduler="jobs.service.serve:HeartbeatScheduler",
    )
    worker.start()
    return int(worker.exitcode or 0)


class HeartbeatScheduler(PersistentScheduler):
    """The default scheduler that also touches `<var_dir>/beat-heartbeat` at least every 30 s.

    docker-compose's health check of the beat container is that file's age.
    """

    def tick(self, *args: Any, **kwargs: Any) -> float:
        delay = super().tick(*args, **kwargs)
        settings = getattr(self.app, "settings", None)
        if settings is not None:
            (settings.var_dir / HEARTBEAT_FILE).touch()
        return min(delay, 30.0)
