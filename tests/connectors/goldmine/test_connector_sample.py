"""The connector over H1's deterministic sample: the same answers on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import datetime as dt

import pytest

from config.settings import Settings
from connectors.goldmine.records import ChangeCursor, NewActivity
from connectors.goldmine.sandbox import init_goldmine
from tests.connectors.goldmine.connector_fixtures import (  # noqa: F401  (fixtures)
    clock,
    gm,
    gm_database,
    gm_db,
)

TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def sample(gm_db):
    init_goldmine(gm_db.dsn, Settings(), sample=12, seed=7, today=TODAY)
    return gm_db


def _summary(gm):
    accounts = [a for page in gm.iter_accounts(batch_size=5) for a in page]
    people = {a.accountno: [(p.name, p.email) for p in gm.get_people(a.accountno)] for a in accounts}
    orders = sorted((o.opid, o.stage, tuple(sorted(o.fields.items()))) for o in gm.find_opportunities(stage="Order Received"))
    pending = [a.recid for a in gm.pending_activities(accountnos=[a.accountno for a in accounts])]
    return accounts, people, orders, pending


def test_reads_over_the_sample(gm, sample):
    accounts, people, orders, pending = _summary(gm)
    assert len(accounts) == 12 and all(people[a.accountno][0][0] == a.contact for a in accounts)
    assert any(email for persons in people.values() for _, email in persons)
    assert orders and pending
    for opid, _, fields in orders:
        po = dict(fields).get("PO Number")
        if po:
            assert opid in [o.opid for o in gm.find_opportunities(po_number=po)]


def test_history_changes_over_the_sample_return_each_row_once(gm, sample):
    cursor, seen = ChangeCursor(), []
    for _ in range(100):
        batch = gm.changes_since("history", cursor, limit=50)
        seen += [r.recid for r in batch.rows]
        cursor = batch.cursor
        if len(batch.rows) < 50:
            break
    assert len(seen) == len(set(seen)) == sample.count("CONTHIST", "WHERE LASTDATE IS NOT NULL")


def test_schedule_and_complete_on_a_sample_account(gm, sample):
    account = next(a for page in gm.iter_accounts() for a in page)
    recid = gm.schedule_activity(NewActivity(accountno=account.accountno, userid=account.key4 or "GOLDHEAT",
                                             rectype="C", actvcode="STC", ondate=TODAY, ontime="08:00",
                                             ref="Status check"))
    history = gm.complete_activity(recid, resultcode="OK")
    assert gm.get_activity(recid) is None
    assert gm.history(recid=history)[0].ref.startswith("Status check (oc: ")
    assert gm.last_completed([account.accountno], "STC")[account.accountno] >= TODAY
