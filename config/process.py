"""The sales process as data: codes, intervals, thresholds, team names and routing rules.

Defaults live in `config/process.toml`; a site's own file (GOLDHEAT_SITE__PROCESS_FILE) is merged
over them table by table. Jobs read these values, never literals of their own.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from config.errors import ConfigurationError

DEFAULT_PROCESS_FILE = Path(__file__).resolve().parent / "process.toml"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Users(_Frozen):
    goldheat: str
    engineering: str
    default_ae: str


class Accounts(_Frozen):
    type_field: str
    tier_field: str
    team_field: str
    sm_field: str
    ae_field: str
    customer: str
    distributor: str
    large: str
    small: str
    selected: str
    skip_teams: list[str]


class Stages(_Frozen):
    proposal: str
    order: str
    lost: str
    cancelled: str


class OrderFields(_Frozen):
    order_type: str
    po_number: str
    ship_date: str
    distributor: str
    non_standard: str


class Orders(_Frozen):
    sf_order_types: list[str]
    lookback_days: int
    heat_customer_detail: str
    website_login_detail: str
    support_team: str
    login_ticket_subject: str
    history_actvcode: str
    history_rectype: str


class Cadence(_Frozen):
    status_check_code: str
    status_check_rectype: str
    visit_code: str
    visit_rectype: str
    status_check_days: dict[str, int]
    visit_days: dict[str, int]
    status_check_ref: str = "Status check call"
    visit_ref: str = "Distributor visit"


class Responses(_Frozen):
    codes: list[str]
    followup_code: str
    followup_rectype: str
    followup_business_days: int
    message_rectype: str
    lookback_days: int
    followup_ref: str = "Follow up response: {ref}"
    message_ref: str = "Response logged ({code}) for {company}: {ref}"


class Referrals(_Frozen):
    threshold: float
    code: str
    rectype: str
    business_days: int
    ref: str = "Engineering review: {name} ({reason})"


class Proposals(_Frozen):
    code: str
    rectype: str
    business_days: list[int]
    ref: str = "Proposal follow-up {n}: {name}"


class Reminders(_Frozen):
    shipped_email_days: int
    shipped_callback_code: str
    equipment_check_code: str
    equipment_check_days: int
    equipment_check_latest_days: int
    callback_rectype: str
    ok_result: str
    nok_result: str
    corrective_ticket_subject: str
    email_subject: str
    email_template: str
    late_grace_days: int = 7  # a reminder first seen later than this after its due date is skipped
    shipped_callback_ref: str = "Everything received in good order? (order {order})"
    equipment_check_ref: str = "Is the equipment operating OK? (order {order})"
    email_history_ref: str = "E-mailed distributor: everything received? (order {order})"
    ok_history_ref: str = "Pleased to be of service (order {order})"
    nok_history_ref: str = "Corrective action: HEAT ticket {ticket} (order {order})"
    corrective_ticket_description: str = (
        "The sales manager's equipment check for order {order} found a problem; please start "
        "corrective action with {company}.")


class Process(_Frozen):
    users: Users
    accounts: Accounts
    stages: Stages
    order_fields: OrderFields
    orders: Orders
    cadence: Cadence
    responses: Responses
    referrals: Referrals
    proposals: Proposals
    reminders: Reminders


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """A site's TOML tables over the defaults, key by key (tables merge, values replace)."""
    merged = dict(base)
    for key, value in override.items():
        merged[key] = deep_merge(merged[key], value) if isinstance(value, dict) and isinstance(
            merged.get(key), dict) else value
    return merged


def load_process(site_file: Path | None = None) -> Process:
    """The defaults, with a site's file merged over them; errors name the file and the key."""
    data = tomllib.loads(DEFAULT_PROCESS_FILE.read_text(encoding="utf-8"))
    source = DEFAULT_PROCESS_FILE
    if site_file is not None:
        source = Path(site_file)
        try:
            data = deep_merge(data, tomllib.loads(source.read_text(encoding="utf-8")))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigurationError(f"cannot read the process file {source}: {exc}",
                                     setting="GOLDHEAT_SITE__PROCESS_FILE") from None
    try:
        return Process.model_validate(data)
    except ValidationError as exc:
        names = "; ".join(".".join(map(str, e["loc"])) + ": " + e["msg"] for e in exc.errors())
        raise ConfigurationError(f"invalid process file {source}: {names}",
                                 setting="GOLDHEAT_SITE__PROCESS_FILE") from None
