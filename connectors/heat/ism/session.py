"""The one place the ISM backend does I/O: authenticated, bounded, timed, retried HTTP.

- Authentication: a REST API key (`Authorization: rest_api_key=<key>`, no scheme), or a session
  login whose key is sent bare and renewed once when a request meets 401 ISM_4001.
- Every request has a (connect, read) timeout and holds one of `max_concurrency` slots, so a
  burst of workers never puts more than that many requests on HEAT at once.
- GET/PUT/PATCH/DELETE are retried under config.retry (honouring Retry-After). POST is sent once:
  a create whose answer was lost may have happened, so only the backend, which can look the record
  up by its natural key, decides whether to send it again.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import requests
import structlog
from pydantic import SecretStr

from config.errors import AuthenticationError, ConfigurationError, GoldheatError
from config.logs import register_secret
from config.retry import call_with_retry
from config.settings import RetrySettings
from connectors.heat.ism import errors

log = structlog.get_logger("goldheat.heat")
IDEMPOTENT = frozenset({"GET", "PUT", "PATCH", "DELETE"})
LOGIN_PATH = "rest/authentication/login"
LOGOUT_PATH = "rest/authentication/logout"


@dataclass(frozen=True, slots=True)
class Reply:
    """What the backend needs of a response: never the Response itself."""

    status: int
    text: str
    headers: Mapping[str, str]


def api_root(base_url: str) -> str:
    """`https://host`, `https://host/HEAT` (or either with a trailing `/api`) -> `.../api`."""
    root = base_url.strip().rstrip("/")
    parsed = urllib.parse.urlsplit(root)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigurationError(f"GOLDHEAT_HEAT__BASE_URL must be an http(s) URL, not {base_url!r}",
                                 setting="GOLDHEAT_HEAT__BASE_URL")
    if root.lower().endswith("/api"):
        root = root[:-4]
    return root + "/api"


def encode_query(params: Mapping[str, str]) -> str:
    """Spaces as %20, not '+': OData servers read '+' in `$filter` inconsistently."""
    return urllib.parse.urlencode(params, quote_via=urllib.parse.quote, safe="$'(),")


class IsmSession:
    """Authenticated HTTP to one ISM tenant; thread-safe; counts every HTTP call in `calls`."""

    def __init__(self, http: requests.Session, base_url: str, *, api_key: SecretStr | None = None,
                 username: str = "", password: SecretStr | None = None, tenant: str = "",
                 role: str = "Admin", timeout_seconds: float = 100.0,
                 connect_timeout_seconds: float = 10.0, max_concurrency: int = 4,
                 retry: RetrySettings | None = None, sleep: Callable[[float], None] | None = None,
                 owns_http: bool = False) -> None:
        self.http = http
        self.root = api_root(base_url)
        self._api_key = api_key.get_secret_value() if api_key else ""
        self._username = username
        self._password = password.get_secret_value() if password else ""
        if not self._api_key and not (username and self._password):
            raise ConfigurationError(
                "HEAT needs GOLDHEAT_HEAT__API_KEY, or GOLDHEAT_HEAT__USERNAME and GOLDHEAT_HEAT__PASSWORD",
                setting="GOLDHEAT_HEAT__API_KEY")
        register_secret(self._api_key, self._password)
        self._tenant = tenant or urllib.parse.urlsplit(self.root).hostname or ""
        self._role = role
        self.timeout = (connect_timeout_seconds, timeout_seconds)
        self.retry = retry or RetrySettings()
        self.sleep = sleep
        self._slots = threading.BoundedSemaphore(max_concurrency)
        self.max_concurrency = max_concurrency
        self._lock = threading.Lock()  # held while logging in, so only one thread does
        self._count_lock = threading.Lock()
        self._session_key = ""
        self._owns_http = owns_http
        self.calls = 0
        self.logins = 0
        self._local = threading.local()

    @property
    def uses_login(self) -> bool:
        return not self._api_key

    def request(self, method: str, path: str, *, params: Mapping[str, str] | None = None,
                body: Mapping[str, Any] | None = None, operation: str, key: str | None = None) -> Reply:
        """One call, classified; retried under the policy unless it is a POST."""
        method = method.upper()

        def attempt() -> Reply:
            return self._authenticated(method, path, params, body, operation, key)

        if method in IDEMPOTENT and not getattr(self._local, "single", False):
            return call_with_retry(self.retry, attempt, sleep=self.sleep)
        return attempt()

    @contextlib.contextmanager
    def single_attempt(self) -> Iterator[None]:
        """Requests in this block are tried once: for calls made inside a caller's own retry loop,
        so that the number of tries stays `retry.attempts`, not its square."""
        previous = getattr(self._local, "single", False)
        self._local.single = True
        try:
            yield
        finally:
            self._local.single = previous

    def _authenticated(self, method: str, path: str, params: Mapping[str, str] | None,
                       body: Mapping[str, Any] | None, operation: str, key: str | None) -> Reply:
        authorization = self._authorization()
        reply = self._send(method, path, params, body, authorization, operation, key)
        if reply.status == 401 and self.uses_login:
            # An expired session: log in again (unless another thread already has) and retry once.
            reply = self._send(method, path, params, body, self._relogin(authorization), operation, key)
        error = errors.classify(reply.status, reply.text, reply.headers, operation=operation, key=key)
        if reply.status == 401 and self.uses_login:
            raise AuthenticationError(
                "HEAT refused a fresh session key: check that GOLDHEAT_HEAT__ROLE may use the REST API",
                system=errors.SYSTEM, operation=operation, key=key, status=401, code=error.code if error else None)
        if error is not None:
            raise error
        return reply

    def _authorization(self) -> str:
        if not self.uses_login:
            return f"rest_api_key={self._api_key}"
        with self._lock:
            if not self._session_key:
                self._session_key = self._login()
            return self._session_key

    def _relogin(self, stale: str) -> str:
        with self._lock:
            if self._session_key in ("", stale):
                self._session_key = self._login()
            return self._session_key

    def _login(self) -> str:
        payload = {"tenant": self._tenant, "username": self._username, "password": self._password,
                   "role": self._role}

        def attempt() -> str:
            reply = self._send("POST", LOGIN_PATH, None, payload, None, "login", self._username)
            error = errors.classify(reply.status, reply.text, reply.headers, operation="login",
                                    key=self._username, login=True)
            if error is not None:
                raise error
            return _session_key(reply.text)

        key = call_with_retry(self.retry, attempt, sleep=self.sleep)
        register_secret(key)
        self.logins += 1
        return key

    def _send(self, method: str, path: str, params: Mapping[str, str] | None,
              body: Mapping[str, Any] | None, authorization: str | None, operation: str,
              key: str | None) -> Reply:
        url = f"{self.root}/{path}"
        if params:
            url += "?" + encode_query(params)
        headers = {"Accept": "application/json"}
        if authorization:
            headers["Authorization"] = authorization
        started = time.monotonic()
        with self._slots:
            with self._count_lock:
                self.calls += 1
            try:
                response = self.http.request(method, url, json=body, headers=headers, timeout=self.timeout)
                text = response.text
            except requests.RequestException as exc:
                error = errors.classify_exception(exc, operation=operation, key=key)
                log.debug("heat_call_failed", operation=operation, key=key, error=error.message)
                raise error from None
        log.debug("heat_call", operation=operation, key=key, status=response.status_code,
                  seconds=round(time.monotonic() - started, 3))
        return Reply(response.status_code, text, dict(response.headers))

    def close(self) -> None:
        """Log out of a session (best effort) and close the HTTP session if this object made it."""
        if self.uses_login and self._session_key:
            try:
                self._send("POST", LOGOUT_PATH, None, None, self._session_key, "logout", None)
            except GoldheatError:
                pass
            self._session_key = ""
        if self._owns_http:
            self.http.close()


def _session_key(text: str) -> str:
    """The login answer is a JSON string `"<tenant>#<32 alphanumerics>#2"` (or a JWT-like token)."""
    try:
        value = json.loads(text)
    except ValueError:
        value = text.strip().strip('"')
    if not isinstance(value, str) or not value.strip():
        raise AuthenticationError("HEAT's login answer held no session key", system=errors.SYSTEM,
                                  operation="login")
    return value.strip()
