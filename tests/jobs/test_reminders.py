"""`reminders` end to end: GoldMine replica, a real SMTP server on loopback, the HEAT simulator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from email import message_from_bytes
from typing import Any

import pytest

from config.settings import HeatSettings, Settings, SmtpSettings
from connectors.heat import make_backend
from connectors.heat.base import CustomerData
from jobs import reminders
from jobs.state import effects, ledger
from jobs.state import reminders as rows
from tests.fixtures.heat import HEAT_API_KEY
from tests.jobs.conftest import Clock, GoldMineRows
from tests.jobs.smtp import SmtpSink, smtp_sink  # noqa: F401 - fixture

D = dt.date
ORDER = "OPORDER00000001"


def _day(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else dt.date.fromisoformat(str(value)[:10])


@pytest.fixture
def shop(gm: GoldMineRows) -> GoldMineRows:
    """A customer's order shipped 2 Nov 2026 through a distributor with a primary e-mail."""
    gm.account("CUST1", company="Acme Labs", kind="Customer", tier="")
    gm.account("DIST1", company="Northern Supplies Ltd", contact="Dan Dist")
    gm.email("DIST1", "dan@northern.example.co.uk")
    gm.opportunity(ORDER, "CUST1", stage="Order Received", sm="BPATEL", name="Spectrometer",
                   fields={"Ship Date": "2026-11-02", "Distributor": "DIST1", "PO Number": "PO-4711"})
    return gm


@pytest.fixture
def run(make_ctx, smtp_sink: SmtpSink) -> Iterator[Any]:
    def go(*, dry_run: bool = False, heat: Any = None) -> Any:
        ctx = make_ctx(dry_run=dry_run, heat=heat, smtp=SmtpSettings(host="127.0.0.1", port=smtp_sink.port,
                                                                      sender="sales-admin@example.co.uk"))
        return reminders.run(ctx), ctx
    yield go


def test_two_weeks_after_shipping_the_distributor_is_emailed_once(shop: GoldMineRows, run, clock: Clock,
                                                                  smtp_sink: SmtpSink) -> None:
    clock.to(D(2026, 11, 13))
    summary, ctx = run()
    assert summary.counts["reminders added"] == 4 and summary.counts.get("e-mails sent", 0) == 0
    clock.to(D(2026, 11, 16))                                      # ship + 14 days, a Monday
    summary, _ = run()
    assert summary.ok, summary.failures
    assert summary.counts["e-mails sent"] == 1
    (envelope,) = smtp_sink.messages
    message = message_from_bytes(envelope.content)
    assert envelope.rcpt_tos == ["dan@northern.example.co.uk"]
    assert message["Subject"] == "Your order PO-4711: everything received in good order?"
    assert message["Message-ID"].startswith("<goldheat.") and "Northern Supplies Ltd" in message.get_payload()
    logged = shop.conthist("WHERE LOPRECID = ?", [ORDER])
    assert [(h["ACTVCODE"].strip(), h["USERID"].strip()) for h in logged] == [("GH", "GOLDHEAT")]
    calls = shop.cal("WHERE LOPRECID = ?", [ORDER])
    assert [(c["ACTVCODE"].strip(), c["RECTYPE"].strip(), c["USERID"].strip(), _day(c["ONDATE"])) for c in calls] == [
        ("SHP", "C", "BPATEL", D(2026, 11, 16))]
    clock.travel(hours=2)
    summary, _ = run()
    assert len(smtp_sink.messages) == 1 and summary.counts.get("scheduled", 0) == 0


def test_a_crash_after_sending_does_not_send_again(shop: GoldMineRows, run, clock: Clock,
                                                   smtp_sink: SmtpSink) -> None:
    """The row stays claimed (the worker died) but the e-mail's key was recorded: only the history follows."""
    clock.to(D(2026, 11, 16))
    run(dry_run=True)
    _, ctx = run()
    assert len(smtp_sink.messages) == 1
    rows.finish(ctx.state, ORDER, "email", rows.CLAIMED, ctx.clock())   # as if the worker died here
    clock.travel(minutes=20)                                             # the lease runs out
    summary, _ = run()
    assert len(smtp_sink.messages) == 1
    assert rows.for_orders(ctx.state, [ORDER])[ORDER]["email"].state == rows.DONE


