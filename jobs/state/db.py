"""goldheat's own state store: SQLAlchemy Core over SQLite (default) or PostgreSQL.

One `MetaData` holds every table; each concept declares its tables in its own module under
`jobs/state/` against this metadata (ledger, reminders, job keys, runs). Unique constraints on
the keys are what make effects exactly-once across crashes and concurrent workers.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import MetaData, create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from config.errors import ConfigurationError
from config.settings import Settings

metadata = MetaData()


def make_engine(url: str) -> Engine:
    """An engine for the state URL; SQLite gets WAL and a busy timeout so two processes can share it."""
    try:
        parsed = make_url(url)
    except Exception:
        raise ConfigurationError("GOLDHEAT_STATE__URL is not a database URL "
                                 "(sqlite:///path or postgresql://...)", setting="GOLDHEAT_STATE__URL") from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, pool_pre_ping=True)
    raise ConfigurationError(f"GOLDHEAT_STATE__URL: unsupported database {parsed.get_backend_name()!r} "
                             "(use sqlite or postgresql)", setting="GOLDHEAT_STATE__URL")


# Any 64-bit number both processes agree on: the PostgreSQL advisory lock around table creation.
_CREATE_LOCK = 0x676F6C6468656174  # "goldheat"


def create_all(engine: Engine, attempts: int = 3) -> None:
    """Create every declared table that does not exist yet (idempotent, safe for two processes).

    Workers starting together would otherwise both see a table missing and both create it; the
    loser fails on PostgreSQL's catalogue index or SQLite's "already exists". PostgreSQL serialises
    the creation on an advisory lock held for the transaction; elsewhere the loser tries again and
    then finds the tables.
    """
    # Importing the table modules registers their tables on `metadata`.
    from jobs.state import tables  # noqa: F401

    for attempt in range(1, attempts + 1):
        try:
            with engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CREATE_LOCK})
                metadata.create_all(conn)
            return
        except (IntegrityError, OperationalError, ProgrammingError):
            if attempt == attempts:
                raise


def open_state(settings: Settings) -> Engine:
    """The configured state store, with its tables created: what every entry point starts with."""
    engine = make_engine(settings.state.resolved_url_in(settings.var_dir))
    create_all(engine)
    return engine
