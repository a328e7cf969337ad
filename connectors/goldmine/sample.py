"""A deterministic, realistic sample GoldMine database: same seed and `today`, same rows.

`build_sample(n)` decides the accounts, their people and opportunities (small, held in memory);
`Sample.rows(table)` then streams each table's rows, the history lazily, so a million CONTHIST
rows never sit in memory. Dates are relative to `today`, so a demo built today looks current.

What is in it (PROCESS.md "Default GoldMine conventions"; reference sections 2-3):
- USERS: five SMs, two AEs, `ENG`, `SALESADM`, `GOLDHEAT`, `MASTER`.
- accounts cycling Customer (some `Selected`), Distributor `Large`/`Small`, Prospect, Suspect;
  some KEY3 `W. Sales`; KEY4 the SM, KEY5 the AE (a third blank).
- additional contacts (CONTSUPP `C`) and `E-mail Address` details, web sites; a few people that
  jobs must refuse (no e-mail, an invalid e-mail) and names with quotes, percent signs and accents.
- opportunities at every stage with `OC` link rows, OPMGRFLD fields, CAL `S` forecast rows (open
  ones) or completed sales in history (closed ones).
- pending CAL activities (human-scheduled STC calls, visits, to-dos), and history: the latest
  status-check calls and visits, customer responses in the last 14 days, and bulk history.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from connectors.goldmine import sample_words as words
from connectors.goldmine.sample_ids import AccountNumbers, RecidStream

SMS = (("ASHAW", "Alan Shaw"), ("BPATEL", "Bina Patel"), ("CHARRISN", "Chris Harrison"),
       ("DMORGAN", "Dylan Morgan"), ("EWRIGHT", "Erin Wright"))
AES = (("FKHAN", "Faisal Khan"), ("GLEE", "Grace Lee"))
STAFF = (("ENG", "Engineering", "ENG"), ("SALESADM", "Sales Admin", "ADMIN"),
         ("GOLDHEAT", "goldheat integration", "SYSTEM"), ("MASTER", "Master", "ADMIN"))
SALES_ADMIN = "SALESADM"

# The first ten accounts show every kind; later ones repeat the pattern (by index, not chance).
KINDS = (("Customer", "Selected"), ("Distributor", "Large"), ("Distributor", "Small"),
         ("Customer", ""), ("Prospect", ""), ("Customer", "Selected"), ("Suspect", ""),
         ("Distributor", "Small"), ("Customer", ""), ("Prospect", ""))
# Accounts that carry deliberately awkward data, by index modulo 25.
QUIRKS = {1: "long_email", 3: "no_email", 5: "accents", 8: "bad_email", 9: "quotes"}
W_SALES = {10, 15, 23}
STAGES = ("Order Received", "Proposal Sent", "Qualified", "Order Received", "Prospecting", "Lost",
          "Order Received", "Proposal Sent", "Cancelled", "Qualified")
OPEN_STAGES = ("Prospecting", "Qualified", "Proposal Sent")
PROBABILITY = {"Prospecting": 10, "Qualified": 30, "Proposal Sent": 60, "Order Received": 100,
               "Lost": 0, "Cancelled": 0}
DEFAULT_HISTORY_PER_ACCOUNT = 20

# Each table numbers its RECIDs in its own slot (see sample_ids.RecidStream).
RECID_SLOTS = {name: slot for slot, name in enumerate((
    "CONTACT1", "CONTACT2", "CONTSUPP", "CAL", "CONTHIST", "OPMGR", "OPMGRFLD", "NOTES", "LOOKUP",
    "USERS", "CONTUDEF", "CONTSUPP_DETAIL", "OPMGR_LINK"))}
# Load order: CONTACT2 last, because its summary fields come from CAL and CONTHIST.
TABLE_ORDER = ("USERS", "LOOKUP", "CONTUDEF", "CONTACT1", "CONTSUPP", "OPMGR", "OPMGRFLD", "NOTES",
               "CAL", "CONTHIST", "CONTACT2")


@dataclass
class SamplePerson:
    first: str
    last: str
    title: str
    phone: str
    email: str  # '' = none on file
    recid: str = ""  # CONTACT1.RECID for the primary contact, the CONTSUPP `C` RECID otherwise
    primary: bool = False

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


@dataclass
class SampleOpportunity:
    recid: str
    number: int
    stage: str
    product: str
    units: int
    amount: float
    cycle: str
    contact: SamplePerson
    start: dt.date
    close_by: dt.date
    closed: dt.date | None
    fields: dict[str, str]

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES


@dataclass
class SampleAccount:
    index: int
    accountno: str
    recid: str
    company: str
    kind: str
    tier: str
    team: str
    sm: str
    ae: str
    created: dt.datetime
    place: tuple[str, str, str]
    country: str
    street: str
    source: str
    quirk: str = ""
    people: list[SamplePerson] = field(default_factory=list)
    opportunities: list[SampleOpportunity] = field(default_factory=list)

    @property
    def primary(self) -> SamplePerson:
        return self.people[0]

    def rng(self, seed: int, purpose: str) -> random.Random:
        """A generator of its own per account and purpose, so each table streams independently."""
        return random.Random(f"{seed}:{purpose}:{self.index}")


@dataclass
class Sample:
    seed: int
    today: dt.date
    history: int
    accounts: list[SampleAccount]
    _contact2_summary: dict[int, dict[str, Any]] | None = None

    def history_budget(self, index: int) -> int:
        """History rows of account `index`: `history` spread evenly, remainder to the first."""
        base, extra = divmod(self.history, len(self.accounts)) if self.accounts else (0, 0)
        return base + (1 if index < extra else 0)

    def distributors(self) -> list[SampleAccount]:
        return [a for a in self.accounts if a.kind == "Distributor"]

    def rows(self, table: str) -> Iterator[dict[str, Any] | tuple[Any, ...]]:
        """The table's rows: dicts by column name, or (CONTHIST) tuples in the table's order."""
        from connectors.goldmine import sample_history, sample_rows

        if table == "CONTHIST":
            return sample_history.history_rows(self)
        if table == "CONTACT2":
            return sample_history.contact2_rows(self)
        return sample_rows.BUILDERS[table](self)

    def tables(self) -> Iterator[tuple[str, Iterator[dict[str, Any] | tuple[Any, ...]]]]:
        for table in TABLE_ORDER:
            yield table, self.rows(table)


def build_sample(accounts: int, *, history: int | None = None, seed: int = 42,
                 today: dt.date | None = None) -> Sample:
    """Decide the sample's accounts, people and opportunities (rows come from `Sample.rows`)."""
    today = today or dt.date.today()
    history = DEFAULT_HISTORY_PER_ACCOUNT * accounts if history is None else history
    numbers = AccountNumbers(seed)
    contact_ids = RecidStream(RECID_SLOTS["CONTACT1"])
    person_ids = RecidStream(RECID_SLOTS["CONTSUPP"])
    built = [_account(i, seed, today, numbers, contact_ids, person_ids) for i in range(accounts)]
    sample = Sample(seed=seed, today=today, history=history, accounts=built)
    _add_opportunities(sample)
    return sample


