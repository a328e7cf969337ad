"""Imports every module that declares state tables, so `create_all` sees them all."""

import importlib
import pkgutil

import jobs.state as _package

for _module in pkgutil.iter_modules(_package.__path__):
    if _module.name not in {"db", "tables"}:
        importlib.import_module(f"jobs.state.{_module.name}")
