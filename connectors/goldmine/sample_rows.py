"""The sample's rows for every table but CONTHIST and CONTACT2 (see sample_history.py).

Each builder streams dicts keyed by column, filled the way GoldMine (or Castell's clones of its
API) writes them: blanks rather than NULLs, `U_` shadows, audit columns, STATUS flags, e-mail
details split at 35 characters with the ZIP flags. Values are cut to the column lengths.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from connectors.goldmine.rows import EMAIL_DETAIL
from connectors.goldmine.sample import (
    AES, PROBABILITY, RECID_SLOTS, SALES_ADMIN, SMS, STAFF, STAGES, Sample, SampleAccount, SamplePerson, at,
    office_time,
)
from connectors.goldmine.sample_ids import RecidStream
from connectors.goldmine.schema import TABLES
from connectors.goldmine.stamps import twelve_hour

Row = dict[str, Any]
EMAIL_LOOKUPSUPP = "EMAIL"
ACTIVITY_CODES = {
    "STC": "Status check call", "VIS": "Distributor visit", "RSP": "Response follow-up",
    "ENG": "Engineering review", "FUP": "Proposal follow-up", "SHP": "After-shipment call",
    "EQC": "Equipment check call", "GH": "goldheat", "BNG": "Bingo card", "EML": "E-mail",
    "PHN": "Phone call", "BCD": "Business card", "MTG": "Meeting", "DEM": "Demonstration",
    "LIT": "Send literature", "QTE": "Quotation", "CAL": "Call", "NEW": "New business",
    "UPG": "Upgrade", "REP": "Repeat order",
}
RESULT_CODES = {"OK": "Completed OK", "NOK": "Not OK", "LVM": "Left voicemail", "NA": "No answer",
                "INT": "Interested", "SNT": "Sent", "WON": "Won", "LST": "Lost", "CAN": "Cancelled",
                "LOG": "Field change logged"}
PENDING = (("D", "LIT", "Send literature"), ("A", "MTG", "Meeting"), ("T", "QTE", "Prepare quotation"),
           ("C", "CAL", "Call back"), ("A", "DEM", "Product demonstration"))


def fit(table: str, row: Row) -> Row:
    """Cut every string to its column's length, as GoldMine's own forms do."""
    spec = TABLES[table]
    for name, value in row.items():
        if isinstance(value, str):
            column = spec.column(name)
            if column is not None and column.length is not None and len(value) > column.length:
                row[name] = value[: column.length]
    return row


def shadow(row: Row, *columns: str) -> Row:
    for column in columns:
        row[f"U_{column}"] = (row.get(column) or "").upper()
    return row


def created(user: str, when: dt.datetime) -> Row:
    return {"CREATEBY": user, "CREATEON": at(when.date()), "CREATEAT": f"{when:%H:%M}"}


def last(user: str, when: dt.datetime) -> Row:
    return {"LASTUSER": user, "LASTDATE": at(when.date()), "LASTTIME": f"{when:%H:%M}"}


def lookup_field(name: str) -> str:
    """LOOKUP.FIELDNAME: the field name padded to 10, then `V` for a value entry."""
    return f"{name:<10}"[:10] + "V"


def users(sample: Sample) -> Iterator[Row]:
    ids = RecidStream(RECID_SLOTS["USERS"])
    start = dt.datetime(2015, 3, 2, 9, 0)
    people = [(u, n, "SALES") for u, n in SMS] + [(u, n, "ENG") for u, n in AES] + list(STAFF)
    for username, name, group in people:
        yield {"USERNAME": username, "NAME": name, "USERGROUP": group, "RECID": ids(start, "MASTER")}


def lookups(sample: Sample) -> Iterator[Row]:
    ids = RecidStream(RECID_SLOTS["LOOKUP"])
    start = dt.datetime(2015, 3, 2, 9, 30)
    entries: list[tuple[str, str, str]] = [
        ("MPROFHEAD", EMAIL_DETAIL, EMAIL_LOOKUPSUPP), ("MPROFHEAD", "Web Site", "mProfRef"),
        ("MPROFHEAD", "HEAT Customer", ""), ("MPROFHEAD", "Website Login", ""),
    ]
    entries += [("ACTVCODE", f"{code}//{text}", "") for code, text in ACTIVITY_CODES.items()]
    entries += [("RESULTCODE", f"{code}//{text}", "") for code, text in RESULT_CODES.items()]
    entries += [("KEY1", kind, "") for kind in ("Customer", "Distributor", "Prospect", "Suspect")]
    entries += [("KEY2", tier, "") for tier in ("Large", "Small", "Selected")]
    entries += [("KEY3", team, "") for team in ("W. Sales", "E. Sales")]
    entries += [("KEY4", user, "") for user, _ in SMS] + [("KEY5", user, "") for user, _ in AES]
    entries += [("STAGE", stage, "") for stage in dict.fromkeys(STAGES)]
    for field, entry, supp in entries:
        yield fit("LOOKUP", {"FIELDNAME": lookup_field(field), "LOOKUPSUPP": supp, "ENTRY": entry,
                             "U_ENTRY": entry.upper(), "RECID": ids(start, "MASTER")})


def field_definitions(sample: Sample) -> Iterator[Row]:
    ids = RecidStream(RECID_SLOTS["CONTUDEF"])
    start = dt.datetime(2015, 3, 2, 10, 0)
    labels = (("KEY1", "Account type", "Acct Type"), ("KEY2", "Tier", "Tier"),
              ("KEY3", "Sales team", "Team"), ("KEY4", "Sales manager", "SM"),
              ("KEY5", "Application engineer", "AE"))
    for number, (field, description, label) in enumerate(labels, start=1):
        yield {"DBFNAME": "Contact1", "FIELD_NAME": field, "FIELD_TYPE": "C", "FIELD_LEN": 20,
               "FIELD_DEC": 0, "FIELDDESC": description, "FIELDNO": f"{number:03d}", "FIELD_PICT": "",
               "LOCALLABEL": label, "RACCESS": "", "WACCESS": "",
               "FLDOPTS": "1" if field == "KEY4" else "0", "STATUS": "", "RECID": ids(start, "MASTER")}


def contacts(sample: Sample) -> Iterator[Row]:
    for a in sample.accounts:
        rng = a.rng(sample.seed, "contact1")
        p = a.primary
        edited = a.created + dt.timedelta(days=rng.randint(0, 40), minutes=rng.randint(0, 300))
        row = {
            "ACCOUNTNO": a.accountno, "COMPANY": a.company, "CONTACT": p.name, "LASTNAME": p.last,
            "DEPARTMENT": rng.choice(("Purchasing", "Laboratory", "Engineering", "")), "TITLE": p.title,
            "SECR": "", "PHONE1": p.phone, "PHONE2": "", "PHONE3": "", "FAX": "", "EXT1": "",
            "EXT2": "", "EXT3": "", "EXT4": "", "ADDRESS1": a.street, "ADDRESS2": "", "ADDRESS3": "",
            "CITY": a.place[0], "STATE": a.place[1], "ZIP": a.place[2], "COUNTRY": a.country,
            "DEAR": p.first, "SOURCE": a.source, "KEY1": a.kind, "KEY2": a.tier, "KEY3": a.team,
            "KEY4": a.sm, "KEY5": a.ae, "STATUS": ("U0" if a.country == "USA" else "I0"),
            "NOTES": None, "MERGECODES": "NEWS" if rng.random() < 0.3 else "", "OWNER": "",
            **created(a.sm, a.created), **last(a.sm, min(edited, at(sample.today, "08:00"))),
            "RECID": a.recid,
        }
        yield fit("CONTACT1", shadow(row, "COMPANY", "CONTACT", "LASTNAME", "CITY", "STATE",
                                     "COUNTRY", "KEY1", "KEY2", "KEY3", "KEY4", "KEY5"))


def supplementary(sample: Sample) -> Iterator[Row]:
    ids = RecidStream(RECID_SLOTS["CONTSUPP_DETAIL"])  # `C` rows number in CONTSUPP
    for a in sample.accounts:
        rng = a.rng(sample.seed, "contsupp")
        for person in a.people:
            when = a.created + dt.timedelta(days=rng.randint(0, 30), minutes=rng.randint(0, 400))
            if not person.primary:
                yield _other_contact(a, person, when, rng.random() < 0.3)
            if person.email:
                html = rng.random() < 0.1
                zip_flags = "1111" if html else "011"
                owner = a.recid if person.primary else person.recid
                yield _email(a, person.email, person.name, owner, zip_flags, when, ids)
                if person.primary and a.index % 4 == 0 and a.company:
                    old = f"info@{person.email.split('@', 1)[1]}"
                    yield _email(a, old, a.company, owner, "001", when, ids)
        if a.company and rng.random() < 0.6:
            domain = a.primary.email.split("@", 1)[1] if "@" in a.primary.email else "example.com"
            yield _detail(a, "Web Site", f"www.{domain}", "mProfRef", a.created, ids)


def _other_contact(a: SampleAccount, person: SamplePerson, when: dt.datetime, merge: bool) -> Row:
    row = {
        "ACCOUNTNO": a.accountno, "RECTYPE": "C", "CONTACT": person.name, "TITLE": person.title,
        "CONTSUPREF": person.title.split(" ")[0], "DEAR": person.first, "PHONE": person.phone,
        "EXT": "", "FAX": "", "LINKACCT": "", "NOTES": None, "ADDRESS1": a.street, "ADDRESS2": "",
        "ADDRESS3": "", "CITY": a.place[0], "STATE": a.place[1], "ZIP": a.place[2],
        "COUNTRY": a.country, "MERGECODES": " NEWS" if merge else " ",
        "STATUS": "10" if person.email else "00", "LINKEDDOC": None, **last(a.sm, when),
        "RECID": person.recid,
    }
    return fit("CONTSUPP", shadow(row, "CONTACT", "CONTSUPREF", "ADDRESS1"))


def _email(a: SampleAccount, address: str, display: str, owner: str, zip_flags: str,
           when: dt.datetime, ids: RecidStream) -> Row:
    """An `E-mail Address` detail exactly as reference section 2 lays it out."""
    row = {
        "ACCOUNTNO": a.accountno, "RECTYPE": "P", "CONTACT": EMAIL_DETAIL, "TITLE": "",
        "CONTSUPREF": address[:35], "DEAR": "0100", "PHONE": EMAIL_LOOKUPSUPP, "EXT": "", "FAX": "",
        "LINKACCT": owner, "NOTES": None, "ADDRESS1": address[35:] or " ", "ADDRESS2": display,
        "ADDRESS3": "", "CITY": creation_stamp(a.sm, when), "STATE": "", "ZIP": zip_flags,
        "COUNTRY": "", "MERGECODES": "", "STATUS": "00", "LINKEDDOC": None, **last(a.sm, when),
        "RECID": ids(when, a.sm),
    }
    return fit("CONTSUPP", shadow(row, "CONTACT", "CONTSUPREF", "ADDRESS1"))


def _detail(a: SampleAccount, name: str, ref: str, phone: str, when: dt.datetime,
            ids: RecidStream) -> Row:
    row = {
        "ACCOUNTNO": a.accountno, "RECTYPE": "P", "CONTACT": name, "TITLE": "", "CONTSUPREF": ref,
        "DEAR": "", "PHONE": phone, "EXT": "", "FAX": "", "LINKACCT": "", "NOTES": None,
        "ADDRESS1": "", "ADDRESS2": "", "ADDRESS3": "", "CITY": creation_stamp(a.sm, when),
        "STATE": "", "ZIP": "", "COUNTRY": "", "MERGECODES": "", "STATUS": "00", "LINKEDDOC": None,
        **last(a.sm, when), "RECID": ids(when, a.sm),
    }
    return fit("CONTSUPP", shadow(row, "CONTACT", "CONTSUPREF", "ADDRESS1"))


def creation_stamp(user: str, when: dt.datetime) -> str:
    """A detail's CITY: user padded to 8, YYYYMMDD, a space and the 12-hour time."""
    return f"{user:<8}{when:%Y%m%d} {twelve_hour(f'{when:%H:%M}').strip()}"


