"""Transient ODBC errors re-run the whole write transaction; other errors are classified."""

from __future__ import annotations

import datetime as dt

import pyodbc
import pytest

from config.errors import RetriableError
from config.settings import Dialect, GoldMineSettings, RetrySettings
from connectors.goldmine.connector import GoldMineConnector
from connectors.goldmine.records import NewActivity
from tests.connectors.goldmine.connector_fixtures import (  # noqa: F401  (fixtures)
    ACC,
    clock,
    gm_database,
    gm_db,
)


class FlakyConnection:
    """A real connection whose cursor fails the Nth statement with a link failure (08S01)."""

    def __init__(self, conn, fail_at):
        self._conn, self._fail_at, self.statements = conn, fail_at, 0

    def cursor(self):
        outer, real = self, self._conn.cursor()

        class Cursor:
            def __getattr__(self, name):
                return getattr(real, name)

            def __setattr__(self, name, value):
                setattr(real, name, value)

            def execute(self, sql, params=()):
                outer.statements += 1
                if outer.statements == outer._fail_at:
                    raise pyodbc.OperationalError("08S01", "[08S01] communication link failure")
                return real.execute(sql, params)

        return Cursor()

    def __getattr__(self, name):
        return getattr(self._conn, name)


def _connector(db, clock, fail_at, attempts=4):
    made = []

    def connect():
        conn = db.connect()
        made.append(conn)
        return FlakyConnection(conn, fail_at) if len(made) == 1 else conn

    connector = GoldMineConnector(GoldMineSettings(), connect, Dialect(db.dialect), clock=clock,
                                  retry=RetrySettings(attempts=attempts, initial_wait_seconds=0, max_wait_seconds=0))
    return connector, made


def _activity():
    return NewActivity(accountno=ACC, userid="SMITH", rectype="C", actvcode="STC", ondate=dt.date(2026, 7, 1),
                       ref="Call")


def test_a_link_failure_mid_write_reruns_the_whole_transaction(gm_db, clock):
    gm_db.account()
    connector, made = _connector(gm_db, clock, fail_at=5)  # after the CAL insert, before the summary
    recid = connector.schedule_activity(_activity())
    assert len(made) == 2  # reconnected
    assert gm_db.count("CAL") == 1 and gm_db.count("CONTACT2") == 1
    assert gm_db.rows("SELECT RECID FROM CAL")[0]["RECID"].strip() == recid
    connector.close()


def test_retries_are_bounded(gm_db, clock):
    gm_db.account()
    calls = []

    def connect():
        calls.append(1)
        return FlakyConnection(gm_db.connect(), fail_at=1)

    connector = GoldMineConnector(GoldMineSettings(), connect, Dialect(gm_db.dialect), clock=clock,
                                  retry=RetrySettings(attempts=2, initial_wait_seconds=0, max_wait_seconds=0))
    with pytest.raises(RetriableError) as caught:
        connector.get_account(ACC)
    assert len(calls) == 2 and caught.value.code == "08S01" and caught.value.system == "goldmine"
    assert gm_db.count("CAL") == 0