def at(day: dt.date, hhmm: str = "00:00") -> dt.datetime:
    hour, minute = (int(x) for x in hhmm.split(":"))
    return dt.datetime(day.year, day.month, day.day, hour, minute)


def office_time(rng: random.Random) -> str:
    return f"{rng.randint(8, 17):02d}:{rng.choice((0, 5, 10, 15, 20, 30, 40, 45, 50)):02d}"


def _account(i: int, seed: int, today: dt.date, numbers: AccountNumbers, contact_ids: RecidStream,
             person_ids: RecidStream) -> SampleAccount:
    rng = random.Random(f"{seed}:account:{i}")
    kind, tier = KINDS[i % len(KINDS)]
    quirk = QUIRKS.get(i % 25, "")
    created_day = today - dt.timedelta(days=rng.randint(60, 5 * 365))
    created = at(created_day, office_time(rng)).replace(second=rng.randint(0, 59))
    us = rng.random() < 0.12
    place = rng.choice(words.US_PLACES if us else words.UK_PLACES)
    company = _company(rng, kind)
    if quirk == "quotes":
        company = "O'Brien & Sons (100% Irish) Ltd"
    elif quirk == "accents":
        company = "Société Optique Müller"
    sm = SMS[rng.randrange(len(SMS))][0]
    ae = "" if i % 3 == 2 else AES[i % len(AES)][0]
    team = "W. Sales" if i % 25 in W_SALES else ""
    account = SampleAccount(
        index=i, accountno="", recid=contact_ids(created, sm),
        company=company, kind=kind, tier=tier, team=team, sm=sm, ae=ae, created=created,
        place=place, country="USA" if us else "United Kingdom",
        street=f"{rng.randint(1, 240)} {rng.choice(words.STREETS)}",
        source=rng.choice(words.SOURCES), quirk=quirk,
    )
    primary = _person(rng, account, us)
    primary.primary, primary.recid = True, account.recid
    if quirk == "quotes":
        primary.first, primary.last = "Seán", "O'Brien"
        primary.email = "sean.o'brien@obrien-sons.example.ie"
    elif quirk == "accents":
        primary.first, primary.last = "Zoë", "Müller"
        primary.email = "zoe.muller@optique-muller.example.fr"
    elif quirk == "no_email":
        primary.email = ""
    elif quirk == "bad_email":
        primary.email = f"{primary.first.lower()}.{primary.last.lower()}@@example.co.uk"
    elif quirk == "long_email":
        primary.first, primary.last = "Alexandra", "Fitzwilliam-Montgomery"
        primary.email = "alexandra.fitzwilliam-montgomery@northern-laboratory-supplies.example.co.uk"
    elif kind == "Suspect" and rng.random() < 0.5:
        primary.email = ""
    account.people.append(primary)
    # GoldMine takes the tail from the company, or from the contact when there is no company.
    account.accountno = numbers(created, company or primary.last)
    extra = {"Customer": rng.randint(0, 3), "Distributor": rng.randint(1, 2),
             "Prospect": rng.randint(0, 1)}.get(kind, 0)
    for _ in range(extra):
        person = _person(rng, account, us)
        person.recid = person_ids(created + dt.timedelta(days=rng.randint(0, 30)), sm)
        if rng.random() < 0.1:
            person.email = ""
        account.people.append(person)
    return account