def test_a_refused_recipient_is_reported_and_retried_later(shop: GoldMineRows, run, clock: Clock,
                                                           smtp_sink: SmtpSink) -> None:
    smtp_sink.refuse = {"dan@northern.example.co.uk": "550 5.1.1 no such user"}
    clock.to(D(2026, 11, 16))
    summary, ctx = run()
    assert [f["record"] for f in summary.failures] == ["order PO-4711 (OPORDER00000001) email"]
    assert summary.failures[0]["field"] == "E-mail Address"
    row = rows.for_orders(ctx.state, [ORDER])[ORDER]["email"]
    assert row.state == rows.PENDING and "refused" in row.error
    smtp_sink.refuse = {}
    summary, _ = run()
    assert summary.ok and len(smtp_sink.messages) == 1


def test_sixty_days_on_the_equipment_check_and_its_outcomes(shop: GoldMineRows, run, clock: Clock,
                                                            heat_simulator: Any) -> None:
    clock.to(D(2026, 11, 16))
    run()
    clock.to(D(2027, 1, 4))                                        # +60 = New Year's Day -> Monday
    summary, ctx = run()
    (check,) = shop.cal("WHERE ACTVCODE = ?", ["EQC"])
    assert (_day(check["ONDATE"]), check["USERID"].strip(), check["LOPRECID"].strip()) == (
        D(2027, 1, 4), "BPATEL", ORDER)
    assert summary.counts.get("waiting for the equipment check") == 1
    heat = make_backend(Settings(heat=HeatSettings(base_url=heat_simulator.base_url, api_key=HEAT_API_KEY)))
    heat.upsert_customer(CustomerData(xref="CUST1", first_name="Ann", last_name="Other",
                                      email="ann@acme.example.com", organisation="Acme Labs"))
    ctx.goldmine.complete_activity(check["RECID"].strip(), resultcode="NOK", ondate=D(2027, 1, 4))
    summary, ctx = run(heat=heat)
    assert summary.ok, summary.failures
    assert summary.counts["corrective actions"] == 1
    ticket = effects.get(ctx.state, "reminders", f"{ORDER}:ticket")
    found = heat.find_ticket(heat.find_customer("CUST1").id, "Corrective action: Co CUST1 (order PO-4711)")
    assert found is not None and found.team == "Customer Support" and ticket.effect in (found.number, found.id)
    refs = [h["REF"] for h in shop.conthist("WHERE ACTVCODE = ? AND LOPRECID = ?", ["GH", ORDER])]
    assert any("Corrective action: HEAT ticket" in r for r in refs)
    summary, _ = run(heat=heat)
    assert summary.counts.get("corrective actions", 0) == 0


def test_the_corrective_ticket_goes_to_the_customer_the_order_was_onboarded_for(
        shop: GoldMineRows, run, clock: Clock, heat_simulator: Any) -> None:
    """The order's user customer may be an additional contact: not the account's primary in HEAT."""
    heat = make_backend(Settings(heat=HeatSettings(base_url=heat_simulator.base_url, api_key=HEAT_API_KEY)))
    person = heat.upsert_customer(CustomerData(xref="CUST1/ADDCONTACT00001", first_name="Ann", last_name="Other",
                                               email="ann@acme.example.com", organisation="Acme Labs"))
    clock.to(D(2027, 1, 4))
    _, ctx = run()
    ledger.ensure_steps(ctx.state, ORDER, ("customer",), now=ctx.clock())
    ledger.complete(ctx.state, ledger.claim(ctx.state, ORDER, "customer", now=ctx.clock()), now=ctx.clock(),
                    effect=person.id)
    (check,) = shop.cal("WHERE ACTVCODE = ?", ["EQC"])
    ctx.goldmine.complete_activity(check["RECID"].strip(), resultcode="NOK", ondate=D(2027, 1, 4))
    summary, _ = run(heat=heat)
    assert summary.ok, summary.failures
    assert heat.find_ticket(person.id, "Corrective action: Co CUST1 (order PO-4711)") is not None


def test_ok_is_logged_as_pleased_to_be_of_service(shop: GoldMineRows, run, clock: Clock) -> None:
    clock.to(D(2027, 1, 4))
    summary, ctx = run()
    assert summary.counts["reminders added"] == 2 and summary.counts["reminders skipped"] == 2  # +14 long past
    (check,) = shop.cal("WHERE ACTVCODE = ?", ["EQC"])
    ctx.goldmine.complete_activity(check["RECID"].strip(), resultcode="OK", ondate=D(2027, 1, 5))
    summary, _ = run()
    assert summary.counts["pleased to be of service"] == 1
    refs = [h["REF"] for h in shop.conthist("WHERE ACTVCODE = ?", ["GH"])]
    assert any("Pleased to be of service" in r for r in refs)


