"""`goldheat check` against real systems: GoldMine replicas, the ISM simulator, Redis, SMTP, folders."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pyodbc
import pytest
from typer.testing import CliRunner

from config.settings import Dialect, load_settings
from connectors.goldmine.schema import create_schema
from jobs.cli.app import app, reset_settings
from jobs.service.checks import FAIL, OK, SKIP, WARN, Finding, goldmine, heat, local
from tests.fixtures.heat import HEAT_API_KEY

REDIS_URL = "redis://127.0.0.1:6379/0"


def _by_check(findings: list[Finding]) -> dict[str, Finding]:
    return {f.check: f for f in findings}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def pg_goldmine(database_factory: Any) -> str:
    dsn = database_factory("postgresql", "ghcheck")
    conn = pyodbc.connect(dsn)
    create_schema(conn, Dialect.POSTGRESQL)
    conn.close()
    return dsn


@pytest.fixture
def sqlite_goldmine(database_factory: Any) -> str:
    dsn = database_factory("sqlite", "ghcheck")
    conn = pyodbc.connect(dsn)
    create_schema(conn, Dialect.SQLITE)
    conn.close()
    return dsn


def test_a_complete_goldmine_passes_with_every_table_checked(pg_goldmine: str) -> None:
    found = _by_check(goldmine.check_goldmine(load_settings(goldmine={"dsn": pg_goldmine})))
    assert found["connection"].status == OK
    assert found["table OPMGR"].status == OK
    assert found["table CONTTLOG"].status == OK  # present; only required when GoldSync logging is on


def test_a_pre_9_conthist_ref_is_named_with_the_setting_that_fixes_it(database_factory: Any) -> None:
    dsn = database_factory("postgresql", "ghcheck")
    conn = pyodbc.connect(dsn)
    create_schema(conn, Dialect.POSTGRESQL)
    conn.execute("ALTER TABLE CONTHIST ALTER COLUMN REF TYPE varchar(65)")
    conn.execute("DROP TABLE OPMGRFLD")
    conn.commit()
    conn.close()
    found = _by_check(goldmine.check_goldmine(load_settings(goldmine={"dsn": dsn})))
    assert found["table CONTHIST"].status == FAIL
    assert "REF is 65 characters but GOLDHEAT_GOLDMINE__REF_LENGTH is 80 (set it to 65)" in (
        found["table CONTHIST"].detail)
    assert (found["table OPMGRFLD"].status, found["table OPMGRFLD"].detail) == (FAIL, "missing")
    settled = _by_check(goldmine.check_goldmine(load_settings(goldmine={"dsn": dsn, "ref_length": 65})))
    assert settled["table CONTHIST"].status == OK


def test_an_older_goldmine_without_newer_columns_or_with_narrower_ones_only_warns(database_factory: Any) -> None:
    dsn = database_factory("postgresql", "ghcheck")
    conn = pyodbc.connect(dsn)
    create_schema(conn, Dialect.POSTGRESQL)
    conn.execute("ALTER TABLE CONTHIST DROP COLUMN EXT")
    conn.execute("ALTER TABLE CONTACT1 ALTER COLUMN COMPANY TYPE varchar(30)")
    conn.commit()
    conn.close()
    found = _by_check(goldmine.check_goldmine(load_settings(goldmine={"dsn": dsn})))
    assert found["table CONTHIST"].status == WARN and "EXT" in found["table CONTHIST"].detail
    assert found["table CONTACT1"].status == WARN
    assert "COMPANY is 30 characters, GoldMine's is 40" in found["table CONTACT1"].detail


def test_rows_already_using_goldheats_recid_prefix_fail_the_check(database_factory: Any) -> None:
    dsn = database_factory("postgresql", "ghcheck")
    conn = pyodbc.connect(dsn)
    create_schema(conn, Dialect.POSTGRESQL)
    conn.execute("INSERT INTO CONTHIST (RECID, CREATEBY, ACCOUNTNO) VALUES ('GHTABC123456789', 'MASTER', 'A1')")
    conn.commit()
    conn.close()
    found = _by_check(goldmine.check_goldmine(load_settings(goldmine={"dsn": dsn})))
    assert found["RECID prefix"].status == FAIL
    assert "GOLDHEAT_GOLDMINE__RECID_PREFIX" in found["RECID prefix"].fix
    other = _by_check(goldmine.check_goldmine(load_settings(goldmine={"dsn": dsn, "recid_prefix": "ZZ9"})))
    assert other["RECID prefix"].status == OK


def test_a_sqlite_replica_is_checked_by_pragma(sqlite_goldmine: str) -> None:
    found = _by_check(goldmine.check_goldmine(load_settings(goldmine={"dsn": sqlite_goldmine})))
    assert found["connection"].detail == "connected (sqlite)"
    assert found["table CONTACT1"].status == OK


def test_an_unreachable_goldmine_says_which_setting_to_check() -> None:
    dsn = "DRIVER={PostgreSQL Unicode};SERVER=127.0.0.1;PORT=1;DATABASE=x;UID=u;PWD=secret-pw"
    (finding,) = goldmine.check_goldmine(load_settings(goldmine={"dsn": dsn}))
    assert finding.status == FAIL and "GOLDHEAT_GOLDMINE__DSN" in finding.fix
    assert "secret-pw" not in finding.detail


def test_no_goldmine_and_no_demo_database_says_how_to_get_one(tmp_path: Path) -> None:
    (finding,) = goldmine.check_goldmine(load_settings(var_dir=tmp_path))
    assert finding.status == FAIL and "goldheat demo" in finding.fix


def test_ism_credentials_are_tried_on_incidents_and_employees(heat_simulator: Any) -> None:
    settings = load_settings(heat={"base_url": heat_simulator.base_url, "api_key": HEAT_API_KEY})
    found = _by_check(heat.check_heat(settings))
    assert [found[c].status for c in ("credentials", "incidents", "employees")] == [OK, OK, OK]


def test_a_refused_api_key_names_the_setting(heat_simulator: Any) -> None:
    settings = load_settings(heat={"base_url": heat_simulator.base_url, "api_key": "wrong-key-123"})
    found = _by_check(heat.check_heat(settings))
    assert found["credentials"].status == FAIL
    assert "GOLDHEAT_HEAT__API_KEY" in found["credentials"].fix


def test_no_heat_address_is_a_warning_and_the_local_simulator_is_tried() -> None:
    address, credentials = heat.check_heat(load_settings())
    assert address.status == WARN and "127.0.0.1:8765" in address.detail
    assert credentials.status == FAIL and "GOLDHEAT_HEAT__API_KEY" in credentials.fix


def test_a_real_broker_is_reached_and_a_wrong_port_fails() -> None:
    assert local.check_broker(load_settings(broker={"url": REDIS_URL}))[0].status == OK
    (bad,) = local.check_broker(load_settings(broker={"url": f"redis://127.0.0.1:{_free_port()}/0"}))
    assert bad.status == FAIL and "GOLDHEAT_BROKER__URL" in bad.fix


def test_the_embedded_broker_is_reported_as_one_machine_only(tmp_path: Path) -> None:
    (finding,) = local.check_broker(load_settings(var_dir=tmp_path))
    assert finding.status == OK and "one machine" in finding.detail


def test_letters_folder_must_be_writable(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    (finding,) = local.check_letters(load_settings(letters={"output_dir": str(blocker / "letters")}))
    assert finding.status == FAIL and "GOLDHEAT_LETTERS__OUTPUT_DIR" in finding.fix
    assert local.check_letters(load_settings(letters={"output_dir": str(tmp_path / "l")}))[0].status == OK


def test_missing_signature_images_are_named(tmp_path: Path) -> None:
    (tmp_path / "ok.png").write_bytes(b"png")
    settings = load_settings(letters={"signatures": {"ASHAW": str(tmp_path / "ok.png"),
                                                     "BJONES": str(tmp_path / "none.png")}})
    (finding,) = local.check_signatures(settings)
    assert finding.status == FAIL and "BJONES" in finding.detail and "ASHAW" not in finding.detail


def test_smtp_is_reached_when_configured() -> None:
    from aiosmtpd.controller import Controller

    class Sink:
        async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
            return "250 OK"

    port = _free_port()
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert local.check_smtp(load_settings(smtp={"host": "127.0.0.1", "port": port}))[0].status == OK
    finally:
        controller.stop()
    assert local.check_smtp(load_settings(smtp={"host": "127.0.0.1", "port": port}))[0].status == FAIL
    assert local.check_smtp(load_settings())[0].status == SKIP


def test_the_command_exits_0_when_all_is_well_and_2_when_not(
        sqlite_goldmine: str, heat_simulator: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOLDHEAT_GOLDMINE__DSN", sqlite_goldmine)
    monkeypatch.setenv("GOLDHEAT_HEAT__BASE_URL", heat_simulator.base_url)
    monkeypatch.setenv("GOLDHEAT_HEAT__API_KEY", HEAT_API_KEY)
    monkeypatch.setenv("GOLDHEAT_LETTERS__OUTPUT_DIR", str(tmp_path / "letters"))
    reset_settings()
    result = CliRunner().invoke(app, ["check", "--json"])
    assert result.exit_code == 0, result.output
    statuses = {(f["system"], f["check"]): f["status"] for f in json.loads(result.stdout)}
    assert statuses[("heat", "credentials")] == OK and statuses[("goldmine", "table OPMGR")] == OK
    monkeypatch.setenv("GOLDHEAT_HEAT__API_KEY", "wrong-key-123")
    reset_settings()
    result = CliRunner().invoke(app, ["check"])
    assert result.exit_code == 2
    assert "GOLDHEAT_HEAT__API_KEY" in result.stdout
    assert "wrong-key-123" not in result.stdout
    reset_settings()


def test_heat_classic_tables_are_checked_and_a_missing_one_is_named(database_factory: Any) -> None:
    from connectors.heat.classic.schema import init_classic

    dsn = database_factory("postgresql", "ghclassic")
    settings = load_settings(heat={"backend": "classic", "dsn": dsn})
    init_classic(dsn, settings)
    found = _by_check(heat.check_heat(settings))
    assert found["connection"].status == OK
    assert found["table CallLog"].status == OK and found["table HEATCAI"].status == OK
    conn = pyodbc.connect(dsn)
    conn.execute("DROP TABLE Journal")
    conn.commit()
    conn.close()
    found = _by_check(heat.check_heat(settings))
    assert (found["table Journal"].status, found["table Journal"].detail) == (FAIL, "missing")


def test_heat_classic_without_a_connection_string_says_which_setting() -> None:
    (finding,) = heat.check_heat(load_settings(heat={"backend": "classic"}))
    assert finding.status == FAIL and "GOLDHEAT_HEAT__DSN" in finding.fix
