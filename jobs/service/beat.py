"""The beat schedule, from settings: what runs when.

- the order poll every `service.orders_poll_seconds` (30 s);
- the reminder sweep every `service.reminders_sweep_seconds` (60 s);
- cadence, responses, referrals and proposals once a day at `service.cadence_cron_hour` o'clock in
  the site's time zone (the app's `timezone` is `site.timezone`, so crontab follows its DST).

Frequent ticks expire after one interval: after an outage the worker does not work through a
backlog of identical polls, the next tick does the job. Daily ticks never expire: a missed day is
done late rather than not at all. Two beats at once each send their ticks; the single-run guard
turns the second into a cheap no-op.
"""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab

from config.settings import Settings

DAILY_JOBS = ("cadence", "responses", "referrals", "proposals")


def beat_schedule(settings: Settings) -> dict[str, dict[str, Any]]:
    service = settings.service
    schedule: dict[str, dict[str, Any]] = {
        "orders-poll": {
            "task": "goldheat.run_job", "schedule": service.orders_poll_seconds, "args": ("orders",),
            "options": {"expires": service.orders_poll_seconds},
        },
        "reminders-sweep": {
            "task": "goldheat.sweep_reminders", "schedule": service.reminders_sweep_seconds,
            "options": {"expires": service.reminders_sweep_seconds},
        },
    }
    for job in DAILY_JOBS:
        schedule[f"{job}-daily"] = {
            "task": "goldheat.run_job", "schedule": crontab(minute=0, hour=service.cadence_cron_hour),
            "args": (job,),
        }
    return schedule
