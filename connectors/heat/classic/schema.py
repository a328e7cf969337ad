"""HEAT classic's tables as data, their DDL per dialect, and the sandbox that builds them.

Names, lengths and keys follow the reference (§5, from a typed DataSet generated from a live HEAT
database). Where it gives no lengths (Journal, Profile, Subset, Detail, Tracker, HEATCAI) they
mirror CallLog: ids 50, logins 96, dates 10, times 8; other short strings 50. Sites add columns;
this replica adds only what goldheat writes and the reference lists no home for:
Profile.Company and Profile.Phone (the customer's organisation and phone). The `Assignee` table
(team membership: the rows Asgnmnt's contact columns are copied from) is inferred, so that the
sandbox ships the support team as HEAT's administrators would have set it up.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyodbc

from config.process import load_process
from config.settings import Settings
from connectors.heat.classic.dialect import ClassicDialect, classic_dialect
from connectors.odbc import classify_odbc_error, detect_dialect, odbc_factory, redact_dsn


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: str = "str"  # str | text | int | dec
    length: int = 0  # str: characters; dec: precision
    scale: int = 0

    def sql_type(self, dialect: ClassicDialect) -> str:
        if self.kind == "str":
            return dialect.varchar(self.length)
        if self.kind == "text":
            return dialect.text_type
        if self.kind == "int":
            return dialect.int_type
        return dialect.decimal(self.length, self.scale)


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    indexes: tuple[tuple[str, ...], ...] = ()

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name.lower() == name.lower():
                return column
        raise KeyError(f"{self.name} has no column {name}")


def _s(name: str, length: int) -> Column:
    return Column(name, "str", length)


def _i(name: str) -> Column:
    return Column(name, "int")


def _t(name: str) -> Column:
    return Column(name, "text")


def _who_when(prefix: str) -> tuple[Column, ...]:
    """HEAT's by/date/time triples: analyst 96, date 10, time 8."""
    return _s(f"{prefix}By", 96), _s(f"{prefix}Date", 10), _s(f"{prefix}Time", 8)


CALLLOG = Table("CallLog", ("CallID",), (
    _s("CallID", 8), _s("CustID", 50), _s("CustType", 50), _s("CallType", 100), _s("Tracker", 96),
    _s("CallStatus", 50), _s("Priority", 2), _t("CallDesc"), _t("CloseDesc"), _s("ShortDesc", 100),
    *_who_when("Recvd"), *_who_when("Closed"), *_who_when("Mod"), _i("DTLastMod"),
    _s("CallSource", 15), _s("Category", 50), _s("CatHeading", 25), _s("Cause", 50),
    _s("QuickCall", 1), _s("FirstResolution", 3), Column("CDuration", "dec", 9, 4),
    Column("StopWatch", "dec", 9, 4), Column("CallCount", "dec", 5, 2), _i("TotalTime"),
    _i("Urg_Value"), _i("Imp_Value"), _i("PriorityValue"), _s("Urg_Name", 50), _s("Imp_Name", 50),
    _s("SL_Warn_Goal", 14), _s("SL_Warn_Date", 10), _s("SL_Warn_Time", 8),
    _s("SL_Complete_Goal", 14), _s("SL_Complete_Date", 10), _s("SL_Complete_Time", 8),
    _s("SL_Clock_Status", 20), _s("SL_Button_Status", 20), _s("SL_Complete_Status", 25),
), indexes=(("CustID", "CustType"),))

ASGNMNT = Table("Asgnmnt", ("CallID", "HEATSeq"), (
    _s("CallID", 8), _i("HEATSeq"), _s("AssignedBy", 96), _s("DateAssign", 10), _s("TimeAssign", 8),
    _s("GroupName", 75), _s("Assignee", 96), _s("LoginID", 96), _s("Phone", 25), _s("PhoneExt", 6),
    _s("Pager", 50), _s("EMail", 50), _s("CellEmail", 100), _s("GrpEmail", 100), _s("MgrEmail", 100),
    _t("Notes"), _t("WorkNotes"),
    _s("DateAcknow", 10), _s("TimeAcknow", 8), _s("WhoAcknow", 96),
    _s("DateResolv", 10), _s("TimeResolv", 8), _s("WhoResolv", 96), _s("Resolution", 50),
    _s("TargetDate", 10), _s("TargetTime", 8), _s("WorkDate", 10),
    _i("SLAResTime"), _i("TotalAsgnmntTime"), _i("ResolveOrder"), _i("WorkTime"), _i("DTLastMod"),
    _s("Availability", 25), _s("CallType", 100), _s("Vacation", 1),
))

