"""Staff sign-in: users and roles from settings, argon2 password hashes, roles as permissions.

Users live in `GOLDHEAT_WEB__USERS` (name -> password hash and role); there is no user database to
keep in step. Hashes are argon2id (`argon2-cffi`, the OWASP recommendation), made by
`goldheat web hash-password`. An unknown user name costs the same verification as a known one, so
timing does not tell which names exist. Failed sign-ins are counted per user name and address in a
sliding window and refused past the limit: cheap, in memory, per process (one web process serves
the console; a restart clears it).

What each role may do is a table here, checked on every request, so a role changed in settings
takes effect at the next start without stale rights in anyone's session cookie.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import abort, current_app, g, redirect, request, session, url_for

from config.settings import WebRole, WebSettings

VIEW, SYNC, LETTER, PASSWORD = "view", "sync", "letter", "password"
PERMISSIONS: dict[WebRole, frozenset[str]] = {
    WebRole.VIEWER: frozenset({VIEW}),
    WebRole.SALES_ADMIN: frozenset({VIEW, SYNC, LETTER}),
    # Support hands logins over, so it sees passwords; the welcome letter prints the password too.
    WebRole.SUPPORT: frozenset({VIEW, LETTER, PASSWORD}),
}
F = TypeVar("F", bound=Callable[..., Any])
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("goldheat: a hash to verify against for unknown user names")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@dataclass(frozen=True, slots=True)
class Staff:
    name: str
    role: WebRole

    def may(self, permission: str) -> bool:
        return permission in PERMISSIONS[self.role]


class LoginLimiter:
    """At most `attempts` failed sign-ins per (user name, address) within `window` seconds."""

    def __init__(self, attempts: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.attempts, self.window, self._clock = attempts, window, clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        now = self._clock()
        failures = self._failures.setdefault(key, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def blocked(self, user: str, address: str) -> bool:
        with self._lock:
            return len(self._recent((user.casefold(), address))) >= self.attempts

    def failed(self, user: str, address: str) -> None:
        with self._lock:
            self._recent((user.casefold(), address)).append(self._clock())

    def succeeded(self, user: str, address: str) -> None:
        with self._lock:
            self._failures.pop((user.casefold(), address), None)


class Authenticator:
    def __init__(self, settings: WebSettings, limiter: LoginLimiter | None = None) -> None:
        self.users = settings.users
        self.limiter = limiter or LoginLimiter(settings.login_attempts, settings.login_window_seconds)

    def verify(self, name: str, password: str) -> Staff | None:
        """The staff member when the password is theirs; None otherwise (same cost either way)."""
        user = self.users.get(name)
        try:
            _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        return Staff(name, user.role) if user else None

    def staff(self, name: str | None) -> Staff | None:
        user = self.users.get(name) if name else None
        return Staff(name, user.role) if user and name else None


def current_staff() -> Staff | None:
    return g.get("staff")


def load_staff() -> None:
    """Before each request: who is signed in, re-read from settings (a removed user is signed out)."""
    auth: Authenticator = current_app.extensions["goldheat.auth"]
    staff = auth.staff(session.get("user"))
    if staff is None and "user" in session:
        session.clear()
    g.staff = staff


def requires(permission: str) -> Callable[[F], F]:
    """Signed-in staff whose role grants `permission`; others go to sign-in (or get 403)."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            staff = current_staff()
            if staff is None:
                return redirect(url_for("console.login", next=request.full_path if request.method == "GET" else None))
            if not staff.may(permission):
                abort(403)
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate
