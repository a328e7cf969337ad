"""What every job receives: settings, the process as data, connectors, the state store, a clock.

Connectors are built on first use and closed with the context, so a job that never touches HEAT
never connects to it. Tests and the service inject their own (a connector over a test database,
a backend pointed at the simulator, a frozen clock).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from config.process import Process, load_process
from config.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from connectors.goldmine.connector import GoldMineConnector
    from connectors.heat.base import HeatBackend


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class JobContext:
    settings: Settings
    process: Process
    dry_run: bool = False
    clock: Callable[[], dt.datetime] = utc_now
    goldmine_factory: Callable[[], GoldMineConnector] | None = None
    heat_factory: Callable[[], HeatBackend] | None = None
    state_engine: Engine | None = None
    _goldmine: Any = field(default=None, init=False, repr=False)
    _heat: Any = field(default=None, init=False, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings, *, dry_run: bool = False, **kwargs: Any) -> JobContext:
        return cls(settings=settings, process=load_process(settings.site.process_file), dry_run=dry_run,
                   **kwargs)

    @property
    def goldmine(self) -> GoldMineConnector:
        if self._goldmine is None:
            if self.goldmine_factory is not None:
                self._goldmine = self.goldmine_factory()
            else:
                from connectors.goldmine.connector import GoldMineConnector
                from connectors.odbc import detect_dialect, odbc_factory

                dsn = self.settings.goldmine_dsn()
                dialect = self.settings.goldmine.dialect or detect_dialect(dsn)
                self._goldmine = GoldMineConnector(
                    self.settings.goldmine, odbc_factory(dsn, timeout=self.settings.goldmine.timeout_seconds),
                    dialect, retry=self.settings.retry)
        return self._goldmine

    @property
    def heat(self) -> HeatBackend:
        if self._heat is None:
            if self.heat_factory is not None:
                self._heat = self.heat_factory()
            else:
                from connectors.heat import make_backend

                self._heat = make_backend(self.settings)
        return self._heat

    @property
    def state(self) -> Engine:
        if self.state_engine is None:
            from jobs.state.db import open_state

            self.state_engine = open_state(self.settings)
        return self.state_engine

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.site.timezone)

    def now(self) -> dt.datetime:
        """Now in the site's time zone."""
        return self.clock().astimezone(self.tz)

    def today(self) -> dt.date:
        return self.now().date()

    def close(self) -> None:
        for attr in ("_goldmine", "_heat"):
            resource = getattr(self, attr)
            if resource is not None and hasattr(resource, "close"):
                resource.close()
            setattr(self, attr, None)

    def __enter__(self) -> JobContext:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