JOURNAL = Table("Journal", ("CallID", "HEATSeq"), (
    _s("CallID", 8), _i("HEATSeq"), _s("Tracker", 96), _s("EntryDate", 10), _s("EntryTime", 8),
    _t("EntryText"), _s("JournalType", 50), _i("DTLastMod"), _s("TempField", 50), _i("TotalJournalTime"),
))

PROFILE = Table("Profile", ("CustID", "CustType"), (
    _s("CustID", 50), _s("CustType", 50), _s("FirstName", 50), _s("MiddleName", 50), _s("LastName", 50),
    _s("Title", 50), _s("EMailID", 100), _t("Notes"), _s("SLAClass", 50), *_who_when("Mod"),
    _i("DTLastMod"), _s("Company", 60), _s("Phone", 25),
), indexes=(("EMailID",),))

SUBSET = Table("Subset", ("CallID",), (
    _s("CallID", 8), _s("CustID", 50), _s("CustType", 50), _s("FirstName", 50), _s("LastName", 50),
    _s("EMailID", 100), _s("LoginID", 96),
))

DETAIL = Table("Detail", ("CallID",), (
    _s("CallID", 8), _s("SerialNo", 50), _s("Product", 50), _s("ProductLine", 50), _s("SubCallType", 50),
    _t("Notes"), _s("Date1", 10), _s("Date2", 10), _s("Date3", 10), _s("Code2", 50), _s("YesNo1", 1),
    _s("YesNo2", 1), *(_s(f"Document{i}", 50) for i in range(1, 6)), _i("DTLastMod"),
))

TRACKER = Table("Tracker", ("LoginID",), (
    _s("LoginID", 96), _s("FullName", 96), _s("HEATPass", 96), _s("SecGroup", 50), _s("Manager", 96),
    _i("Status"), _s("ModPWDate", 10), _s("ModWho", 96), _s("ModDate", 10), _s("ModTime", 8),
    _s("DefTracker", 96), _s("eMailName", 100),
))

HEATCAI = Table("HEATCAI", ("LoginID",), (
    _s("LoginID", 96), _s("CustID", 50), _s("CustType", 50), _s("Password", 96), _s("SecretQ", 100),
    _s("SecretA", 100), _i("Flags"), _i("DTCreated"), _i("DTLastMod"), _s("LastModBy", 96),
), indexes=(("CustID", "CustType"),))

ASSIGNEE = Table("Assignee", ("GroupName", "Assignee"), (
    _s("GroupName", 75), _s("Assignee", 96), _s("LoginID", 96), _s("Phone", 25), _s("PhoneExt", 6),
    _s("Pager", 50), _s("EMail", 50), _s("CellEmail", 100), _s("GrpEmail", 100), _s("MgrEmail", 100),
    _s("Availability", 25), _s("Vacation", 1),
))

TABLES: tuple[Table, ...] = (PROFILE, HEATCAI, CALLLOG, SUBSET, DETAIL, ASGNMNT, JOURNAL, TRACKER, ASSIGNEE)
TABLES_BY_NAME = {table.name: table for table in TABLES}

# Analysts a fresh HEAT holds: its administrator, and the support team's people (see init_classic).
SUPPORT_ANALYSTS = (("SUPPORT1", "Support Analyst One"), ("SUPPORT2", "Support Analyst Two"))


def create_statements(table: Table, dialect: ClassicDialect) -> list[str]:
    name = dialect.table_prefix + table.name
    lines = [f"    {c.name} {c.sql_type(dialect)}{' NOT NULL' if c.name in table.key else ''}"
             for c in table.columns]
    lines.append(f"    CONSTRAINT PK_{table.name} PRIMARY KEY ({', '.join(table.key)})")
    body = ",\n".join(lines)
    statements = [f"{dialect.create_table} {name} (\n{body}\n){dialect.table_suffix}"]
    for columns in table.indexes:
        index = f"IX_{table.name}_{'_'.join(columns)}"
        statements.append(f"CREATE INDEX {index} ON {name} ({', '.join(columns)})")
    return statements


