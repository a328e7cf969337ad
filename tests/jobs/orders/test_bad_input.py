"""Bad input stops that order at that step, naming the order and the field; the others go on;
fixing the data and retrying completes it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from jobs.orders.job import explain, retry, run
from jobs.state import ledger
from tests.jobs.orders.world import SM, World, png

GOOD, BAD = "OPGOOD00000001", "OPBAD000000001"
GOOD_ACC, BAD_ACC = "ACC-GOOD", "ACC-BAD"
SITE_MAPPING_EXTRA = '''
[[customer]]
source = "account.address1"
target = "Address1Zip"
transform = "strip"
max_length = 40
label = "Address (CONTACT1.ADDRESS1)"
'''


@dataclass(frozen=True)
class Case:
    name: str
    step: str
    field: str
    setup: Callable[[World], None]
    fix: Callable[[World], None]


def _bad_account(world: World, **kw) -> None:
    world.account(BAD_ACC, company="Faulty Ltd", contact="Pat Doe", **kw)


def no_email(world: World) -> None:
    _bad_account(world)
    world.order(BAD, BAD_ACC, contact="Pat Doe", po="PO-BAD")


def invalid_email(world: World) -> None:
    _bad_account(world, email="pat.doe@@faulty")
    world.order(BAD, BAD_ACC, contact="Pat Doe", po="PO-BAD")


def fix_email(world: World) -> None:
    world.execute("DELETE FROM CONTSUPP WHERE ACCOUNTNO = ? AND U_CONTACT = ?", [BAD_ACC, "E-MAIL ADDRESS"])
    world.email(BAD_ACC, "pat.doe@faulty.example")


def no_user_customer(world: World) -> None:
    _bad_account(world, email="pat.doe@faulty.example")
    world.order(BAD, BAD_ACC, contact=None, po="PO-BAD")


def fix_user_customer(world: World) -> None:
    world.insert("OPMGR", OPID=BAD, RECID="LINKFIX0000001", RECTYPE="OC", ACCOUNTNO=BAD_ACC, CONTACT="Pat Doe")


def unknown_sm(world: World) -> None:
    _bad_account(world, email="pat.doe@faulty.example", sm="NOBODY")
    world.order(BAD, BAD_ACC, contact="Pat Doe", po="PO-BAD", sm="NOBODY")


def fix_sm(world: World) -> None:
    world.execute("UPDATE OPMGR SET USERID = ? WHERE OPID = ?", [SM, BAD])


def no_signature(world: World) -> None:
    world.user("BPATEL", "Bina Patel")
    _bad_account(world, email="pat.doe@faulty.example", sm="BPATEL")
    world.order(BAD, BAD_ACC, contact="Pat Doe", po="PO-BAD", sm="BPATEL")


def fix_signature(world: World) -> None:
    world.overrides["letters"] = {"signatures": {SM: str(world.tmp / "ashaw.png"),
                                                 "BPATEL": str(png(world.tmp / "bpatel.png"))}}


def heat_refuses_a_field(world: World) -> None:
    site = world.tmp / "site"
    site.mkdir()
    from mappings.loader import DEFAULT_FILE

    (site / "goldmine_to_heat.toml").write_text(DEFAULT_FILE.read_text() + SITE_MAPPING_EXTRA)
    world.overrides["site"] = {"mappings_dir": str(site)}
    _bad_account(world, email="pat.doe@faulty.example")
    world.execute("UPDATE CONTACT1 SET ADDRESS1 = ? WHERE ACCOUNTNO = ?", ["Unit 7, Long Industrial Estate Rd", BAD_ACC])
    world.order(BAD, BAD_ACC, contact="Pat Doe", po="PO-BAD")


def fix_address(world: World) -> None:
    world.execute("UPDATE CONTACT1 SET ADDRESS1 = ? WHERE ACCOUNTNO = ?", ["Unit 7", BAD_ACC])


CASES = [
    Case("no e-mail", "customer", "E-mail Address detail", no_email, fix_email),
    Case("invalid e-mail", "customer", "E-mail Address detail", invalid_email, fix_email),
    Case("no user customer", "customer", "user customer", no_user_customer, fix_user_customer),
    Case("unknown SM", "letter", "SM", unknown_sm, fix_sm),
    Case("no signature image", "letter", "signature", no_signature, fix_signature),
    Case("HEAT 400 on one field", "customer", "Address1Zip", heat_refuses_a_field, fix_address),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_stops_that_order_and_retry_completes_it(world: World, case: Case) -> None:
    world.user()
    world.account(GOOD_ACC, company="Good Co", contact="Sam Good", email="sam@good.example")
    world.order(GOOD, GOOD_ACC, contact="Sam Good", po="PO-GOOD")
    case.setup(world)
    with world.context() as ctx:
        summary = run(ctx)
    assert summary.counts.get("onboarded") == 1, summary.to_dict()
    assert len(summary.failures) == 1
    failure = summary.failures[0]
    assert BAD in failure["record"] and "PO-BAD" in failure["record"]
    assert BAD in failure["message"]
    assert case.field in (failure.get("field", "") + failure["message"])
    with world.context() as ctx:
        steps = {r["step"]: r for r in explain(ctx, "PO-BAD")}
    assert steps[case.step]["state"] == "failed" and case.field in steps[case.step]["error"]
    order = list(steps)
    assert all(steps[s]["state"] == "pending" for s in order[order.index(case.step) + 1:])
    _, waiting = ledger.status_rows(world.state)
    assert [(w["order"], w["step"]) for w in waiting] == [(BAD, case.step)]

    case.fix(world)
    with world.context() as ctx:
        result = retry(ctx, "PO-BAD")
    assert result.ok and result.complete, result
    assert ledger.status_rows(world.state)[1] == []
    assert world.counts(GOOD, GOOD_ACC)["customers"] == 1


def test_retry_of_one_done_step_adopts_its_effect(world: World) -> None:
    world.user()
    world.account(GOOD_ACC, company="Good Co", contact="Sam Good", email="sam@good.example")
    world.order(GOOD, GOOD_ACC, contact="Sam Good", po="PO-GOOD")
    with world.context() as ctx:
        run(ctx)
        before = world.counts(GOOD, GOOD_ACC)
        result = retry(ctx, GOOD, "ticket")
    assert result.complete and result.performed == ["ticket"]
    assert world.counts(GOOD, GOOD_ACC) == before
    assert Path(next((world.tmp / "letters").glob("*.pdf"))).is_file()


def test_retry_of_the_login_step_keeps_the_issued_login_and_password(world: World) -> None:
    from tests.jobs.orders.world import issued_password

    world.user()
    world.account(GOOD_ACC, company="Good Co", contact="Sam Good", email="sam@good.example")
    world.order(GOOD, GOOD_ACC, contact="Sam Good", po="PO-GOOD")
    with world.context() as ctx:
        run(ctx)
        password = issued_password(world, GOOD_ACC)
        result = retry(ctx, "PO-GOOD", "login")
    assert result.complete and result.steps[1].effect == "sam"
    assert world.simulator.password_matches("sam", password)
    assert world.counts(GOOD, GOOD_ACC)["notes"] == 1
