"""The API's own tables keep no personal value in plaintext (docs/privacy.md), on both stores.

A sign-in code to a number not enrolled yet (its code row, its rate-limit counters, its outbox row, sent by
the dispatcher), the unbound session that number gets, the enrolment that binds it, and shop outcomes with and
without a member: every row of the store is scanned as in tests/integration/test_privacy.py, and every flow
still works. Then the transient keys (api/transient_keys.py): what they sealed reads "đã xoá" once their day
is past its retention, and the sweep destroys them; and an earlier release's rows are migrated.
"""

from __future__ import annotations

import re
import time
import warnings
from typing import Any, Iterator

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from adapters.store import IntegrationStore
from api import transient_keys as transient
from api.erasure_purge import personal_values, purge
from api.otp import SCHEMA as CODES_SCHEMA
from api.otp import OneTimeCodes
from api.tables import open_tables
from faces.member.store import SCHEMA as APP_SCHEMA
from faces.member.store import MemberAppTables
from loyalty_core import commands as c
from loyalty_core.privacy import ERASED
from loyalty_core.privacy.erasure import erase_member
from loyalty_core.privacy.vault import current as current_vault
from loyalty_core.runtime import open_runtime
from loyalty_core.settings import Settings
from messaging.dispatcher import Dispatcher
from messaging.runner import open_outbox
from projections.schema import Component
from projections.schema_runner import ensure, migrate, tables_target
from tests.e2e.conftest import _with_demo_program, api_settings
from tests.integration.test_privacy import NAME, PHONE_E164, PHONE_NATIONAL, Capture, scan

from api.main import create_app  # noqa: E402 - after the TestClient import, as in tests/e2e/conftest.py


@pytest.fixture
def app(database_url: str) -> Iterator[Any]:
    made = _with_demo_program(create_app(api_settings(database_url)))
    try:
        yield made
    finally:
        made.state.api.close()


def sign_in(browser: TestClient, api: Any, settings: Settings) -> str:
    """Ask for a code for the number, have the dispatcher send it by SMS; the code the phone got."""
    assert browser.post("/app/sign-in", data={"phone": PHONE_NATIONAL}).status_code == 200
    outbox, sms = open_outbox(settings), Capture()
    try:
        assert Dispatcher(outbox, api.service, {"sms": sms}).step() == 1
    finally:
        outbox.store.close()
    [sent] = sms.sent
    assert sent.recipient == PHONE_E164  # read back from the sealed row
    return re.search(r"\b(\d{6})\b", sent.rendered.text).group(1)  # type: ignore[union-attr]


def test_a_code_a_session_and_an_enrolment_of_a_new_number_write_it_nowhere_in_plaintext(app, database_url):
    api = app.state.api
    with TestClient(app, raise_server_exceptions=False) as browser:
        code = sign_in(browser, api, api.runtime.settings)
        assert scan(database_url) == {}  # the code's row, its counters, its message: no phone
        checked = browser.post("/app/sign-in/code", data={"phone": PHONE_NATIONAL, "code": code},
                               follow_redirects=False)
        assert checked.status_code == 303 and checked.headers["location"] == "/app/enrol"
        form = browser.get("/app/enrol")
        assert form.status_code == 200 and PHONE_E164 in form.text  # the unbound session reads it back
        assert scan(database_url) == {}  # the unbound session keeps it sealed
        joined = browser.post("/app/enrol", data={"name": NAME}, follow_redirects=False)
        assert joined.status_code == 303 and joined.headers["location"] == "/app/"
        home = browser.get("/app/")
        assert home.status_code == 200
    member = api.service.resolve(c.MemberRef(phone=PHONE_NATIONAL))
    assert member.name == NAME
    rows = api.tables._run("SELECT member_id, phone FROM member_app_sessions")
    assert [r["member_id"] for r in rows] == [str(member.id)]  # bound, its phone now under the member's key
    assert scan(database_url) == {}


