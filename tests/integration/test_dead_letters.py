"""A projection survives an event it cannot apply: the event becomes a dead letter, the rest is projected.

The poison is written the way old data would hold it: an enrolment whose name has a NUL byte, recorded
with today's text check switched off (an older release had none). PostgreSQL's `text` refuses NUL, so the
member search projection used to stop at that event for good; SQLite stores it. The mechanism itself is
also driven on both stores with a projection made to fail on one member's events (a bug in a release),
then fixed, then retried. A failure of the database is never dead-lettered.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import pytest
from eventsourcing import persistence

from loyalty_core import commands as cmd
from loyalty_core import service as service_module
from loyalty_core.runtime import Runtime
from loyalty_core.settings import Settings
from projections import balances, search
from projections.catalog import ReadSide
from projections.deadletter import DEAD_LETTERED, DeadLetters
from projections.queries import ReadModels
from projections.rebuild import rebuild
from projections.redrive import retry
from projections.worker import Worker
from tests.integration.test_projections_support import catch_up

POISON_NAME = "Poison\x00Name"


def enrol(rt: Runtime, phone: str, name: str) -> uuid.UUID:
    result = rt.service.execute(cmd.EnrollMember(idempotency_key=uuid.uuid4().hex, phone=phone, name=name))
    return result.member_id  # type: ignore[attr-defined,no-any-return]


def enrol_unchecked(rt: Runtime, monkeypatch: pytest.MonkeyPatch, phone: str, name: str) -> uuid.UUID:
    """As an older release without the text check would have written it."""
    with monkeypatch.context() as patch:
        patch.setattr(service_module, "check_all_text", lambda command: None)
        return enrol(rt, phone, name)


def credit(rt: Runtime, member_id: uuid.UUID, points: int) -> None:
    rt.service.execute(cmd.EarnPoints(idempotency_key=uuid.uuid4().hex, member=cmd.MemberRef(member_id=member_id),
                                      points=points, reference=uuid.uuid4().hex))


def found(database_url: str, text: str) -> list[Any]:
    models = ReadModels.open(Settings(database_url=database_url))
    try:
        return [hit.member_id for hit in models.search_members(text)]
    finally:
        models.close()


def letters(database_url: str) -> list[Any]:
    side = ReadSide.open(Settings(database_url=database_url))
    try:
        return DeadLetters(side.store).list(live=side.generations())
    finally:
        side.close()


def run_retry(database_url: str, ids: list[str] | None = None) -> Any:
    settings = Settings(database_url=database_url)
    side = ReadSide.open(settings)
    store = side.open_ledger(settings)
    try:
        return retry(side, store, ids)
    finally:
        store.close()
        side.close()


def keep_names_in_plaintext(monkeypatch: pytest.MonkeyPatch) -> None:
    """Member search now keeps names sealed (docs/privacy.md), so a NUL never reaches PostgreSQL through it;
    these tests stand for a projection that still stores a value as it came (as search did), to prove that
    a value the database refuses is set aside as a dead letter instead of stopping the projection."""
    monkeypatch.setattr(search, "_sealed", lambda member_id, field, value: value)



def test_a_nul_in_a_name_no_longer_stops_member_search(database_url: str, runtime: Runtime,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    keep_names_in_plaintext(monkeypatch)
    an = enrol(runtime, "0901110001", "Nguyễn Văn An")
    poison = enrol_unchecked(runtime, monkeypatch, "0901110002", POISON_NAME)
    binh = enrol(runtime, "0901110003", "Trần Thị Bình")  # after the poison: must still be found
    credit(runtime, poison, 70)

    with caplog.at_level(logging.ERROR, logger="loyalty.projections.dead_letters"):
        catch_up(database_url, batch_size=1000)  # used to raise (and the worker to retry for ever)

    assert found(database_url, "nguyen van an") == [an]
    assert found(database_url, "tran thi binh") == [binh]
    assert found(database_url, "0901110002") in ([poison], [])
    postgres = database_url.startswith("postgres")
    dead = letters(database_url)
    if not postgres:  # SQLite stores a NUL in TEXT: nothing to set aside
        assert dead == []
        return
    assert [(d.projection, d.originator_id, d.topic.rsplit(":", 1)[-1], d.attempts) for d in dead] == \
        [("member_search", str(poison), "MemberEnrolled", 1)]
    assert "NUL" in dead[0].error
    assert any(getattr(r, "event", None) == "projection_dead_letter" for r in caplog.records)
    # The other projections took the poison member's events: its balance is there.
    worker = Worker(Settings(database_url=database_url))
    try:
        assert all(s.lag == 0 for s in worker.cycle()[1])
    finally:
        worker.close()

    # A retry before the fix fails again and keeps the letter, counting the attempt.
    report = run_retry(database_url)
    assert report.cleared == [] and list(report.failed) == [dead[0].id]
    assert letters(database_url)[0].attempts == 2

    # The fix (a release whose search view tolerates NUL), then the retry clears it.
    original = search.SearchView.write

    def tolerant(self: Any, tx: Any, enrolled: list, names: dict, tiers: dict, links: dict, *rest: Any) -> None:
        enrolled = [(m, n.replace("\x00", " ") if n else n, *more) for m, n, *more in enrolled]
        original(self, tx, enrolled, names, tiers, links, *rest)

    monkeypatch.setattr(search.SearchView, "write", tolerant)
    assert run_retry(database_url, [dead[0].id]).cleared == [dead[0].id]
    assert letters(database_url) == []
    assert found(database_url, "poison name") == [poison]


def test_a_failing_event_is_set_aside_on_both_stores_then_retried_after_the_fix(
        database_url: str, runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    good, bad = enrol(runtime, "0901220001", "Lê Văn Cường"), enrol(runtime, "0901220002", "Phạm Thị Dung")
    credit(runtime, good, 10)
    credit(runtime, bad, 25)
    credit(runtime, good, 5)
    before = DEAD_LETTERED.labels("balances")._value.get()
    original = balances.BalanceProjection.apply

    def buggy(self: Any, tx: Any, events: list) -> None:
        if any(e.originator_id == bad and type(e).__name__ == "PointsEarned" for _, e in events):
            raise ValueError("a bug in this release")
        original(self, tx, events)

    monkeypatch.setattr(balances.BalanceProjection, "apply", buggy)
    catch_up(database_url, batch_size=1000)
    dead = letters(database_url)
    assert [(d.projection, d.originator_id, d.error) for d in dead] == \
        [("balances", str(bad), "ValueError: a bug in this release")]
    assert DEAD_LETTERED.labels("balances")._value.get() == before + 1
    models = ReadModels.open(Settings(database_url=database_url))
    try:
        assert models.get_balance(good).available == 15  # both credits, around the bad one
        assert models.get_balance(bad).available == 0  # enrolled, its credit set aside
    finally:
        models.close()

    assert list(run_retry(database_url).failed) == [dead[0].id]  # not fixed yet
    monkeypatch.setattr(balances.BalanceProjection, "apply", original)
    report = run_retry(database_url, [dead[0].id, "balances:999999"])
    assert report.cleared == [dead[0].id] and report.unknown == ["balances:999999"]
    assert letters(database_url) == []
    models = ReadModels.open(Settings(database_url=database_url))
    try:
        assert models.get_balance(bad).available == 25
    finally:
        models.close()


def test_rebuild_finishes_with_a_poison_event_and_keeps_only_the_new_generations_letters(
        database_url: str, runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    enrol(runtime, "0901330001", "Vũ Văn Em")
    bad = enrol(runtime, "0901330002", "Đỗ Thị Phương")
    original = search.SearchProjection.apply

    def buggy(self: Any, tx: Any, events: list) -> None:
        if any(e.originator_id == bad for _, e in events):
            raise KeyError("bad")
        original(self, tx, events)

    monkeypatch.setattr(search.SearchProjection, "apply", buggy)
    catch_up(database_url)
    first = letters(database_url)
    assert {d.projection for d in first} == {"member_search"} and len(first) >= 1
    report = rebuild(Settings(database_url=database_url), ["member_search"])  # used to exit 1
    assert report.dead_letters == len(first)
    after = letters(database_url)
    assert {d.generation for d in after} == {report.generations["member_search"]}
    assert found(database_url, "vu van em") and not found(database_url, "do thi phuong")


def test_a_database_failure_is_not_a_dead_letter(database_url: str, runtime: Runtime,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    enrol(runtime, "0901440001", "Hoàng Văn Giang")

    def down(self: Any, tx: Any, events: list) -> None:
        raise persistence.OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(search.SearchProjection, "apply", down)
    worker = Worker(Settings(database_url=database_url))
    try:
        with pytest.raises(persistence.OperationalError):
            worker.cycle()
        statuses = {s.name: s for s in worker.side.status(worker.store.max_notification_id())}
        assert statuses["member_search"].position == 0  # the page is tried again later, nothing skipped
    finally:
        worker.close()
    assert letters(database_url) == []


def test_an_admin_lists_and_retries_dead_letters_over_http(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import warnings

    from api.main import create_app
    from tests.e2e.conftest import ApiHarness, api_settings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    app = create_app(api_settings(database_url))
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            harness = ApiHarness(app, client)
            rt = app.state.api.runtime
            bad = enrol(rt, "0901550001", "Bùi Thị Hoa")
            original = search.SearchProjection.apply

            def buggy(self: Any, tx: Any, events: list) -> None:
                if any(e.originator_id == bad for _, e in events):
                    raise RuntimeError("cannot index this one")
                original(self, tx, events)

            monkeypatch.setattr(search.SearchProjection, "apply", buggy)
            catch_up(database_url)
            assert harness.get("/v1/projections/dead-letters", key="staff").status_code == 403
            listed = harness.get("/v1/projections/dead-letters").json()
            assert listed["count"] >= 1 and {d["projection"] for d in listed["dead_letters"]} == {"member_search"}
            metrics = harness.get("/metrics", key="auditor").text
            assert f'loyalty_projection_dead_letters_pending{{projection="member_search"}} {listed["count"]}.0' \
                in metrics
            assert harness.post("/v1/projections/dead-letters/retry", {"all": True, "ids": ["x"]}).status_code == 422
            monkeypatch.setattr(search.SearchProjection, "apply", original)
            answer = harness.post("/v1/projections/dead-letters/retry", {"all": True})
            assert answer.status_code == 200, answer.text
            assert sorted(answer.json()["cleared"]) == sorted(d["id"] for d in listed["dead_letters"])
            assert harness.get("/v1/projections/dead-letters").json()["count"] == 0
            assert found(database_url, "bui thi hoa") == [bad]
    finally:
        app.state.api.close()


def test_rebuild_of_every_projection_finishes_over_a_nul_in_a_name(database_url: str, runtime: Runtime,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from projections.catalog import PROJECTIONS

    keep_names_in_plaintext(monkeypatch)
    enrol_unchecked(runtime, monkeypatch, "0901660001", POISON_NAME)
    later = enrol(runtime, "0901660002", "Ngô Văn Khánh")
    report = rebuild(Settings(database_url=database_url), list(PROJECTIONS))
    postgres = database_url.startswith("postgres")
    assert report.dead_letters == (1 if postgres else 0)
    assert [d.projection for d in letters(database_url)] == (["member_search"] if postgres else [])
    assert found(database_url, "ngo van khanh") == [later]