def _company(rng: random.Random, kind: str) -> str:
    first = rng.choice(words.COMPANY_FIRST)
    if kind == "Distributor":
        return f"{first} {rng.choice(words.DISTRIBUTOR_SECOND)} {rng.choice(('Ltd', 'LLP'))}"
    if kind == "Suspect" and rng.random() < 0.3:
        return ""  # an individual, not a company
    return f"{first} {rng.choice(words.COMPANY_SECOND)} {rng.choice(words.COMPANY_SUFFIX)}"


def _person(rng: random.Random, account: SampleAccount, us: bool) -> SamplePerson:
    first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
    slug = "".join(c for c in (account.company or last).split(" ")[0].lower() if c.isalnum())
    email = f"{first.lower()}.{last.lower()}@{slug or 'mail'}.{rng.choice(words.DOMAIN_SUFFIXES)}"
    phone = (f"({rng.choice((617, 619, 512, 919))}) 555-01{rng.randint(0, 99):02d}" if us
             else f"01632 960{rng.randint(0, 999):03d}")
    return SamplePerson(first=first, last=last, title=rng.choice(words.TITLES), phone=phone,
                        email=email)


def _add_opportunities(sample: Sample) -> None:
    """Opportunities cycle through STAGES; orders get PO numbers, ship dates and distributors."""
    ids = RecidStream(RECID_SLOTS["OPMGR"])
    distributors = sample.distributors()
    number = 0
    for account in sample.accounts:
        rng = account.rng(sample.seed, "opportunity")
        count = {"Customer": 1 + (rng.random() < 0.5), "Prospect": 1,
                 "Distributor": int(rng.random() < 0.3)}.get(account.kind, 0)
        for k in range(count):
            stage = STAGES[number % len(STAGES)]
            order_type = "SF" if rng.random() < 0.6 else "STD"
            if k == 0 and account.quirk in ("no_email", "bad_email", "accents", "long_email"):
                stage, order_type = "Order Received", "SF"
            product, price = words.PRODUCTS[rng.randrange(len(words.PRODUCTS))]
            if number % 7 == 2:
                product, price = words.PRODUCTS[-1]  # one of each seven goes to engineering
            units = rng.randint(1, 3)
            closed = None
            if stage == "Order Received":
                closed = sample.today - dt.timedelta(days=rng.randint(0, 6) if number % 3 == 0
                                                     else rng.randint(7, 89))
            elif stage in ("Lost", "Cancelled"):
                closed = sample.today - dt.timedelta(days=rng.randint(5, 150))
            close_by = closed or sample.today + dt.timedelta(days=rng.randint(10, 120))
            start = min(close_by - dt.timedelta(days=rng.randint(30, 180)),
                        sample.today - dt.timedelta(days=1))
            start = max(account.created.date(), start)
            contact = account.primary if rng.random() < 0.7 or k == 0 else rng.choice(account.people)
            fields = _order_fields(rng, sample, stage, order_type, number, distributors, account)
            sample_opp = SampleOpportunity(
                recid=ids(at(start, office_time(rng)), account.sm), number=number, stage=stage,
                product=product, units=units, amount=float(price * units), cycle=rng.choice(words.CYCLES),
                contact=contact, start=start, close_by=close_by, closed=closed, fields=fields,
            )
            account.opportunities.append(sample_opp)
            number += 1


def _order_fields(rng: random.Random, sample: Sample, stage: str, order_type: str, number: int,
                  distributors: list[SampleAccount], account: SampleAccount) -> dict[str, str]:
    ordered = stage in ("Order Received", "Cancelled")
    ship = ""
    # Every fourth order shipped two to three weeks ago through a distributor: the demo then shows
    # the 2-week "everything received?" e-mail falling due.
    just_due = stage == "Order Received" and number % 4 == 0
    if stage == "Order Received":
        roll = rng.random()
        if roll < 0.55 or just_due:
            days = rng.randint(10, 80)
            ship = (sample.today - dt.timedelta(days=14 + days % 7 if just_due else days)).isoformat()
        elif roll < 0.8:
            ship = (sample.today + dt.timedelta(days=rng.randint(3, 30))).isoformat()
    elif stage == "Cancelled" and rng.random() < 0.5:
        ship = (sample.today + dt.timedelta(days=rng.randint(3, 30))).isoformat()
    others = [d for d in distributors if d is not account]
    via = rng.choice(others).accountno if others and rng.random() < 0.4 else ""
    if just_due and others and not via:
        via = others[number % len(others)].accountno
    return {
        "Order Type": order_type,
        "PO Number": f"PO-{100200 + number * 3 + 1}" if ordered else "",
        "Ship Date": ship,
        "Distributor": via,
        "Non-standard": "Y" if rng.random() < 0.15 else "N",
    }
