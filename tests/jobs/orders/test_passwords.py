"""Initial passwords, login names and the sealed hand-over (no server needed)."""

from __future__ import annotations

import os
import string
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from config.errors import ConfigurationError, RecordError
from config.logs import redact
from config.settings import PasswordPolicy, Settings
from jobs.orders.passwords import KEY_FILE, Sealer, generate_password, login_base, login_candidates


@pytest.mark.parametrize("policy", [
    PasswordPolicy(),
    PasswordPolicy(length=12, require_symbol=False),
    PasswordPolicy(length=40, require_upper=False, symbols="#"),
])
def test_passwords_follow_the_policy(policy: PasswordPolicy) -> None:
    for _ in range(50):
        value = generate_password(policy).get_secret_value()
        assert len(value) == policy.length
        assert any(c in string.ascii_uppercase for c in value) == policy.require_upper or not policy.require_upper
        assert any(c in string.ascii_lowercase for c in value)
        assert any(c in string.digits for c in value)
        assert any(c in policy.symbols for c in value) == (policy.require_symbol and bool(policy.symbols))


def test_passwords_are_distinct_and_redacted_from_the_moment_they_exist() -> None:
    values = {generate_password(PasswordPolicy()).get_secret_value() for _ in range(200)}
    assert len(values) == 200
    one = next(iter(values))
    assert one not in redact(f"the password is {one}")


@pytest.mark.parametrize(("email", "first", "last", "base"), [
    ("Jane.Smith@acme.example", "Jane", "Smith", "jane.smith"),
    ("", "Jane Ann", "O'Brien", "jane.ann.obrien"),
    ("ÅSA+sales@x.example", "", "", "sasales"),
    ("", "", "", "customer"),
])
def test_login_names(email: str, first: str, last: str, base: str) -> None:
    assert login_base(email, first, last) == base


def test_login_candidates_stay_within_the_field() -> None:
    names = list(login_candidates("x" * 40))[:12]
    assert names[0] == "x" * 40 and names[1] == "x" * 39 + "2" and names[11] == "x" * 38 + "12"
    assert all(len(n) <= 40 for n in names)


def test_the_seal_round_trips_and_hides_the_password(tmp_path: Path) -> None:
    sealer = Sealer.from_settings(Settings(var_dir=tmp_path))
    token = sealer.seal(SecretStr("Pa55word!xyzABC"))
    assert "Pa55word" not in token
    assert sealer.unseal(token, order="OP1").get_secret_value() == "Pa55word!xyzABC"
    key_file = tmp_path / KEY_FILE
    assert oct(os.stat(key_file).st_mode & 0o777) == "0o600"
    again = Sealer.from_settings(Settings(var_dir=tmp_path))  # the same key, read back
    assert again.unseal(token, order="OP1").get_secret_value() == "Pa55word!xyzABC"


def test_a_configured_key_wins_and_a_wrong_key_is_a_record_error(tmp_path: Path) -> None:
    key = Fernet.generate_key().decode()
    sealer = Sealer.from_settings(Settings(var_dir=tmp_path, passwords={"seal_key": key}))
    assert not (tmp_path / KEY_FILE).exists()
    token = sealer.seal(SecretStr("abc-123-XYZ!"))
    other = Sealer(Fernet.generate_key())
    with pytest.raises(RecordError) as info:
        other.unseal(token, order="OP9")
    assert "OP9" in str(info.value) and info.value.field == "password"
    with pytest.raises(ConfigurationError, match="SEAL_KEY"):
        Sealer(b"not a key")