def opportunities(sample: Sample) -> Iterator[Row]:
    links = RecidStream(RECID_SLOTS["OPMGR_LINK"])
    for a in sample.accounts:
        for opp in a.opportunities:
            header = {
                "OPID": opp.recid, "RECTYPE": "O", "ACCOUNTNO": a.accountno, "USERID": a.sm,
                "FLAGS": "", "COMPANY": a.company, "CONTACT": a.primary.name,
                "NAME": f"{opp.product} - {a.company or a.primary.name}", "STATUS": "",
                "CYCLE": opp.cycle, "STAGE": opp.stage, "SOURCE": a.source, "F1": "", "F2": "",
                "F3": "", "STARTDATE": at(opp.start), "CLOSEBY": at(opp.close_by),
                "CLOSEDDATE": at(opp.closed) if opp.closed else None, "FORAMT": opp.amount,
                "FORPROB": PROBABILITY[opp.stage],
                "CLOSEAMT": opp.amount if opp.stage == "Order Received" else 0.0,
                "NOTES": None, "PRODUCTNAME": opp.product, "RECID": opp.recid,
            }
            yield fit("OPMGR", shadow(header, "STAGE"))
            link = {
                "OPID": opp.recid, "RECTYPE": "OC", "ACCOUNTNO": a.accountno, "USERID": "",
                "FLAGS": "", "COMPANY": a.company, "CONTACT": opp.contact.name, "NAME": "",
                "STATUS": "", "CYCLE": "", "STAGE": "", "U_STAGE": "", "SOURCE": "", "F1": "",
                "F2": "", "F3": "", "STARTDATE": None, "CLOSEBY": None, "CLOSEDDATE": None,
                "FORAMT": 0.0, "FORPROB": 0, "CLOSEAMT": 0.0, "NOTES": None,
                "PRODUCTNAME": "", "RECID": links(at(opp.start, "09:00"), a.sm),
            }
            yield fit("OPMGR", link)


