"""The store: the one module that knows the `eventsourcing` library.

`LedgerStore` loads members (folded with `project_member`, through the aggregate cache and snapshots),
claims and receipts, and writes a command's events, for however many aggregates, in one transaction
(`Application.save`). A stale version or an existing claim/receipt id makes the store refuse the whole
write, which the service turns into a re-decision. Opening a store checks that the recorder is the one the
settings asked for, so the library's silent in-memory default can never be used by accident.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Sequence
from uuid import UUID

import orjson
from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import (ConnectionPoolClosedError, IntegrityError, InterfaceError, InternalError,
                                      Mapper, Notification, OperationalError, ProgrammingError, StoredEvent)

from loyalty_core import events as ev
from loyalty_core.errors import LedgerIntegrityError, StoreUnavailable, WriteConflict
from loyalty_core import snapshot as packing
from loyalty_core import sealing
from loyalty_core.member import Member, evolve
from loyalty_core.state_caches import ClaimCache, MemberCache
from loyalty_core.privacy import fields as personal, lookup, masterkeys
from loyalty_core.privacy.keystore import KeyStore, checkpoint_sqlite
from loyalty_core.privacy.tokens import is_erased
from loyalty_core.privacy.vault import Vault, install as install_vault, uninstall as uninstall_vault
from loyalty_core.settings import Settings, store_env
from loyalty_core.upcasting import complete


@dataclass(frozen=True)
class Claim:
    claim_id: UUID
    version: int
    kind: str
    value: str
    member_id: UUID | None
    """The owner, or None when the identifier was released and may be claimed again."""


def project_claim(initial: Claim | None, events: Iterable[ev.Event]) -> Claim | None:
    claim = initial
    for event in events:
        if isinstance(event, ev.ClaimTaken):
            claim = Claim(event.originator_id, event.originator_version, event.kind, event.value, event.member_id)
        elif isinstance(event, ev.ClaimReleased):
            claim = Claim(event.originator_id, event.originator_version, event.kind, event.value, None)
        else:  # a purchase held for the identifier (loyalty_core/identity): the owner stays, the version moves
            claim = Claim(event.originator_id, event.originator_version, event.kind,  # type: ignore[attr-defined]
                          event.value, claim.member_id if claim else None)  # type: ignore[attr-defined]
    return claim


def project_stored_member(initial: Member | None, events: Iterable[ev.Event]) -> Member | None:
    """Fold stored events, starting from a snapshot when the first one is a snapshot this code can read.

    Stored versions must follow each other with no gap: a gap means events were written on top of a
    state that was never stored, and folding across it would serve points nobody earned. An id whose
    first event is not a member's (a claim's or a receipt's id, which callers can derive) is no member.
    """
    member = initial
    for event in events:
        if isinstance(event, ev.MemberSnapshot):
            packed = event.state.get("packed")
            # An old layout, or sealed under a key since destroyed: replay from the first event instead.
            member = None if packed is None or is_erased(packed) else packing.unpack_text(packed)
            if member is None:
                raise StaleSnapshot(event.originator_id)
            continue
        if member is None and not isinstance(event, ev.MemberEnrolled):
            return None
        expected = 1 if member is None else member.version + 1
        if event.originator_version != expected:
            raise LedgerIntegrityError(
                f"member {event.originator_id}: stored version {event.originator_version} follows "
                f"version {expected - 1}; the member's history has a gap")
        member = evolve(event, member)
    return member


class StaleSnapshot(Exception):
    """A snapshot in a layout this code no longer reads."""


class LedgerStore(Application[UUID]):
    name = "loyalty"

    def __init__(self, settings: Settings):
        self.settings = settings
        # The recorder seals each event in the transaction that writes it (loyalty_core/sealing.py).
        env = sealing.sealed_env(store_env(settings))
        # PostgreSQL: the library's tables are created below, under the migrations' lock (sealing.py).
        super().__init__(env={**env, "CREATE_TABLE": "n"} if settings.is_postgres else env)
        if settings.is_postgres:
            sealing.create_tables_guarded([self.recorder] + ([self.snapshots.recorder] if self.snapshots else []))
        self.members = MemberCache(settings.aggregate_cache_size)
        self.claims = ClaimCache(settings.aggregate_cache_size)
        self._budgets: dict[UUID, tuple[int, int]] = {}
        self._budget_lock = threading.Lock()
        sealing.check_recorder(self.recorder, "postgres" if settings.is_postgres else "sqlite")
        self.vault = self._open_vault(settings)

    def _open_vault(self, settings: Settings) -> Vault:
        """Personal data is sealed by the mapper under per-member keys kept in this database
        (loyalty_core/privacy); an erasure destroys the key inside the recorder's insert of the event."""
        env = store_env(settings)
        keys = masterkeys.load(kek_file=settings.kek_file, kek=settings.kek, database_url=settings.database_url,
                               sqlite_path=env.get("SQLITE_DBNAME") if not settings.is_postgres else None,
                               environ=os.environ)
        keystore = KeyStore(self.recorder.datastore, dialect="postgres" if settings.is_postgres else "sqlite",
                            events_table=self.recorder.events_table_name)
        with store_failures():
            self.legacy_claims = keystore.create()
        lookup.install(keys.lookup, legacy_store=self.legacy_claims)
        vault = Vault(keys, keystore, cache_size=max(settings.aggregate_cache_size, 1000))
        assert isinstance(self.mapper, CompletingMapper)
        self.mapper.vault = vault
        self.recorder.member_keys = keystore  # type: ignore[attr-defined]
        vault.database = settings.database_url  # type: ignore[attr-defined]  # which store's keys (vault.installed_for)
        install_vault(vault)
        return vault

    def close(self) -> None:
        # the read side must not seal with a store whose connections are gone
        uninstall_vault(getattr(self, "vault", None))
        super().close()

    def construct_mapper(self) -> Mapper[UUID]:
        return CompletingMapper(transcoder=self.construct_transcoder())

    def construct_factory(self, env: Any) -> Any:
        """The library's factory, its PostgreSQL connections named for pg_stat_activity (`loyalty-api:ledger`).

        Named here, before the pool's first connection (creating the tables opens it next); the library has
        no setting for `application_name`."""
        factory = super().construct_factory(env)
        pool = getattr(getattr(factory, "datastore", None), "pool", None)
        if isinstance(getattr(pool, "kwargs", None), dict):
            pool.kwargs["application_name"] = self.settings.connection_name("ledger")  # type: ignore[union-attr]
        return factory

    # --- reads ----------------------------------------------------------------------------------
    def load_member(self, member_id: UUID) -> Member | None:
        """The member as stored now: the cached state fast-forwarded with any newer events."""
        with store_failures():
            return self._load_member(member_id)

    def _load_member(self, member_id: UUID) -> Member | None:
        cached = self.members.get(member_id)
        if cached is not None:
            newer = self.events.get(member_id, gt=cached.version)
            member = project_stored_member(cached, newer)  # type: ignore[arg-type]
        else:
            try:
                member = self.repository.get(member_id, projector_func=project_stored_member)
            except AggregateNotFoundError:
                return None
            except StaleSnapshot:
                member = project_stored_member(None, self.events.get(member_id))  # type: ignore[arg-type]
        if not isinstance(member, Member):
            return None
        if member is not cached:
            self.members.put(member)
        return member

    def fresh_members(self, cached: Sequence[Member]) -> dict[UUID, Member | Exception]:
        """PostgreSQL: each of these cached states fast-forwarded to the member as stored now, with the newer
        events of all of them asked for in ONE statement (the API's read lane, api/read_lane.py), where
        `load_member` asks once per member. A member's own failure (a gap in its history) is its answer; a
        database failure raises `StoreUnavailable` for all of them."""
        newest: dict[UUID, Member] = {}
        for member in cached:  # one row per member: the newest cached state asks for the fewest events
            if member.id not in newest or newest[member.id].version < member.version:
                newest[member.id] = member
        newer = self._newer_stored({member_id: member.version for member_id, member in newest.items()})
        fresh: dict[UUID, Member | Exception] = {}
        for member_id, member in newest.items():
            stored = newer.get(member_id)
            if not stored:
                fresh[member_id] = member
                continue
            try:
                with store_failures():  # decoding may fetch a member's key
                    folded = project_stored_member(member, (self.mapper.to_domain_event(s) for s in stored))
            except Exception as exc:  # this member's answer only
                fresh[member_id] = exc
                continue
            assert isinstance(folded, Member)
            self.members.put(folded)
            fresh[member_id] = folded
        return fresh

    def _newer_stored(self, versions: dict[UUID, int]) -> dict[UUID, list[StoredEvent]]:
        """PostgreSQL: the stored events of each aggregate newer than its version here, in ONE statement."""
        datastore = self.recorder.datastore
        names = (datastore.schema, self.recorder.events_table_name)  # type: ignore[attr-defined]
        table = ".".join('"' + name.replace('"', '""') + '"' for name in names)
        newer: dict[UUID, list[StoredEvent]] = {}
        with store_failures(), datastore.get_connection() as conn, conn.cursor() as cursor:
            # One index range per member (LATERAL), never a join the planner may choose to hash: this
            # statement is prepared, and its generic plan, made when the events table was small, stays until
            # the table is analyzed. As a join it was a hash join over a sequential scan of every event, so
            # each read round got slower as the store grew (balance reads 1,522 -> 646/s on one database).
            cursor.execute(
                "SELECT w.id AS originator_id, e.originator_version, e.topic, e.state "
                "FROM unnest(%s::uuid[], %s::int8[]) AS w(id, version) CROSS JOIN LATERAL ("
                f"SELECT originator_version, topic, state FROM {table} AS e "
                "WHERE e.originator_id = w.id AND e.originator_version > w.version "
                "ORDER BY e.originator_version OFFSET 0) AS e "
                "ORDER BY 1, 2",
                [list(versions), list(versions.values())], prepare=True)
            for row in cursor.fetchall():
                newer.setdefault(row["originator_id"], []).append(StoredEvent(
                    originator_id=row["originator_id"], originator_version=row["originator_version"],
                    topic=row["topic"], state=bytes(row["state"])))
        return newer

    def member_by_claim(self, claim_id: UUID) -> tuple[Claim | None, Member | None]:
        """The claim `claim_id` (a phone's, a member code's, ...) and its owner as stored now.

        A till finds its member by phone on every sale. When this process has seen both the claim and its
        owner (PostgreSQL), both are fast-forwarded in ONE statement instead of a claim load and a member
        load. Any change to the claim since (released, moved to another member, a held purchase) takes the
        ordinary way, as does everything the cache has not seen."""
        claim = self.claims.get(claim_id) if self.settings.is_postgres else None
        member = self.members.get(claim.member_id) if claim is not None and claim.member_id else None
        if claim is None or member is None:
            return self._claim_and_owner(claim_id)
        newer = self._newer_stored({claim.claim_id: claim.version, member.id: member.version})
        if newer.get(claim.claim_id):
            return self._claim_and_owner(claim_id)
        stored = newer.get(member.id)
        if stored:
            with store_failures():  # decoding may fetch a member's key
                folded = project_stored_member(member, (self.mapper.to_domain_event(e) for e in stored))
            assert isinstance(folded, Member)  # folded on a member, as in `fresh_members`
            self.members.put(folded)
            member = folded
        return claim, member

    def _claim_and_owner(self, claim_id: UUID) -> tuple[Claim | None, Member | None]:
        claim = self.load_claim(claim_id)
        if claim is None or claim.member_id is None:
            self.claims.evict(claim_id)
            return claim, None
        # A previous release's claim (`load_claim`'s legacy id) is not kept: its identifier's new claim may
        # change without it.
        if self.settings.is_postgres and claim.claim_id == claim_id:
            self.claims.put(claim_id, claim)
        return claim, self.load_member(claim.member_id)

    def after_erasure(self) -> None:
        """SQLite: checkpoint and truncate the log after an erasure (privacy/keystore.py)."""
        if not self.settings.is_postgres:
            with store_failures():
                checkpoint_sqlite(self.recorder.datastore)

    def load_member_at(self, member_id: UUID, version: int) -> Member | None:
        try:
            with store_failures():
                member = self.repository.get(member_id, version=version, projector_func=project_stored_member)
        except AggregateNotFoundError:
            return None
        except StaleSnapshot:
            member = project_stored_member(None, self.events.get(member_id, lte=version))  # type: ignore[arg-type]
        return member if isinstance(member, Member) else None

    def load_claim(self, claim_id: UUID) -> Claim | None:
        try:
            with store_failures():
                return self.repository.get(claim_id, projector_func=project_claim)
        except AggregateNotFoundError:
            # A previous release's store names identifiers by uuid5 of the plaintext until it is re-keyed
            # (`loyalty privacy rekey`): the same identifier's old claim still owns it.
            legacy = lookup.legacy_of(claim_id) if self.legacy_claims else None
            if legacy is None:
                return None
            try:
                with store_failures():
                    return self.repository.get(legacy, projector_func=project_claim)
            except AggregateNotFoundError:
                return None

    def load_receipt(self, receipt_id: UUID) -> ev.CommandAccepted | None:
        with store_failures():
            for event in self.events.get(receipt_id, limit=1):
                return event if isinstance(event, ev.CommandAccepted) else None
        return None

    def load_budget(self, budget_id: UUID) -> tuple[int, int]:
        """(version, points spent) of a campaign budget; cached, and fast-forwarded on every read."""
        with store_failures():
            return self._load_budget(budget_id)

    def _load_budget(self, budget_id: UUID) -> tuple[int, int]:
        with self._budget_lock:
            version, spent = self._budgets.get(budget_id, (0, 0))
        for event in self.events.get(budget_id, gt=version or None):
            version, spent = event.originator_version, spent + event.points  # type: ignore[attr-defined]
        with self._budget_lock:
            if self._budgets.get(budget_id, (0, 0))[0] < version:
                self._budgets[budget_id] = (version, spent)
        return version, spent

    def member_ids(self, batch: int = 1000) -> Iterator[UUID]:
        """Every enrolled member, in enrolment order (reads only the enrolment events)."""
        topic = f"{ev.MemberEnrolled.__module__}:{ev.MemberEnrolled.__qualname__}"
        start = 1
        while True:
            page = self.recorder.select_notifications(start=start, limit=batch, topics=[topic])
            if not page:
                return
            for notification in page:
                yield notification.originator_id  # type: ignore[misc]
            start = page[-1].id + 1

    def member_events(self, member_id: UUID, *, after_version: int | None = None) -> list[ev.Event]:
        return list(self.events.get(member_id, gt=after_version))  # type: ignore[arg-type]

    def notifications(self, start: int, limit: int) -> Sequence[Notification]:
        return self.recorder.select_notifications(start=start, limit=limit)

    def max_notification_id(self) -> int:
        return self.recorder.max_notification_id() or 0

    def decode(self, notification: Notification) -> ev.Event:
        return self.mapper.to_domain_event(notification)  # type: ignore[return-value]

    def iter_events(self, start: int = 1, batch: int = 1000) -> Iterator[tuple[int, ev.Event]]:
        while True:
            page = self.notifications(start, batch)
            if not page:
                return
            for notification in page:
                yield notification.id, self.decode(notification)
            start = page[-1].id + 1

    # --- writes ---------------------------------------------------------------------------------
    def record(self, events: Sequence[ev.Event]) -> list[Any]:
        """Write all `events` in one transaction, or none of them."""
        # New members' data keys are written in this same transaction (privacy/vault.py `keys_for_write`);
        # the members enrolled here are looked up together, once.
        enrolled = [e.originator_id for e in events if type(e) is ev.MemberEnrolled]
        try:
            # EventStore.put directly: Application.save() would check each event against a runtime
            # Protocol (slow isinstance calls) to tell events from aggregates; these are all events.
            with store_failures(), self.vault.keys_for_write(enrolled):
                return self.events.put(list(events))
        except IntegrityError as exc:
            raise WriteConflict(str(exc)) from exc

    def remember(self, member: Member) -> None:
        """Keep a member's state after a successful write, so the next command need not fold again."""
        self.members.put(member)

    def snapshot(self, member: Member) -> None:
        """Snapshot a member's state, once it is proved to be the fold of the stored events it summarises.

        The state comes from the write path; a snapshot of a state that differs from the stored events
        would make every later load serve it. So the events up to its version are folded again (from the
        previous snapshot: about `snapshot_interval` events) and compared first.
        """
        assert self.snapshots is not None
        with store_failures():
            stored = self.load_member_at(member.id, member.version)
        if stored != member:
            self.members.evict(member.id)
            raise LedgerIntegrityError(f"member {member.id} v{member.version}: the state to snapshot differs "
                                       "from the fold of the stored events; not snapshotted")
        packed = orjson.dumps(packing.pack(member)).decode()
        self.snapshots.put([ev.MemberSnapshot(originator_id=member.id, originator_version=member.version,
                                              timestamp=member.enrolled_at, state={"packed": packed})])


