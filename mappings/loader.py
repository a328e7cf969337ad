"""Load and apply the GoldMine -> HEAT mapping (`goldmine_to_heat.toml`) as frozen, checked data.

Checked when loaded, so a bad file stops `goldheat check` and the service at start-up rather than
an order half-way: an unknown transform, a duplicate target, a target longer than HEAT's field,
an unknown source. Applied per order, a missing required value or one that fails its transform is
a `RecordError` naming the field as people know it; fields not in the file are never sent.

A site's own `goldmine_to_heat.toml` in GOLDHEAT_SITE__MAPPINGS_DIR replaces the default whole
(rows are a list; merging lists row by row would be guesswork).
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from config.errors import ConfigurationError, RecordError
from mappings import transforms

FILE_NAME = "goldmine_to_heat.toml"
DEFAULT_FILE = Path(__file__).resolve().parent / FILE_NAME
ENTITIES = ("organisation", "customer")
SOURCE_PREFIXES = ("account.", "person.", "order.")

# HEAT's widths for the fields goldheat always writes (reference/heat.md §5: classic Subset/Profile
# name and e-mail columns, 50; ISM accepts more). A tenant field names its own width in its row.
TARGET_WIDTHS: dict[str, dict[str, int]] = {
    "organisation": {"name": 75},
    "customer": {"first_name": 50, "last_name": 50, "email": 100, "phone": 25, "title": 50,
                 "organisation": 75},
}
CORE_TARGETS = {"customer": ("first_name", "last_name", "email", "phone", "title", "organisation"),
                "organisation": ("name",)}


@dataclass(frozen=True, slots=True)
class FieldMap:
    """One allow-listed field: where it comes from, where it goes, how it is transformed."""

    entity: str
    sources: tuple[str, ...]
    target: str
    transform: str
    max_length: int
    required: bool = False
    overflow: Literal["error", "truncate"] = "error"
    context: tuple[tuple[str, str], ...] = ()
    label: str = ""

    @property
    def name(self) -> str:
        return self.label or self.sources[0]


@dataclass(frozen=True, slots=True)
class GoldMineToHeat:
    organisation: tuple[FieldMap, ...]
    customer: tuple[FieldMap, ...]
    source_file: str

    def map(self, entity: str, source: Mapping[str, str], *, record: str = "") -> dict[str, str]:
        """The target fields for one record; blank optional values are left out."""
        rows = self.organisation if entity == "organisation" else self.customer
        return apply(rows, source, record=record)

    def required_for(self, target: str) -> FieldMap | None:
        return next((r for r in self.customer if r.target == target), None)


def apply(rows: tuple[FieldMap, ...], source: Mapping[str, str], *, record: str = "") -> dict[str, str]:
    who = f"{record}: " if record else ""
    result: dict[str, str] = {}
    for row in rows:
        raw = next((source.get(s, "") for s in row.sources if str(source.get(s, "") or "").strip()), "")
        context = {kw: str(source.get(path, "") or "") for kw, path in row.context}
        try:
            value = transforms.get(row.transform)(str(raw or ""), **context)
        except transforms.TransformError as exc:
            raise RecordError(f"{who}{row.name}: {exc}", field=row.name, key=record or None) from None
        if not value:
            if row.required:
                raise RecordError(f"{who}{row.name} is missing", field=row.name, key=record or None)
            continue
        if len(value) > row.max_length:
            if row.overflow != "truncate":
                raise RecordError(f"{who}{row.name} is {len(value)} characters; HEAT's {row.target} "
                                  f"holds {row.max_length}", field=row.name, key=record or None)
            value = value[: row.max_length].rstrip()
        result[row.target] = value
    return result


def _row(entity: str, data: dict[str, Any], where: str, widths: dict[str, int]) -> FieldMap:
    def bad(message: str) -> ConfigurationError:
        return ConfigurationError(f"{where}: {message}", setting="GOLDHEAT_SITE__MAPPINGS_DIR")

    unknown = set(data) - {"source", "target", "transform", "required", "max_length", "overflow",
                           "context", "label"}
    if unknown:
        raise bad(f"unknown keys {sorted(unknown)}")
    sources = data.get("source")
    sources = (sources,) if isinstance(sources, str) else tuple(sources or ())
    target, name = data.get("target"), data.get("transform", "strip")
    context = data.get("context", {})
    if not sources or not all(isinstance(s, str) and s.startswith(SOURCE_PREFIXES) for s in sources):
        raise bad(f"source must be account.*, person.* or order.* (got {data.get('source')!r})")
    if not isinstance(context, dict) or not all(
            isinstance(v, str) and v.startswith(SOURCE_PREFIXES) for v in context.values()):
        raise bad("context values must be account.*, person.* or order.* sources")
    if not isinstance(target, str) or not target.replace("_", "").isalnum():
        raise bad(f"target must be a field name (got {target!r})")
    if name not in transforms.TRANSFORMS:
        raise bad(f"unknown transform {name!r}; known: {', '.join(sorted(transforms.TRANSFORMS))}")
    max_length = data.get("max_length")
    if not isinstance(max_length, int) or max_length < 1:
        raise bad(f"target {target!r} needs a positive max_length")
    width = widths.get(target)
    if width is not None and max_length > width:
        raise bad(f"target {target!r} max_length {max_length} is longer than HEAT's field ({width})")
    overflow = data.get("overflow", "error")
    if overflow not in ("error", "truncate"):
        raise bad("overflow must be 'error' or 'truncate'")
    return FieldMap(entity=entity, sources=sources, target=target, transform=name, max_length=max_length,
                    required=bool(data.get("required", False)), overflow=overflow,
                    context=tuple(sorted(context.items())), label=str(data.get("label", "")))


def parse(data: dict[str, Any], source_file: str) -> GoldMineToHeat:
    """Validate a parsed mapping file; errors name the file, the entity and the row."""
    unknown = set(data) - set(ENTITIES)
    if unknown:
        raise ConfigurationError(f"{source_file}: unknown sections {sorted(unknown)}",
                                 setting="GOLDHEAT_SITE__MAPPINGS_DIR")
    entities: dict[str, tuple[FieldMap, ...]] = {}
    for entity in ENTITIES:
        rows = []
        seen: set[str] = set()
        for i, item in enumerate(data.get(entity, []), 1):
            row = _row(entity, item, f"{source_file} [[{entity}]] row {i}", TARGET_WIDTHS[entity])
            if row.target in seen:
                raise ConfigurationError(f"{source_file} [[{entity}]] row {i}: duplicate target "
                                         f"{row.target!r}", setting="GOLDHEAT_SITE__MAPPINGS_DIR")
            seen.add(row.target)
            rows.append(row)
        entities[entity] = tuple(rows)
    if "name" not in {r.target for r in entities["organisation"]}:
        raise ConfigurationError(f"{source_file}: [[organisation]] needs a row with target 'name'",
                                 setting="GOLDHEAT_SITE__MAPPINGS_DIR")
    missing = {"last_name", "email"} - {r.target for r in entities["customer"]}
    if missing:
        raise ConfigurationError(f"{source_file}: [[customer]] needs rows for {sorted(missing)}",
                                 setting="GOLDHEAT_SITE__MAPPINGS_DIR")
    return GoldMineToHeat(organisation=entities["organisation"], customer=entities["customer"],
                          source_file=source_file)


@functools.lru_cache(maxsize=8)
def _load_file(path: Path, _mtime: float) -> GoldMineToHeat:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"cannot read the mapping {path}: {exc}",
                                 setting="GOLDHEAT_SITE__MAPPINGS_DIR") from None
    return parse(data, str(path))


def load_mapping(mappings_dir: Path | None = None) -> GoldMineToHeat:
    """The site's mapping when its folder has one, else the default shipped here."""
    path = DEFAULT_FILE
    if mappings_dir is not None and (Path(mappings_dir) / FILE_NAME).is_file():
        path = (Path(mappings_dir) / FILE_NAME).resolve()
    return _load_file(path, path.stat().st_mtime)