def opportunity_fields(sample: Sample) -> Iterator[Row]:
    ids = RecidStream(RECID_SLOTS["OPMGRFLD"])
    for a in sample.accounts:
        for opp in a.opportunities:
            for name, value in opp.fields.items():
                yield {"LOPID": opp.recid, "RECTYPE": "O", "FNAME": name, "FVALUE": value,
                       "NOTES": None, "U_FNAME": name.upper(), "RECID": ids(at(opp.start, "09:05"), a.sm)}


def notes(sample: Sample) -> Iterator[Row]:
    ids = RecidStream(RECID_SLOTS["NOTES"])
    for a in sample.accounts:
        rng = a.rng(sample.seed, "notes")
        if rng.random() < 0.25:
            when = a.created + dt.timedelta(minutes=5)
            text = f"<p>Met {a.primary.first} at a trade show; interested in our {a.kind.lower()} terms.</p>"
            yield _note(ids, a, a.recid, "C1", text, when)
        for opp in a.opportunities:
            if opp.fields.get("Non-standard") == "Y":
                text = f"<p>Non-standard: {opp.product} needs a custom mounting &amp; 110&nbsp;V supply.</p>"
                yield _note(ids, a, opp.recid, "OP", text, at(opp.start, "11:00"))


def _note(ids: RecidStream, a: SampleAccount, owner: str, rectype: str, html: str,
          when: dt.datetime) -> Row:
    return {"CREATEDDATE": when, "MODIFIEDDATE": when, "USERID": a.sm, "MODIFIEDBY": a.sm,
            "LOPRECID": owner, "ACCOUNTNO": a.accountno, "NOTE": html.encode("cp1252"),
            "RECTYPE": rectype, "EXT": "html", "RECID": ids(when, a.sm)}


