"""goldheat's one settings root.

Environment variables `GOLDHEAT_<SECTION>__<NAME>` win over a TOML file named by `GOLDHEAT_CONFIG`,
which wins over the defaults here. Secrets are `SecretStr` so they never print; closed choices are
enums so a wrong value fails at start-up naming the setting. Loaded once at the entry point
(`load_settings`) and passed down: nothing else reads `os.environ`.
"""

from __future__ import annotations

import codecs
import enum
import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from config.errors import ConfigurationError

CONFIG_DIR = Path(__file__).resolve().parent
DEFAULT_VAR_DIR = Path("var")


class Dialect(str, enum.Enum):
    MSSQL = "mssql"
    POSTGRESQL = "postgresql"
    MARIADB = "mariadb"
    SQLITE = "sqlite"


class HeatBackend(str, enum.Enum):
    ISM = "ism"
    CLASSIC = "classic"


class LogFormat(str, enum.Enum):
    CONSOLE = "console"
    JSON = "json"


class LogLevel(str, enum.Enum):
    DEBUG = "DEBUG"
    INFO = "INFO"
    WARNING = "WARNING"
    ERROR = "ERROR"


class UnicodePolicy(str, enum.Enum):
    """What to do with characters a non-Unicode (Windows-1252) column cannot hold."""

    REPLACE = "replace"  # transliterate where possible (é stays, “ → "), else '?', and log it
    REJECT = "reject"  # a record error naming the table and column


