"""docker-compose.yml, the Dockerfile and goldheat.env.example, checked without a Docker engine:
their structure, health checks, and that the commands are the ones `goldheat serve` accepts and the
README documents."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
SERVE_SERVICES = ("worker", "beat", "flower")  # `goldheat serve --role ...`
GOLDHEAT_SERVICES = (*SERVE_SERVICES, "web")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _command(service: dict[str, Any]) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def test_production_has_a_worker_beat_web_redis_and_flower_each_with_a_health_check(
        compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == {"worker", "beat", "web", "redis", "flower"}
    for name, service in compose["services"].items():
        assert service["healthcheck"]["test"], name
        assert service.get("restart") == "unless-stopped", name


def test_goldheat_services_build_this_image_and_read_goldheat_env(compose: dict[str, Any]) -> None:
    for name in GOLDHEAT_SERVICES:
        service = compose["services"][name]
        assert service["build"] == "."
        assert service["env_file"] == "goldheat.env"
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"


def test_every_service_command_is_goldheat_serve_with_options_it_accepts(compose: dict[str, Any],
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from jobs.cli.app import app, reset_settings
    from jobs.service import serve as serve_module

    calls: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(serve_module, "serve", lambda settings, role, **kw: calls.append((role, kw)) or 0)
    for name in SERVE_SERVICES:
        command = _command(compose["services"][name])
        assert command[:2] == ["goldheat", "serve"], name
        reset_settings()
        result = CliRunner().invoke(app, command[1:])
        assert result.exit_code == 0, result.output
    reset_settings()
    assert [role.value for role, _ in calls] == ["worker", "beat", "flower"]
    assert calls[0][1]["concurrency"] is None  # GOLDHEAT_SERVICE__CONCURRENCY decides


def test_the_compose_commands_are_the_ones_the_readme_documents(compose: dict[str, Any]) -> None:
    readme = (ROOT / "README.md").read_text()
    documented = {" ".join(m.split()) for m in re.findall(r"goldheat (?:web )?serve[^\n`#]*", readme)}
    if not documented:
        pytest.skip("the README does not document `goldheat serve` yet")
    for name in GOLDHEAT_SERVICES:
        command = " ".join(_command(compose["services"][name]))
        assert command in documented, f"{name}: `{command}` is not in the README"


def test_the_web_console_listens_on_all_addresses_in_its_container_and_is_checked_on_healthz(
        compose: dict[str, Any]) -> None:
    web = compose["services"]["web"]
    assert _command(web) == ["goldheat", "serve", "--role", "web"]
    assert web["environment"]["GOLDHEAT_WEB__HOST"] == "0.0.0.0"
    assert "/healthz" in " ".join(web["healthcheck"]["test"])


def test_the_worker_serves_metrics_where_its_health_check_looks(compose: dict[str, Any]) -> None:
    worker = compose["services"]["worker"]
    port = worker["environment"]["GOLDHEAT_SERVICE__METRICS_PORT"]
    assert f":{port}/metrics" in " ".join(worker["healthcheck"]["test"])


def test_the_beat_health_check_reads_the_heartbeat_file_the_scheduler_touches(compose: dict[str, Any]) -> None:
    from jobs.service.serve import HEARTBEAT_FILE

    assert f"/var/lib/goldheat/{HEARTBEAT_FILE}" in " ".join(compose["services"]["beat"]["healthcheck"]["test"])


def test_the_env_example_names_only_real_settings_and_holds_no_secrets() -> None:
    from config.settings import Settings

    values = {}
    for line in (ROOT / "goldheat.env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    for key, value in values.items():
        if not key.startswith("GOLDHEAT_"):
            assert key.startswith("FLOWER_") and not value, key
            continue
        section, _, field = key[len("GOLDHEAT_"):].lower().partition("__")
        model = Settings.model_fields[section].annotation
        assert field in model.model_fields, key
        if re.search(r"PASSWORD|API_KEY|SECRET", key):
            assert value == "", f"{key} must be empty in the example"
    assert "PWD=;" in values["GOLDHEAT_GOLDMINE__DSN"]
    assert "goldheat.env" in (ROOT / ".gitignore").read_text().splitlines()


def test_the_image_installs_the_debian_odbc_drivers_and_the_package() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    for package in ("unixodbc", "odbc-postgresql", "odbc-mariadb", "libsqliteodbc", "tdsodbc"):
        assert package in dockerfile
    assert 'pip install --no-cache-dir ".[monitoring]"' in dockerfile
    assert "USER goldheat" in dockerfile
