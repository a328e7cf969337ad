"""The tenant's names (entity sets, link categories, fields, values) as validated data.

Defaults live in `mappings/heat_ism.toml`; a site's `heat_ism.toml` in GOLDHEAT_SITE__MAPPINGS_DIR
is merged over them key by key. Every field and set name is checked to be a plain identifier
when loaded, because these names go into OData URLs and `$filter` text unquoted.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

import mappings
from config.errors import ConfigurationError
from config.process import deep_merge

DEFAULT_FILE = Path(mappings.__file__).resolve().parent / "heat_ism.toml"
FILE_NAME = "heat_ism.toml"

FieldName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")]
SetName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,127}$")]
Category = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_#]{0,127}$")]
Value = Annotated[str, StringConstraints(max_length=255)]
OptionalName = Annotated[str, StringConstraints(pattern=r"^(?:[A-Za-z_][A-Za-z0-9_]{0,127})?$")]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Sets(_Frozen):
    employee: SetName
    organisation: SetName
    incident: SetName
    note: SetName


class Categories(_Frozen):
    customer: Category
    organisation: Category
    ticket: Category


class EmployeeNames(_Frozen):
    xref: FieldName
    login: FieldName
    first_name: FieldName
    last_name: FieldName
    email: FieldName
    phone: FieldName
    title: FieldName
    organisation_link: FieldName
    status: FieldName
    disabled: FieldName
    internal_auth: FieldName
    password: FieldName
    active_status: Value
    login_role: Value
    role_set: SetName
    role_name: FieldName
    role_relationship: OptionalName


class OrganisationNames(_Frozen):
    name: FieldName


class IncidentNames(_Frozen):
    subject: FieldName
    description: FieldName
    customer_link: FieldName
    team: FieldName
    status: FieldName
    category: FieldName
    source: FieldName
    number: FieldName
    initial_status: Value
    default_category: Value
    default_source: Value


class NoteNames(_Frozen):
    subject: FieldName
    body: FieldName
    category: FieldName
    source: FieldName
    publish: FieldName
    parent_link: FieldName
    default_category: Value
    default_source: Value


class IsmNames(_Frozen):
    sets: Sets
    categories: Categories
    employee: EmployeeNames
    organisation: OrganisationNames
    incident: IncidentNames
    note: NoteNames


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"cannot read the HEAT names file {path}: {exc}",
                                 setting="GOLDHEAT_SITE__MAPPINGS_DIR") from None


def load_names(mappings_dir: Path | None = None) -> IsmNames:
    """The defaults, with the site's heat_ism.toml (when the folder has one) merged over them."""
    data = _read(DEFAULT_FILE)
    source = DEFAULT_FILE
    if mappings_dir is not None and (Path(mappings_dir) / FILE_NAME).is_file():
        source = Path(mappings_dir) / FILE_NAME
        data = deep_merge(data, _read(source))
    try:
        return IsmNames.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(".".join(map(str, e["loc"])) + ": " + e["msg"] for e in exc.errors())
        raise ConfigurationError(f"invalid HEAT names in {source}: {problems}",
                                 setting="GOLDHEAT_SITE__MAPPINGS_DIR") from None