def calendar(sample: Sample) -> Iterator[Row]:
    """Pending activities: forecast sales of open opportunities, STC calls and visits people
    scheduled by hand, and everyday to-dos, meetings and call-backs (some overdue)."""
    ids = RecidStream(RECID_SLOTS["CAL"])
    for a in sample.accounts:
        rng = a.rng(sample.seed, "cal")
        for opp in a.opportunities:
            if opp.is_open:
                yield cal_row(ids, a, "S", opp.cycle, opp.close_by, "", opp.product, a.sm,
                              at(opp.start, "09:10"), a.primary.name, loprecid=opp.recid,
                              duration=PROBABILITY[opp.stage], number1=opp.amount,
                              number2=float(opp.units))
        made = at(sample.today - dt.timedelta(days=rng.randint(1, 30)), office_time(rng))
        if (a.tier == "Selected" or a.kind == "Distributor") and (a.index // 10) % 2 == 0:
            day = sample.today + dt.timedelta(days=rng.randint(-3, 20))
            yield cal_row(ids, a, "C", "STC", day, office_time(rng), "Status check call", a.sm,
                          made, a.primary.name)
        if a.tier == "Large" and (a.index // 10) % 3 == 0:
            day = sample.today + dt.timedelta(days=rng.randint(5, 40))
            yield cal_row(ids, a, "A", "VIS", day, "10:00", "Distributor visit", a.sm, made,
                          a.primary.name, duration=120)
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            rectype, code, ref = rng.choice(PENDING)
            person = rng.choice(a.people)
            day = sample.today + dt.timedelta(days=rng.randint(-10, 45))
            creator = a.sm if rng.random() < 0.7 else SALES_ADMIN
            yield cal_row(ids, a, rectype, code, day, office_time(rng), ref, a.sm, made, person.name,
                          creator=creator, alarm=rng.random() < 0.3,
                          oc=person.name if not person.primary else "")


def cal_row(ids: RecidStream, a: SampleAccount, rectype: str, code: str, day: dt.date, ontime: str,
            ref: str, user: str, made: dt.datetime, contact: str, *, creator: str = "",
            alarm: bool = False, oc: str = "", loprecid: str = "", duration: int = 0,
            number1: float | None = None, number2: float | None = None) -> Row:
    """A CAL row per the reference's checklist 4.4 (ENDDATE = ONDATE, blanks, ORIG_TIME)."""
    creator = creator or user
    alarm_time = ""
    if alarm and ontime:
        hour, minute = (int(x) for x in ontime.split(":"))
        total = max(0, hour * 60 + minute - 10)
        alarm_time = f"{total // 60:02d}:{total % 60:02d}"
    row = {
        "USERID": user, "ACCOUNTNO": a.accountno, "ONDATE": at(day), "ONTIME": ontime,
        "ENDDATE": at(day), "ALARMFLAG": "Y" if alarm_time else "N", "ALARMTIME": alarm_time,
        "ALARMDATE": at(day) if alarm_time else None, "ACTVCODE": code, "RSVP": "N",
        "DURATION": duration, "RECTYPE": rectype, "ACONFIRM": "", "APPTUSER": "", "STATUS": " 0",
        "DIRCODE": None, "NUMBER1": number1, "NUMBER2": number2, "COMPANY": contact,
        "REF": f"{ref} (oc: {oc})" if oc else ref, "NOTES": None, "LINKRECID": "", "LDOCRECID": "",
        "LOPRECID": loprecid, **created(creator, made), **last(creator, made),
        "RECID": ids(made, creator), "CALDEF_ID": "", "CALDEFEX_ID": "", "GLOBALID": "",
        "ORIG_TIME": f"{made:%H:%M}",
    }
    return fit("CAL", row)


BUILDERS: dict[str, Callable[[Sample], Iterator[Row]]] = {
    "USERS": users, "LOOKUP": lookups, "CONTUDEF": field_definitions, "CONTACT1": contacts,
    "CONTSUPP": supplementary, "OPMGR": opportunities, "OPMGRFLD": opportunity_fields,
    "NOTES": notes, "CAL": calendar,
}
