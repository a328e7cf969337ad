"""`GET …/api/odata/{set}/$metadata`: an Edmx document describing one entity set (§2.2).

Clients probe it to find the base URL (an `<edmx:Edmx>` root, where a login page would also answer
200) and to check fields and relationship names. An unknown set answers 200 with an *empty*
EntityType, so "has fields" is the real existence test.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from connectors.heat.simulator.objects import OBJECTS, BusinessObject

NAMESPACE = "Frs.Data"
_EDM_TYPES = {"string": "Edm.String", "text": "Edm.String", "int": "Edm.Int32", "decimal": "Edm.Decimal",
              "bool": "Edm.Boolean", "datetime": "Edm.DateTimeOffset"}


def _type_name(obj: BusinessObject) -> str:
    return obj.name.replace("#", "__")


def _properties(obj: BusinessObject) -> list[str]:
    lines = ['      <Key><PropertyRef Name="RecId"/></Key>']
    for f in obj.fields:
        length = f' MaxLength="{f.max_length}"' if f.max_length else ""
        nullable = ' Nullable="false"' if f.name == "RecId" else ""
        lines.append(f'      <Property Name="{f.name}" Type="{_EDM_TYPES[f.type]}"{length}{nullable}/>')
    for rel in obj.relationships:
        target = _type_name(OBJECTS[rel.target_sets[0]])
        kind = f"{NAMESPACE}.{target}" if rel.kind == "reference" else f"Collection({NAMESPACE}.{target})"
        lines.append(f'      <NavigationProperty Name="{rel.name}" Type="{kind}"/>')
    return lines


def edmx(entity_set: str, obj: BusinessObject | None) -> str:
    name = _type_name(obj) if obj else entity_set
    body = _properties(obj) if obj else []
    entity = (f"    <EntityType Name={quoteattr(name)}>\n" + "\n".join(body) + "\n    </EntityType>"
              if body else f"    <EntityType Name={quoteattr(name)}/>")
    container = (f'      <EntitySet Name={quoteattr(obj.entity_set)} EntityType="{NAMESPACE}.{name}"/>\n'
                 if obj else "")
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">\n'
            "  <edmx:DataServices>\n"
            f'  <Schema Namespace="{NAMESPACE}" xmlns="http://docs.oasis-open.org/odata/ns/edm">\n'
            f"{entity}\n"
            f'    <EntityContainer Name="Container">\n{container}    </EntityContainer>\n'
            "  </Schema>\n  </edmx:DataServices>\n</edmx:Edmx>\n")
