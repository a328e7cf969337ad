"""Website logins: unique login names, strong initial passwords, and the sealed hand-over.

A password is drawn from `secrets` to the policy in settings and registered with the log
redaction at once, before anything else sees it. It must reach exactly two places, the HEAT
journal note and the welcome letter, which are later steps than the one that sets it. So that a
crash in between cannot lose it (and force a second, different password), the login step seals it
with Fernet (AES + HMAC, `cryptography`) under `GOLDHEAT_PASSWORDS__SEAL_KEY` and keeps only the
token in the ledger *before* setting it in HEAT; later steps unseal it; the token is wiped once the
note and the letter exist. Without a configured key a random key file is created in the var
folder (mode 0600): keep the var folder private, or configure the key.
"""

from __future__ import annotations

import os
import re
import secrets
import string
from collections.abc import Iterator
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from pydantic import SecretStr

from config.errors import ConfigurationError, RecordError
from config.logs import register_secret
from config.settings import PasswordPolicy, Settings

KEY_FILE = "ledger-seal.key"
LOGIN_MAX = 40
_LOGIN_CHARS = re.compile(r"[^a-z0-9._-]+")


def generate_password(policy: PasswordPolicy) -> SecretStr:
    """A random password with every character class the policy requires, registered as a secret."""
    classes = []
    if policy.require_upper:
        classes.append(string.ascii_uppercase)
    if policy.require_lower:
        classes.append(string.ascii_lowercase)
    if policy.require_digit:
        classes.append(string.digits)
    if policy.require_symbol and policy.symbols:
        classes.append(policy.symbols)
    alphabet = "".join(classes) or string.ascii_letters + string.digits
    chars = [secrets.choice(c) for c in classes]
    chars += [secrets.choice(alphabet) for _ in range(policy.length - len(chars))]
    for i in range(len(chars) - 1, 0, -1):  # Fisher-Yates with secrets, so class positions are random too
        j = secrets.randbelow(i + 1)
        chars[i], chars[j] = chars[j], chars[i]
    value = "".join(chars)
    register_secret(value)
    return SecretStr(value)


def login_base(email: str, first_name: str = "", last_name: str = "") -> str:
    """A readable login: the e-mail's local part, else first.last; lower-case, plain characters."""
    local = email.split("@", 1)[0] if email else ""
    base = local or ".".join(p for p in (first_name, last_name) if p)
    base = _LOGIN_CHARS.sub("", base.lower().replace(" ", ".")).strip("._-")
    return (base or "customer")[:LOGIN_MAX]


def login_candidates(base: str) -> Iterator[str]:
    """base, base2, base3 ... each within the login field's width."""
    yield base
    for n in range(2, 1000):
        suffix = str(n)
        yield base[: LOGIN_MAX - len(suffix)] + suffix


class Sealer:
    """Encrypts an issued password for the ledger, and decrypts it for the steps that hand it over."""

    def __init__(self, key: bytes) -> None:
        try:
            self._fernet = Fernet(key)
        except (ValueError, TypeError):
            raise ConfigurationError("GOLDHEAT_PASSWORDS__SEAL_KEY is not a Fernet key (32 url-safe base64 "
                                     "bytes; make one with `python -c 'from cryptography.fernet import "
                                     "Fernet; print(Fernet.generate_key().decode())'`)",
                                     setting="GOLDHEAT_PASSWORDS__SEAL_KEY") from None

    @classmethod
    def from_settings(cls, settings: Settings) -> Sealer:
        configured = settings.passwords.seal_key.get_secret_value()
        if configured:
            return cls(configured.encode())
        return cls(_key_file(Path(settings.var_dir) / KEY_FILE))

    def seal(self, password: SecretStr) -> str:
        return self._fernet.encrypt(password.get_secret_value().encode()).decode()

    def unseal(self, token: str, *, order: str) -> SecretStr:
        try:
            value = self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise RecordError(f"order {order}: the issued password cannot be unsealed (the seal key changed "
                              "since it was issued); reset the customer's password in HEAT and hand it over "
                              "by hand", key=order, field="password") from None
        register_secret(value)
        return SecretStr(value)


def _key_file(path: Path) -> bytes:
    """The var folder's seal key, created once with owner-only permissions (racing creators agree)."""
    if path.is_file():
        return path.read_bytes().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(key)
    try:
        os.link(tmp, path)  # fails if another process made it first: then use theirs
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_bytes().strip()
