"""GoldMine: the connection, the tables goldheat reads and writes, and their column lengths.

The expected shape is H1's `connectors.goldmine.schema.TABLES` (GoldMine's real names and
lengths), with the two widths that changed between GoldMine versions taken from the settings
(CONTHIST.REF 65 or 80, CONTSUPP.CONTACT 30 or 40). A column shorter than goldheat expects is a
failure (writes would be cut or refused); a longer one is fine.
"""

from __future__ import annotations

from config.errors import AuthenticationError, ConfigurationError, GoldheatError
from config.settings import Settings
from connectors.goldmine.schema import TABLES
from connectors.odbc import detect_dialect, odbc_factory
from jobs.service.checks import FAIL, OK, SKIP, WARN, Finding
from jobs.service.checks.columns import columns_of

SYSTEM = "goldmine"
REQUIRED = ("CONTACT1", "CONTACT2", "CONTSUPP", "CAL", "CONTHIST", "OPMGR", "OPMGRFLD")
SYNC_LOGS = ("CONTTLOG", "GMTLOG")
# Widths that depend on the GoldMine version, and the setting that tells goldheat which one a site has.
VERSIONED = {("CONTHIST", "REF"): ("ref_length", "GOLDHEAT_GOLDMINE__REF_LENGTH"),
             ("CONTSUPP", "CONTACT"): ("contsupp_contact_length", "GOLDHEAT_GOLDMINE__CONTSUPP_CONTACT_LENGTH")}


def expected_length(settings: Settings, table: str, column: str) -> int | None:
    versioned = VERSIONED.get((table, column))
    if versioned:
        return int(getattr(settings.goldmine, versioned[0]))
    spec = TABLES[table].column(column)
    return spec.length if spec else None


def check_goldmine(settings: Settings) -> list[Finding]:
    dsn = settings.goldmine_dsn()
    try:
        dialect = settings.goldmine.dialect or detect_dialect(dsn)
    except ConfigurationError as exc:
        return [Finding(SYSTEM, "dialect", FAIL, exc.message, f"set {exc.setting}")]
    demo = None
    if not settings.goldmine.dsn.get_secret_value():
        fix = "set GOLDHEAT_GOLDMINE__DSN to your GoldMine database's ODBC connection string"
        if not (settings.var_dir / "demo" / "goldmine.sqlite").is_file():
            return [Finding(SYSTEM, "connection", FAIL, "GOLDHEAT_GOLDMINE__DSN is empty and there is no demo database",
                            fix + " (or run `goldheat demo` to make the sample one)")]
        demo = Finding(SYSTEM, "connection", WARN, "GOLDHEAT_GOLDMINE__DSN is empty: using the demo's SQLite file",
                       fix)
    try:
        conn = odbc_factory(dsn, timeout=settings.goldmine.timeout_seconds)()
    except AuthenticationError as exc:
        return [Finding(SYSTEM, "connection", FAIL, exc.message, "check UID and PWD in GOLDHEAT_GOLDMINE__DSN")]
    except GoldheatError as exc:
        return [Finding(SYSTEM, "connection", FAIL, exc.message,
                        "check GOLDHEAT_GOLDMINE__DSN (DRIVER, SERVER, DATABASE) and that the server is reachable")]
    try:
        findings = [demo] if demo else []
        findings.append(Finding(SYSTEM, "connection", OK, f"connected ({dialect.value})"))
        wanted = list(REQUIRED) + [t for t in TABLES if t not in REQUIRED]
        findings += table_findings(settings, columns_of(conn, dialect, wanted))
        return findings
    finally:
        conn.close()


def table_findings(settings: Settings, found: dict[str, dict[str, int | None]]) -> list[Finding]:
    findings = []
    for name, spec in TABLES.items():
        required = name in REQUIRED or (name in SYNC_LOGS and settings.goldmine.goldsync_logging)
        columns = found.get(name)
        if columns is None:
            findings.append(Finding(
                SYSTEM, f"table {name}", FAIL if required else SKIP, "missing",
                f"connect GOLDHEAT_GOLDMINE__DSN to GoldMine's own database (the one with {name}), "
                "or create the tables with `goldheat sandbox init --goldmine DSN` for a test copy"
                if required else ""))
            continue
        problems, notes = [], []
        for column in spec.columns:
            if column.name not in columns:
                problems.append(f"{column.name} missing")
                continue
            want, have = expected_length(settings, name, column.name), columns[column.name]
            if want is None or have is None or have == want:
                continue
            versioned = VERSIONED.get((name, column.name))
            if have < want:
                fix = f" (set {versioned[1]}={have})" if versioned else ""
                problems.append(f"{column.name} is {have} characters, goldheat expects {want}{fix}")
            elif versioned:
                notes.append(f"{column.name} is {have} characters; {versioned[1]}={have} would use them all")
        if problems:
            findings.append(Finding(SYSTEM, f"table {name}", FAIL if required else WARN, "; ".join(problems),
                                    "fix the setting named, or check that this is GoldMine's database "
                                    "and version (columns are GoldMine's own; goldheat adds none)"))
        else:
            findings.append(Finding(SYSTEM, f"table {name}", WARN if notes else OK,
                                    "; ".join(notes) or f"{len(spec.columns)} columns as expected"))
    return findings
