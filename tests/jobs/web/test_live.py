"""The console bound to the real order onboarding: GoldMine over ODBC, the ISM simulator, the ledger."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import structlog
from flask import Flask
from flask.testing import FlaskClient

from jobs.orders.job import sync_order
from jobs.state import reminders
from jobs.web.service import OrderNotFound
from tests.jobs.orders.world import World, issued_password
from tests.jobs.web.conftest import csrf, live_service, sign_in

ACC, ACC2 = "B5012647614&:;:!HKat", "C6061512345O'B'%"
OPID, OPID2 = "GXZDVN2#SIYUT&@", "HQ7 TTN3/ZZ?&%1"
ONCE = {"customers": 1, "logins": 1, "tickets": 1, "notes": 1, "letters": 1, "heat_detail": 1, "login_detail": 1,
        "history": 4}
NONE = {k: 0 for k in ONCE}


def orders(world: World) -> None:
    world.user()
    world.account(ACC, company="Acme Instruments Ltd", contact="Jane Smith", email="jane.smith@acme.example")
    world.order(OPID, ACC, contact="Jane Smith", po="PO-1001", company="Acme Instruments Ltd")
    world.account(ACC2, company="Borealis Labs", contact="Bo Reed", email="bo@borealis.example")
    world.order(OPID2, ACC2, contact="Nobody Here", po="PO-2002", company="Borealis Labs")  # no user customer


def page(client: FlaskClient, ref: str = OPID) -> str:
    response = client.get("/order", query_string={"ref": ref})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def sync(client: FlaskClient, ref: str = OPID, path: str = "/order/sync", **data: str) -> int:
    return client.post(path, data={"ref": ref, "csrf_token": csrf(client, "/"), **data}).status_code


def test_find_by_po_company_or_opid(world: World) -> None:
    orders(world)
    service = live_service(world)
    assert [o.opid for o in service.find("PO-1001")] == [OPID]
    assert [o.opid for o in service.find(OPID)] == [OPID]
    assert [o.opid for o in service.find("acme instr")] == [OPID]
    with pytest.raises(OrderNotFound, match="PO-9999"):
        service.find("PO-9999")


def test_preview_says_what_would_be_done_and_does_nothing(world: World, live_app: Flask) -> None:
    orders(world)
    client = live_app.test_client()
    sign_in(client, "sam")
    html = page(client)
    for text in ("create HEAT customer", "issue website login", "jane.smith", "open HEAT ticket",
                 "render welcome PDF", "write GoldMine history", "(generated, 16 characters)"):
        assert text in html
    assert world.counts(OPID, ACC) == NONE


def test_sync_from_the_page_onboards_the_order_once(world: World, live_app: Flask) -> None:
    orders(world)
    client = live_app.test_client()
    sign_in(client, "sam")
    assert sync(client) == 302
    html = page(client)
    assert "Sync done: customer, login, ticket, letter, history." in html
    assert html.count("badge done") >= 5
    assert sync(client) == 302
    assert "nothing to do" in page(client)
    assert world.counts(OPID, ACC) == ONCE


def test_two_syncs_at_once_make_each_effect_once(world: World, live_app: Flask) -> None:
    orders(world)
    clients = [live_app.test_client() for _ in range(3)]
    for c in clients:
        sign_in(c, "sam")
    tokens = [csrf(c, "/") for c in clients]
    threads = [threading.Thread(target=c.post, args=("/order/sync",),
                                kwargs={"data": {"ref": OPID, "csrf_token": t}}) for c, t in zip(clients, tokens)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert world.counts(OPID, ACC) == ONCE


def test_a_bad_order_shows_its_field_and_is_listed_first(world: World, live_app: Flask) -> None:
    orders(world)
    client = live_app.test_client()
    sign_in(client, "sam")
    assert "cannot be onboarded as it stands" in page(client, OPID2)
    sync(client)
    sync(client, OPID2)
    html = page(client, OPID2)
    assert "no user customer" in html and 'id="retry-customer"' in html
    listing = client.get("/").get_data(as_text=True)
    assert listing.index("PO-2002") < listing.index("PO-1001")


def test_recent_orders_are_orders_not_the_ledgers_per_customer_rows(world: World) -> None:
    """The login step keeps one ledger row per customer too; the console's list shows orders only."""
    orders(world)
    with world.context() as ctx:
        assert sync_order(ctx, OPID).complete
    assert [o.opid for o in live_service(world).recent()] == [OPID]


def test_support_sees_a_sealed_password_then_only_where_it_is(world: World, live_app: Flask) -> None:
    orders(world)
    with world.context() as ctx:
        sync_order(ctx, OPID, only={"customer", "login"})  # the hand-over is not done yet
    client = live_app.test_client()
    sign_in(client, "sue")
    assert 'id="show-password"' in page(client)
    with structlog.testing.capture_logs() as logs:
        shown = client.post("/order/password", data={"ref": OPID, "csrf_token": csrf(client, "/")})
    html = shown.get_data(as_text=True)
    password = html.split('id="password">', 1)[1].split("<", 1)[0]
    assert len(password) == 16
    assert [(e["event"], e["user"], e["login"]) for e in logs] == [("password viewed", "sue", "jane.smith")]
    assert password not in repr(logs)
    with world.context() as ctx:
        sync_order(ctx, OPID)
    assert issued_password(world, ACC) == password
    html = page(client)
    assert 'id="show-password"' not in html and "journal note of HEAT ticket" in html and password not in html


def test_the_welcome_letter_opens_from_the_letters_folder(world: World, live_app: Flask) -> None:
    orders(world)
    client = live_app.test_client()
    sign_in(client, "sam")
    sync(client)
    response = client.get("/order/letter", query_string={"ref": OPID})
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_upcoming_reminders_are_listed(world: World, live_app: Flask) -> None:
    orders(world)
    ship = dt.date(2026, 6, 20)
    reminders.add(world.state, OPID, "distributor_email", ACC, ship, ship + dt.timedelta(days=14),
                  dt.datetime(2026, 6, 15, tzinfo=dt.UTC))
    client = live_app.test_client()
    sign_in(client, "vic")
    assert "distributor_email" in page(client) and "04 Jul 2026" in page(client)