class CompletingMapper(Mapper[UUID]):
    """The library's mapper, plus the upcasting rule for added fields (loyalty_core/upcasting.py): an event
    written before a field existed reads that field as its default instead of lacking it; and personal
    fields sealed on the way to the database and unsealed on the way back (loyalty_core/privacy/fields.py),
    so only ciphertext and keyed hashes are ever stored. Events of other classes pass with one set lookup."""

    vault: Vault | None = None

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        cls = type(domain_event)
        if self.vault is not None and cls in personal.PROTECTED:
            state = personal.protect(cls, vars(domain_event), self.vault.seal)
            if state is not vars(domain_event):
                sealed = object.__new__(cls)
                object.__setattr__(sealed, "__dict__", state)
                domain_event = sealed
        return super().to_stored_event(domain_event)

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        event = super().to_domain_event(stored_event)
        cls = type(event)
        complete(cls, event.__dict__)
        if self.vault is not None:
            if cls in personal.PROTECTED:
                personal.reveal(cls, event.__dict__, self.vault.unseal)
            elif cls is ev.PersonalDataErased:  # another process erased them: drop the cached key now
                self.vault.forget(event.originator_id, erased=True)
        return event


@contextmanager
def store_failures() -> Iterator[None]:
    """The database failed or could not be reached: to callers that is a retryable `StoreUnavailable`
    (nothing was written, or the read can be repeated), never an unexplained error. That includes a table
    missing or changed behind the service's back (PostgreSQL says ProgrammingError: a restore under way, a
    wrong schema) and the server's internal errors: the operator fixes the store, the client retries."""
    try:
        yield
    except (OperationalError, InterfaceError, ConnectionPoolClosedError, ProgrammingError, InternalError) as exc:
        raise StoreUnavailable(f"the store is unavailable: {type(exc).__name__}") from exc


def open_store(settings: Settings) -> LedgerStore:
    return LedgerStore(settings)
