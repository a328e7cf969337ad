"""Who is calling: REST API keys and session keys (§2.1).

- `Authorization: rest_api_key=<key>` exactly: no `Bearer`, no space, no quotes. API keys never
  expire; their requests act as the key's 'On Behalf Of' account.
- `POST …/api/rest/authentication/login` with `{"tenant","username","password","role"}` answers a
  JSON string `"<tenant>#<32 alphanumerics>#2"`, then sent bare as `Authorization: <key>`. The tenant
  may be the configured one or the host the client called (that is what a tenant host is). Callers
  are the configured users, or employees with `IsInternalAuth`, a password, `Status` Active and not
  `Disabled` (a self-service login); the role is accepted as given.
- A wrong or missing key is 401 ISM_4001 "Invalid Session key…"; a session that has expired
  (`inject("expire_sessions")`) or logged out is 401 ISM_4001 "Authentication required".
"""

from __future__ import annotations

import hmac
import secrets
import string
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from connectors.heat.simulator.errors import (
    AUTH_REQUIRED,
    BAD_LOGIN,
    INVALID_AUTH,
    INVALID_PAYLOAD,
    IsmError,
    bad_request,
)
from connectors.heat.simulator.rules import Actor, check_password
from connectors.heat.simulator.store import Store

API_KEY_PREFIX = "rest_api_key="
API_KEY_OWNER = "InternalServices"
_ALPHABET = string.ascii_uppercase + string.digits


@dataclass(frozen=True, slots=True)
class Principal:
    kind: str  # "api_key" | "session"
    actor: Actor


class Auth:
    def __init__(self, api_keys: Iterable[str], users: dict[str, str] | None, tenant: str):
        self.api_keys = tuple(k for k in api_keys if k)
        self.users = dict(users or {})
        self.tenant = tenant
        self._sessions: dict[str, Actor] = {}
        self._ended: set[str] = set()
        self._lock = threading.Lock()

    def identify(self, header: str | None) -> Principal:
        if not header:
            raise IsmError(401, INVALID_AUTH)
        if header.startswith(API_KEY_PREFIX):
            key = header[len(API_KEY_PREFIX):]
            if any(hmac.compare_digest(key.encode(), k.encode()) for k in self.api_keys):
                return Principal("api_key", Actor(API_KEY_OWNER, "Admin"))
            raise IsmError(401, INVALID_AUTH)
        with self._lock:
            actor = self._sessions.get(header)
            ended = header in self._ended
        if actor:
            return Principal("session", actor)
        raise IsmError(401, AUTH_REQUIRED if ended else INVALID_AUTH)

    def login(self, body: Any, host: str, store: Store) -> str:
        if not isinstance(body, dict):
            raise bad_request(INVALID_PAYLOAD)
        fields = {str(k).lower(): v for k, v in body.items()}
        tenant, username = str(fields.get("tenant") or ""), str(fields.get("username") or "")
        password, role = str(fields.get("password") or ""), str(fields.get("role") or "Admin")
        if tenant.lower() not in (self.tenant.lower(), host.lower(), host.split(":")[0].lower()) or not password:
            raise bad_request(BAD_LOGIN)
        login = self._check_user(username, password) or self._check_employee(username, password, store)
        if not login:
            raise bad_request(BAD_LOGIN)
        key = f"{self.tenant}#{''.join(secrets.choice(_ALPHABET) for _ in range(32))}#2"
        with self._lock:
            self._sessions[key] = Actor(login, role)
        return key

    def _check_user(self, username: str, password: str) -> str | None:
        for login, secret in self.users.items():
            if login.lower() == username.lower() and hmac.compare_digest(secret.encode(), password.encode()):
                return login
        return None

    @staticmethod
    def _check_employee(username: str, password: str, store: Store) -> str | None:
        with store.lock:
            for employee in store.all("employees"):
                if (employee.get("LoginID") or "").lower() != username.lower():
                    continue
                usable = (employee.get("IsInternalAuth") is True and employee.get("Status") == "Active"
                          and not employee.get("Disabled"))
                if usable and check_password(store.secret(employee["RecId"]), password):
                    return employee["LoginID"]
        return None

    def logout(self, key: str) -> bool:
        with self._lock:
            if self._sessions.pop(key, None) is None:
                return False
            self._ended.add(key)
            return True

    def expire_all(self) -> None:
        with self._lock:
            self._ended.update(self._sessions)
            self._sessions.clear()

    def reset(self) -> None:
        with self._lock:
            self._sessions.clear()
            self._ended.clear()
