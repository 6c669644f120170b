"""Personal data is sealed per member, and erasure destroys the key (docs/privacy.md), on both stores.

The scan reads the database's own bytes: on SQLite the events file and the read side's file with their
`-wal` and `-shm`; on PostgreSQL every row of every table of the test's schema as text (the data-directory scan,
WAL included, is tests/faults/test_erasure_scan.py on a private cluster); and any extra file given (the log the
service wrote).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

import pytest

from adapters.store import IntegrationStore
from api.erasure_purge import personal_values, purge
from api.eventdata import event_json, opened_text
from api.otp import OneTimeCodes
from api.tables import open_tables
from api.webhooks import _delivery as webhook_delivery
from faces.member.store import MemberAppTables
from loyalty_core import commands as c
from loyalty_core import errors
from loyalty_core import events as ev
from loyalty_core.logs import JsonFormatter
from loyalty_core.privacy import ERASED, masterkeys
from loyalty_core.privacy.erasure import erase_member
from loyalty_core.runtime import open_runtime
from loyalty_core.settings import Settings
from messaging.dispatcher import Dispatcher
from messaging.runner import open_outbox
from messaging.senders import SENT, Outgoing, SendResult
from projections.audit_run import replay_store, verify_store
from projections.queries import ReadModels
from tests.builders import key
from tests.integration.test_projections_support import catch_up

PHONE_TYPED, PHONE_E164, PHONE_NATIONAL = "0386 123 457", "+84386123457", "0386123457"
NAME = "Trịnh Thị Bích Ngọc Riêng"
EMAIL = "bichngoc.rieng@example.vn"
OTHER_PHONE = "0386 765 432"  # a sale held for a phone nobody owns yet


def needles() -> dict[str, bytes]:
    found = {"phone e164": PHONE_E164.encode(), "phone national": PHONE_NATIONAL.encode(),
             "phone digits": b"84386123457", "name utf-8": NAME.encode(), "name part": "Bích Ngọc".encode(),
             "name unaccented": b"trinh thi bich ngoc", "email": EMAIL.encode(), "held phone": b"386765432"}
    found["name utf-16"] = NAME.encode("utf-16-le")
    return found


def sqlite_files(database_url: str, read_side: bool) -> list[Path]:
    path = Path(urlparse(database_url).path[1:])
    read = path.with_name(f"{path.stem}.read{path.suffix}")
    bases = (path, read) if read_side else (path,)
    return [p for base in bases for p in (base, Path(f"{base}-wal"), Path(f"{base}-shm")) if p.exists()]


def pg_rows(database_url: str, read_side: bool) -> bytes:
    import psycopg

    schema = database_url.split("schema=")[1]
    out = []
    with psycopg.connect(database_url.split("?")[0]) as conn:
        tables = [r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables "
                                             "WHERE table_schema = %s", (schema,))]
        if not read_side:
            tables = [t for t in tables if t.startswith(("loyalty_", "member_keys", "privacy_state"))]
        for table in tables:
            for row in conn.execute(f'SELECT t::text FROM "{schema}"."{table}" t'):
                out.append(row[0].encode())
            # bytea columns as raw bytes too (the events' state is JSON in bytea)
            for (column,) in conn.execute("SELECT column_name FROM information_schema.columns WHERE table_schema"
                                          " = %s AND table_name = %s AND data_type = 'bytea'", (schema, table)):
                out += [bytes(r[0]) for r in conn.execute(f'SELECT "{column}" FROM "{schema}"."{table}"')
                        if r[0] is not None]
    return b"\n".join(out)


def scan(database_url: str, read_side: bool = True, extra: tuple[Path, ...] = ()) -> dict[str, list[str]]:
    """Which needle occurs where."""
    blobs = ({str(p.name): p.read_bytes() for p in sqlite_files(database_url, read_side)}
             if database_url.startswith("sqlite") else {"rows": pg_rows(database_url, read_side)})
    blobs.update({p.name: p.read_bytes() for p in extra})
    return {what: [where for where, blob in blobs.items() if needle in blob]
            for what, needle in needles().items() if any(needle in blob for blob in blobs.values())}


def populate(runtime) -> c.MemberRef:
    service = runtime.service
    enrolled = service.execute(c.EnrollMember(idempotency_key="enrol-1", phone=PHONE_TYPED, name=NAME, email=EMAIL,
                                              birthday="1990-05-17", consent={"sms": True}))
    ref = c.MemberRef(phone=PHONE_TYPED)
    for i in range(3):
        service.execute(c.RecordPurchase(idempotency_key=f"sale-{i}", member=ref, transaction_ref=f"T-{i}",
                                         total=Decimal(250_000), channel="pos"))
    service.execute(c.UpdateProfile(idempotency_key="profile-1", member=ref, name=NAME + " Mới"))
    service.execute(c.RecordPurchase(idempotency_key="held-1", member=c.MemberRef(phone=OTHER_PHONE),
                                     transaction_ref="H-1", total=Decimal(100_000), channel="pos"))
    runtime.store.snapshot(runtime.store.load_member(enrolled.member_id))
    return c.MemberRef(member_id=enrolled.member_id)


def test_the_ledger_stores_no_plaintext_and_reads_it_back(runtime, database_url):
    member = populate(runtime)
    loaded = runtime.store.load_member(member.member_id)
    assert (loaded.name, loaded.birthday) == (NAME + " Mới", "1990-05-17")
    assert ("phone", PHONE_E164) in loaded.identifiers and ("email", EMAIL) in loaded.identifiers
    runtime.store.members.clear()
    assert runtime.service.resolve(c.MemberRef(phone=PHONE_NATIONAL)) == loaded  # keyed claim, sealed snapshot
    assert scan(database_url) == {}
    # a retry replays the answer; the same key with another body is still refused
    again = runtime.service.execute(c.EnrollMember(idempotency_key="enrol-1", phone=PHONE_TYPED, name=NAME,
                                                   email=EMAIL, birthday="1990-05-17", consent={"sms": True}))
    assert again.replayed and again.member_id == member.member_id and again.name == NAME
    with pytest.raises(errors.IdempotencyKeyReused) as refused:
        runtime.service.execute(c.EnrollMember(idempotency_key="enrol-1", phone=PHONE_TYPED, name="Someone Else",
                                               email=EMAIL, birthday="1990-05-17", consent={"sms": True}))
    assert refused.value.details["field"] == "name"


def test_erasure_shreds_the_key_frees_the_phone_and_keeps_the_figures(runtime, database_url):
    member = populate(runtime)
    before = runtime.service.balance(member)
    catch_up(database_url)
    result = erase_member(runtime.service, member, reason="yêu cầu của khách", idempotency_key="erase-1",
                          actor="admin-1")
    assert result.member_id == member.member_id
    assert runtime.store.vault.is_erased(member.member_id)
    runtime.store.members.clear()
    erased = runtime.store.load_member(member.member_id)
    assert erased.erased and erased.name is None and erased.identifiers == ()
    assert runtime.service.balance(member) == before
    events = runtime.store.member_events(member.member_id)
    enrolled = next(e for e in events if isinstance(e, ev.MemberEnrolled))
    assert enrolled.name == ERASED and enrolled.birthday == ERASED  # reads as "đã xoá", never an exception
    assert isinstance(events[-1], ev.PersonalDataErased) and events[-1].actor == "admin-1"
    # the phone is free: it can join again, as someone new
    with pytest.raises(errors.MemberNotFound):
        runtime.service.resolve(c.MemberRef(phone=PHONE_TYPED))
    again = runtime.service.execute(c.EnrollMember(idempotency_key="enrol-2", phone=PHONE_TYPED))
    assert again.member_id != member.member_id
    # a retry of the erasure replays; the old enrolment's retry answers without a 500 (its fields erased)
    assert erase_member(runtime.service, member, reason="yêu cầu của khách", idempotency_key="erase-1",
                        actor="admin-1").replayed
    old = runtime.service.execute(c.EnrollMember(idempotency_key="enrol-1", phone=PHONE_TYPED, name=NAME,
                                                 email=EMAIL, birthday="1990-05-17", consent={"sms": True}))
    assert old.replayed and old.member_id == member.member_id and old.name == ERASED
    with pytest.raises(errors.MemberErased):
        runtime.service.execute(c.UpdateProfile(idempotency_key="profile-2", member=member, name="X"))
    catch_up(database_url)
    settings = Settings(database_url=database_url)
    assert verify_store(settings).ok
    report = replay_store(settings)
    assert report.ok, report.differences
    assert scan(database_url, read_side=False) == {}


def test_an_erasure_refuses_an_empty_reason_and_writes_nothing(runtime):
    member = populate(runtime)
    version = runtime.store.load_member(member.member_id).version
    with pytest.raises(errors.InvalidInput):
        erase_member(runtime.service, member, reason="  ", idempotency_key=key("erase"))
    assert runtime.store.load_member(member.member_id).version == version
    assert not runtime.store.vault.is_erased(member.member_id)


def test_a_purchase_racing_the_erasure_lands_before_or_after_it(runtime):
    member = populate(runtime)
    assert runtime.store.load_member(member.member_id).purchase_count == 3
    outcomes: list[object] = []

    def buy(i: int) -> None:
        try:
            outcomes.append(runtime.service.execute(c.RecordPurchase(
                idempotency_key=f"race-{i}", member=member, transaction_ref=f"R-{i}", total=Decimal(50_000),
                channel="pos")))
        except Exception as exc:  # noqa: BLE001 - collected and checked below
            outcomes.append(exc)

    threads = [threading.Thread(target=buy, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    erase_member(runtime.service, member, reason="race", idempotency_key="erase-race")
    for t in threads:
        t.join()
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    events = runtime.store.member_events(member.member_id)
    assert sum(isinstance(e, ev.PersonalDataErased) for e in events) == 1
    assert len(outcomes) == 6 and runtime.store.load_member(member.member_id).purchase_count == 3 + 6


def test_a_postgres_store_without_a_key_refuses_to_start_outside_development(tmp_path):
    with pytest.raises(masterkeys.KeyConfigurationError, match="LOYALTY_KEK_FILE"):
        masterkeys.load(kek_file="", kek="", sqlite_path=None, database_url="postgresql://x/y", environ={})
    made = masterkeys.load(kek_file="", kek="", sqlite_path=str(tmp_path / "l.db"), database_url="", environ={})
    assert (tmp_path / "l.db.kek").stat().st_mode & 0o777 == 0o600
    again = masterkeys.load(kek_file="", kek="", sqlite_path=str(tmp_path / "l.db"), database_url="", environ={})
    assert made.kek == again.kek and made.lookup != made.kek
    with pytest.raises(masterkeys.KeyConfigurationError, match="at least 32"):
        masterkeys.load(kek_file="", kek="short", sqlite_path=None, database_url="", environ={})


class Capture:
    """An SMS gateway that takes every message (the dispatcher's path to a member's phone, no network)."""

    channel, needs = "sms", "phone"

    def __init__(self) -> None:
        self.sent: list[Outgoing] = []

    def send(self, outgoing: Outgoing) -> SendResult:
        self.sent.append(outgoing)
        return SendResult(SENT, provider_id=f"p-{len(self.sent)}", cost_vnd=Decimal(300))

    def close(self) -> None:
        pass


@pytest.fixture
def service_log(tmp_path):
    """Every log line the service writes during the test, at DEBUG, in the JSON shape `loyalty` writes."""
    path = tmp_path / "service.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield path
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        handler.close()


def found(models: ReadModels, typed: str) -> list:
    return [h.member_id for h in models.search_members(typed)]


def test_the_read_side_keeps_nothing_readable_and_an_erasure_clears_it(runtime, database_url, service_log):
    member = populate(runtime)
    catch_up(database_url)
    outbox = open_outbox(runtime.settings)
    models = ReadModels.open(runtime.settings)
    try:
        sms = Capture()
        assert Dispatcher(outbox, runtime.service, {"sms": sms}).step() >= 1
        assert PHONE_E164 in [o.recipient for o in sms.sent]
        sent = [m for m in outbox.for_member(member.member_id) if m.status == "sent"]
        assert sent and {m.recipient for m in sent} == {PHONE_E164}  # sealed at rest, shown as it is
        # search: by the beginnings of the name's words, the phone's start or end, the whole email
        for typed in ("Bích Ngọc", "trinh bich", "NGO", "0386 123", "3457", "+84 386 123 457", EMAIL, "bichngoc.rieng"):
            assert member.member_id in found(models, typed), typed
        for typed in ("ich ngoc", "8612", "example.vn"):  # an inner piece is not searchable any more
            assert member.member_id not in found(models, typed), typed
        hit = next(h for h in models.search_members("bich ngoc") if h.member_id == member.member_id)
        assert (hit.name, hit.phone, hit.email) == (NAME + " Mới", PHONE_E164, EMAIL)
        lines = [line.text for line in models.list_timeline(member.member_id, limit=100).lines]
        assert any(PHONE_E164 in text for text in lines)
        assert scan(database_url, extra=(service_log,)) == {}  # before the erasure too: nothing in plaintext

        erase_member(runtime.service, member, reason="yêu cầu của khách", idempotency_key="erase-1")
        catch_up(database_url)
        for typed in ("Bích Ngọc", "0386 123", "3457", EMAIL):
            assert member.member_id not in found(models, typed), typed
        assert all(m.recipient is None and m.last_error is None for m in outbox.for_member(member.member_id))
        lines = [line.text for line in models.list_timeline(member.member_id, limit=100).lines]
        assert lines and not any(PHONE_E164 in text for text in lines)  # still readable, "đã xoá"
    finally:
        models.close()
        outbox.store.close()
    assert scan(database_url, extra=(service_log,)) == {}


def test_an_erasure_clears_the_member_app_sessions_the_shop_outcomes_and_the_codes(runtime, database_url):
    member = populate(runtime)
    tables = open_tables(runtime.settings)
    try:
        app, shops, now = MemberAppTables(tables), IntegrationStore(tables), time.time()
        app.put_session("before-enrolling", None, PHONE_E164, now, now + 3600)  # signed in, not yet bound
        app.bind_session("before-enrolling", str(member.member_id), now + 3600)
        app.put_session("member", str(member.member_id), PHONE_E164, now, now + 3600)
        app.put_session("stranger", None, "+84912000111", now, now + 3600)
        assert app.get_session("member", now)["phone"] == PHONE_E164  # sealed at rest, read back as it is
        shops.record("shopify", "shop-1", "order:77", "77", "done", 200,
                     {"member_id": str(member.member_id), "phone": PHONE_E164, "name": NAME, "points_earned": 25})
        codes = OneTimeCodes(tables, send=lambda phone, text: None)
        codes.issue(PHONE_E164, PHONE_E164, "10.0.0.1")  # a sign-in code to the number
        codes.issue(f"presence/{member.member_id}", PHONE_E164, "10.0.0.1")  # a till's presence code
        codes.issue("+84912000111", "+84912000111", "10.0.0.1")  # someone else's
        values = personal_values(runtime.store, member.member_id)
        assert PHONE_E164 in values and EMAIL in values
        erase_member(runtime.service, member, reason="yêu cầu", idempotency_key="erase-tables")
        purge(tables, member.member_id, values, runtime.store)
        assert app.get_session("member", now) is None and app.get_session("before-enrolling", now) is None
        assert app.get_session("stranger", now)["phone"] == "+84912000111"
        outcome = shops.outcome("shopify", "shop-1", "order:77")
        assert outcome["status"] == "done" and outcome["body"]["points_earned"] == 25
        assert outcome["body"]["phone"] == ERASED and outcome["body"]["name"] == ERASED
        assert len(tables._run("SELECT subject FROM api_one_time_codes")) == 1  # only the stranger's is left
    finally:
        tables.close()
    assert scan(database_url) == {}


def test_a_webhook_delivery_waits_sealed_and_is_sent_as_it_was(runtime):
    member = populate(runtime)
    endpoint = {"webhook_id": "wh-1", "start_after": 0, "event_types": [], "store_ids": []}
    events = [e for e in runtime.store.member_events(member.member_id)
              if isinstance(e, (ev.MemberEnrolled, ev.ProfileUpdated, ev.IdentifierLinked))]
    assert len(events) >= 4
    stored = [webhook_delivery(endpoint, i + 1, e, time.time())["payload"] for i, e in enumerate(events)]
    for event, text in zip(events, stored):
        assert not any(needle in text.encode() for needle in needles().values()), text
        plain = json.dumps({**event_json(event), "position": events.index(event) + 1}, ensure_ascii=False,
                           separators=(",", ":"))
        assert opened_text(text) == plain  # the receiver gets the same bytes, so the same signature
    erase_member(runtime.service, member, reason="yêu cầu", idempotency_key="erase-hooks")
    opened = [json.loads(opened_text(text)) for text in stored]
    enrolled = next(p for p in opened if p["type"] == "MemberEnrolled")
    assert enrolled["data"]["name"] == ERASED and enrolled["data"]["tier"]
    assert not any(needle in opened_text(t).encode() for t in stored for needle in needles().values())


def test_the_read_side_opens_names_with_its_own_stores_keys_when_another_store_is_open(database_url, tmp_path):
    """A process holding another store (a tool, a test run) must not seal or open this store's members with
    the other store's keys: search shows the name, not "đã xoá"."""
    from projections.queries import ReadModels

    other = open_runtime(Settings(database_url=f"sqlite:///{tmp_path}/other.db"))
    try:
        mine = open_runtime(Settings(database_url=database_url))
        try:
            enrolled = mine.service.execute(c.EnrollMember(idempotency_key="enrol-x", phone=PHONE_TYPED, name=NAME))
        finally:
            mine.close()
        catch_up(database_url)
        reads = ReadModels.open(Settings(database_url=database_url))
        try:
            hits = reads.search_members(PHONE_NATIONAL)
        finally:
            reads.close()
        assert [(h.member_id, h.name) for h in hits] == [(enrolled.member_id, NAME)]
    finally:
        other.close()


def test_the_read_sides_fast_decoder_forgets_an_erased_members_key_as_the_mapper_does(runtime, database_url):
    """Another process (the worker) that cached the member's key drops it on reading the erasure, so it
    never opens or seals that member's data with it again."""
    from loyalty_core.ledger import open_store
    from projections.codec import Decoder

    member = populate(runtime)
    other = open_store(Settings(database_url=database_url))
    try:
        decoder = Decoder(other.mapper)
        assert decoder.fast
        for notification in other.notifications(1, 10_000):
            decoder.decode(notification)  # opens the enrolment: the key is cached in this process
        assert other.vault._cached(member.member_id) is not None
        seen = other.max_notification_id()
        erase_member(runtime.service, member, reason="yêu cầu của khách", idempotency_key=key("erase"),
                     actor="admin-1")
        erased = [decoder.decode(n) for n in other.notifications(seen + 1, 10_000)]
        assert any(isinstance(e, ev.PersonalDataErased) for e in erased)
        assert other.vault.is_erased(member.member_id)
    finally:
        other.close()
