"""Settings: environment over TOML over defaults; a wrong value names the setting."""

from pathlib import Path

import pytest

from config.errors import ConfigurationError
from config.settings import Dialect, HeatBackend, load_settings


def test_defaults_load_without_any_configuration() -> None:
    settings = load_settings()
    assert settings.heat.backend is HeatBackend.ISM
    assert settings.goldmine.user == "GOLDHEAT"


def test_environment_nested_with_double_underscore(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOLDHEAT_GOLDMINE__DIALECT", "mariadb")
    monkeypatch.setenv("GOLDHEAT_HEAT__API_KEY", "k-123456")
    settings = load_settings()
    assert settings.goldmine.dialect is Dialect.MARIADB
    assert "k-123456" not in repr(settings)
    assert settings.heat.api_key.get_secret_value() == "k-123456"


def test_environment_wins_over_toml_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    toml = tmp_path / "goldheat.toml"
    toml.write_text('[heat]\nbackend = "classic"\ntimeout_seconds = 12\n')
    monkeypatch.setenv("GOLDHEAT_CONFIG", str(toml))
    monkeypatch.setenv("GOLDHEAT_HEAT__TIMEOUT_SECONDS", "7")
    settings = load_settings()
    assert settings.heat.backend is HeatBackend.CLASSIC
    assert settings.heat.timeout_seconds == 7


@pytest.mark.parametrize(("variable", "value"), [
    ("GOLDHEAT_HEAT__BACKEND", "soap"),
    ("GOLDHEAT_GOLDMINE__DIALECT", "oracle"),
    ("GOLDHEAT_HEAT__PAGE_SIZE", "101"),
    ("GOLDHEAT_GOLDMINE__RECID_PREFIX", "gh"),
    ("GOLDHEAT_LOG__FORMAT", "xml"),
    ("GOLDHEAT_GOLDMINE__TIMEZONE", "Europe/Atlantis"),
    ("GOLDHEAT_SITE__TIMEZONE", "UTC+1"),
    ("GOLDHEAT_GOLDMINE__ENCODING", "cp9999"),
])
def test_wrong_value_fails_at_start_naming_the_setting(monkeypatch: pytest.MonkeyPatch, variable: str,
                                                       value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError) as info:
        load_settings()
    assert variable in str(info.value)
    assert info.value.setting == variable


def test_missing_config_file_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOLDHEAT_CONFIG", "/nonexistent/goldheat.toml")
    with pytest.raises(ConfigurationError, match="GOLDHEAT_CONFIG"):
        load_settings()


@pytest.mark.parametrize("dsn, password", [
    ("DRIVER={PostgreSQL Unicode};UID=gm;PWD=Db-Pa55word;SERVER=db", "Db-Pa55word"),
    ("DRIVER={PostgreSQL Unicode};UID=gm;PWD={Db;Pa55}}word};SERVER=db", "Db;Pa55}word"),
    ("postgresql://gm:Db-Pa55word@db/goldmine", "Db-Pa55word"),
])
def test_a_connection_strings_password_is_a_secret_on_its_own(monkeypatch: pytest.MonkeyPatch, dsn: str,
                                                               password: str) -> None:
    """ODBC braces may hold ';' and an escaped '}': the whole password is still redacted by value."""
    monkeypatch.setenv("GOLDHEAT_GOLDMINE__DSN", dsn)
    assert password in load_settings().secrets()
