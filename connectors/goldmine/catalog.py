"""What the site's GoldMine database really has: tables, columns and declared lengths (reference §7).

GoldMine versions differ: newer columns (CALDEF_ID, GLOBALID, ORIG_TIME, COMPLETEDID, EXT,
PRODUCTNAME) may be missing, REF is 65 or 80 wide, CONTSUPP.CONTACT 30 or 40. The connector reads
the catalogue once, builds INSERT lists from the columns that exist and fits values to the
lengths the database declares (the reference schema's where it declares none, as SQLite does).
`SiteReport` is what `goldheat check` shows: missing required columns fail, the rest warn.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from connectors.goldmine import schema

# Columns GoldMine added in later versions: INSERTs leave them out where the site lacks them.
OPTIONAL_COLUMNS: dict[str, frozenset[str]] = {
    "CAL": frozenset({"CALDEF_ID", "CALDEFEX_ID", "GLOBALID", "ORIG_TIME", "DIRCODE"}),
    "CONTHIST": frozenset({"EXT", "COMPLETEDID", "NUMBER1", "NUMBER2"}),
    "OPMGR": frozenset({"PRODUCTNAME"}),
    "CONTACT2": frozenset(f"USERDEF{n:02d}" for n in range(1, 11)),
}
# Tables goldheat reads or writes; NOTES and CONTUDEF are read by no connector method yet.
REQUIRED_TABLES = ("CONTACT1", "CONTACT2", "CONTSUPP", "CAL", "CONTHIST", "OPMGR", "OPMGRFLD", "LOOKUP", "USERS")
SYNC_TABLES = ("CONTTLOG", "GMTLOG")
_LENGTH_IN_TYPE = re.compile(r"\((\d+)\)")
_MAX_VARCHAR = 8000  # longer declared lengths are text/varchar(max): no limit to fit to


def declared_length(value: Any) -> int | None:
    """A catalogue length (an int, or SQLite's type text such as 'VARCHAR(20)') as a limit."""
    if isinstance(value, str):
        match = _LENGTH_IN_TYPE.search(value)
        value = int(match.group(1)) if match else None
    if value is None:
        return None
    length = int(value)
    return length if 0 < length <= _MAX_VARCHAR else None


@dataclass(frozen=True, slots=True)
class Catalog:
    columns: Mapping[str, Mapping[str, int | None]] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: list[dict[str, Any]]) -> Catalog:
        found: dict[str, dict[str, int | None]] = {}
        for row in rows:
            table, column = str(row["TABLE_NAME"]).upper(), str(row["COLUMN_NAME"]).upper()
            found.setdefault(table, {})[column] = declared_length(row.get("COLUMN_LENGTH"))
        return cls(found)

    def has_table(self, table: str) -> bool:
        return bool(self.columns.get(table))

    def columns_of(self, table: str) -> set[str]:
        return set(self.columns.get(table, {}))

    def length(self, table: str, column: str) -> int | None:
        """The database's declared varchar length, else the reference schema's."""
        declared = self.columns.get(table, {}).get(column)
        return declared if declared is not None else schema.column_length(table, column)


@dataclass(frozen=True, slots=True)
class SiteReport:
    missing_tables: list[str]
    missing_columns: dict[str, list[str]]
    optional_missing: dict[str, list[str]]
    ref_lengths: dict[str, int | None]
    foreign_prefix_rows: int
    ref_length_setting: int

    def problems(self) -> list[str]:
        """What stops goldheat writing correctly: `check` fails on these."""
        found = [f"table {t} is missing" for t in self.missing_tables]
        found += [f"{t} lacks {', '.join(cols)}" for t, cols in self.missing_columns.items()]
        found += [f"{t}.REF holds {n} characters but GOLDHEAT_GOLDMINE__REF_LENGTH is {self.ref_length_setting}"
                  for t, n in self.ref_lengths.items() if n is not None and n < self.ref_length_setting]
        if self.foreign_prefix_rows:
            found.append(f"{self.foreign_prefix_rows} CAL/CONTHIST rows not written by goldheat already use the "
                         "RECID prefix: choose another GOLDHEAT_GOLDMINE__RECID_PREFIX")
        return found

    def warnings(self) -> list[str]:
        return [f"{t} has no {', '.join(cols)} (a newer GoldMine column; left out of INSERTs)"
                for t, cols in self.optional_missing.items()]


def site_report(catalog: Catalog, *, goldsync: bool, foreign_prefix_rows: int, ref_length: int) -> SiteReport:
    tables = REQUIRED_TABLES + (SYNC_TABLES if goldsync else ())
    missing_tables = [t for t in tables if not catalog.has_table(t)]
    missing: dict[str, list[str]] = {}
    optional: dict[str, list[str]] = {}
    for table in tables:
        if table in missing_tables:
            continue
        absent = [c for c in schema.TABLES[table].column_names if c not in catalog.columns_of(table)]
        required = [c for c in absent if c not in OPTIONAL_COLUMNS.get(table, frozenset())]
        if required:
            missing[table] = required
        if len(absent) > len(required):
            optional[table] = [c for c in absent if c not in required]
    refs = {t: catalog.columns.get(t, {}).get("REF") for t in ("CAL", "CONTHIST") if catalog.has_table(t)}
    return SiteReport(missing_tables, missing, optional, refs, foreign_prefix_rows, ref_length)
