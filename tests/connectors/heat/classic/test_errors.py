"""Failures through the real drivers: a dropped connection is retried on a new one; others are not."""

from __future__ import annotations

import pyodbc
import pytest

from config.errors import ConfigurationError, FatalError, RetriableError
from config.settings import HeatSettings, RetrySettings
from connectors.heat.classic.backend import ClassicBackend
from connectors.odbc import detect_dialect, odbc_factory
from tests.connectors.heat.classic.conftest import make_backend

_KILL = {
    "postgresql": ("SELECT pg_backend_pid()", "SELECT pg_terminate_backend({pid})"),
    "mariadb": ("SELECT CONNECTION_ID()", "KILL {pid}"),
}


@pytest.mark.parametrize("server", ["postgresql", "mariadb"])
def test_a_connection_killed_by_the_server_is_replaced_and_the_call_retried(server, database_factory):
    from config.settings import Settings
    from connectors.heat.classic.schema import init_classic

    dsn = database_factory(server, prefix="heatkill")
    init_classic(dsn, Settings())
    opened = []

    def connect():
        opened.append(pyodbc.connect(dsn))
        return opened[-1]

    waits: list[float] = []
    backend = ClassicBackend(HeatSettings(), connect, detect_dialect(dsn), sleep=waits.append,
                             retry=RetrySettings(attempts=3, initial_wait_seconds=0.01))
    assert backend.find_customer("nobody") is None
    which, kill = _KILL[server]
    pid = opened[0].execute(which).fetchone()[0]
    opened[0].commit()
    admin = pyodbc.connect(dsn, autocommit=True)
    admin.execute(kill.format(pid=int(pid)))
    admin.close()
    assert backend.find_customer("nobody") is None
    assert len(opened) == 2 and len(waits) == 1
    backend.close()


def test_a_missing_table_is_fatal_and_not_retried(database_factory):
    dsn = database_factory("sqlite", prefix="heatempty")
    waits: list[float] = []
    backend = make_backend(dsn, sleep=waits.append)
    with pytest.raises(FatalError) as caught:
        backend.find_customer("A")
    assert not isinstance(caught.value, RetriableError) and waits == []
    assert caught.value.operation == "find_customer" and "DATABASE=" not in str(caught.value)


def test_an_unreachable_server_is_retriable_then_raised():
    dsn = "DRIVER={PostgreSQL Unicode};SERVER=127.0.0.1;PORT=1;DATABASE=x;UID=postgres;PWD=hunter22"
    waits: list[float] = []
    backend = ClassicBackend(HeatSettings(), odbc_factory(dsn, timeout=2), detect_dialect(dsn), sleep=waits.append,
                             retry=RetrySettings(attempts=2, initial_wait_seconds=0.01))
    with pytest.raises(RetriableError) as caught:
        backend.find_ticket("A", "s")
    assert len(waits) == 1 and "hunter22" not in str(caught.value)


def test_from_settings_without_a_dsn_is_a_configuration_error():
    from config.settings import Settings

    with pytest.raises(ConfigurationError) as caught:
        ClassicBackend.from_settings(Settings())
    assert caught.value.setting == "GOLDHEAT_HEAT__DSN"