def _known_time_zone(value: str) -> str:
    """Refuse an unknown IANA zone at load, naming the setting, not at the first write that needs it."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r} (an IANA name such as Europe/London)") from None
    return value


TimeZoneName = Annotated[str, AfterValidator(_known_time_zone)]


class GoldMineSettings(BaseModel):
    dsn: SecretStr = Field(
        default=SecretStr(""),
        description="ODBC connection string; empty means the demo's SQLite file",
    )
    dialect: Dialect | None = Field(default=None, description="detected from the driver name when unset")
    user: str = Field(default="GOLDHEAT", max_length=8, description="GoldMine user goldheat writes as")
    recid_prefix: str = Field(
        default="GHT", min_length=3, max_length=3, pattern=r"^[A-Z0-9]{3}$",
        description="first 3 characters of every RECID goldheat generates",
    )
    ref_length: int = Field(default=80, description="CONTHIST.REF width: 65 before 9.x, 80 after")
    contsupp_contact_length: int = Field(default=40, description="CONTSUPP.CONTACT: 30 before 8.5")
    unicode_policy: UnicodePolicy = UnicodePolicy.REPLACE
    encoding: str = Field(default="cp1252", description="code page of the non-Unicode columns")
    goldsync_logging: bool = Field(
        default=False, description="write CONTTLOG/GMTLOG rows (needs a real stamp source)"
    )
    batch_size: int = Field(default=500, ge=1, le=10_000)
    change_overlap_minutes: int = Field(default=15, ge=0, le=240)
    timeout_seconds: int = Field(default=30, ge=1)
    timezone: TimeZoneName = Field(default="Europe/London", description="the time zone GoldMine's users write in")

    @field_validator("user")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()

    @field_validator("encoding")
    @classmethod
    def _known_codec(cls, value: str) -> str:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(f"unknown code page {value!r} (e.g. cp1252)") from None
        return value


class HeatSettings(BaseModel):
    backend: HeatBackend = HeatBackend.ISM
    base_url: str = Field(default="", description="ISM base URL; empty means the local simulator's address")
    api_key: SecretStr = SecretStr("")
    username: str = ""
    password: SecretStr = SecretStr("")
    tenant: str = ""
    role: str = "Admin"
    dsn: SecretStr = Field(default=SecretStr(""), description="HEAT classic ODBC connection string")
    dialect: Dialect | None = None
    timeout_seconds: float = Field(default=100.0, gt=0, description="per request; the server's own is 90 s")
    connect_timeout_seconds: float = Field(default=10.0, gt=0)
    max_concurrency: int = Field(default=4, ge=1, le=16)
    page_size: int = Field(default=100, ge=1, le=100)
    simulator_port: int = Field(default=8765, ge=0, le=65535,
                                description="`goldheat sandbox heat` listens here (0 = any free port)")
    simulator_data_file: Path | None = None
    classic_cust_type: str = Field(default="Customer", max_length=50,
                                   description="HEAT classic Profile.CustType of goldheat's customers")
    classic_call_type: str = Field(default="Request", max_length=100,
                                   description="HEAT classic CallLog.CallType of goldheat's calls")
    classic_password_encoding: Literal["pbkdf2", "plain"] = Field(
        default="pbkdf2", description="HEATCAI.Password: a salted hash until a trace shows HEAT's own encoding"
    )

    def effective_base_url(self) -> str:
        """The ISM base URL: the configured one, else the local simulator (`goldheat sandbox heat`)."""
        return self.base_url.strip() or f"http://127.0.0.1:{self.simulator_port or 8765}"


class StateSettings(BaseModel):
    url: SecretStr = Field(
        default=SecretStr(""), description="sqlite:///path or postgresql://...; empty = var/state.sqlite"
    )

    def resolved_url_in(self, var_dir: Path) -> str:
        """The state URL; a SQLite file under the var folder when none is configured."""
        return self.url.get_secret_value() or f"sqlite:///{(var_dir / 'state.sqlite').resolve()}"


class BrokerSettings(BaseModel):
    url: SecretStr = Field(default=SecretStr(""), description="redis://... or amqp://...; empty = embedded")
    result_backend: SecretStr = SecretStr("")
    queue: str = Field(default="goldheat", pattern=r"^[A-Za-z0-9_.-]+$",
                       description="queue name; also the Redis key prefix, so installations can share a server")
    visibility_timeout_seconds: int = Field(
        default=3600, ge=1, description="Redis: an unacknowledged task goes back to the queue after this long")
    transport_options: dict[str, Any] = Field(
        default_factory=dict, description="extra kombu transport options, merged over goldheat's")


class SmtpSettings(BaseModel):
    host: str = ""
    port: int = Field(default=25, ge=1, le=65535)
    starttls: bool = False
    username: str = ""
    password: SecretStr = SecretStr("")
    sender: str = "sales-admin@example.com"
    timeout_seconds: float = 30.0


class LettersSettings(BaseModel):
    output_dir: Path = Field(default=Path("letters"))
    template: Path | None = Field(default=None, description="welcome letter template; None = built-in")
    packing_template: Path | None = None
    website_url: str = "https://support.example.com"
    company_name: str = "Example Instruments Ltd"
    signatures: dict[str, Path] = Field(
        default_factory=dict, description="SM GoldMine user name -> signature image"
    )
    sm_phones: dict[str, str] = Field(default_factory=dict, description="SM user name -> phone on letters")
    sm_emails: dict[str, str] = Field(default_factory=dict, description="SM user name -> e-mail on letters")
    phone: str = Field(default="", description="the company's phone, when an SM has none of their own")
    email: str = Field(default="", description="the company's e-mail, when an SM has none of their own")


class PasswordPolicy(BaseModel):
    length: int = Field(default=16, ge=12, le=64)
    require_upper: bool = True
    require_lower: bool = True
    require_digit: bool = True
    require_symbol: bool = True
    symbols: str = "!#%+-=?@_"
    seal_key: SecretStr = Field(
        default=SecretStr(""),
        description="Fernet key that encrypts an issued password in the order ledger until it is handed "
                    "over; empty = a key file generated in the var folder",
    )


class RetrySettings(BaseModel):
    attempts: int = Field(default=4, ge=1, le=10, description="tries per call, including the first")
    initial_wait_seconds: float = Field(default=0.5, ge=0)
    max_wait_seconds: float = Field(default=30.0, ge=0)
    max_retry_after_seconds: float = Field(default=120.0, ge=0)


class LogSettings(BaseModel):
    format: LogFormat = LogFormat.CONSOLE
    level: LogLevel = LogLevel.INFO


class SiteSettings(BaseModel):
    timezone: TimeZoneName = "Europe/London"
    holidays_country: str = "GB"
    holidays_subdivision: str | None = "ENG"
    currency: str = "GBP"
    process_file: Path | None = Field(default=None, description="a site's own process.toml")
    mappings_dir: Path | None = Field(default=None, description="a site's own mappings folder")


class ServiceSettings(BaseModel):
    orders_poll_seconds: float = Field(default=30.0, gt=0)
    reminders_sweep_seconds: float = Field(default=60.0, gt=0)
    cadence_cron_hour: int = Field(default=6, ge=0, le=23)
    concurrency: int = Field(default=2, ge=1, le=32)
    metrics_port: int = Field(default=0, ge=0, le=65535, description="0 = no metrics endpoint")
    lock_lease_seconds: float = Field(
        default=60.0, ge=1, description="a job's single-run lock expires this long after its holder stops renewing it")
    step_lease_seconds: float = Field(
        default=300.0, ge=5, description="an order step claimed by a run that died is taken over after this long")
    task_max_retries: int = Field(default=3, ge=0, le=10, description="Celery retries of a task after an outage")
    task_retry_backoff_seconds: int = Field(default=60, ge=1, description="first Celery retry delay; doubles")
    task_retry_backoff_max_seconds: int = Field(default=600, ge=1)


class WebRole(str, enum.Enum):
    VIEWER = "viewer"  # sees orders, previews and results
    SALES_ADMIN = "sales_admin"  # also syncs, retries and opens letters
    SUPPORT = "support"  # also sees issued passwords (and letters, which carry them)


class WebUser(BaseModel):
    password_hash: str = Field(pattern=r"^\$argon2", description="from `goldheat web hash-password`")
    role: WebRole = WebRole.VIEWER


class WebSettings(BaseModel):
    host: str = Field(default="127.0.0.1", description="the web console's address; 0.0.0.0 in a container")
    port: int = Field(default=8080, ge=1, le=65535)
    secret_key: SecretStr = Field(
        default=SecretStr(""),
        description="signs session cookies and CSRF tokens; empty = a key file generated in the var folder")
    secure_cookies: bool = Field(default=False, description="mark cookies Secure: set when served behind TLS")
    session_hours: float = Field(default=8.0, gt=0, le=24 * 30)
    users: dict[str, WebUser] = Field(default_factory=dict, description="user name -> password hash and role")
    login_attempts: int = Field(default=5, ge=1, description="failed sign-ins per user and address ...")
    login_window_seconds: int = Field(default=900, ge=1, description="... within this window, then refused")
    threads: int = Field(default=4, ge=1, le=64, description="requests served side by side")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="GOLDHEAT_",
        env_nested_delimiter="__",
        extra="ignore",
        validate_default=True,
    )

    goldmine: GoldMineSettings = GoldMineSettings()
    heat: HeatSettings = HeatSettings()
    state: StateSettings = StateSettings()
    broker: BrokerSettings = BrokerSettings()
    smtp: SmtpSettings = SmtpSettings()
    letters: LettersSettings = LettersSettings()
    passwords: PasswordPolicy = PasswordPolicy()
    retry: RetrySettings = RetrySettings()
    log: LogSettings = LogSettings()
    site: SiteSettings = SiteSettings()
    service: ServiceSettings = ServiceSettings()
    web: WebSettings = WebSettings()
    var_dir: Path = DEFAULT_VAR_DIR

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Order is precedence: explicit arguments, then the environment, then the TOML file.
        return init_settings, env_settings, TomlConfigSettingsSource(settings_cls)

    def goldmine_dsn(self) -> str:
        """The GoldMine connection string; the demo's SQLite file when none is configured."""
        return self.goldmine.dsn.get_secret_value() or (
            f"DRIVER={{SQLite3}};DATABASE={(self.var_dir / 'demo' / 'goldmine.sqlite').resolve()}")

    def secrets(self) -> list[str]:
        """Every configured secret value, for the log redaction processor."""
        values = [
            self.goldmine.dsn, self.heat.api_key, self.heat.password, self.heat.dsn,
            self.state.url, self.broker.url, self.broker.result_backend, self.smtp.password,
            self.passwords.seal_key, self.web.secret_key,
        ]
        found = [v.get_secret_value() for v in values if v.get_secret_value()]
        return found + [p for v in found for p in _password_parts(v)]


