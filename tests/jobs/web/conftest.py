"""Fixtures of the web console's tests: staff users of each role, the app over a fake service."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyodbc

import pytest
from flask import Flask
from flask.testing import FlaskClient

from config.settings import LettersSettings, Settings, WebSettings, WebUser
from jobs.web.app import create_app
from jobs.web.live import LiveOrderService
from argon2 import PasswordHasher
from tests.fixtures.heat import HEAT_API_KEY
from tests.jobs.orders.world import World
from tests.jobs.state.stores import state_store
from tests.jobs.web.fake_service import FakeOrder, FakeOrderService

PASSWORDS = {"sam": "sales-admin-pass-1", "vic": "viewer-pass-1234", "sue": "support-pass-123"}
ROLES = {"sam": "sales_admin", "vic": "viewer", "sue": "support"}
# Cheap hashes keep the suite fast; verification reads the cost from the hash itself.
_HASHES = {name: PasswordHasher(time_cost=1, memory_cost=8192).hash(pw) for name, pw in PASSWORDS.items()}
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def staff_users() -> dict[str, WebUser]:
    return {name: WebUser(password_hash=_HASHES[name], role=ROLES[name]) for name in PASSWORDS}


def web_settings(tmp_path: Path, **web: Any) -> Settings:
    users = staff_users()
    return Settings(var_dir=tmp_path / "var", letters=LettersSettings(output_dir=tmp_path / "letters"),
                    web=WebSettings(users=users, **web))


def csrf(client: FlaskClient, path: str = "/login") -> str:
    page = client.get(path).get_data(as_text=True)
    found = _TOKEN.search(page)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def sign_in(client: FlaskClient, name: str) -> None:
    response = client.post("/login", data={"username": name, "password": PASSWORDS[name],
                                           "csrf_token": csrf(client)})
    assert response.status_code == 302, response.get_data(as_text=True)


@pytest.fixture
def fake(tmp_path: Path) -> FakeOrderService:
    (tmp_path / "letters").mkdir()
    service = FakeOrderService(tmp_path / "letters")
    service.add(FakeOrder("OP0000000000001", "PO-1001", "Acme Optics Ltd"))
    service.add(FakeOrder("OP0000000000002", "PO-1002", "Borealis Labs", fail_once={"ticket"}))
    return service


@pytest.fixture
def app(tmp_path: Path, fake: FakeOrderService) -> Flask:
    app = create_app(web_settings(tmp_path), fake)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def world(tmp_path: Path, heat_simulator: Any, database_factory: Any) -> Iterator[World]:
    """H6's order world (GoldMine on SQLite through ODBC, the ISM simulator, a state store)."""
    from config.settings import Dialect
    from connectors.goldmine.schema import create_schema

    dsn = database_factory("sqlite", "web")
    conn = pyodbc.connect(dsn)
    create_schema(conn, Dialect.SQLITE)
    conn.close()
    with state_store("sqlite", tmp_path) as engine:
        yield World("sqlite", dsn, heat_simulator, HEAT_API_KEY, engine, tmp_path)


def live_service(world: World) -> LiveOrderService:
    settings = world.settings().model_copy(update={"web": WebSettings(users=staff_users())})
    return LiveOrderService(settings, state_engine=world.state, make_context=lambda dry: world.context(dry_run=dry),
                            wait_seconds=5)


@pytest.fixture
def live_app(world: World) -> Flask:
    service = live_service(world)
    return create_app(service.settings, service)
