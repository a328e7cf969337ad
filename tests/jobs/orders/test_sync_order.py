"""Onboarding one order end to end against real pieces: GoldMine over ODBC, the ISM simulator,
the state store, the letters folder."""

from __future__ import annotations

from pathlib import Path

from jobs.orders.job import explain, sync_order
from tests.jobs.orders.world import SM, TODAY, World, issued_password, pdf_text

ACC = "B5012647614&:;:!HKat"  # GoldMine's own example: punctuation everywhere
OPID = "GXZDVN2#SIYUT&@"


def sf_order(world: World, opid: str = OPID, accountno: str = ACC, po: str = "PO-1001") -> None:
    world.user()
    world.account(accountno, company="Acme Instruments Ltd", contact="Jane Smith", email="jane.smith@acme.example")
    world.order(opid, accountno, contact="Jane Smith", po=po, company="Acme Instruments Ltd")


def test_an_sf_order_gets_customer_login_ticket_letter_and_history(world: World) -> None:
    sf_order(world)
    with world.context() as ctx:
        result = sync_order(ctx, "PO-1001")
    assert result.ok and result.complete, result
    assert [s.step for s in result.steps] == ["customer", "login", "ticket", "letter", "history"]
    assert world.counts(OPID, ACC) == {"customers": 1, "logins": 1, "tickets": 1, "notes": 1, "letters": 1,
                                       "heat_detail": 1, "login_detail": 1, "history": 4}
    employee = next(e for e in world.simulator.records("employees") if e.get("CustID") == ACC)
    assert (employee["FirstName"], employee["LastName"], employee["PrimaryEmail"]) == (
        "Jane", "Smith", "jane.smith@acme.example")
    assert employee["PrimaryPhone"] == "+442079460018"
    assert employee["LoginID"] == "jane.smith"
    password = issued_password(world, ACC)
    assert world.simulator.password_matches("jane.smith", password)
    note = world.notes_of(ACC)[0]
    assert not note.get("PublishToWeb")
    ticket = next(i for i in world.simulator.records("incidents"))
    assert password not in (ticket.get("Subject") or "") + (ticket.get("Symptom") or "")
    assert ticket["OwnerTeam"] == "Customer Support" and "PO-1001" in ticket["Subject"]
    letter = Path(result.steps[3].effect)
    text = pdf_text(letter)
    assert password in text and "jane.smith" in text and "Alan Shaw" in text
    detail = world.rows("SELECT CONTSUPREF FROM CONTSUPP WHERE U_CONTACT = ?", ["WEBSITE LOGIN"])
    assert detail[0]["CONTSUPREF"].strip() == "jane.smith"
    heat_detail = world.rows("SELECT CONTSUPREF FROM CONTSUPP WHERE U_CONTACT = ?", ["HEAT CUSTOMER"])
    assert heat_detail[0]["CONTSUPREF"].strip() == employee["RecId"]
    history = world.rows("SELECT USERID, RECTYPE, REF, LOPRECID FROM CONTHIST WHERE ACTVCODE = ?", ["GH"])
    assert {h["USERID"].strip() for h in history} == {"GOLDHEAT"}
    assert all(h["RECTYPE"].startswith("O") and h["LOPRECID"].strip() == OPID for h in history)
    assert not any(password in (h["REF"] or "") for h in history)


def test_a_rerun_after_success_does_nothing(world: World) -> None:
    sf_order(world)
    with world.context() as ctx:
        sync_order(ctx, OPID)
    before = world.counts(OPID, ACC)
    calls = len(world.simulator.requests)
    with world.context() as ctx:
        again = sync_order(ctx, OPID)
    assert again.complete and again.performed == []
    assert world.counts(OPID, ACC) == before
    assert len(world.simulator.requests) == calls  # not even a HEAT lookup


def test_a_non_sf_order_gets_a_packing_note_and_no_login(world: World) -> None:
    world.user()
    world.account("ACC-STD", company="Bolt & Nut plc", contact="Tom O'Brien", email="tom@bolt.example")
    world.order("OPSTD000000001", "ACC-STD", contact="Tom O'Brien", po="PO-2002", order_type="STD")
    with world.context() as ctx:
        result = sync_order(ctx, "OPSTD000000001")
    assert result.ok and result.complete
    assert [s.state for s in result.steps] == ["done", "skipped", "skipped", "done", "done"]
    counts = world.counts("OPSTD000000001", "ACC-STD")
    assert counts == {"customers": 1, "logins": 0, "tickets": 0, "notes": 0, "letters": 1, "heat_detail": 1,
                      "login_detail": 0, "history": 2}
    assert "packing" in result.steps[3].effect
    assert "PO-2002" in pdf_text(Path(result.steps[3].effect))


def test_an_additional_contact_is_keyed_by_account_and_contact_recid(world: World) -> None:
    world.user()
    world.account(ACC, company="Acme Instruments Ltd", contact="Jane Smith", email="jane.smith@acme.example")
    bob = world.contact(ACC, "Bob Jones", email="bob.jones@acme.example", phone="+1 415 555 2671")
    world.order(OPID, ACC, contact="Bob Jones", po="PO-1003")
    with world.context() as ctx:
        result = sync_order(ctx, OPID)
    assert result.ok and result.complete
    xref = f"{ACC}/{bob}"
    employee = next(e for e in world.simulator.records("employees") if e.get("CustID") == xref)
    assert employee["PrimaryEmail"] == "bob.jones@acme.example" and employee["PrimaryPhone"] == "+14155552671"
    detail = world.rows("SELECT LINKACCT FROM CONTSUPP WHERE U_CONTACT = ?", ["HEAT CUSTOMER"])
    assert detail[0]["LINKACCT"].strip() == bob


def test_explain_shows_every_step_with_its_effect(world: World) -> None:
    sf_order(world)
    with world.context() as ctx:
        sync_order(ctx, OPID)
        rows = explain(ctx, "PO-1001")
    assert [r["step"] for r in rows] == ["customer", "login", "ticket", "letter", "history"]
    assert all(r["state"] == "done" and r["effect"] and r["at"] and r["error"] is None for r in rows)
    assert rows[1]["effect"] == "jane.smith"


def test_the_letter_names_the_sm_and_today(world: World) -> None:
    sf_order(world)
    with world.context() as ctx:
        result = sync_order(ctx, OPID)
    text = pdf_text(Path(result.steps[3].effect))
    assert SM not in text or "Alan Shaw" in text
    assert TODAY.strftime("%B %Y") in text and "alan.shaw@example.com" in text
