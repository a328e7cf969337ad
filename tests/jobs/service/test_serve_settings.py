"""What `goldheat serve` sets up before Celery starts: JSON logs, the log level, the metrics folder."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from config.errors import ConfigurationError
from config.settings import LogFormat, LogLevel, load_settings
from jobs.service.serve import MULTIPROC_ENV, Role, prepare_multiprocess_dir, serve, service_settings


def test_the_service_logs_json_unless_a_format_was_chosen() -> None:
    assert service_settings(load_settings()).log.format is LogFormat.JSON
    chosen = load_settings(log={"format": "console"})
    assert service_settings(chosen).log.format is LogFormat.CONSOLE


def test_loglevel_overrides_the_setting() -> None:
    assert service_settings(load_settings(), "debug").log.level is LogLevel.DEBUG


def test_metrics_files_go_to_an_empty_folder_per_host(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MULTIPROC_ENV, raising=False)
    stale = tmp_path / f"metrics-{socket.gethostname()}" / "counter_1.db"
    stale.parent.mkdir()
    stale.write_bytes(b"old")
    try:
        path = prepare_multiprocess_dir(tmp_path)
        assert path == stale.parent and not stale.exists()
        assert os.environ[MULTIPROC_ENV] == str(path)
    finally:
        os.environ.pop(MULTIPROC_ENV, None)


def test_flower_without_the_monitoring_extra_says_how_to_install_it(tmp_path: Path) -> None:
    import importlib.util

    if importlib.util.find_spec("flower") is not None:
        pytest.skip("Flower is installed here")
    with pytest.raises(ConfigurationError, match="goldheat\\[monitoring\\]"):
        serve(load_settings(var_dir=tmp_path), Role.FLOWER)
