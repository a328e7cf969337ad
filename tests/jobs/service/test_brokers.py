"""Celery against the real brokers on this machine: Redis, RabbitMQ, and kombu's embedded SQLite one."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.jobs.service.conftest import AMQP_URL, KEYED, REDIS_URL, client_app, service_env
from tests.jobs.service.procs import Processes, wait_for

pytestmark = [pytest.mark.timeout(120), pytest.mark.slow]


def _ready(procs: Processes, proc) -> None:  # noqa: ANN001
    wait_for(lambda: "ready." in Path(proc.log_path).read_text(errors="replace") or proc.poll() is not None,
             60, "the worker to be ready")
    assert proc.poll() is None, procs.logs()


def _runs(url: str) -> list[tuple[int, float | None]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT pid, finished FROM svc_runs ORDER BY id")).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def _delete_rabbit_queue(queue: str) -> None:
    from kombu import Connection

    with Connection(AMQP_URL) as conn:
        conn.default_channel.queue_delete(queue)
        conn.default_channel.exchange_delete(queue)


@pytest.mark.parametrize("broker", [REDIS_URL, AMQP_URL], ids=["redis", "rabbitmq"])
def test_a_worker_runs_a_job_sent_through_the_broker(broker: str, tmp_path: Path, procs: Processes,
                                                     clean_effects: str) -> None:
    env = service_env(tmp_path, broker, clean_effects, jobs={"keyed": KEYED})
    env.update({"GHTEST_EFFECTS_URL": clean_effects, "GHTEST_KEYS": "3"})
    try:
        worker = procs.serve(env, "--role", "worker", "--concurrency", "1")
        _ready(procs, worker)
        client_app(env).send_task("goldheat.run_job", args=["keyed"])
        wait_for(lambda: [r for r in _runs(clean_effects) if r[1]], 30, "the run to finish")
    finally:
        if broker == AMQP_URL:
            _delete_rabbit_queue(env["GOLDHEAT_BROKER__QUEUE"])


def test_the_embedded_broker_carries_tasks_between_processes_each_once(tmp_path: Path, procs: Processes,
                                                                       clean_effects: str) -> None:
    """Two workers and this process share one SQLite broker file; six tasks run six times in all."""
    jobs = {f"k{i}": KEYED for i in range(6)}
    env = service_env(tmp_path, "", clean_effects, jobs=jobs)
    env.update({"GHTEST_EFFECTS_URL": clean_effects, "GHTEST_KEYS": "0"})
    first = procs.serve(env, "--role", "worker", "--concurrency", "1")
    second = procs.serve(env, "--role", "worker", "--concurrency", "1")
    _ready(procs, first)
    _ready(procs, second)
    app = client_app(env)
    for name in jobs:
        app.send_task("goldheat.run_job", args=[name])
    runs = wait_for(lambda: len(_runs(clean_effects)) >= 6 and _runs(clean_effects), 60, "six runs")
    assert all(finished for _pid, finished in runs)
    import time

    time.sleep(2)  # nothing runs twice
    assert len(_runs(clean_effects)) == 6
