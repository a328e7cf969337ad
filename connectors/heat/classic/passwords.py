"""What goes into HEATCAI.Password, given that HEAT's own encoding is unknown.

The reference says "no passwords by SQL until known". Writing nothing is not safe either: an
empty Password might let anyone in with a blank one. So the default writes a salted PBKDF2 hash
that no plausible HEAT encoding accepts as the password: at worst the self-service login does not
work until the support team sets the password in HEAT (which the login ticket and its unpublished
journal note ask them to do); it never stores anything a database reader could use or reverse.
The replica keeps the same hash, so tests and evaluations can verify the issued password.

`plain` exists for the day a trace of the HEAT client shows HEAT stores clear text: it must be
chosen explicitly (GOLDHEAT_HEAT__CLASSIC_PASSWORD_ENCODING=plain) because it puts the password
in a database column.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable

from pydantic import SecretStr

from config.errors import ConfigurationError

ITERATIONS = 600_000  # OWASP's 2023 figure for PBKDF2-HMAC-SHA256
PREFIX = "pbkdf2"

PasswordEncoder = Callable[[SecretStr], str]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def pbkdf2(password: SecretStr, *, iterations: int = ITERATIONS, salt: bytes | None = None) -> str:
    """`pbkdf2$<iterations>$<salt>$<hash>`: 80 characters with the defaults."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.get_secret_value().encode("utf-8"), salt, iterations)
    return f"{PREFIX}${iterations}${_b64(salt)}${_b64(digest)}"


def verify_pbkdf2(stored: str, password: SecretStr) -> bool:
    try:
        prefix, iterations, salt, _ = stored.split("$")
        raw_salt = base64.urlsafe_b64decode(salt + "=" * (-len(salt) % 4))
    except ValueError:
        return False
    if prefix != PREFIX:
        return False
    expected = pbkdf2(password, iterations=int(iterations), salt=raw_salt)
    return hmac.compare_digest(expected, stored)


def plain(password: SecretStr) -> str:
    return password.get_secret_value()


ENCODERS: dict[str, PasswordEncoder] = {"pbkdf2": pbkdf2, "plain": plain}


def encoder(name: str) -> PasswordEncoder:
    try:
        return ENCODERS[name]
    except KeyError:
        raise ConfigurationError(f"unknown HEATCAI password encoding {name!r}; one of {sorted(ENCODERS)}",
                                 setting="GOLDHEAT_HEAT__CLASSIC_PASSWORD_ENCODING") from None
