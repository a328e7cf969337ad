"""The simulator's records: one lock for everything, optional atomic JSON file persistence.

Requests are served on many threads, and a create reads (for uniqueness, links, numbers) before it
writes, so every request that touches data runs inside `transaction()`: one re-entrant lock, and on
leaving, one atomic file write (temp file + `os.replace`) if anything changed. Beside the public
fields each record has private metadata (creation sequence, password hash) never returned by the API.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from connectors.heat.simulator.objects import OBJECTS, STORED_SETS

FORMAT_VERSION = 1


class Store:
    def __init__(self, data_file: str | Path | None = None):
        self.lock = threading.RLock()
        self.data_file = Path(data_file) if data_file else None
        self._dirty = False
        self.clear()

    def clear(self) -> None:
        with self.lock:
            self.sets: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in STORED_SETS}
            self.meta: dict[str, dict[str, Any]] = {}
            self.counters: dict[str, int] = {}
            self.links: set[tuple[str, str, str]] = set()
            self.indexed: dict[str, int] = {}
            self.seq = 0
            self._dirty = True

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        with self.lock:
            try:
                yield self
            finally:
                if self._dirty:
                    self.save()

    # --- records ---------------------------------------------------------------------------------
    def concrete_sets(self, entity_set: str) -> tuple[str, ...]:
        obj = OBJECTS[entity_set]
        return obj.subtypes or (obj.entity_set,)

    def all(self, entity_set: str) -> list[dict[str, Any]]:
        """The set's records in creation order (a base set reads through its subtypes)."""
        rows = [r for name in self.concrete_sets(entity_set) for r in self.sets[name].values()]
        return sorted(rows, key=lambda r: self.meta[r["RecId"]]["seq"])

    def get(self, entity_set: str, rec_id: str) -> tuple[str, dict[str, Any]] | None:
        """(concrete set, record) for a RecId, matched case-insensitively like SQL Server would."""
        key = rec_id.upper()
        for name in self.concrete_sets(entity_set):
            if key in self.sets[name]:
                return name, self.sets[name][key]
        return None

    def insert(self, entity_set: str, record: dict[str, Any]) -> None:
        self.seq += 1
        self.sets[entity_set][record["RecId"]] = record
        self.meta.setdefault(record["RecId"], {})["seq"] = self.seq
        self._dirty = True

    def touch(self) -> None:
        self._dirty = True

    def delete(self, entity_set: str, rec_id: str) -> None:
        self.sets[entity_set].pop(rec_id, None)
        self.meta.pop(rec_id, None)
        self.links = {link for link in self.links if rec_id not in link[1:]}
        self._dirty = True

    def next_number(self, name: str, first: int) -> int:
        self.counters[name] = max(self.counters.get(name, first - 1) + 1, first)
        self._dirty = True
        return self.counters[name]

    def set_secret(self, rec_id: str, value: str | None) -> None:
        self.meta.setdefault(rec_id, {})["password"] = value
        self._dirty = True

    def secret(self, rec_id: str) -> str | None:
        return self.meta.get(rec_id, {}).get("password")

    def counted(self, entity_set: str, matches: list[dict[str, Any]]) -> int:
        """`@odata.count` from a lagging index: records created since the set's previous collection
        read are not counted yet, so a page can hold more rows than the count says (§2.2)."""
        mark = self.indexed.get(entity_set, 0)
        self.indexed[entity_set] = self.seq
        return sum(1 for r in matches if self.meta[r["RecId"]]["seq"] <= mark)

    def mark_indexed(self) -> None:
        for name in OBJECTS:
            self.indexed[name] = self.seq

    # --- many-to-many links ------------------------------------------------------------------------
    def link(self, relationship: str, source: str, target: str) -> None:
        self.links.add((relationship, source, target))
        self._dirty = True

    def unlink(self, relationship: str, source: str, target: str) -> None:
        self.links.discard((relationship, source, target))
        self._dirty = True

    def linked(self, relationship: str, source: str) -> list[str]:
        return sorted(t for r, s, t in self.links if r == relationship and s == source)

    # --- persistence -------------------------------------------------------------------------------
    def snapshot(self, entity_set: str) -> list[dict[str, Any]]:
        with self.lock:
            return copy.deepcopy(self.all(entity_set))

    def load(self) -> bool:
        """Read the data file if there is one; False when starting empty."""
        if not self.data_file or not self.data_file.exists() or self.data_file.stat().st_size == 0:
            return False
        data = json.loads(self.data_file.read_text(encoding="utf-8"))
        with self.lock:
            self.clear()
            for name, rows in data.get("sets", {}).items():
                if name in self.sets:
                    self.sets[name] = {r["RecId"]: r for r in rows}
            self.meta = data.get("meta", {})
            self.counters = data.get("counters", {})
            self.links = {tuple(link) for link in data.get("links", [])}  # type: ignore[misc]
            self.indexed = data.get("indexed", {})
            self.seq = data.get("seq", 0)
            self._dirty = False
        return True

    def save(self) -> None:
        self._dirty = False
        if not self.data_file:
            return
        data = {"version": FORMAT_VERSION, "seq": self.seq, "counters": self.counters,
                "indexed": self.indexed, "links": sorted(self.links), "meta": self.meta,
                "sets": {name: list(rows.values()) for name, rows in self.sets.items()}}
        self.data_file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=self.data_file.name, suffix=".tmp", dir=self.data_file.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out, indent=1, default=str)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.data_file)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
