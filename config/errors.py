"""goldheat's one error tree, grouped by what the caller should do.

    GoldheatError                 root: carries system, operation, key, status, field (all optional)
    ├── ConfigurationError        a setting or a mapping is wrong: fix the configuration, exit code 2
    ├── RetriableError            timeouts, 429, 5xx, transient ODBC states: retry with backoff
    ├── FatalError                auth, other 4xx, schema mismatch: stop this operation, alert a person
    │   └── AuthenticationError   credentials refused (never retried)
    └── RecordError               one record is bad: report it by name and field, the others go on

Every field is a plain, serialisable value and every exception survives pickling (Celery pickles
them). Nothing here may hold a response body or a secret: callers pass short, redacted messages.
"""

from __future__ import annotations

from typing import Any

_FIELDS = ("system", "operation", "key", "status", "field", "code", "retry_after")


class GoldheatError(Exception):
    """Root of every error goldheat raises on purpose."""

    def __init__(
        self,
        message: str,
        *,
        system: str | None = None,
        operation: str | None = None,
        key: str | None = None,
        status: int | None = None,
        field: str | None = None,
        code: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.system = system
        self.operation = operation
        self.key = key
        self.status = status
        self.field = field
        self.code = code
        self.retry_after = retry_after

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, self.to_dict()))

    def to_dict(self) -> dict[str, Any]:
        """The error's structured fields, for logs, the ledger and `--json` output."""
        data = {name: getattr(self, name) for name in _FIELDS if getattr(self, name) is not None}
        return {"error": type(self).__name__, "message": self.message, **data}

    def __str__(self) -> str:
        where = " ".join(
            f"{name}={getattr(self, name)}" for name in ("system", "operation", "key", "field", "status", "code")
            if getattr(self, name) is not None
        )
        return f"{self.message} [{where}]" if where else self.message


def _rebuild(cls: type[GoldheatError], message: str, data: dict[str, Any]) -> GoldheatError:
    fields = {name: data[name] for name in _FIELDS if name in data}
    error = cls.__new__(cls)
    GoldheatError.__init__(error, message, **fields)
    for name, value in data.items():
        if name not in fields and name not in ("error", "message"):
            setattr(error, name, value)
    return error


class ConfigurationError(GoldheatError):
    """A setting, mapping or site convention is wrong; nothing will work until a person fixes it."""

    def __init__(self, message: str, *, setting: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.setting = setting

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        if self.setting:
            data["setting"] = self.setting
        return data

    @classmethod
    def from_validation(cls, exc: Any) -> ConfigurationError:
        """One message naming every wrong setting as its environment variable."""
        problems = []
        first = None
        for err in exc.errors():
            name = "GOLDHEAT_" + "__".join(str(p).upper() for p in err["loc"])
            first = first or name
            problems.append(f"{name}: {err['msg']}")
        return cls("invalid settings: " + "; ".join(problems), setting=first)


class RetriableError(GoldheatError):
    """A transient failure: the same call may succeed later (timeouts, 429, 5xx, ODBC 08S01...)."""


class FatalError(GoldheatError):
    """Retrying will not help: a person must act (4xx, schema mismatch, refused operation)."""


class AuthenticationError(FatalError):
    """Credentials were refused; never retried, reported with how to fix them."""


class RecordError(GoldheatError):
    """One record is bad; report it naming the record and field, and carry on with the others."""
