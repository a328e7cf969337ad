"""HEAT: ISM credentials and the business objects goldheat uses; or HEAT classic's tables."""

from __future__ import annotations

from config.errors import AuthenticationError, ConfigurationError, FatalError, GoldheatError
from config.settings import HeatBackend, RetrySettings, Settings
from jobs.service.checks import FAIL, OK, WARN, Finding
from jobs.service.checks.columns import columns_of

SYSTEM = "heat"
ISM_SETS = ("incidents", "employees")


def check_heat(settings: Settings) -> list[Finding]:
    if settings.heat.backend is HeatBackend.CLASSIC:
        return check_classic(settings)
    return check_ism(settings)


def check_ism(settings: Settings) -> list[Finding]:
    import requests

    from connectors.heat.ism.session import IsmSession

    heat = settings.heat
    findings = []
    if not heat.base_url:
        findings.append(Finding(
            SYSTEM, "base URL", WARN,
            f"GOLDHEAT_HEAT__BASE_URL is empty: using the local simulator at {heat.effective_base_url()}",
            "set GOLDHEAT_HEAT__BASE_URL to your ISM address, e.g. https://host/HEAT"))
    try:
        session = IsmSession(requests.Session(), heat.effective_base_url(), api_key=heat.api_key, username=heat.username,
                             password=heat.password, tenant=heat.tenant, role=heat.role,
                             timeout_seconds=min(heat.timeout_seconds, 30), connect_timeout_seconds=5,
                             retry=RetrySettings(attempts=1), owns_http=True)
    except ConfigurationError as exc:
        return findings + [Finding(SYSTEM, "credentials", FAIL, exc.message, f"set {exc.setting}")]
    try:
        for entity_set in ISM_SETS:
            try:
                session.request("GET", f"odata/businessobject/{entity_set}", params={"$top": "1"},
                                operation="check")
            except AuthenticationError as exc:
                how = ("GOLDHEAT_HEAT__API_KEY (Configure > Security Controls > API Keys)"
                       if heat.api_key.get_secret_value()
                       else "GOLDHEAT_HEAT__USERNAME, GOLDHEAT_HEAT__PASSWORD, GOLDHEAT_HEAT__TENANT and __ROLE")
                return findings + [Finding(SYSTEM, "credentials", FAIL, exc.message, f"check {how}")]
            except FatalError as exc:
                fix = ("check GOLDHEAT_HEAT__BASE_URL: try it with and without /HEAT" if exc.status == 404
                       else "check the API key's role may read this business object")
                findings.append(Finding(SYSTEM, entity_set, FAIL, exc.message, fix))
                continue
            except GoldheatError as exc:
                return findings + [Finding(SYSTEM, "connection", FAIL, exc.message,
                                           "check GOLDHEAT_HEAT__BASE_URL and that the server is reachable")]
            findings.append(Finding(SYSTEM, entity_set, OK, "readable"))
    finally:
        session.close()
    if any(f.status == FAIL for f in findings):
        return findings
    return [Finding(SYSTEM, "credentials", OK, "accepted"), *findings]


def check_classic(settings: Settings) -> list[Finding]:
    from connectors.heat.classic.schema import TABLES
    from connectors.odbc import detect_dialect, odbc_factory

    dsn = settings.heat.dsn.get_secret_value()
    if not dsn:
        return [Finding(SYSTEM, "connection", FAIL, "GOLDHEAT_HEAT__BACKEND is classic but GOLDHEAT_HEAT__DSN is empty",
                        "set GOLDHEAT_HEAT__DSN to the HEAT database's ODBC connection string")]
    try:
        dialect = settings.heat.dialect or detect_dialect(dsn, "GOLDHEAT_HEAT__DIALECT")
        conn = odbc_factory(dsn, timeout=int(settings.heat.connect_timeout_seconds))()
    except ConfigurationError as exc:
        return [Finding(SYSTEM, "connection", FAIL, exc.message, f"set {exc.setting or 'GOLDHEAT_HEAT__DSN'}")]
    except GoldheatError as exc:
        return [Finding(SYSTEM, "connection", FAIL, exc.message, "check GOLDHEAT_HEAT__DSN and the server")]
    try:
        found = columns_of(conn, dialect, [t.name for t in TABLES])
    finally:
        conn.close()
    findings = [Finding(SYSTEM, "connection", OK, f"connected ({dialect.value})")]
    for table in TABLES:
        columns = found.get(table.name.upper())
        if columns is None:
            findings.append(Finding(SYSTEM, f"table {table.name}", FAIL, "missing",
                                    "point GOLDHEAT_HEAT__DSN at HEAT's own database"))
            continue
        problems = [c.name + (" missing" if c.name.upper() not in columns else
                              f" is {columns[c.name.upper()]} characters, HEAT's is {c.length}")
                    for c in table.columns
                    if c.name.upper() not in columns
                    or (c.kind == "str" and (columns[c.name.upper()] or c.length) < c.length)]
        findings.append(Finding(SYSTEM, f"table {table.name}", FAIL if problems else OK,
                                "; ".join(problems) or "as expected",
                                "check that this is HEAT's database" if problems else ""))
    return findings
