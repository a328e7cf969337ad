"""HEAT: one interface (`base.HeatBackend`), two backends (ISM REST, HEAT classic ODBC)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from config.settings import Settings
    from connectors.heat.base import HeatBackend


def make_backend(settings: Settings) -> HeatBackend:
    """The backend the settings choose; each is imported only when chosen, so a site running
    one backend needs nothing of the other (no pyodbc driver for ISM, no HTTP for classic)."""
    from config.settings import HeatBackend as Kind

    if settings.heat.backend is Kind.CLASSIC:
        from connectors.heat.classic.backend import ClassicBackend

        return ClassicBackend.from_settings(settings)
    from connectors.heat.ism.backend import IsmBackend

    return IsmBackend.from_settings(settings)
