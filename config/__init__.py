"""goldheat's foundation: the typed settings root, the error tree, the retry policy and logging.

Everything else imports from here; this package imports nothing of goldheat's own.
"""

from config.errors import (
    AuthenticationError,
    ConfigurationError,
    FatalError,
    GoldheatError,
    RecordError,
    RetriableError,
)
from config.settings import Dialect, HeatBackend, Settings, load_settings

__all__ = [
    "AuthenticationError", "ConfigurationError", "Dialect", "FatalError", "GoldheatError",
    "HeatBackend", "RecordError", "RetriableError", "Settings", "load_settings",
]
