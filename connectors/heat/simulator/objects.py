"""The business objects the simulator serves, as data: fields, lengths, pick lists, links, rules.

Field names, link shapes (`<Link>`, `_RecID`, `_Category`), set spellings and the status rules
follow the reference (§2.2–§3.4). Where it is silent (lengths, pick-list values, the employee →
role/team relationship names) the choices here are plausible stock values, listed once so the
README and tests can point at them. A real record has ~180 fields; these are the ones that matter
to an integration, and every one of them is returned (null when unset), like the real server.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

FINAL = "Closed"


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    type: str = "string"  # string | text | int | decimal | bool | datetime
    max_length: int | None = None
    validated: str | None = None  # pick list key, or "team" / "employee": the server fills <name>_Valid
    server: bool = False  # filled by the server; a value sent is ignored
    write_only: bool = False  # stored only as a hash, returned as null (InternalAuthPasswd)
    display: str | None = None  # name used in "Required field X.<display>" messages
    default: Any = None


@dataclass(frozen=True, slots=True)
class Link:
    """`<name>_RecID` + `<name>_Category` written by clients; the server fills `<name>` and `fills`."""

    name: str
    targets: Mapping[str, str]  # accepted _Category value -> entity set of the target
    hash_required: bool = False  # `Incident#` must be written with the '#', read back without it
    fills: tuple[tuple[str, str], ...] = ()  # (own field, target field) copied from the target


@dataclass(frozen=True, slots=True)
class Relationship:
    """A navigation property: GET …/{set}('{id}')/{name}, PATCH/DELETE …/{name}('{t}')/$Ref."""

    name: str
    target_sets: tuple[str, ...]
    kind: str  # "child": target.<link> points here; "reference": own <link> points there; "many": table
    link: str = ""
    category: str = ""  # the _Category value written when linking


@dataclass(frozen=True)
class BusinessObject:
    name: str  # technical name, e.g. "Incident", "Journal#Notes"
    entity_set: str
    fields: tuple[Field, ...] = ()
    links: tuple[Link, ...] = ()
    relationships: tuple[Relationship, ...] = ()
    required: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # Status (or "*") -> fields
    final_states: tuple[str, ...] = ()
    number: tuple[str, int] | None = None  # sequential display number field and its first value
    unique: tuple[str, ...] = ()  # case-insensitively unique when not blank
    creatable: bool = True
    subtypes: tuple[str, ...] = ()  # a base type's concrete sets (read through the base set)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_lower", {f.name.lower(): f for f in self.fields})

    def field(self, name: str) -> Field | None:
        return self.by_lower.get(name.lower())  # type: ignore[attr-defined]

    def relationship(self, name: str) -> Relationship | None:
        return next((r for r in self.relationships if r.name.lower() == name.lower()), None)

    @property
    def short_name(self) -> str:
        """"Journal#Notes" -> "Journal": the prefix of required-field messages."""
        return self.name.split("#")[0]


def _audit() -> tuple[Field, ...]:
    return (Field("RecId", server=True), Field("CreatedBy", max_length=100),
            Field("CreatedDateTime", "datetime", server=True), Field("LastModBy", server=True),
            Field("LastModDateTime", "datetime", server=True))


def _link(name: str, *fills: str, display: str | None = None) -> tuple[Field, ...]:
    return (Field(name, server=True), Field(f"{name}_RecID", max_length=32, display=display),
            Field(f"{name}_Category", max_length=100), *(Field(f, server=True) for f in fills))


def _valid(name: str, validated: str, max_length: int = 100, **kw: Any) -> tuple[Field, ...]:
    return (Field(name, max_length=max_length, validated=validated, **kw), Field(f"{name}_Valid", server=True))


PICK_LISTS: dict[str, tuple[str, ...]] = {
    "IncidentStatus": ("Logged", "Active", "Waiting for Customer", "Waiting for 3rd Party", "Resolved",
                       "Closed"),
    "ServiceReqStatus": ("Submitted", "Active", "Waiting for Customer", "Fulfilled", "Closed", "Cancelled"),
    "TaskStatus": ("Logged", "Assigned", "Accepted", "In Progress", "Completed", "Cancelled"),
    "EmployeeStatus": ("Active", "Inactive", "Terminated"),
    "Category": ("Account Management", "Customer Support", "Hardware", "Network", "Password Reset",
                 "Request for Information", "Software", "Website Login", "Other"),
    "Service": ("Customer Support", "Email", "Hardware", "Network", "Software", "Website", "Other"),
    "Source": ("Phone", "E-mail", "Self Service", "Chat", "Walk-in", "Web", "Voice Mail", "Other"),
    "Impact": ("High", "Medium", "Low"),
    "Urgency": ("High", "Medium", "Low"),
    "NoteCategory": ("Called Customer", "Customer Complaint", "Customer Feedback", "Customer Follow-up",
                     "Customer Notes", "E-mailed Customer", "Left Voice Mail", "Memo",
                     "Resolution Communication", "Status Update"),
    "NoteSource": ("E-mail", "Other", "Phone/Fax", "Self Service", "Voice Mail"),
}

_CUSTOMER = Link("ProfileLink", {"Employee": "employees"},
                 fills=(("ProfileFullName", "DisplayName"), ("Email", "PrimaryEmail"), ("LoginId", "LoginID"),
                        ("Phone", "PrimaryPhone"), ("OrgUnitLink_RecID", "OrgUnitLink_RecID"),
                        ("OrgUnitLink_Category", "OrgUnitLink_Category"), ("OrgUnitLink", "OrgUnitLink")))
_PARENT = Link("ParentLink", {"Incident": "incidents", "ServiceReq": "servicereqs"}, hash_required=True)
_TICKET_CHILDREN = (
    ("ContainsJournal", ("journal__notess",), "ParentLink"),
    ("ContainsTask", ("task__assignments",), "ParentLink"),
    ("ContainsAttachment", ("attachments",), "ParentLink"),
)


def _ticket_relationships(owner: str) -> tuple[Relationship, ...]:
    return (*(Relationship(owner + suffix, sets, "child", link, owner + "#")
              for suffix, sets, link in _TICKET_CHILDREN),
            Relationship(f"{owner}AssociatedCustomer", ("employees",), "reference", "ProfileLink", "Employee"))


_TICKET_FIELDS = (
    Field("Subject", max_length=255), Field("Symptom", "text", display="Description"),
    *_valid("Category", "Category"), *_valid("Service", "Service"), *_valid("Source", "Source", 50),
    *_valid("Impact", "Impact", 50), *_valid("Urgency", "Urgency", 50), Field("Priority", max_length=10),
    *_valid("OwnerTeam", "team"), *_valid("Owner", "employee"),
    *_link("ProfileLink", "ProfileFullName", "Email", "LoginId", "Phone", display="Customer"),
    Field("OrgUnitLink", server=True), Field("OrgUnitLink_RecID", server=True),
    Field("OrgUnitLink_Category", server=True),
    Field("Resolution", "text"), Field("ClosedBy", server=True), Field("ClosedDateTime", "datetime", server=True),
    Field("ResolvedBy", server=True), Field("ResolvedDateTime", "datetime", server=True),
    Field("ReadOnly", "bool", server=True), Field("IsInFinalState", "bool", server=True),
)
_TICKET_REQUIRED = ("Category", "Owner", "OwnerTeam", "ProfileLink_RecID", "Subject", "Symptom")

INCIDENT = BusinessObject(
    "Incident", "incidents",
    fields=(*_audit(), Field("IncidentNumber", "int", server=True),
            *_valid("Status", "IncidentStatus", 50, default="Logged"), *_TICKET_FIELDS,
            Field("TypeOfIncident", max_length=50)),
    links=(_CUSTOMER,), relationships=_ticket_relationships("Incident"),
    required={"Active": _TICKET_REQUIRED, "Waiting for Customer": _TICKET_REQUIRED,
              "Waiting for 3rd Party": _TICKET_REQUIRED, "Resolved": (*_TICKET_REQUIRED, "Resolution"),
              "Closed": (*_TICKET_REQUIRED, "Resolution")},
    final_states=(FINAL,), number=("IncidentNumber", 10001))

SERVICE_REQ = BusinessObject(
    "ServiceReq", "servicereqs",
    fields=(*_audit(), Field("ServiceReqNumber", "int", server=True),
            *_valid("Status", "ServiceReqStatus", 50, default="Submitted"), *_TICKET_FIELDS,
            *_link("AlternateContactLink")),
    links=(_CUSTOMER, Link("AlternateContactLink", {"Employee": "employees"})),
    relationships=_ticket_relationships("ServiceReq"),
    required={"Active": ("Owner", "OwnerTeam", "ProfileLink_RecID", "Subject"),
              "Fulfilled": ("Owner", "OwnerTeam", "ProfileLink_RecID", "Subject")},
    final_states=(FINAL, "Cancelled"), number=("ServiceReqNumber", 20001))

EMPLOYEE = BusinessObject(
    "Employee", "employees",
    fields=(*_audit(), Field("LoginID", max_length=100), Field("FirstName", max_length=50),
            Field("MiddleName", max_length=50), Field("LastName", max_length=50),
            Field("DisplayName", server=True), Field("Title", max_length=100), Field("CustID", max_length=50),
            Field("PrimaryEmail", max_length=100), Field("PrimaryPhone", max_length=50),
            Field("Phone1", max_length=50), Field("Address1", max_length=100),
            Field("Address1City", max_length=50), Field("Address1State", max_length=50),
            Field("Address1Zip", max_length=20), Field("Address1Country", max_length=50),
            *_link("OrgUnitLink"), Field("OrganizationalUnit", max_length=100),
            Field("Department", max_length=100), Field("Team", max_length=100),
            *_valid("Status", "EmployeeStatus", 50, default="Active"), Field("Disabled", "bool", default=False),
            Field("IsInternalAuth", "bool", default=False), Field("InternalAuthPasswd", write_only=True),
            Field("LockType", max_length=50), Field("LoginAttemptCount", "int", default=0),
            Field("Notes", "text")),
    links=(Link("OrgUnitLink", {"OrganizationalUnit": "organizationalunits"},
                fills=(("OrganizationalUnit", "Name"),)),),
    relationships=(Relationship("EmployeeAssociatedRole", ("frs_def_roles",), "many"),
                   Relationship("EmployeeAssociatedTeam", ("standarduserteams",), "many"),
                   Relationship("EmployeeAssociatedIncident", ("incidents",), "child", "ProfileLink", "Employee")),
    required={"*": ("LastName",)}, unique=("LoginID",))

ORG_UNIT = BusinessObject(
    "OrganizationalUnit", "organizationalunits",
    fields=(*_audit(), Field("Name", max_length=100), Field("Description", "text"),
            Field("PrimaryEmail", max_length=100), Field("Phone", max_length=50), Field("Status", max_length=50)),
    relationships=(Relationship("OrganizationalUnitContainsEmployee", ("employees",), "child", "OrgUnitLink",
                                "OrganizationalUnit"),),
    required={"*": ("Name",)})

_CHILD_FIELDS = (*_link("ParentLink"),)
NOTES = BusinessObject(
    "Journal#Notes", "journal__notess",
    fields=(*_audit(), Field("Subject", max_length=255), Field("NotesBody", "text"),
            *_valid("Category", "NoteCategory", default="Memo"), *_valid("Source", "NoteSource", 50),
            Field("PublishToWeb", "bool", default=False), Field("TimeSpent", "decimal"),
            Field("JournalType", server=True), *_CHILD_FIELDS),
    links=(_PARENT,))
ASSIGNMENT = BusinessObject(
    "Task#Assignment", "task__assignments",
    fields=(*_audit(), Field("AssignmentID", "int", server=True), Field("Subject", max_length=255),
            Field("Details", "text"), *_valid("Status", "TaskStatus", 50, default="Logged"),
            *_valid("OwnerTeam", "team"), *_valid("Owner", "employee"), *_CHILD_FIELDS),
    links=(_PARENT,), required={"*": ("Subject",)}, number=("AssignmentID", 1))
JOURNAL = BusinessObject("Journal", "journals", fields=NOTES.fields, creatable=False,
                         subtypes=("journal__notess",))
TASK = BusinessObject("Task", "tasks", fields=ASSIGNMENT.fields, creatable=False,
                      subtypes=("task__assignments",))
ATTACHMENT = BusinessObject(
    "Attachment", "attachments",
    fields=(*_audit(), Field("ATTACHNAME", max_length=255), Field("FileSize", "int", server=True), *_CHILD_FIELDS),
    links=(_PARENT,), creatable=False)  # uploaded through /api/rest/Attachment only
TEAM = BusinessObject(
    "StandardUserTeam", "standarduserteams",
    fields=(*_audit(), Field("Team", max_length=100), Field("Description", "text"),
            Field("TeamEmail", max_length=100), Field("Status", max_length=50, default="Active")),
    required={"*": ("Team",)}, unique=("Team",))
ROLE = BusinessObject(
    "Frs_def_role", "frs_def_roles",
    fields=(*_audit(), Field("Name", max_length=100), Field("DisplayName", max_length=100),
            Field("Description", "text"), Field("IsActive", "bool", default=True)),
    required={"*": ("Name",)}, unique=("Name",))

OBJECTS: dict[str, BusinessObject] = {o.entity_set: o for o in (
    INCIDENT, SERVICE_REQ, EMPLOYEE, ORG_UNIT, NOTES, ASSIGNMENT, JOURNAL, TASK, ATTACHMENT, TEAM, ROLE)}
STORED_SETS = tuple(name for name, o in OBJECTS.items() if not o.subtypes)
DEFAULT_ROLES = ("Admin", "SelfService", "ServiceDeskAnalyst")


def find_object(entity_set: str) -> BusinessObject | None:
    """Set names are case-insensitive (rapid7 sends `journal__Notess`)."""
    return OBJECTS.get(entity_set.lower())