def render_ddl(dialect: ClassicDialect) -> str:
    """The whole schema as one script: statements separated by ';' and a blank line."""
    statements = [s for table in TABLES for s in create_statements(table, dialect)]
    header = (f"-- HEAT classic's tables ({dialect.name.value}), as goldheat's replica builds them.\n"
              "-- Generated by connectors/heat/classic/schema.py render_ddl(); a test keeps them equal.\n\n")
    return header + ";\n\n".join(statements) + ";\n"


def init_classic(dsn: str, settings: Settings, *, drop: bool = False) -> str:
    """Create HEAT classic's tables at `dsn` (idempotent) with the rows a set-up HEAT ships."""
    dialect = classic_dialect(settings.heat.dialect or detect_dialect(dsn, "GOLDHEAT_HEAT__DIALECT"))
    process = load_process(settings.site.process_file)
    team = process.orders.support_team
    goldheat_analyst = settings.heat.username or process.users.goldheat
    conn = odbc_factory(dsn, timeout=int(settings.heat.connect_timeout_seconds))()
    try:
        cursor = conn.cursor()
        existing = _existing_tables(conn)
        if drop:
            for table in reversed(TABLES):
                cursor.execute(dialect.drop_table.format(table=table.name))
            existing = set()
        created = [t.name for t in TABLES if t.name.lower() not in existing]
        for table in TABLES:
            if table.name in created:
                for statement in create_statements(table, dialect):
                    cursor.execute(statement)
        conn.commit()
        seeded = _seed(cursor, team, goldheat_analyst)
        conn.commit()
    except pyodbc.Error as exc:
        conn.rollback()
        raise classify_odbc_error(exc, system="heat", operation="sandbox.init") from None
    finally:
        conn.close()
    where = redact_dsn(dsn)
    return (f"HEAT classic ({dialect.name.value}) at {where}: created {len(created)} table(s)"
            f"{' (' + ', '.join(created) + ')' if created else ''}; seeded {seeded} row(s); "
            f"team {team!r}, goldheat writes as analyst {goldheat_analyst!r}")


def _existing_tables(conn) -> set[str]:
    """Probed one by one: ODBC catalog calls list other databases' tables too on MariaDB."""
    found = set()
    for table in TABLES:
        try:
            conn.cursor().execute(f"SELECT 1 FROM {table.name} WHERE 1 = 0").fetchall()
            found.add(table.name.lower())
        except pyodbc.Error:
            pass
        conn.rollback()  # PostgreSQL refuses further statements in a failed transaction
    return found


def _seed(cursor, team: str, goldheat_analyst: str) -> int:
    """Tracker rows (administrator, goldheat, the support analysts) and the team's Assignee rows."""
    trackers = [("ADMIN", "HEAT Administrator", "Admin"), (goldheat_analyst, "goldheat integration", "Admin")]
    trackers += [(login, name, "Analyst") for login, name in SUPPORT_ANALYSTS]
    count = 0
    for login, full_name, group in trackers:
        cursor.execute("SELECT 1 FROM Tracker WHERE LoginID = ?", login)
        if cursor.fetchone() is None:
            cursor.execute("INSERT INTO Tracker (LoginID, FullName, SecGroup, Status, DefTracker) "
                           "VALUES (?, ?, ?, ?, ?)", login, full_name, group, 1, login)
            count += 1
    for login, full_name in SUPPORT_ANALYSTS:
        cursor.execute("SELECT 1 FROM Assignee WHERE GroupName = ? AND Assignee = ?", team, full_name)
        if cursor.fetchone() is None:
            cursor.execute("INSERT INTO Assignee (GroupName, Assignee, LoginID, EMail, Availability, Vacation) "
                           "VALUES (?, ?, ?, ?, ?, ?)",
                           team, full_name, login, f"{login.lower()}@example.com", "Available", "N")
            count += 1
    return count
