"""Where a one-time code goes: the messages outbox outside development (the dispatcher sends it by ZNS or
SMS), the log in development (`make run`); both stores."""

from __future__ import annotations

import logging
import warnings
from datetime import datetime, timedelta, timezone
from typing import Iterator

import pytest

from api.main import create_app
from api.otp import OutboxSender, log_sender, one_time_codes
from tests.e2e.conftest import ApiHarness, api_settings, new_phone

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


def test_outside_development_a_code_is_queued_in_the_messages_outbox(fresh_api: ApiHarness) -> None:
    api = fresh_api.ctx
    codes = one_time_codes(api)
    assert isinstance(codes.send, OutboxSender)
    phone = new_phone()
    codes.issue(phone, phone, "198.51.100.1")
    box = api.messages_outbox
    due = box.claim(datetime.now(timezone.utc) + timedelta(seconds=1), timedelta(minutes=1))
    assert [m.kind for m in due] == ["otp"], due
    assert codes.check(phone, due[0].data["code"]) is True  # the queued code is the one issued


@pytest.fixture
def development_api(database_url: str) -> Iterator[ApiHarness]:
    app = create_app(api_settings(database_url, environment="development"))
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            yield ApiHarness(app, client)
    finally:
        app.state.api.close()


def test_in_development_a_code_is_written_to_the_log(development_api: ApiHarness,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    codes = one_time_codes(development_api.ctx)
    assert codes.send is log_sender
    phone = new_phone()
    with caplog.at_level(logging.INFO):
        codes.issue(phone, phone, "198.51.100.2")
    assert getattr(development_api.ctx, "messages_outbox", None) is None
