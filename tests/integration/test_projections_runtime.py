"""The read side's machinery on both stores: rebuild and swap, the worker, two workers, the decoder."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest

from loyalty_core import commands as c
from loyalty_core.results import Balance
from loyalty_core.settings import Settings
from projections.catalog import PROJECTIONS, ReadSide
from projections.codec import Decoder
from projections.queries import ReadModels
from projections.rebuild import rebuild
from projections.worker import run_worker
from tests.builders import key, ledger
from tests.integration.test_projections_support import catch_up, members, with_purchases


def _history(service, n_members: int = 6, rounds: int = 3) -> list:
    refs = []
    for i in range(n_members):
        channel, store = ("pos", "S1") if i % 2 else ("app", None)
        result = service.execute(c.EnrollMember(idempotency_key=key(), phone=f"09123400{i:02d}",
                                                name=f"Khách {i}", channel=channel, store_id=store))
        refs.append(c.MemberRef(member_id=result.member_id))
    for r in range(rounds):
        for i, ref in enumerate(refs):
            channel, store = ("pos", "S1") if i % 2 else ("app", None)
            service.execute(c.RecordPurchase(idempotency_key=key(), member=ref, transaction_ref=f"T{r}-{i}",
                                             total=Decimal(100_000 + 10_000 * i), channel=channel,
                                             store_id=store))
            service.execute(c.RedeemPoints(idempotency_key=key(), member=ref, points=3,
                                           order_ref=f"O{r}-{i}"))
    return refs


def _answers(models: ReadModels, member_ids) -> tuple:
    """Everything the query functions say about these members, for comparing two read sides."""
    return tuple((models.get_balance(m),
                  [(x.version, x.text) for x in models.list_timeline(m, limit=500).lines],
                  models.segments_of(m))
                 for m in sorted(member_ids))


def _tables(url: str) -> set[str]:
    side = ReadSide.open(Settings(database_url=url))
    try:
        with side.store.transaction(write=False) as tx:
            if side.store.dialect == "postgres":
                rows = tx.run("SELECT table_name FROM information_schema.tables WHERE table_schema = ?",
                              [side.store.schema])
            else:
                rows = tx.run("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {r[0] for r in rows}
    finally:
        side.close()


def test_a_rebuild_fills_a_new_generation_swaps_it_in_and_drops_the_old(database_url, clock):
    with ledger(database_url, clock=clock) as service:
        _history(with_purchases(service))
        folded = members(service.store)
    catch_up(database_url)
    models = ReadModels.open(Settings(database_url=database_url), clock=clock)
    before = _answers(models, folded)
    seen_during: list = []

    def query_while_rebuilding(position: int, head: int, _: int) -> None:
        # The old generation keeps answering while the new one fills.
        seen_during.append(models.get_balance(next(iter(folded))))

    report = rebuild(Settings(database_url=database_url), list(PROJECTIONS), batch_size=10,
                     on_batch=query_while_rebuilding)
    assert report.generations == {name: 2 for name in PROJECTIONS} and report.notifications > 0
    assert seen_during and all(b == Balance.of(folded[next(iter(folded))]) for b in seen_during)
    assert _answers(models, folded) == before  # the cached generation was dropped: the query retried on g2
    tables = _tables(database_url)
    assert "balances_g2" in tables and not any(t.endswith("_g1") for t in tables)
    models.close()


def test_a_rebuild_of_one_projection_leaves_the_others_alone(database_url, clock):
    with ledger(database_url, clock=clock) as service:
        _history(with_purchases(service), n_members=2, rounds=1)
    catch_up(database_url)
    assert rebuild(Settings(database_url=database_url), ["timeline"]).generations == {"timeline": 2}
    side = ReadSide.open(Settings(database_url=database_url))
    assert side.generations() == {**{name: 1 for name in PROJECTIONS}, "timeline": 2}
    side.close()


def test_the_worker_keeps_up_reports_lag_and_runs_scheduled_work(database_url, clock):
    stop, statuses, ticks = threading.Event(), [], []
    settings = Settings(database_url=database_url)
    with ledger(database_url):
        pass  # the store's tables exist before the worker and the writer race to create them
    thread = threading.Thread(target=run_worker, args=(settings, stop, 0.05, ticks.append),
                              kwargs={"on_cycle": statuses.append})
    thread.start()
    try:
        with ledger(database_url, clock=clock) as service:
            refs = _history(with_purchases(service), n_members=3, rounds=2)
            head = service.store.max_notification_id()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (statuses and
                                                   min(s.position for s in statuses[-1]) >= head):
            time.sleep(0.05)
        assert statuses[-1] and all(s.lag == 0 for s in statuses[-1])
        assert ticks and all(t.tzinfo is not None for t in ticks)
        models = ReadModels.open(settings)
        assert models.get_balance(refs[0].member_id) is not None
        models.close()
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()


def _workers_to_the_head(settings: Settings, head: int, folded: dict, clock, workers: list[dict]) -> ReadModels:
    """Run a worker thread for each of `workers` (run_worker's keyword arguments) until every projection
    reached `head`, then check each member's balance and timeline; the read models, for more checks."""
    stop = threading.Event()
    threads = [threading.Thread(target=run_worker, args=(settings, stop, 0.02), kwargs=kwargs)
               for kwargs in workers]
    for t in threads:
        t.start()
    side = ReadSide.open(settings)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and min(s.position for s in side.status(head)) < head:
            time.sleep(0.05)
    finally:
        stop.set()
        for t in threads:
            t.join(10)
        side.close()
    models = ReadModels.open(settings, clock=clock)
    for member_id, member in folded.items():
        assert models.get_balance(member_id) == Balance.of(member)
        assert len(models.list_timeline(member_id, limit=500).lines) == member.version
    return models


def test_two_workers_at_once_never_apply_an_event_twice(database_url, clock):
    with ledger(database_url, clock=clock) as service:
        _history(with_purchases(service), n_members=8, rounds=4)
        folded = members(service.store)
        head = service.store.max_notification_id()
    settings = Settings(database_url=database_url)
    models = _workers_to_the_head(settings, head, folded, clock, [{"batch_size": 5}] * 2)
    report = models.get_kpis(clock.now.date(), clock.now.date())
    assert report.purchasers == 8 and sum(d.purchases for d in report.days) == 32
    models.close()


def test_the_fast_decoder_gives_the_same_events_as_the_librarys_mapper(database_url, clock):
    with ledger(database_url, clock=clock) as service:
        _history(with_purchases(service), n_members=3, rounds=2)
        decoder = Decoder(service.store.mapper)
        assert decoder.fast
        checked = 0
        for notification in service.store.notifications(1, 10_000):
            event = decoder.decode(notification)
            if event is not None:
                assert event == service.store.decode(notification)
                assert vars(event) == vars(service.store.decode(notification))
                checked += 1
        assert checked > 20


def test_a_page_looks_up_its_members_keys_in_one_query_and_decodes_as_one_by_one(database_url, clock):
    """Each sealed event used to cost its member's key lookup, half of a catch-up's time: a page now warms
    the vault with one query for all its members, and decodes to the same events."""
    with ledger(database_url, clock=clock) as service:
        member_ids = [ref.member_id for ref in _history(with_purchases(service), n_members=5, rounds=2)]
        store = service.store
        vault = store.mapper.vault
        assert vault is not None
        page = list(store.notifications(1, 10_000))
        decoder = Decoder(store.mapper)
        vault._cache.clear()
        one_by_one = [(n.id, decoder.decode(n)) for n in page]
        one_by_one = [(i, e) for i, e in one_by_one if e is not None]
        singles, batches = [], []
        get, get_many = vault.store.get, vault.store.get_many
        vault.store.get = lambda member_id: singles.append(member_id) or get(member_id)
        vault.store.get_many = lambda ids: batches.append(list(ids)) or get_many(batches[-1])
        vault._cache.clear()
        decoded = decoder.decode_page(page)
        assert decoded == one_by_one and len(decoded) > 20
        assert len(batches) == 1 and set(member_ids) <= set(batches[0]), batches
        assert singles == []  # every key came from the one query


def test_a_running_worker_carries_on_with_the_generation_a_rebuild_swapped_in(database_url, clock):
    settings = Settings(database_url=database_url)
    with ledger(database_url, clock=clock) as service:
        refs = _history(with_purchases(service), n_members=3, rounds=1)
    stop, statuses = threading.Event(), []
    thread = threading.Thread(target=run_worker, args=(settings, stop, 0.02),
                              kwargs={"on_cycle": statuses.append})
    thread.start()
    try:
        assert rebuild(settings, ["timeline"]).generations == {"timeline": 2}
        with ledger(database_url, clock=clock) as service:
            service.execute(c.AdjustPoints(idempotency_key=key(), member=refs[0], points=7, reason="quà"))
            head = service.store.max_notification_id()
            version = service.resolve(refs[0]).version
        def caught_up_on_g2() -> bool:
            latest = {s.name: s for s in statuses[-1]} if statuses else {}
            return bool(latest) and latest["timeline"].generation == 2 and \
                min(s.position for s in latest.values()) >= head

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not caught_up_on_g2():
            time.sleep(0.02)
    finally:
        stop.set()
        thread.join(10)
    models = ReadModels.open(settings, clock=clock)
    assert models.list_timeline(refs[0].member_id, limit=1).lines[0].version == version
    models.close()


def test_two_workers_each_keeping_a_group_of_projections_answer_as_one_worker_does(database_url, clock):
    """`loyalty worker --projections`: each worker moves only its own projections; together they keep every
    one, and the read side answers as a single worker's would."""
    from projections.split_replay import groups_by_cost
    from projections.worker import Worker

    with ledger(database_url, clock=clock) as service:
        _history(with_purchases(service), n_members=5, rounds=2)
        folded = members(service.store)
        head = service.store.max_notification_id()
    settings = Settings(database_url=database_url)
    first, second = groups_by_cost(list(PROJECTIONS), 2)
    lone = Worker(settings, batch_size=7, projections=first)
    try:
        while lone.cycle()[0]:
            pass
        statuses = lone.cycle()[1]
    finally:
        lone.close()
    assert sorted(s.name for s in statuses) == sorted(first) and all(s.lag == 0 for s in statuses)
    side = ReadSide.open(settings)
    untouched = {s.name: s.position for s in side.status(head)}
    assert all(untouched[name] == 0 for name in second) and all(untouched[name] == head for name in first)
    side.close()
    models = _workers_to_the_head(settings, head, folded, clock,
                                  [{"batch_size": 5, "projections": group} for group in (first, second)])
    models.close()


def test_a_worker_refuses_a_projection_it_does_not_know(database_url):
    from projections.worker import Worker

    for names in (["timeline", "nope"], []):
        with pytest.raises(ValueError, match="no projection named"):
            Worker(Settings(database_url=database_url), projections=names)


def test_a_worker_pages_by_5000_on_postgresql_and_1000_on_sqlite_unless_told(database_url):
    from projections.worker import Worker

    settings = Settings(database_url=database_url)
    for asked, expected in ((None, 5000 if settings.is_postgres else 1000), (7, 7)):
        worker = Worker(settings, batch_size=asked)
        try:
            assert worker.batch_size == expected
        finally:
            worker.close()
