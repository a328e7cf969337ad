"""The beat schedule from settings."""

from __future__ import annotations

from celery.schedules import crontab

from config.settings import load_settings
from jobs.service.beat import DAILY_JOBS, beat_schedule


def test_orders_are_polled_and_reminders_swept_at_the_configured_intervals() -> None:
    schedule = beat_schedule(load_settings(service={"orders_poll_seconds": 15, "reminders_sweep_seconds": 45}))
    assert schedule["orders-poll"]["task"] == "goldheat.run_job"
    assert schedule["orders-poll"]["args"] == ("orders",)
    assert schedule["orders-poll"]["schedule"] == 15
    assert schedule["reminders-sweep"]["task"] == "goldheat.sweep_reminders"
    assert schedule["reminders-sweep"]["schedule"] == 45


def test_default_intervals_are_30_and_60_seconds() -> None:
    schedule = beat_schedule(load_settings())
    assert (schedule["orders-poll"]["schedule"], schedule["reminders-sweep"]["schedule"]) == (30, 60)


def test_frequent_ticks_expire_after_one_interval_so_an_outage_leaves_no_backlog() -> None:
    schedule = beat_schedule(load_settings())
    assert schedule["orders-poll"]["options"]["expires"] == 30
    assert "options" not in schedule["cadence-daily"]


def test_follow_up_jobs_run_daily_at_the_configured_hour() -> None:
    schedule = beat_schedule(load_settings(service={"cadence_cron_hour": 7}))
    for job in DAILY_JOBS:
        entry = schedule[f"{job}-daily"]
        assert entry["args"] == (job,)
        assert entry["schedule"] == crontab(minute=0, hour=7)
