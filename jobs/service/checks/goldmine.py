"""GoldMine: the connection, the tables goldheat reads and writes, their columns and lengths, and
whether goldheat's RECID prefix is free.

Structure comes from the connector's own `site_check` (H1: required tables and columns, the
columns newer GoldMine versions added, rows already using the prefix); lengths are compared here
with `connectors.goldmine.schema.TABLES`. The widths that changed between GoldMine versions
(REF 65 or 80, CONTSUPP.CONTACT 30 or 40) must match their setting: a mismatch fails and names
the setting. Any other column narrower than GoldMine's own is a warning: the connector fits
values to the declared width, so they would be cut.
"""

from __future__ import annotations

from config.errors import AuthenticationError, ConfigurationError, GoldheatError
from config.settings import Settings
from connectors.goldmine.catalog import SiteReport
from connectors.goldmine.schema import TABLES
from connectors.odbc import detect_dialect, odbc_factory
from jobs.service.checks import FAIL, OK, WARN, Finding
from jobs.service.checks.columns import Columns, columns_of

SYSTEM = "goldmine"
# Widths that depend on the GoldMine version, and the setting that tells goldheat which one a site has.
VERSIONED = {("CONTHIST", "REF"): ("ref_length", "GOLDHEAT_GOLDMINE__REF_LENGTH"),
             ("CAL", "REF"): ("ref_length", "GOLDHEAT_GOLDMINE__REF_LENGTH"),
             ("CONTSUPP", "CONTACT"): ("contsupp_contact_length", "GOLDHEAT_GOLDMINE__CONTSUPP_CONTACT_LENGTH")}
SCHEMA_FIX = ("connect GOLDHEAT_GOLDMINE__DSN to GoldMine's own database, or create a test copy with "
              "`goldheat sandbox init --goldmine DSN`")


def expected_length(settings: Settings, table: str, column: str) -> int | None:
    versioned = VERSIONED.get((table, column))
    if versioned:
        return int(getattr(settings.goldmine, versioned[0]))
    spec = TABLES[table].column(column)
    return spec.length if spec else None


def check_goldmine(settings: Settings) -> list[Finding]:
    from connectors.goldmine.connector import GoldMineConnector

    dsn = settings.goldmine_dsn()
    findings: list[Finding] = []
    if not settings.goldmine.dsn.get_secret_value():
        fix = "set GOLDHEAT_GOLDMINE__DSN to your GoldMine database's ODBC connection string"
        if not (settings.var_dir / "demo" / "goldmine.sqlite").is_file():
            return [Finding(SYSTEM, "connection", FAIL, "GOLDHEAT_GOLDMINE__DSN is empty and there is no demo database",
                            fix + " (or run `goldheat demo` to make the sample one)")]
        findings.append(Finding(SYSTEM, "configuration", WARN,
                                "GOLDHEAT_GOLDMINE__DSN is empty: using the demo's SQLite file", fix))
    try:
        dialect = settings.goldmine.dialect or detect_dialect(dsn)
        factory = odbc_factory(dsn, timeout=settings.goldmine.timeout_seconds)
        conn = factory()
    except ConfigurationError as exc:
        return findings + [Finding(SYSTEM, "connection", FAIL, exc.message,
                                   f"set {exc.setting or 'GOLDHEAT_GOLDMINE__DSN'}")]
    except AuthenticationError as exc:
        return findings + [Finding(SYSTEM, "connection", FAIL, exc.message,
                                   "check UID and PWD in GOLDHEAT_GOLDMINE__DSN")]
    except GoldheatError as exc:
        return findings + [Finding(SYSTEM, "connection", FAIL, exc.message,
                                   "check GOLDHEAT_GOLDMINE__DSN (DRIVER, SERVER, DATABASE) and that the server is up")]
    try:
        found = columns_of(conn, dialect, list(TABLES))
    finally:
        conn.close()
    findings.append(Finding(SYSTEM, "connection", OK, f"connected ({dialect.value})"))
    report = GoldMineConnector(settings.goldmine, factory, dialect).site_check()
    findings += structure_findings(settings, report, found)
    if report.foreign_prefix_rows:
        findings.append(Finding(
            SYSTEM, "RECID prefix", FAIL,
            f"{report.foreign_prefix_rows} CAL/CONTHIST rows not written by goldheat already start with "
            f"{settings.goldmine.recid_prefix!r}",
            "choose another GOLDHEAT_GOLDMINE__RECID_PREFIX (3 letters or digits)"))
    else:
        findings.append(Finding(SYSTEM, "RECID prefix", OK, f"{settings.goldmine.recid_prefix!r} is goldheat's alone"))
    return findings


def structure_findings(settings: Settings, report: SiteReport, found: Columns) -> list[Finding]:
    """One finding per table: missing (fail), missing columns (fail, or warn for newer ones), lengths."""
    findings = []
    for name, spec in TABLES.items():
        if name in report.missing_tables:
            findings.append(Finding(SYSTEM, f"table {name}", FAIL, "missing", SCHEMA_FIX))
            continue
        if name not in found:
            continue  # not one goldheat needs here (e.g. the GoldSync logs when logging is off)
        fails = [f"lacks {c}" for c in report.missing_columns.get(name, [])]
        warns = [f"has no {c} (a newer GoldMine column; left out of writes)"
                 for c in report.optional_missing.get(name, [])]
        for column in spec.columns:
            want, have = expected_length(settings, name, column.name), found[name].get(column.name)
            if want is None or have is None or have >= want:
                continue
            versioned = VERSIONED.get((name, column.name))
            if versioned:
                fails.append(f"{column.name} is {have} characters but {versioned[1]} is {want} (set it to {have})")
            else:
                warns.append(f"{column.name} is {have} characters, GoldMine's is {want}: longer values are cut")
        status = FAIL if fails else WARN if warns else OK
        fix = SCHEMA_FIX if report.missing_columns.get(name) else ("fix the setting named" if fails else "")
        findings.append(Finding(SYSTEM, f"table {name}", status,
                                "; ".join(fails + warns) or f"{len(spec.columns)} columns as expected", fix))
    return findings

