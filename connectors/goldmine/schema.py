"""GoldMine's tables as data, and their DDL for SQL Server and the replica dialects.

GoldMine cannot run here, so tests, the demo and evaluation build its tables from these specs on
PostgreSQL, MariaDB or SQLite (and `ddl/mssql.sql` documents the SQL Server original). The specs
follow the reference (`reference/goldmine.md` §1-§2): real upper-case names, varchar lengths,
NOT NULL columns, no primary or foreign keys, unique indexes on RECID (and CONTACC on ACCOUNTNO).
Type rendering per dialect lives here because it is the schema's concern; query differences live
in `dialect.py`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from config.settings import Dialect


class SqlType(str, enum.Enum):
    VARCHAR = "varchar"
    TEXT = "text"
    IMAGE = "image"
    DATETIME = "datetime"
    FLOAT = "float"
    NUMERIC = "numeric"
    INT = "int"
    SMALLINT = "smallint"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: SqlType
    length: int | None = None
    not_null: bool = False


@dataclass(frozen=True, slots=True)
class Index:
    name: str
    columns: tuple[str, ...]
    unique: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    indexes: tuple[Index, ...]

    def column(self, name: str) -> Column | None:
        upper = name.upper()
        return next((c for c in self.columns if c.name == upper), None)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


# --- a compact notation for the specs: "NAME:len" varchar, "NAME:len!" NOT NULL, "NAME@type" ------

def _cols(*specs: str) -> tuple[Column, ...]:
    columns = []
    for spec in specs:
        not_null = spec.endswith("!")
        spec = spec.rstrip("!")
        if "@" in spec:
            name, kind = spec.split("@")
            columns.append(Column(name, SqlType(kind), None, not_null))
        else:
            name, length = spec.split(":")
            columns.append(Column(name, SqlType.VARCHAR, int(length), not_null))
    return tuple(columns)


def _ix(name: str, *columns: str, unique: bool = False) -> Index:
    return Index(name, tuple(columns), unique)


def _recid(name: str) -> Index:
    return Index(name, ("RECID",), True)


_CREATED = ("CREATEBY:8", "CREATEON@datetime", "CREATEAT:5")
_LAST = ("LASTUSER:8", "LASTDATE@datetime", "LASTTIME:5")

CONTACT1 = Table("CONTACT1", _cols(
    "ACCOUNTNO:20!", "COMPANY:40", "CONTACT:40", "LASTNAME:15", "DEPARTMENT:35", "TITLE:35",
    "SECR:20", "PHONE1:25!", "PHONE2:25", "PHONE3:25", "FAX:25", "EXT1:6", "EXT2:6", "EXT3:6",
    "EXT4:6", "ADDRESS1:40", "ADDRESS2:40", "ADDRESS3:40", "CITY:30", "STATE:20", "ZIP:10!",
    "COUNTRY:20", "DEAR:20", "SOURCE:20", "KEY1:20", "KEY2:20", "KEY3:20", "KEY4:20", "KEY5:20",
    "STATUS:3", "NOTES@text", "MERGECODES:20", "OWNER:8", *_CREATED,
    "LASTUSER:8", "LASTDATE@datetime", "LASTTIME:8",
    "U_COMPANY:40!", "U_CONTACT:40!", "U_LASTNAME:15!", "U_CITY:30!", "U_STATE:20!",
    "U_COUNTRY:20!", "U_KEY1:20!", "U_KEY2:20!", "U_KEY3:20!", "U_KEY4:20!", "U_KEY5:20!",
    "RECID:15!",
), (
    _ix("CONTACC", "ACCOUNTNO", unique=True), _recid("CN1RECID"),
    _ix("CONTCOMP", "U_COMPANY", "ACCOUNTNO"), _ix("CONTNAME", "U_CONTACT", "ACCOUNTNO"),
    _ix("CONTLAST", "U_LASTNAME", "ACCOUNTNO"), _ix("CONTCITY", "U_CITY", "ACCOUNTNO"),
    _ix("CONTZIP", "ZIP", "ACCOUNTNO"), _ix("CONTPHON", "PHONE1", "ACCOUNTNO"),
    *(_ix(f"CONTKEY{n}", f"U_KEY{n}", "ACCOUNTNO") for n in range(1, 6)),
    _ix("CONTSTAT", "U_STATE", "U_CITY", "ACCOUNTNO"),
    _ix("CONTCNTY", "U_COUNTRY", "U_STATE", "ACCOUNTNO"),
    _ix("CONTCURTAINING", "OWNER", "STATUS", "ACCOUNTNO"),
    _ix("CONTUCRC", "U_CONTACT", "RECID"),
))

# The U... site fields are per site (CONTUDEF); the replica carries the fixed columns only.
CONTACT2 = Table("CONTACT2", _cols(
    "ACCOUNTNO:20!", "CALLBACKON@datetime", "CALLBACKAT:8", "LASTCONTON@datetime", "LASTCONTAT:8",
    "LASTATMPON@datetime", "LASTATMPAT:8", "MEETDATEON@datetime", "MEETTIMEAT:8",
    "CALLBKFREQ@smallint", "COMMENTS:65", "PREVRESULT:65", "NEXTACTION:65", "ACTIONON@datetime",
    "CLOSEDATE@datetime", *(f"USERDEF{n:02d}:10" for n in range(1, 11)), "RECID:15!",
), (_ix("CONTACC2", "ACCOUNTNO"), _recid("CN2RECID")))

CONTUDEF = Table("CONTUDEF", _cols(
    "DBFNAME:8", "FIELD_NAME:10", "FIELD_TYPE:1", "FIELD_LEN@int", "FIELD_DEC@int",
    "FIELDDESC:25", "FIELDNO:3", "FIELD_PICT:20", "LOCALLABEL:18", "RACCESS:8", "WACCESS:8",
    "FLDOPTS:8", "STATUS:3", "RECID:15!",
), (_ix("CONTUDEF", "DBFNAME", "FIELD_NAME"), _recid("CUDRECID")))

CONTSUPP = Table("CONTSUPP", _cols(
    "ACCOUNTNO:20!", "RECTYPE:1!", "CONTACT:40", "TITLE:35", "CONTSUPREF:35", "DEAR:20",
    "PHONE:20", "EXT:6", "FAX:20", "LINKACCT:20", "NOTES@text", "ADDRESS1:40", "ADDRESS2:40",
    "ADDRESS3:40", "CITY:30", "STATE:20", "ZIP:10", "COUNTRY:20", "MERGECODES:20", "STATUS:4",
    "LINKEDDOC@text", *_LAST, "U_CONTACT:40!", "U_CONTSUPREF:35!", "U_ADDRESS1:40!", "RECID:15!",
), (
    _ix("CONTSUPP", "ACCOUNTNO", "RECTYPE", "U_CONTACT", "RECID"),
    _ix("CONTSPFD", "RECTYPE", "U_CONTACT", "U_CONTSUPREF"),
    _ix("CNTSUPADDR", "RECTYPE", "U_ADDRESS1"),
    _ix("CSUPREFIDX", "U_CONTSUPREF"),
    _recid("CNSRECID"),
))

CAL = Table("CAL", _cols(
    "USERID:8", "ACCOUNTNO:20", "ONDATE@datetime", "ONTIME:5", "ENDDATE@datetime", "ALARMFLAG:1",
    "ALARMTIME:5", "ALARMDATE@datetime", "ACTVCODE:3", "RSVP:1", "DURATION@int", "RECTYPE:1",
    "ACONFIRM:3", "APPTUSER:10", "STATUS:2", "DIRCODE:10", "NUMBER1@numeric", "NUMBER2@numeric",
    "COMPANY:40", "REF:80", "NOTES@text", "LINKRECID:15", "LDOCRECID:15", "LOPRECID:15",
    *_CREATED, *_LAST, "RECID:15!", "CALDEF_ID:64", "CALDEFEX_ID:64", "GLOBALID:64", "ORIG_TIME:5",
), (
    _ix("CALCONT", "ACCOUNTNO", "RECTYPE", "ONDATE", "ONTIME", "RECID"),
    _ix("CAL", "RECTYPE", "USERID", "ONDATE", "ONTIME", "RECID"),
    _ix("CALALARM", "ALARMFLAG", "USERID", "ALARMDATE", "ALARMTIME"),
    _ix("CALRLINK", "LOPRECID", "RECTYPE", "ONDATE", "ONTIME"),
    _ix("CALLINKRECID", "LINKRECID"),
    _recid("CNURECID"),
))

CONTHIST = Table("CONTHIST", _cols(
    "USERID:8", "ACCOUNTNO:20", "SRECTYPE:1", "RECTYPE:10", "ONDATE@datetime", "ONTIME:5",
    "ACTVCODE:3", "RESULTCODE:3", "STATUS:2", "DURATION:8", "UNITS:8", "REF:80", "NOTES@text",
    "LINKRECID:15", "LOPRECID:15", "CREATEBY:8", "CREATEON@datetime", "CREATEAT:6",
    "LASTUSER:8", "LASTDATE@datetime", "LASTTIME:6", "RECID:15!", "EXT:5", "COMPLETEDID:15",
    "NUMBER1@numeric", "NUMBER2@numeric",
), (
    _ix("CONTHIST", "ACCOUNTNO", "ONDATE", "RECID"),
    _ix("CONTHUSR", "USERID", "SRECTYPE", "ONDATE", "RECID"),
    _ix("CNHRLINK", "LOPRECID", "ONDATE"),
    _ix("CNHLSDT", "LASTDATE"),
    _recid("CNHRECID"),
))

OPMGR = Table("OPMGR", _cols(
    "OPID:15", "RECTYPE:3", "ACCOUNTNO:20", "USERID:8", "FLAGS:10", "COMPANY:40", "CONTACT:40",
    "NAME:50", "STATUS:50", "CYCLE:50", "STAGE:30", "SOURCE:30", "F1:20", "F2:20", "F3:10",
    "STARTDATE@datetime", "CLOSEBY@datetime", "CLOSEDDATE@datetime", "FORAMT@float",
    "FORPROB@int", "CLOSEAMT@float", "NOTES@text", "PRODUCTNAME:50", "U_STAGE:30!", "RECID:15!",
), (
    _ix("OPID", "OPID", "RECTYPE"),
    _ix("OPACCNO", "ACCOUNTNO", "RECTYPE", "OPID"),
    _recid("OPRECID"),
))

OPMGRFLD = Table("OPMGRFLD", _cols(
    "LOPID:15", "RECTYPE:1", "FNAME:40", "FVALUE:80", "NOTES@text", "U_FNAME:40!", "RECID:15!",
), (_ix("OPFLDLOP", "LOPID", "RECTYPE", "U_FNAME"), _recid("OPFRECID")))

NOTES = Table("NOTES", _cols(
    "CREATEDDATE@datetime", "MODIFIEDDATE@datetime", "USERID:8", "MODIFIEDBY:8", "LOPRECID:15",
    "ACCOUNTNO:20", "NOTE@image", "RECTYPE:8", "EXT:5", "RECID:15!",
), (
    _ix("NOTESACC", "ACCOUNTNO"), _ix("NOTESLOP", "LOPRECID"), _recid("NOTESREC"),
    _ix("NOTESUSR", "USERID", "CREATEDDATE"),
))

LOOKUP = Table("LOOKUP", _cols(
    "FIELDNAME:11", "LOOKUPSUPP:10", "ENTRY:40", "U_ENTRY:40!", "RECID:15!",
), (_ix("LOOKUP", "FIELDNAME", "ENTRY"), _recid("LKRECID")))

USERS = Table("USERS", _cols("USERNAME:8", "NAME:26", "USERGROUP:8", "RECID:15!"),
              (_ix("USERNAME", "USERNAME"), _recid("USRRECID")))

_SYNC_LOG = ("SYNCSTAMP:7", "LOGSTAMP:7", "ACTION:2", "TABLEID:1", "FRECID:15", "FIELDNAME:10",
             "USERID:9")
CONTTLOG = Table("CONTTLOG", _cols(*_SYNC_LOG), (
    _ix("CTLSYNC", "TABLEID", "SYNCSTAMP"), _ix("CTLFIELD", "TABLEID", "FRECID", "FIELDNAME"),
    _ix("CTLFRECID", "FRECID"),
))
GMTLOG = Table("GMTLOG", _cols(*_SYNC_LOG), (
    _ix("GTLSYNC", "TABLEID", "SYNCSTAMP"), _ix("GTLFIELD", "TABLEID", "FRECID", "FIELDNAME"),
    _ix("GTLFRECID", "FRECID"),
))

TABLES: dict[str, Table] = {t.name: t for t in (
    CONTACT1, CONTACT2, CONTUDEF, CONTSUPP, CAL, CONTHIST, OPMGR, OPMGRFLD, NOTES, LOOKUP, USERS,
    CONTTLOG, GMTLOG,
)}


def column_length(table: str, column: str) -> int | None:
    """The varchar length of TABLE.COLUMN; None for text, dates and numbers (and unknown names)."""
    spec = TABLES.get(table.upper())
    col = spec.column(column) if spec else None
    return col.length if col else None


# --- DDL ------------------------------------------------------------------------------------------

_TYPES: dict[Dialect, dict[SqlType, str]] = {
    Dialect.MSSQL: {
        SqlType.VARCHAR: "varchar({n})", SqlType.TEXT: "text", SqlType.IMAGE: "image",
        SqlType.DATETIME: "datetime", SqlType.FLOAT: "float", SqlType.NUMERIC: "numeric(18, 4)",
        SqlType.INT: "int", SqlType.SMALLINT: "smallint",
    },
    Dialect.POSTGRESQL: {
        SqlType.VARCHAR: "varchar({n})", SqlType.TEXT: "text", SqlType.IMAGE: "bytea",
        SqlType.DATETIME: "timestamp", SqlType.FLOAT: "double precision",
        SqlType.NUMERIC: "double precision", SqlType.INT: "integer", SqlType.SMALLINT: "smallint",
    },
    Dialect.MARIADB: {
        SqlType.VARCHAR: "VARCHAR({n})", SqlType.TEXT: "LONGTEXT", SqlType.IMAGE: "LONGBLOB",
        SqlType.DATETIME: "DATETIME", SqlType.FLOAT: "DOUBLE", SqlType.NUMERIC: "DOUBLE",
        SqlType.INT: "INT", SqlType.SMALLINT: "SMALLINT",
    },
    Dialect.SQLITE: {
        SqlType.VARCHAR: "TEXT", SqlType.TEXT: "TEXT", SqlType.IMAGE: "BLOB",
        SqlType.DATETIME: "TEXT", SqlType.FLOAT: "REAL", SqlType.NUMERIC: "REAL",
        SqlType.INT: "INTEGER", SqlType.SMALLINT: "INTEGER",
    },
}

# PostgreSQL and SQLite keep index and table names in one namespace, so GoldMine's indexes named
# after their table (CAL, CONTSUPP, CONTHIST, LOOKUP, CONTUDEF) get a suffix there.
_SHARED_NAMESPACE = {Dialect.POSTGRESQL, Dialect.SQLITE}


def render_type(column: Column, dialect: Dialect) -> str:
    return _TYPES[dialect][column.type].format(n=column.length)


def index_name(index: Index, dialect: Dialect) -> str:
    if dialect in _SHARED_NAMESPACE and index.name in TABLES:
        return f"{index.name}_IX"
    return index.name


def index_ddl(table: Table, index: Index, dialect: Dialect) -> str:
    unique = "UNIQUE " if index.unique else ""
    return (f"CREATE {unique}INDEX {index_name(index, dialect)} "
            f"ON {table.name} ({', '.join(index.columns)})")


def drop_index_ddl(table: Table, index: Index, dialect: Dialect) -> str:
    if dialect in _SHARED_NAMESPACE:
        return f"DROP INDEX {index_name(index, dialect)}"
    return f"DROP INDEX {index.name} ON {table.name}"


def table_ddl(table: Table, dialect: Dialect) -> list[str]:
    """CREATE TABLE and its CREATE INDEX statements, without trailing semicolons."""
    lines = ",\n".join(
        f"  {c.name} {render_type(c, dialect)}{' NOT NULL' if c.not_null else ''}"
        for c in table.columns
    )
    return [f"CREATE TABLE {table.name} (\n{lines}\n)",
            *(index_ddl(table, index, dialect) for index in table.indexes)]


def render_ddl(dialect: Dialect) -> list[str]:
    """Every table's DDL for the dialect, in TABLES order."""
    return [statement for table in TABLES.values() for statement in table_ddl(table, dialect)]


