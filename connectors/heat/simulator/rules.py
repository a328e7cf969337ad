"""What the server does to a record when it is created or updated (§2.3, §2.4, §3).

In order: refuse unknown fields and over-long or mistyped values; check `ParentLink_Category`
rights (`Incident#`, not `Incident`); resolve link fields from `_RecID`/`_Category`; resolve
validated fields into `<Field>_Valid`; check status transitions and the fields each status needs;
check uniqueness; then fill the server's own fields (RecId, numbers, DisplayName, audit fields).
Messages use the object's short name and display names, as the real ones do.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from connectors.heat.simulator.errors import INVALID_PAYLOAD, IsmError, bad_request, ism_body
from connectors.heat.simulator.objects import PICK_LISTS, BusinessObject, Field, Link
from connectors.heat.simulator.odata import parse_datetime
from connectors.heat.simulator.store import Store

DISPLAY_FIELD = {"employees": "DisplayName", "organizationalunits": "Name", "incidents": "IncidentNumber",
                 "servicereqs": "ServiceReqNumber", "standarduserteams": "Team", "frs_def_roles": "Name"}
_HASH_ITERATIONS = 10_000


@dataclass(frozen=True, slots=True)
class Actor:
    """Who a request acts as: the session's LoginID, or the API key's 'On Behalf Of' account."""

    login: str
    role: str


def hash_password(password: str) -> str:
    salt = secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), _HASH_ITERATIONS)
    return f"pbkdf2_sha256${_HASH_ITERATIONS}${salt}${digest.hex()}"


def check_password(stored: str | None, password: str) -> bool:
    if not stored:
        return False
    _, iterations, salt, digest = stored.split("$")
    attempt = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), int(iterations))
    return hmac.compare_digest(attempt.hex(), digest)


def new_rec_id() -> str:
    return uuid.uuid4().hex.upper()


def blank(value: Any) -> bool:
    return value is None or value == ""


class Rules:
    def __init__(self, store: Store, tz: tzinfo, pick_lists: dict[str, tuple[str, ...]] | None = None):
        self.store, self.tz = store, tz
        self.pick_lists = {**PICK_LISTS, **(pick_lists or {})}

    def now(self) -> str:
        return datetime.now(self.tz).replace(microsecond=0).isoformat()

    # --- entry points (call inside a store transaction) ----------------------------------------------
    def create(self, obj: BusinessObject, body: Any, actor: Actor) -> dict[str, Any]:
        if not obj.creatable:
            raise bad_request(f"{obj.name} is a base business object and cannot be created; create one of "
                              "its subtypes" if obj.subtypes else f"{obj.name} cannot be created through OData")
        return self.insert(obj, self.changes(obj, body, None, actor), actor)

    def insert(self, obj: BusinessObject, changes: dict[str, Any], actor: Actor) -> dict[str, Any]:
        record: dict[str, Any] = {f.name: f.default for f in obj.fields}
        record.update(changes)
        record["RecId"] = new_rec_id()
        self.apply(obj, record, None, changes, actor)
        self.store.insert(obj.entity_set, record)
        return record

    def update(self, obj: BusinessObject, record: dict[str, Any], body: Any, actor: Actor) -> dict[str, Any]:
        changes = self.changes(obj, body, record, actor)
        updated = {**record, **changes}
        self.apply(obj, updated, record, changes, actor)
        record.clear()
        record.update(updated)
        self.store.touch()
        return record

    def check_delete(self, obj: BusinessObject, record: dict[str, Any]) -> None:
        if record.get("Status") in obj.final_states:
            raise bad_request(f"{obj.short_name} is in a final state ({record['Status']}) and cannot be deleted")

    def present(self, obj: BusinessObject, record: dict[str, Any]) -> dict[str, Any]:
        """The record as the API returns it: write-only fields null."""
        return {f.name: (None if f.write_only else record.get(f.name)) for f in obj.fields}

    # --- the steps -----------------------------------------------------------------------------------
    def changes(self, obj: BusinessObject, body: Any, current: dict[str, Any] | None,
                actor: Actor) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise bad_request(INVALID_PAYLOAD)
        out: dict[str, Any] = {}
        for key, value in body.items():
            if key.startswith("@odata"):
                continue
            fdef = obj.field(key)
            if fdef is None:
                raise bad_request(f"{obj.short_name}.{key} is not a field of {obj.name}")
            if not fdef.server:
                out[fdef.name] = self.coerce(obj, fdef, value)
        for link in obj.links:
            name = f"{link.name}_Category"
            if name in out:
                out[name] = self.link_category(obj, link, out[name], current, actor)
        return out

    def coerce(self, obj: BusinessObject, fdef: Field, value: Any) -> Any:
        if value is None:
            return None
        invalid = bad_request(f"Invalid value for field {obj.short_name}.{fdef.name}")
        if fdef.type in ("string", "text"):
            if isinstance(value, (dict, list)):
                raise invalid
            text = str(value).lower() if isinstance(value, bool) else str(value)
            if fdef.max_length is not None and len(text) > fdef.max_length:
                raise bad_request(f"Field {obj.short_name}.{fdef.name} is longer than its maximum length "
                                  f"of {fdef.max_length} characters")
            return text
        if fdef.type == "bool":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.lower() in ("true", "false"):
                return value.lower() == "true"
            if value in (0, 1):
                return bool(value)
            raise invalid
        try:
            if fdef.type == "int":
                if isinstance(value, float) and not value.is_integer():
                    raise ValueError
                return int(value)
            if fdef.type == "decimal":
                return float(value)
            if fdef.type == "datetime":
                return parse_datetime(str(value)).astimezone(self.tz).isoformat()
        except (TypeError, ValueError):
            raise invalid from None
        return value

    def link_category(self, obj: BusinessObject, link: Link, value: str | None,
                      current: dict[str, Any] | None, actor: Actor) -> str | None:
        """Canonical stored form of `<Link>_Category` (read back without the '#')."""
        if blank(value):
            return None
        base = value.rstrip("#")
        canonical = next((c for c in link.targets if c.lower() == base.lower()), None)
        if link.hash_required and not value.endswith("#"):
            unchanged = current is not None and (current.get(f"{link.name}_Category") or "").lower() == base.lower()
            if not unchanged:
                raise bad_request(f"Role {actor.role} does not have rights to update following fields: "
                                  f"{obj.short_name}.{link.name}_Category")
        if canonical is None:
            raise bad_request(f"Invalid value for field {obj.short_name}.{link.name}_Category: {value}")
        return canonical

    def apply(self, obj: BusinessObject, record: dict[str, Any], previous: dict[str, Any] | None,
              changes: dict[str, Any], actor: Actor) -> None:
        creating = previous is None
        for link in obj.links:
            if creating or any(k.startswith(link.name + "_") for k in changes):
                self.resolve_link(obj, link, record)
        for fdef in obj.fields:
            if fdef.validated and (creating or fdef.name in changes):
                self.resolve_valid(obj, fdef, record)
        self.check_status(obj, record, previous, changes)
        self.check_unique(obj, record, changes)
        self.fill_server_fields(obj, record, previous, actor)
        if "InternalAuthPasswd" in changes:
            password = changes["InternalAuthPasswd"]
            self.store.set_secret(record["RecId"], None if blank(password) else hash_password(password))
            record["InternalAuthPasswd"] = None

    def resolve_link(self, obj: BusinessObject, link: Link, record: dict[str, Any]) -> None:
        rec_id, category = record.get(f"{link.name}_RecID"), record.get(f"{link.name}_Category")
        if blank(rec_id):
            for own, _ in ((link.name, None), (f"{link.name}_RecID", None), *link.fills):
                record[own] = None
            return
        if blank(category):
            if len(link.targets) != 1:
                raise bad_request(f"Required field {obj.short_name}.{link.name}_Category value must be provided")
            category = record[f"{link.name}_Category"] = next(iter(link.targets))
        entity_set = link.targets[category]
        found = self.store.get(entity_set, rec_id)
        if found is None:
            raise bad_request(f"Invalid value for field {obj.short_name}.{link.name}_RecID: "
                              f"no {category} with RecId {rec_id}")
        target = found[1]
        record[f"{link.name}_RecID"] = target["RecId"]
        display = target.get(DISPLAY_FIELD.get(entity_set, "RecId"))
        record[link.name] = None if display is None else str(display)
        for own, theirs in link.fills:
            record[own] = target.get(theirs)

    def resolve_valid(self, obj: BusinessObject, fdef: Field, record: dict[str, Any]) -> None:
        value, valid = record.get(fdef.name), f"{fdef.name}_Valid"
        if blank(value):
            record[valid] = None
            return
        if fdef.validated in ("team", "employee"):
            entity_set, key = ("standarduserteams", "Team") if fdef.validated == "team" else ("employees", "LoginID")
            match = next((r for r in self.store.all(entity_set) if (r.get(key) or "").lower() == value.lower()), None)
            if match is None:
                raise bad_request(f"'{value}' is not a valid value for {obj.short_name}.{fdef.name}")
            record[fdef.name], record[valid] = match[key], match["RecId"]
            return
        choices = self.pick_lists.get(fdef.validated or "", ())
        canonical = next((c for c in choices if c.lower() == value.lower()), None)
        if canonical is None:
            raise IsmError(500, "", body=ism_body(500, ""))  # what the real server does (§2.3)
        record[fdef.name] = canonical
        record[valid] = hashlib.md5(f"{fdef.validated}:{canonical}".encode()).hexdigest().upper()

    def check_status(self, obj: BusinessObject, record: dict[str, Any], previous: dict[str, Any] | None,
                     changes: dict[str, Any]) -> None:
        status = record.get("Status")
        if previous is not None and "Status" in changes and previous.get("Status") in obj.final_states \
                and status != previous.get("Status"):
            raise bad_request(f"DataLayer.PromptException: changing {obj.short_name}.Status from "
                              f"{previous.get('Status')} to {status} needs an answer to a prompt")
        for name in (*obj.required.get("*", ()), *obj.required.get(status or "", ())):
            if blank(record.get(name)):
                fdef = obj.field(name)
                display = (fdef.display if fdef else None) or name
                raise bad_request(f"Required field {obj.short_name}.{display} value must be provided")

    def check_unique(self, obj: BusinessObject, record: dict[str, Any], changes: dict[str, Any]) -> None:
        for name in obj.unique:
            value = record.get(name)
            if name not in changes or blank(value):
                continue
            for other in self.store.all(obj.entity_set):
                if other["RecId"] != record.get("RecId") and (other.get(name) or "").lower() == value.lower():
                    raise bad_request(f"{obj.short_name}.{name} '{value}' already exists")

    def fill_server_fields(self, obj: BusinessObject, record: dict[str, Any], previous: dict[str, Any] | None,
                           actor: Actor) -> None:
        now = self.now()
        if previous is None:
            if obj.number:
                record[obj.number[0]] = self.store.next_number(f"{obj.entity_set}.{obj.number[0]}", obj.number[1])
            record["CreatedBy"] = record.get("CreatedBy") or actor.login
            record["CreatedDateTime"] = now
        record["LastModBy"], record["LastModDateTime"] = actor.login, now
        if obj.entity_set == "employees":
            parts = (record.get("FirstName"), record.get("MiddleName"), record.get("LastName"))
            record["DisplayName"] = " ".join(p for p in parts if not blank(p)) or None
        if obj.entity_set == "journal__notess":
            record["JournalType"] = "Notes"
        if obj.field("IsInFinalState"):
            status, before = record.get("Status"), (previous or {}).get("Status")
            record["ReadOnly"], record["IsInFinalState"] = status in obj.final_states, False
            for state, prefix in (("Resolved", "Resolved"), ("Closed", "Closed")):
                if status == state and before != state:
                    record[f"{prefix}By"], record[f"{prefix}DateTime"] = actor.login, now