def test_shop_outcomes_keep_names_and_phones_sealed_and_replay_the_same_answer(database_url):
    runtime = open_runtime(Settings(database_url=database_url))
    tables = open_tables(runtime.settings)
    try:
        member = runtime.service.execute(c.EnrollMember(idempotency_key="enrol-shop", phone=PHONE_NATIONAL))
        shops = IntegrationStore(tables)
        named = {"status": "linked", "member_id": str(member.member_id), "zalo_id": "zalo:777",
                 "member": {"phone": PHONE_E164, "name": NAME}, "points_earned": 25}
        nobody = {"status": "unclaimed", "transaction_ref": "T-9", "buyer": {"phone": PHONE_E164, "name": NAME},
                  "lines": [{"name": NAME, "sku": "CF-1"}]}
        shops.record("zalo", "oa-1", "user_submit_info:777", "777", "linked", 200, named)
        shops.record("shopify", "shop-1", "order:9", "9", "unclaimed", 202, nobody)
        assert scan(database_url) == {}
        assert shops.outcome("zalo", "oa-1", "user_submit_info:777")["body"] == named  # a replay: the same answer
        assert shops.outcome("shopify", "shop-1", "order:9")["body"] == nobody
        values = personal_values(runtime.store, member.member_id)
        erase_member(runtime.service, c.MemberRef(member_id=member.member_id), reason="yêu cầu",
                     idempotency_key="erase-shop")
        purge(tables, member.member_id, values, runtime.store)
        erased = shops.outcome("zalo", "oa-1", "user_submit_info:777")
        assert erased["status"] == "linked" and erased["body"]["points_earned"] == 25
        assert erased["body"]["member"] == {"phone": ERASED, "name": ERASED} and erased["body"]["zalo_id"] == ERASED
    finally:
        tables.close()
        runtime.close()
    assert scan(database_url) == {}


def test_a_transient_value_reads_erased_after_its_retention_and_the_sweep_destroys_its_key(database_url):
    runtime = open_runtime(Settings(database_url=database_url))
    tables = open_tables(runtime.settings)
    try:
        now = [time.time()]
        keys = transient.TransientKeys(tables, clock=lambda: now[0])
        sealed = keys.seal("session.phone", PHONE_E164)
        assert PHONE_E164 not in sealed and keys.unseal("session.phone", sealed) == PHONE_E164
        unnoted = transient.seal("outbox.phone", PHONE_E164, now[0] + transient.PERIOD_SECONDS)  # the next day,
        assert keys.unseal("outbox.phone", unnoted) == PHONE_E164  # sealed by a process without the tables
        day = transient.period_of(now[0])
        now[0] = (day + 1) * transient.PERIOD_SECONDS + transient.RETENTION_SECONDS - 1  # its last readable second
        assert keys.unseal("session.phone", sealed) == PHONE_E164 and keys.sweep() == []
        now[0] += 1
        assert keys.unseal("session.phone", sealed) == ERASED  # past its retention, key or no key
        assert keys.sweep() == [day]
        vault = current_vault()
        assert vault.is_erased(transient.key_id(day)) and not vault.is_erased(transient.key_id(day + 1))
        now[0] += transient.PERIOD_SECONDS * 3
        assert keys.sweep() == [day + 1, day + 2, day + 3]  # the day nobody noted is destroyed too
        assert vault.is_erased(transient.key_id(day + 1))
        assert keys.sweep() == []
    finally:
        tables.close()
        runtime.close()


def _previous_release(component: Component) -> Component:
    return Component(component.name, component.database, component.steps[:1])


def test_an_earlier_release_s_codes_and_unbound_sessions_are_dropped_and_bound_sessions_still_read(database_url):
    runtime = open_runtime(Settings(database_url=database_url))
    tables = open_tables(runtime.settings)
    try:
        target = tables_target(tables)
        migrate(target, [_previous_release(CODES_SCHEMA), _previous_release(APP_SCHEMA)])
        member = runtime.service.execute(c.EnrollMember(idempotency_key="enrol-old", phone=PHONE_NATIONAL))
        now = time.time()
        sealed = current_vault().seal(member.member_id, "session.phone", PHONE_E164)  # how the last release kept it
        old_rows = (("old-bound", str(member.member_id), sealed), ("old-unbound", None, PHONE_E164),
                    ("older-bound", str(member.member_id), PHONE_E164))  # bound before sessions were sealed
        for token, member_id, phone in old_rows:
            tables._run("INSERT INTO member_app_sessions (token_hash, member_id, phone, created_at, expires_at) "
                        "VALUES (?, ?, ?, ?, ?)", [_token_hash(token), member_id, phone, now, now + 3600])
        tables._run("INSERT INTO api_one_time_codes (subject, code_hash, expires_at, attempts) VALUES (?, ?, ?, 0)",
                    [PHONE_E164, "x", now + 300])
        target.ready.clear()
        ensure(target, CODES_SCHEMA)
        app = MemberAppTables(tables)
        assert tables._run("SELECT subject FROM api_one_time_codes") == []
        assert app.get_session("old-unbound", now) is None and app.get_session("older-bound", now) is None
        assert app.get_session("old-bound", now) == {"member_id": str(member.member_id), "phone": PHONE_E164}
        codes = OneTimeCodes(tables, send=lambda phone, text: None)
        codes.issue(PHONE_E164, PHONE_E164, "10.0.0.2")  # the table works as before
    finally:
        tables.close()
        runtime.close()
    assert scan(database_url, read_side=False) == {}


def _token_hash(token: str) -> str:
    from faces.member.store import digest

    return digest(token)
