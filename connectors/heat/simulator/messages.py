"""A request and its answer as plain values, between the HTTP layer and the API's handlers."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from connectors.heat.simulator.errors import INVALID_PAYLOAD, bad_request

JSON = "application/json; charset=utf-8"


@dataclass(slots=True)
class Request:
    method: str
    path: str  # without the /HEAT prefix and the query
    query: dict[str, str]
    headers: Mapping[str, str]
    body: bytes = b""
    prefix: str = ""  # "" or the "/HEAT" the client used
    host: str = "127.0.0.1"
    client_ip: str = "127.0.0.1"

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8-sig")) if self.body.strip() else None
        except (UnicodeDecodeError, ValueError):
            raise bad_request(INVALID_PAYLOAD) from None


@dataclass(slots=True)
class Reply:
    status: int
    payload: bytes = b""
    content_type: str = JSON
    headers: dict[str, str] = field(default_factory=dict)
    auth: str | None = None


def json_reply(status: int, body: Any, **kw: Any) -> Reply:
    return Reply(status, json.dumps(body, default=str).encode(), **kw)
