"""Two workers and two beats never duplicate an effect; a worker killed mid-job leaves the work to
another, which completes it exactly once. Real Redis / RabbitMQ, real PostgreSQL for the effects."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.jobs.service.conftest import AMQP_URL, KEYED, REDIS_URL, client_app, service_env
from tests.jobs.service.procs import Processes, children, wait_for
from tests.jobs.service.test_brokers import _delete_rabbit_queue, _ready, _runs

pytestmark = [pytest.mark.timeout(180), pytest.mark.slow]
KEYS = 10


def _effects(url: str) -> dict[int, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT key, pid FROM svc_effects")).all()
    engine.dispose()
    return dict(rows)  # type: ignore[arg-type]


def test_two_workers_and_two_beats_do_each_effect_once_and_never_overlap(
        tmp_path: Path, procs: Processes, clean_effects: str) -> None:
    """The beats both send the order poll twice a second; each key is done once, runs never overlap."""
    queue = "t" + os.urandom(5).hex()
    envs = [service_env(tmp_path, REDIS_URL, clean_effects, queue=queue, jobs={"orders": KEYED}, name=f"p{i}",
                        service__orders_poll_seconds="0.5") for i in range(4)]
    for env in envs:
        env.update({"GHTEST_EFFECTS_URL": clean_effects, "GHTEST_KEYS": str(KEYS), "GHTEST_DELAY": "0.2"})
    workers = [procs.serve(envs[i], "--role", "worker", "--concurrency", "2") for i in (0, 1)]
    for i in (2, 3):
        procs.serve(envs[i], "--role", "beat")
    for worker in workers:
        _ready(procs, worker)
    wait_for(lambda: len([r for r in _runs(clean_effects) if r[1]]) >= 4, 90, "four finished runs")
    procs.stop_all()
    effects = _effects(clean_effects)
    assert sorted(effects) == list(range(KEYS))
    runs = sorted((r for r in _start_end(clean_effects)), key=lambda r: r[0])
    for (_s1, end1), (start2, _e2) in zip(runs, runs[1:]):
        assert end1 is None or end1 <= start2, "two runs of the same job overlapped"


def _start_end(url: str) -> list[tuple[float, float | None]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT started, finished FROM svc_runs")).all()
    engine.dispose()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def _start_slow_job(tmp_path: Path, procs: Processes, url: str, broker: str, **settings: str):  # noqa: ANN202
    queue = "t" + os.urandom(5).hex()
    envs = [service_env(tmp_path, broker, url, queue=queue, jobs={"keyed": KEYED}, name=f"w{i}", **settings)
            for i in (0, 1)]
    for env in envs:
        env.update({"GHTEST_EFFECTS_URL": url, "GHTEST_KEYS": str(KEYS), "GHTEST_DELAY": "0.4"})
    workers = [procs.serve(env, "--role", "worker", "--concurrency", "1") for env in envs]
    for worker in workers:
        _ready(procs, worker)
    client_app(envs[0]).send_task("goldheat.run_job", args=["keyed"])
    wait_for(lambda: len(_effects(url)) >= 3, 60, "the job to be under way")
    return workers, queue


def _owner(workers, pid: int):  # noqa: ANN001, ANN202
    return next(w for w in workers if pid == w.pid or pid in children(w.pid))


def test_a_pool_process_killed_mid_job_is_redone_by_another_exactly_once(
        tmp_path: Path, procs: Processes, clean_effects: str) -> None:
    """SIGKILL the process running the job: reject_on_worker_lost puts the task back at once."""
    workers, _queue = _start_slow_job(tmp_path, procs, clean_effects, REDIS_URL)
    killed = next(iter(_effects(clean_effects).values()))
    os.kill(killed, signal.SIGKILL)
    wait_for(lambda: any(finished for _pid, finished in _runs(clean_effects)), 60, "the job to be completed")
    runs = _runs(clean_effects)
    effects = _effects(clean_effects)
    assert sorted(effects) == list(range(KEYS))
    assert {pid for pid in effects.values()} - {killed}, "no other process finished the work"
    assert len(runs) == 2  # the killed run and the one that completed it


@pytest.mark.parametrize("broker", [REDIS_URL, AMQP_URL], ids=["redis", "rabbitmq"])
def test_a_whole_worker_killed_mid_job_leaves_the_work_to_the_other_exactly_once(
        broker: str, tmp_path: Path, procs: Processes, clean_effects: str) -> None:
    """SIGKILL a worker and its pool: RabbitMQ redelivers when the connection drops, Redis after the
    visibility timeout (5 s here) to the surviving worker, which finishes every remaining key."""
    settings = {}
    if broker == REDIS_URL:
        settings = {"broker__visibility_timeout_seconds": "5", "broker__transport_options": json.dumps(
            {"unacked_restore_interval": 1, "unacked_restore_throttle": 1})}
    workers, queue = _start_slow_job(tmp_path, procs, clean_effects, broker, **settings)
    try:
        busy = _owner(workers, next(iter(_effects(clean_effects).values())))
        procs.kill(busy)
        survivor = next(w for w in workers if w is not busy)
        effects = wait_for(lambda: len(_effects(clean_effects)) == KEYS and _effects(clean_effects), 60,
                           "the survivor to complete the job")
        assert sorted(effects) == list(range(KEYS))
        assert any(pid in children(survivor.pid) for pid in effects.values())
    finally:
        if broker == AMQP_URL:
            _delete_rabbit_queue(queue)
