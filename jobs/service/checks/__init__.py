"""`goldheat check`: validate the configuration and reach every configured system.

Each check returns `Finding`s: what was checked, ok / warn / fail / skip, what was found, and how
to fix it in the admin's terms (the setting to change, the table to create). Checks only read;
the one write is a temporary file in the letters folder, removed at once.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from config.settings import Settings

OK, WARN, FAIL, SKIP = "ok", "warn", "fail", "skip"


@dataclass(frozen=True, slots=True)
class Finding:
    system: str
    check: str
    status: str
    detail: str = ""
    fix: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def run_checks(settings: Settings) -> list[Finding]:
    """Every check, in the order an admin would fix things: local first, then the remote systems."""
    from jobs.service.checks import goldmine, heat, local

    findings: list[Finding] = []
    for check in (local.check_state, local.check_broker, local.check_letters, local.check_signatures,
                  local.check_smtp, goldmine.check_goldmine, heat.check_heat):
        try:
            findings.extend(check(settings))
        except Exception as exc:  # a check that breaks is itself a finding, not a crash
            from config.logs import redact

            findings.append(Finding(check.__module__.rsplit(".", 1)[-1], check.__name__, FAIL,
                                    redact(f"{type(exc).__name__}: {exc}")))
    return findings


def failed(findings: list[Finding]) -> bool:
    return any(f.status == FAIL for f in findings)
