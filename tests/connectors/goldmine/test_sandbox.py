"""`goldheat sandbox init --goldmine DSN` and `sandbox show`, for real on the database servers."""

from __future__ import annotations

import datetime as dt

import pyodbc
import pytest
from typer.testing import CliRunner

from config.errors import ConfigurationError
from config.settings import Dialect, load_settings
from connectors.goldmine.sandbox import describe_goldmine, init_goldmine, resolve_dialect
from connectors.goldmine.schema import TABLES
from jobs.cli.app import app, reset_settings
from tests.conftest import DIALECTS

TODAY = dt.date(2026, 11, 29)


@pytest.fixture
def cli():
    reset_settings()
    yield CliRunner()
    reset_settings()


@pytest.mark.parametrize("dialect", DIALECTS)
def test_init_creates_the_schema_and_loads_the_sample(database_factory, dialect: str) -> None:
    dsn = database_factory(dialect, "ghsandbox")
    summary = init_goldmine(dsn, load_settings(), sample=12, history=100, seed=4, today=TODAY)
    assert f"13 tables created" in summary and "CONTHIST 100" in summary
    overview = describe_goldmine(dsn, load_settings(), rows=2)
    assert overview.dialect is Dialect(dialect)
    assert overview.counts["CONTACT1"] == 12 and overview.counts["CONTHIST"] == 100
    assert overview.counts["CONTTLOG"] == 0
    assert len(overview.samples["CONTACT1"][1]) == 2


def test_init_without_a_sample_leaves_the_tables_empty_and_is_idempotent(database_factory) -> None:
    dsn = database_factory("sqlite", "ghempty")
    init_goldmine(dsn, load_settings())
    assert "0 tables created, 13 already there" in init_goldmine(dsn, load_settings())
    conn = pyodbc.connect(dsn)
    assert all(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] == 0 for t in TABLES)
    conn.close()


def test_a_second_sample_needs_drop(database_factory) -> None:
    dsn = database_factory("sqlite", "ghagain")
    init_goldmine(dsn, load_settings(), sample=5, history=10, today=TODAY)
    with pytest.raises(ConfigurationError, match="--drop"):
        init_goldmine(dsn, load_settings(), sample=5, history=10, today=TODAY)
    summary = init_goldmine(dsn, load_settings(), sample=6, history=10, drop=True, today=TODAY)
    assert "CONTACT1 6," in summary


def test_the_dialect_comes_from_the_driver_or_the_settings() -> None:
    assert resolve_dialect("DRIVER={MariaDB Unicode};SERVER=x", load_settings()) is Dialect.MARIADB
    configured = load_settings(goldmine={"dialect": "postgresql"})
    assert resolve_dialect("DSN=goldmine", configured) is Dialect.POSTGRESQL
    with pytest.raises(ConfigurationError):
        resolve_dialect("DSN=goldmine", load_settings())


def test_cli_init_and_show(database_factory, cli) -> None:
    dsn = database_factory("sqlite", "ghcli")
    result = cli.invoke(app, ["sandbox", "init", "--goldmine", dsn, "--sample", "8", "--history", "40"])
    assert result.exit_code == 0, result.output
    assert "CONTACT1 8" in result.output
    shown = cli.invoke(app, ["sandbox", "show", "--goldmine", dsn, "--rows", "2"])
    assert shown.exit_code == 0, shown.output
    assert "CONTHIST" in shown.output and "40" in shown.output


def test_cli_refuses_a_second_sample_with_exit_code_2(database_factory, cli) -> None:
    dsn = database_factory("sqlite", "ghcli2")
    assert cli.invoke(app, ["sandbox", "init", "--goldmine", dsn, "--sample", "3"]).exit_code == 0
    again = cli.invoke(app, ["sandbox", "init", "--goldmine", dsn, "--sample", "3"])
    assert again.exit_code == 2 and "--drop" in again.output


def test_the_password_in_the_dsn_never_shows(database_factory) -> None:
    dsn = database_factory("sqlite", "ghpwd") + ";PWD=s3cret-Value"
    assert "s3cret-Value" not in init_goldmine(dsn, load_settings())