# PWD=value or PWD={va;lue} (ODBC braces may hold ';', and '}}' is an escaped '}').
_ODBC_PASSWORD = re.compile(r"(?:^|;)\s*(?:PWD|PASSWORD)\s*=\s*(\{(?:[^}]|\}\})*\}|[^;]*)", re.I)


def _password_parts(connection_string: str) -> list[str]:
    """Passwords inside ODBC strings (PWD=...) and URLs (user:pass@host), to redact them alone too."""
    parts: list[str] = []
    for match in _ODBC_PASSWORD.finditer(connection_string):
        value = match.group(1).strip()
        if value.startswith("{") and value.endswith("}"):
            value = value[1:-1].replace("}}", "}")
        if value:
            parts.append(value)
    if "://" in connection_string and "@" in connection_string:
        userinfo = connection_string.split("://", 1)[1].split("@", 1)[0]
        if ":" in userinfo and userinfo.split(":", 1)[1]:
            parts.append(userinfo.split(":", 1)[1])
    return parts


def load_settings(config_file: str | Path | None = None, **overrides: Any) -> Settings:
    """Load the settings once, at an entry point; a wrong value raises ConfigurationError naming it.

    The TOML file is `config_file` or, when not given, the one named by GOLDHEAT_CONFIG.
    """
    path = config_file if config_file is not None else os.environ.get("GOLDHEAT_CONFIG")
    if path and not Path(path).is_file():
        raise ConfigurationError(f"GOLDHEAT_CONFIG names {str(path)!r}, which is not a file",
                                 setting="GOLDHEAT_CONFIG")
    settings_cls: type[Settings] = Settings
    if path:
        class FileSettings(Settings):
            model_config = SettingsConfigDict(toml_file=Path(path))
        settings_cls = FileSettings
    try:
        return settings_cls(**overrides)
    except ValidationError as exc:
        raise ConfigurationError.from_validation(exc) from None
