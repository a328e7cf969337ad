"""The HTTP layer: `Simulator` (start, stop, inject, records, reset) and `run_forever` for
`goldheat sandbox heat`.

A `ThreadingHTTPServer` on 127.0.0.1 speaking HTTP/1.1 with keep-alive, as a client's connection
pool expects. Every request is logged (method, path, query, status, auth kind) before its answer is
sent, so a test sees the entry as soon as it has the response; headers and bodies are never logged.
"""

from __future__ import annotations

import signal
import socket
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit
from zoneinfo import ZoneInfo

from connectors.heat.simulator.api import Api
from connectors.heat.simulator.messages import Request, json_reply
from connectors.heat.simulator.auth import API_KEY_OWNER, Auth
from connectors.heat.simulator.errors import ism_body
from connectors.heat.simulator.faults import Fault, Faults
from connectors.heat.simulator.objects import DEFAULT_ROLES, find_object
from connectors.heat.simulator.rules import Actor, Rules, check_password
from connectors.heat.simulator.store import Store

if TYPE_CHECKING:
    from config.settings import Settings

PREFIX = "/HEAT"
DEMO_USERS = {"admin": "admin"}


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    method: str
    path: str  # without the /HEAT prefix and the query
    query: dict[str, str]
    status: int | None  # None when the connection was dropped
    auth: str | None  # "api_key" | "session" | None
    fault: str | None = None  # the injected fault kind that answered, if any
    prefixed: bool = False  # the client used /HEAT/api/...


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        """Silent: the simulator's own request log is `Simulator.requests`."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.serve()

    do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = do_GET  # noqa: N815

    def serve(self) -> None:
        simulator = self.server.simulator
        url = urlsplit(self.path)
        path = unquote(url.path)
        prefixed = path.lower().startswith(PREFIX.lower() + "/")
        if prefixed:
            path = path[len(PREFIX):]
        length = int(self.headers.get("Content-Length") or 0)
        request = Request(self.command, path, dict(parse_qsl(url.query, keep_blank_values=True)), self.headers,
                          self.rfile.read(length) if length else b"", self.path[:len(PREFIX)] if prefixed else "",
                          self.headers.get("Host") or "127.0.0.1", self.client_address[0])
        fault = simulator._faults.take(f"{request.method} {path}")
        if fault and fault.delay:
            time.sleep(fault.delay)
        if fault and fault.kind == "drop":
            simulator._log(request, None, None, fault, prefixed)
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault and fault.kind == "status":
            reply = simulator._api.fault_reply(fault, request)
        else:
            try:
                reply = simulator._api.handle(request)
            except Exception:  # a bug in the simulator must still answer like the server would
                reply = json_reply(500, ism_body(500, ""))
        if fault and fault.kind == "drop_after":
            simulator._log(request, None, reply.auth, fault, prefixed)
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        simulator._log(request, reply.status, reply.auth, fault, prefixed)
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.status != 204:
            self.send_header("Content-Length", str(len(reply.payload)))
        self.end_headers()
        if reply.status != 204 and self.command != "HEAD":
            self.wfile.write(reply.payload)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64
    simulator: Simulator

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (timeout, closed pool) is normal here, not worth a traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class Simulator:
    """The ISM REST API on loopback, with its data, a request log and fault injection."""

    def __init__(self, *, api_keys: Iterable[str] = (), users: dict[str, str] | None = None,
                 tenant: str = "localhost", port: int = 0, data_file: str | Path | None = None,
                 teams: Iterable[str] = ("Customer Support",), timezone: str = "America/Los_Angeles",
                 pick_lists: dict[str, Iterable[str]] | None = None, exact_count: bool = False):
        self.api_keys = tuple(api_keys)
        self.users = dict(users or {})
        self.tenant, self.port, self.teams = tenant, port, tuple(teams)
        self.store = Store(data_file)
        self._auth = Auth(self.api_keys, self.users, tenant)
        self._rules = Rules(self.store, ZoneInfo(timezone), {k: tuple(v) for k, v in (pick_lists or {}).items()})
        self._api = Api(self.store, self._auth, self._rules, exact_count=exact_count)
        self._faults = Faults()
        self.requests: list[LoggedRequest] = []
        self.base_url = ""
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.store.load()
        self._seed()

    @property
    def api_key(self) -> str:
        """The first API key it accepts ("" when it accepts none)."""
        return self.api_keys[0] if self.api_keys else ""

    # --- life cycle ----------------------------------------------------------------------------------
    def start(self) -> str:
        if self._server is None:
            self._server = _Server(("127.0.0.1", self.port), _Handler)
            self._server.simulator = self
            self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                            name="heat-simulator", daemon=True)
            self._thread.start()
            self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread:
                self._thread.join(timeout=5)
            self._server = self._thread = None

    def __enter__(self) -> Simulator:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- for tests and the demo ------------------------------------------------------------------------
    def inject(self, kind: str, *, status: int = 503, count: int = 1, match: str = "",
               retry_after: float | str | None = None, delay: float = 0.0) -> None:
        """Arm a fault (see `faults`); "expire_sessions" acts at once."""
        if kind == "expire_sessions":
            self._auth.expire_all()
            return
        self._faults.add(Fault(kind, status, count, match, retry_after, delay))

    def clear_faults(self) -> None:
        self._faults.clear()

    def records(self, entity_set: str) -> list[dict[str, Any]]:
        """A copy of a set's stored records (InternalAuthPasswd is only ever a hash elsewhere: null)."""
        obj = find_object(entity_set)
        if obj is None:
            raise KeyError(f"no entity set {entity_set!r}")
        return self.store.snapshot(obj.entity_set)

    def password_matches(self, login_id: str, password: str) -> bool:
        """Whether an employee's stored password hash matches (the API never returns it)."""
        with self.store.lock:
            return any(check_password(self.store.secret(e["RecId"]), password)
                       for e in self.store.all("employees") if (e.get("LoginID") or "").lower() == login_id.lower())

    def reset(self) -> None:
        """Back to the seeded state: data, sessions, faults and the request log."""
        with self.store.transaction():
            self.store.clear()
            self._seed()
        self._auth.reset()
        self._faults.clear()
        self.requests.clear()

    def _log(self, request: Request, status: int | None, auth: str | None, fault: Fault | None,
             prefixed: bool) -> None:
        self.requests.append(LoggedRequest(request.method, request.path, dict(request.query), status, auth,
                                           fault.kind if fault else None, prefixed))

    def _seed(self) -> None:
        """What a tenant ships with: the teams, stock roles and the analysts who may log in."""
        actor = Actor(API_KEY_OWNER, "Admin")
        with self.store.transaction():
            wanted = [("standarduserteams", "Team", {"Team": t}) for t in self.teams]
            wanted += [("frs_def_roles", "Name", {"Name": r, "DisplayName": r}) for r in DEFAULT_ROLES]
            wanted += [("employees", "LoginID", {"LoginID": login, "LastName": login, "IsInternalAuth": True,
                                                 "InternalAuthPasswd": password, "Team": self.teams[0] if self.teams else None})
                       for login, password in self.users.items()]
            for entity_set, key, body in wanted:
                if not any((r.get(key) or "").lower() == body[key].lower() for r in self.store.all(entity_set)):
                    self._rules.create(find_object(entity_set), body, actor)  # type: ignore[arg-type]
            self.store.mark_indexed()


def run_forever(settings: Settings, *, port: int | None = None, data_file: str | None = None) -> None:
    """Serve until Ctrl-C or SIGTERM: the API key in GOLDHEAT_HEAT__API_KEY and session logins."""
    from config.logs import register_secret

    heat = settings.heat
    key = heat.api_key.get_secret_value()
    users = {heat.username: heat.password.get_secret_value()} if heat.username and heat.password.get_secret_value() else {}
    register_secret(*(v for v in (key, *users.values()) if v))
    demo = not key and not users
    simulator = Simulator(api_keys=[key] if key else [], users=DEMO_USERS if demo else users,
                          tenant=heat.tenant or "localhost", port=heat.simulator_port if port is None else port,
                          data_file=data_file or heat.simulator_data_file)
    stopped = threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    url = simulator.start()
    print(f"HEAT simulator listening on {url}", flush=True)
    print("  API key: " + ("the one in GOLDHEAT_HEAT__API_KEY" if key else "none (GOLDHEAT_HEAT__API_KEY is unset)"),
          flush=True)
    logins = "admin / admin (the demo default)" if demo else ", ".join(users) or "none"
    print(f"  session logins (tenant {simulator.tenant}): {logins}", flush=True)
    try:
        while not stopped.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        simulator.stop()
