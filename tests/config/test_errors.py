"""The error tree: structured fields, pickling (Celery pickles exceptions), one-line messages."""

import pickle

import pytest

from config.errors import (
    AuthenticationError,
    ConfigurationError,
    FatalError,
    GoldheatError,
    RecordError,
    RetriableError,
)


@pytest.mark.parametrize("cls", [GoldheatError, RetriableError, FatalError, AuthenticationError, RecordError])
def test_every_error_survives_pickling_with_its_fields(cls: type[GoldheatError]) -> None:
    error = cls("too long", system="goldmine", operation="write_history", key="OP123",
                field="REF", status=400, code="ISM_4000", retry_after=2.5)
    clone = pickle.loads(pickle.dumps(error))
    assert type(clone) is cls
    assert clone.to_dict() == error.to_dict()
    assert str(clone) == str(error)


def test_configuration_error_keeps_the_setting_through_pickling() -> None:
    clone = pickle.loads(pickle.dumps(ConfigurationError("bad", setting="GOLDHEAT_HEAT__BACKEND")))
    assert clone.setting == "GOLDHEAT_HEAT__BACKEND"
    assert clone.to_dict()["setting"] == "GOLDHEAT_HEAT__BACKEND"


def test_message_names_record_and_field() -> None:
    error = RecordError("no e-mail address", key="order OP1", field="E-mail Address")
    assert "order OP1" in str(error) and "E-mail Address" in str(error)


def test_authentication_errors_are_fatal_not_retriable() -> None:
    assert issubclass(AuthenticationError, FatalError)
    assert not issubclass(AuthenticationError, RetriableError)