@pytest.mark.parametrize(("new_ship", "first", "check"), [
    ("2026-11-09", D(2026, 11, 23), D(2027, 1, 8)),    # forwards a week
    ("2026-10-26", D(2026, 11, 9), D(2026, 12, 29)),   # backwards a week: +60 = Christmas Day
])
def test_a_changed_ship_date_moves_what_has_not_happened(shop: GoldMineRows, run, clock: Clock, new_ship: str,
                                                         first: dt.date, check: dt.date) -> None:
    clock.to(D(2026, 11, 5))
    _, ctx = run()
    shop.set_field(ORDER, "Ship Date", new_ship)
    summary, _ = run()
    assert summary.counts["reminders re-dated"] == 4
    due = {k: r.due for k, r in rows.for_orders(ctx.state, [ORDER])[ORDER].items()}
    assert due == {"email": first, "shp": first, "eqc": check, "outcome": check}


def test_a_moved_ship_date_moves_the_pending_call_back_too(shop: GoldMineRows, run, clock: Clock) -> None:
    clock.to(D(2026, 11, 16))
    run()
    shop.set_field(ORDER, "Ship Date", "2026-11-09")
    run()
    (call,) = shop.cal("WHERE ACTVCODE = ?", ["SHP"])
    assert _day(call["ONDATE"]) == D(2026, 11, 23)


def test_cancelled_orders_lose_their_reminders(shop: GoldMineRows, run, clock: Clock, smtp_sink: SmtpSink) -> None:
    clock.to(D(2026, 11, 16))
    shop.set_field(ORDER, "Distributor", "")
    run()
    assert len(shop.cal("WHERE ACTVCODE = ?", ["SHP"])) == 1
    shop.execute("UPDATE OPMGR SET STAGE = ?, U_STAGE = ? WHERE OPID = ?", ["Cancelled", "CANCELLED", ORDER])
    summary, ctx = run()
    assert summary.counts["removed"] == 1 and summary.counts["reminders cancelled"] == 2
    assert shop.cal("WHERE LOPRECID = ?", [ORDER]) == []
    clock.to(D(2027, 1, 4))
    run()
    assert shop.cal("WHERE LOPRECID = ?", [ORDER]) == [] and smtp_sink.messages == []


def test_w_sales_accounts_get_no_reminders(shop: GoldMineRows, run, clock: Clock, smtp_sink: SmtpSink) -> None:
    shop.execute("UPDATE CONTACT1 SET KEY3 = ?, U_KEY3 = ? WHERE ACCOUNTNO = ?", ["W. Sales", "W. SALES", "CUST1"])
    clock.to(D(2026, 11, 16))
    summary, _ = run()
    assert summary.counts["reminders skipped"] == 4
    assert smtp_sink.messages == [] and shop.cal() == []


def test_dry_run_plans_and_changes_nothing(shop: GoldMineRows, run, clock: Clock, smtp_sink: SmtpSink) -> None:
    clock.to(D(2026, 11, 16))
    summary, ctx = run(dry_run=True)
    assert {p["action"] for p in summary.planned} == {"add reminder"}
    assert rows.for_orders(ctx.state, [ORDER]) == {} and smtp_sink.messages == [] and shop.cal() == []


def test_status_lists_the_reminders_due(shop: GoldMineRows, run, clock: Clock) -> None:
    clock.to(D(2026, 11, 5))
    _, ctx = run()
    title, listed = rows.status_rows(ctx.state)
    assert title == "reminders due"
    assert [(r["kind"], r["due"], r["state"]) for r in listed] == [
        ("email", "2026-11-16", "pending"), ("shp", "2026-11-16", "pending"),
        ("eqc", "2027-01-04", "pending"), ("outcome", "2027-01-04", "pending")]


def test_two_sweeps_at_once_send_one_email(shop: GoldMineRows, make_ctx, clock: Clock, smtp_sink: SmtpSink) -> None:
    """The row claim is one conditional UPDATE: the loser skips."""
    import threading

    clock.to(D(2026, 11, 13))
    smtp = SmtpSettings(host="127.0.0.1", port=smtp_sink.port)
    reminders.run(make_ctx(smtp=smtp))
    clock.to(D(2026, 11, 16))
    contexts = [make_ctx(smtp=smtp) for _ in range(3)]
    errors: list[BaseException] = []

    def sweep(ctx: Any) -> None:
        try:
            reminders.run(ctx)
        except BaseException as exc:  # noqa: BLE001 - surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=sweep, args=(c,)) for c in contexts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(smtp_sink.messages) == 1
    assert len(shop.cal("WHERE ACTVCODE = ?", ["SHP"])) == 1
    assert len(shop.conthist("WHERE LOPRECID = ?", [ORDER])) == 1
