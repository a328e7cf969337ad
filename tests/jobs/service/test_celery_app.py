"""The Celery app built from settings: brokers, delivery guarantees, serialisation, task names."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from config.errors import ConfigurationError, FatalError, RetriableError
from config.settings import load_settings
from jobs.service.celery_app import broker_url, celery_config, create_app


def test_no_broker_configured_means_kombus_sqlite_transport_in_the_var_folder(tmp_path: Path) -> None:
    settings = load_settings(var_dir=tmp_path / "var")
    assert broker_url(settings) == f"sqla+sqlite:///{(tmp_path / 'var' / 'broker.sqlite').resolve()}"
    assert celery_config(settings)["broker_transport_options"] == {"connect_args": {"timeout": 30}}


def test_redis_gets_the_visibility_timeout_and_a_key_prefix_per_queue() -> None:
    settings = load_settings(broker={"url": "redis://h:6379/3", "queue": "gh1", "visibility_timeout_seconds": 90,
                                     "transport_options": {"unacked_restore_interval": 1}})
    assert celery_config(settings)["broker_transport_options"] == {
        "visibility_timeout": 90, "global_keyprefix": "gh1:", "unacked_restore_interval": 1}


def test_rabbitmq_url_is_used_as_is() -> None:
    settings = load_settings(broker={"url": "amqp://u:p@h:5672//"})
    config = celery_config(settings)
    assert config["broker_url"] == "amqp://u:p@h:5672//"
    assert config["worker_send_task_events"] is True


def test_an_unknown_broker_scheme_names_the_setting() -> None:
    with pytest.raises(ConfigurationError) as info:
        broker_url(load_settings(broker={"url": "kafka://h:9092"}))
    assert info.value.setting == "GOLDHEAT_BROKER__URL"


def test_tasks_are_acknowledged_late_one_at_a_time_and_requeued_when_their_process_dies() -> None:
    config = celery_config(load_settings())
    assert config["task_acks_late"] is True
    assert config["task_reject_on_worker_lost"] is True
    assert config["worker_prefetch_multiplier"] == 1
    assert (config["task_serializer"], config["result_serializer"], config["accept_content"]) == (
        "json", "json", ["json"])


def test_without_a_result_backend_results_are_ignored() -> None:
    assert celery_config(load_settings())["task_ignore_result"] is True
    config = celery_config(load_settings(broker={"result_backend": "redis://h/1"}))
    assert config["task_ignore_result"] is False


def test_timezone_is_the_sites() -> None:
    assert celery_config(load_settings(site={"timezone": "America/Chicago"}))["timezone"] == "America/Chicago"


def test_tasks_have_explicit_names_and_bounded_retries_for_outages_only(tmp_path: Path) -> None:
    app = create_app(load_settings(var_dir=tmp_path, service={"task_max_retries": 2}))
    for name in ("goldheat.run_job", "goldheat.sync_order", "goldheat.sweep_reminders"):
        task = app.tasks[name]
        assert task.autoretry_for == (RetriableError,)
        assert task.max_retries == 2
        assert task.retry_jitter is True


def test_a_goldheat_error_survives_the_json_result_as_its_class_and_message(tmp_path: Path) -> None:
    """JSON results carry the class and the message; pickle (the prefork pool) keeps every field."""
    app = create_app(load_settings(var_dir=tmp_path, broker={"result_backend": "cache+memory://"}))
    error = FatalError("HEAT refused the ticket", system="heat", status=400, key="O-1")
    stored = app.backend.prepare_exception(error)
    back = app.backend.exception_to_python(stored)
    assert type(back) is FatalError and back.message == "HEAT refused the ticket"
    assert pickle.loads(pickle.dumps(error)).to_dict() == error.to_dict()
