"""HEAT classic's replica schema: the committed SQL Server DDL, and the sandbox on real servers."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import Settings
from connectors.heat.classic.dialect import DIALECTS, MSSQL
from connectors.heat.classic.schema import CALLLOG, TABLES, render_ddl, init_classic
from tests.conftest import DIALECTS as SERVERS
from tests.connectors.heat.classic.conftest import fetch

DDL_FILE = Path(__file__).resolve().parents[4] / "connectors" / "heat" / "classic" / "ddl" / "mssql.sql"


def test_committed_sql_server_ddl_equals_the_renderer():
    assert DDL_FILE.read_text(encoding="utf-8") == render_ddl(MSSQL)


@pytest.mark.parametrize("dialect", list(DIALECTS.values()), ids=lambda d: d.name.value)
def test_every_table_is_rendered_with_its_primary_key(dialect):
    ddl = render_ddl(dialect)
    for table in TABLES:
        assert f"CONSTRAINT PK_{table.name} PRIMARY KEY ({', '.join(table.key)})" in ddl


def test_calllog_keeps_the_reference_lengths():
    assert CALLLOG.column("CallID").length == 8
    assert CALLLOG.column("ShortDesc").length == 100
    assert CALLLOG.column("Priority").length == 2
    assert CALLLOG.column("CDuration").sql_type(MSSQL) == "decimal(9,4)"


@pytest.mark.parametrize("server", SERVERS)
def test_init_creates_tables_and_ships_the_support_team_once(server, database_factory):
    dsn = database_factory(server, prefix="heatinit")
    summary = init_classic(dsn, Settings())
    assert "created 9 table(s)" in summary
    assert "PWD=***" in summary or server == "sqlite"
    assert fetch(dsn, "SELECT COUNT(*) FROM CallLog") == [(0,)]
    team = fetch(dsn, "SELECT Assignee, LoginID FROM Assignee WHERE GroupName = ? ORDER BY LoginID",
                 "Customer Support")
    assert [login for _, login in team] == ["SUPPORT1", "SUPPORT2"]
    logins = {row[0] for row in fetch(dsn, "SELECT LoginID FROM Tracker")}
    assert {"ADMIN", "GOLDHEAT", "SUPPORT1", "SUPPORT2"} <= logins

    again = init_classic(dsn, Settings())
    assert "created 0 table(s)" in again and "seeded 0 row(s)" in again
    rebuilt = init_classic(dsn, Settings(), drop=True)
    assert "created 9 table(s)" in rebuilt
