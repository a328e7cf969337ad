"""make_backend: the settings choose the HEAT backend; each is imported only when chosen."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from config.errors import ConfigurationError
from config.settings import load_settings
from connectors.heat import make_backend
from tests.conftest import sqlite_dsn


def test_ism_is_the_default_and_its_default_address_is_the_local_simulator() -> None:
    backend = make_backend(load_settings(heat={"api_key": "k" * 20}))
    try:
        assert backend.session.root.startswith("http://127.0.0.1:8765")
    finally:
        backend.close()


def test_ism_without_credentials_names_the_setting() -> None:
    with pytest.raises(ConfigurationError, match="GOLDHEAT_HEAT__API_KEY"):
        make_backend(load_settings(heat={"base_url": "http://127.0.0.1:9"}))


def test_classic_is_chosen_by_the_backend_setting(tmp_path: Path) -> None:
    from connectors.heat.classic.backend import ClassicBackend

    with pytest.raises(ConfigurationError, match="GOLDHEAT_HEAT__DSN"):
        make_backend(load_settings(heat={"backend": "classic"}))
    backend = make_backend(load_settings(heat={"backend": "classic", "dsn": sqlite_dsn(tmp_path / "h.sqlite")}))
    try:
        assert isinstance(backend, ClassicBackend)
    finally:
        backend.close()


def test_choosing_ism_does_not_import_the_classic_backend() -> None:
    code = ("import sys; from config.settings import load_settings; from connectors.heat import make_backend; "
            "make_backend(load_settings(heat={'base_url': 'http://127.0.0.1:9', 'api_key': 'k1234'})); "
            "print('connectors.heat.classic.backend' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[3])
    assert out.stdout.strip() == "False"