def ddl_script(dialect: Dialect) -> str:
    """The DDL as one script (what `ddl/<dialect>.sql` holds)."""
    header = (f"-- GoldMine tables ({dialect.value}), generated by connectors.goldmine.schema; "
              "see reference/goldmine.md section 2.\n")
    return header + "".join(f"\n{statement};\n" for statement in render_ddl(dialect))


def drop_statement(table: str, dialect: Dialect) -> str:
    if dialect is Dialect.MSSQL:
        return f"IF OBJECT_ID('{table}', 'U') IS NOT NULL DROP TABLE {table}"
    return f"DROP TABLE IF EXISTS {table}"


def existing_tables(conn: Any, dialect: Dialect) -> set[str]:
    """Upper-case names of the GoldMine tables that already exist in the connection's database."""
    if dialect is Dialect.SQLITE:
        sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
    elif dialect is Dialect.MARIADB:
        sql = "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = DATABASE()"
    elif dialect is Dialect.POSTGRESQL:
        sql = ("SELECT table_name FROM information_schema.tables "
               "WHERE table_schema = current_schema()")
    else:
        sql = "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_TYPE = 'BASE TABLE'"
    cursor = conn.cursor()
    try:
        names = {str(row[0]).upper() for row in cursor.execute(sql).fetchall()}
    finally:
        cursor.close()
    return names & set(TABLES)


def create_schema(conn: Any, dialect: Dialect, *, drop: bool = False,
                  tables: Iterable[str] | None = None) -> list[str]:
    """Create GoldMine's tables (all, or the named ones) on a DB-API connection; commits.

    Idempotent: a table that already exists is left as it is (with drop=True it is dropped and
    created afresh). Returns the names of the tables created.
    """
    wanted = [TABLES[name.upper()] for name in tables] if tables else list(TABLES.values())
    cursor = conn.cursor()
    try:
        if drop:
            for table in wanted:
                cursor.execute(drop_statement(table.name, dialect))
            conn.commit()
        present = existing_tables(conn, dialect)
        created = []
        for table in wanted:
            if table.name in present:
                continue
            for statement in table_ddl(table, dialect):
                cursor.execute(statement)
            created.append(table.name)
        conn.commit()
    finally:
        cursor.close()
    return created


if __name__ == "__main__":  # regenerate the reference files: python -m connectors.goldmine.schema
    from pathlib import Path

    folder = Path(__file__).with_name("ddl")
    folder.mkdir(exist_ok=True)
    for each in Dialect:
        (folder / f"{each.value}.sql").write_text(ddl_script(each))
