"""All five follow-up jobs over the deterministic sample GoldMine: they act, name bad records, then rest."""

from __future__ import annotations

import datetime as dt

import pytest

from config.settings import Dialect, GoldMineSettings, Settings, SmtpSettings
from connectors.goldmine.sandbox import init_goldmine
from jobs import cadence, proposals, referrals, reminders, responses
from tests.jobs.conftest import Clock, GoldMineRows
from tests.jobs.smtp import SmtpSink, smtp_sink  # noqa: F401 - fixture

JOBS = (cadence, responses, referrals, proposals, reminders)
TODAY = dt.date(2026, 11, 30)


@pytest.fixture
def sample(gm: GoldMineRows) -> GoldMineRows:
    """The sample loaded into this dialect's (emptied) GoldMine replica."""
    settings = Settings(goldmine=GoldMineSettings(dsn=gm.dsn, dialect=Dialect(gm.dialect)))
    init_goldmine(gm.dsn, settings, sample=150, seed=7, today=TODAY)
    return gm


def test_every_job_over_the_sample_then_nothing_left_to_do(sample: GoldMineRows, make_ctx, clock: Clock,
                                                           smtp_sink: SmtpSink) -> None:  # noqa: ANN001
    clock.to(TODAY)
    smtp = SmtpSettings(host="127.0.0.1", port=smtp_sink.port)
    first = {job.JOB: job.run(make_ctx(smtp=smtp)) for job in JOBS}
    for name, summary in first.items():
        for failure in summary.failures:
            assert failure["record"] and (failure.get("field") or failure.get("message")), (name, failure)
    done = sum(s.counts.get(k, 0) for s in first.values() for k in ("scheduled", "logged", "e-mails sent"))
    assert first["cadence"].counts["scheduled"] > 0 and first["responses"].counts.get("scheduled", 0) > 0
    assert done > 0
    second = {job.JOB: job.run(make_ctx(smtp=smtp)) for job in JOBS}
    for name, summary in second.items():
        assert not any(summary.counts.get(k) for k in ("scheduled", "logged", "moved", "removed", "e-mails sent")), (
            name, summary.counts)
    sent = len(smtp_sink.messages)
    assert sent == first["reminders"].counts.get("e-mails sent", 0)
    clock.to(dt.date(2027, 1, 5))                   # five weeks on: the orders shipped since are due
    later = reminders.run(make_ctx(smtp=smtp))
    assert later.counts.get("e-mails sent", 0) > 0 and later.counts.get("scheduled", 0) > 0
    assert all(f["record"].startswith("order ") for f in later.failures)
    assert len(smtp_sink.messages) == sent + later.counts["e-mails sent"]
    again = reminders.run(make_ctx(smtp=smtp))
    assert not again.counts.get("e-mails sent") and not again.counts.get("scheduled")
