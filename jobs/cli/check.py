"""Commands: check (to be built)."""

from jobs.cli.app import app  # noqa: F401
