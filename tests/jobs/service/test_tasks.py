"""The tasks in this process (Celery's eager mode): guard, retries, summaries, run records."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.errors import FatalError, RetriableError
from config.settings import load_settings
from jobs import registry
from jobs.service.celery_app import create_app
from jobs.state import locks
from jobs.state.runs import recent_runs
from jobs.summary import RunSummary

CALLS: list[str] = []


def ok_job(ctx) -> RunSummary:  # noqa: ANN001
    CALLS.append("ok")
    summary = RunSummary("ok")
    summary.count("tickets", 2)
    return summary


def outage_job(ctx) -> RunSummary:  # noqa: ANN001
    CALLS.append("outage")
    raise RetriableError("GoldMine is down", system="goldmine", operation="connect")


def fatal_job(ctx) -> RunSummary:  # noqa: ANN001
    CALLS.append("fatal")
    raise FatalError("schema mismatch", system="goldmine")


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    CALLS.clear()
    monkeypatch.setitem(registry.JOBS, "ok", f"{__name__}:ok_job")
    monkeypatch.setitem(registry.JOBS, "outage", f"{__name__}:outage_job")
    monkeypatch.setitem(registry.JOBS, "fatal", f"{__name__}:fatal_job")
    monkeypatch.setitem(registry.JOBS, "reminders", f"{__name__}:ok_job")
    app = create_app(load_settings(var_dir=tmp_path / "var", service={"task_max_retries": 2}))
    app.conf.task_always_eager = True
    return app


def _engine(app):  # noqa: ANN001, ANN202
    from jobs.service.tasks import state_engine

    return state_engine(app.settings.state.resolved_url_in(app.settings.var_dir))


def test_run_job_runs_the_named_job_and_records_the_run(app) -> None:  # noqa: ANN001
    result = app.tasks["goldheat.run_job"].delay("ok").get()
    assert result["counts"] == {"tickets": 2}
    assert [r["job"] for r in recent_runs(_engine(app))] == ["ok"]


def test_sweep_reminders_runs_the_reminders_job(app) -> None:  # noqa: ANN001
    app.tasks["goldheat.sweep_reminders"].delay().get()
    assert CALLS == ["ok"]


def test_a_job_already_running_elsewhere_is_skipped(app) -> None:  # noqa: ANN001
    locks.acquire(_engine(app), "job:ok", "other-task@host#1", 30)
    assert app.tasks["goldheat.run_job"].delay("ok").get() == {"job": "ok", "skipped": "already running"}
    assert CALLS == []


def test_an_outage_is_retried_a_bounded_number_of_times(app) -> None:  # noqa: ANN001
    with pytest.raises(RetriableError):
        app.tasks["goldheat.run_job"].delay("outage").get()
    assert CALLS == ["outage"] * 3  # the first try and two retries


def test_a_fatal_error_is_not_retried(app) -> None:  # noqa: ANN001
    with pytest.raises(FatalError):
        app.tasks["goldheat.run_job"].delay("fatal").get()
    assert CALLS == ["fatal"]


def test_the_lease_is_released_after_a_failed_run(app) -> None:  # noqa: ANN001
    with pytest.raises(FatalError):
        app.tasks["goldheat.run_job"].delay("fatal").get()
    assert locks.current(_engine(app), "job:fatal") is None
