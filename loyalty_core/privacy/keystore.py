"""The `member_keys` table: each member's data key, wrapped under the KEK, in the store's own database.

Reached through the event store's datastore (`transaction(commit=...)` yields a cursor on SQLite and on
PostgreSQL alike), so it shares the store's connections and, for an erasure, its transaction: the recorder
calls `shred` inside the insert of `PersonalDataErased` (loyalty_core/sealing.py), so the event and the
key's destruction commit together or not at all. A destroyed key leaves a tombstone row (no key, the time of
erasure), so a late write can never create a fresh key for an erased member.

`privacy_state` holds one flag: `legacy_claims`, set when the key table was created on a store that already
had events (a previous release's store, whose identifier claims have uuid5 ids: docs/privacy.md "Re-keying").

New keys are not written on their own: the vault *stages* a new member's wrapped key in the writing thread
(`stage`), and the event recorder writes every staged key in the same transaction as the events sealed
under them (`write_staged`), in one statement. So enrolling a batch of members costs no extra transaction,
and a key exists exactly when an event sealed under it was committed. The key rows are inserted without
`ON CONFLICT`: if another process keyed (or erased) the member meanwhile, the whole write fails as a
conflict and is decided again, reading the key that won.
"""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from typing import Any, Iterable, Sequence
from uuid import UUID

TOMBSTONE = object()


class KeyStore:
    def __init__(self, datastore: Any, *, dialect: str, events_table: str):
        self.datastore = datastore
        self.postgres = dialect == "postgres"
        if self.postgres:
            schema = '"' + datastore.schema.replace('"', '""') + '"'
            self.keys, self.state = f"{schema}.member_keys", f"{schema}.privacy_state"
            self.events = f'{schema}."{events_table}"'
            self.p = "%s"
        else:
            self.keys, self.state, self.events, self.p = "member_keys", "privacy_state", events_table, "?"
        self._lock_name = f"{getattr(datastore, 'schema', '')}.member_keys"
        self._staged = threading.local()

    def _id(self, member_id: UUID) -> Any:
        return member_id if self.postgres else str(member_id)

    def _rows(self, curs: Any) -> list[tuple[Any, ...]]:
        rows = curs.fetchall()
        return [tuple(r.values()) if isinstance(r, dict) else tuple(r) for r in rows]

    # --- set-up ---------------------------------------------------------------------------------
    def create(self) -> bool:
        """Create the tables if missing; True when this store's claims still have the legacy ids."""
        blob, ident = ("bytea", "uuid") if self.postgres else ("BLOB", "TEXT")
        with self.datastore.transaction(commit=True) as curs:
            if self.postgres:  # two processes starting together must not both create the tables
                curs.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (self._lock_name,))
                curs.execute("SELECT to_regclass(%s) IS NOT NULL AS present", (self.keys,))
            else:
                curs.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'member_keys'")
            existed = bool(self._rows(curs)[0][0])
            curs.execute(f"CREATE TABLE IF NOT EXISTS {self.keys} (member_id {ident} PRIMARY KEY, "
                         f"wrapped_key {blob}, kek_id TEXT NOT NULL, created_at TEXT NOT NULL, erased_at TEXT)")
            curs.execute(f"CREATE TABLE IF NOT EXISTS {self.state} (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
            if not existed:
                curs.execute(f"SELECT 1 FROM {self.events} LIMIT 1")
                legacy = "yes" if self._rows(curs) else "no"
                curs.execute(f"INSERT INTO {self.state} (name, value) VALUES ({self.p}, {self.p}) "
                             "ON CONFLICT (name) DO NOTHING", ("legacy_claims", legacy))
            curs.execute(f"SELECT value FROM {self.state} WHERE name = {self.p}", ("legacy_claims",))
            rows = self._rows(curs)
        return bool(rows) and rows[0][0] == "yes"

    def set_legacy_claims(self, legacy: bool) -> None:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(f"UPDATE {self.state} SET value = {self.p} WHERE name = {self.p}",
                         ("yes" if legacy else "no", "legacy_claims"))

    # --- keys -----------------------------------------------------------------------------------
    def get(self, member_id: UUID) -> tuple[bytes, str] | object | None:
        """(wrapped key, kek id), TOMBSTONE when erased, or None when the member never had a key."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(f"SELECT wrapped_key, kek_id FROM {self.keys} WHERE member_id = {self.p}",
                         (self._id(member_id),))
            rows = self._rows(curs)
        if not rows:
            return None
        wrapped, kek_id = rows[0]
        return TOMBSTONE if wrapped is None else (bytes(wrapped), kek_id)

    def get_many(self, member_ids: Iterable[UUID]) -> dict[UUID, tuple[bytes, str] | object]:
        """`get` for many members in one query; members without a key are missing from the answer."""
        wanted = list(dict.fromkeys(member_ids))
        if not wanted:
            return {}
        found: dict[UUID, tuple[bytes, str] | object] = {}
        with self.datastore.transaction(commit=False) as curs:
            for start in range(0, len(wanted), 500):  # SQLite caps the number of parameters
                chunk = wanted[start:start + 500]
                if self.postgres:
                    curs.execute(f"SELECT member_id, wrapped_key, kek_id FROM {self.keys} "
                                 "WHERE member_id = ANY(%s)", (chunk,))
                else:
                    marks = ", ".join("?" * len(chunk))
                    curs.execute(f"SELECT member_id, wrapped_key, kek_id FROM {self.keys} "
                                 f"WHERE member_id IN ({marks})", [str(m) for m in chunk])
                for member_id, wrapped, kek_id in self._rows(curs):
                    found[_uuid(member_id)] = TOMBSTONE if wrapped is None else (bytes(wrapped), kek_id)
        return found

    # --- keys written with the events sealed under them ----------------------------------------------
    def stage(self, member_id: UUID, wrapped: bytes, kek_id: str) -> None:
        """Hold a new key in this thread until the recorder writes it with the events (`write_staged`)."""
        if getattr(self._staged, "rows", None) is None:
            self._staged.rows, self._staged.written = {}, False
        self._staged.rows[member_id] = (wrapped, kek_id)

    def has_staged(self) -> bool:
        return bool(getattr(self._staged, "rows", None))

    def take_staged(self) -> tuple[dict[UUID, tuple[bytes, str]], bool]:
        """This thread's staged keys, and whether a recorder wrote them; they are no longer staged."""
        rows, written = getattr(self._staged, "rows", None) or {}, getattr(self._staged, "written", False)
        self._staged.rows, self._staged.written = None, False
        return rows, written

    def write_staged(self, curs: Any) -> None:
        """Insert this thread's staged keys on the caller's cursor (the events' transaction), in one statement.
        A member keyed or erased meanwhile makes it fail (a unique violation): the write is a conflict.
        The keys stay staged (a recorder retrying a lost connection writes them again) until the write
        ends (`take_staged`)."""
        staged = getattr(self._staged, "rows", None)
        if not staged:
            return
        now = _now()
        rows = [(self._id(m), wrapped, kek_id, now) for m, (wrapped, kek_id) in staged.items()]
        if self.postgres:
            curs.execute(f"INSERT INTO {self.keys} (member_id, wrapped_key, kek_id, created_at) "
                         "SELECT * FROM unnest(%s::uuid[], %s::bytea[], %s::text[], %s::text[])",
                         [list(column) for column in zip(*rows)])
        else:
            curs.executemany(f"INSERT INTO {self.keys} (member_id, wrapped_key, kek_id, created_at) "
                             "VALUES (?, ?, ?, ?)", rows)
        self._staged.written = True

    def add(self, member_id: UUID, wrapped: bytes, kek_id: str) -> tuple[bytes, str] | object:
        """Store a new wrapped key unless the member already has one (or was erased): what is stored wins."""
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(f"INSERT INTO {self.keys} (member_id, wrapped_key, kek_id, created_at) "
                         f"VALUES ({self.p}, {self.p}, {self.p}, {self.p}) ON CONFLICT (member_id) DO NOTHING",
                         (self._id(member_id), wrapped, kek_id, _now()))
        stored = self.get(member_id)
        assert stored is not None
        return stored

    def shred(self, curs: Any, member_ids: Sequence[Any]) -> None:
        """Destroy the keys of `member_ids` on the caller's cursor (its transaction), leaving tombstones."""
        if not self.postgres:
            # Zero the freed bytes of the key row instead of leaving them in a free page.
            curs.execute("PRAGMA secure_delete = ON")
        for member_id in member_ids:
            curs.execute(f"INSERT INTO {self.keys} (member_id, wrapped_key, kek_id, created_at, erased_at) "
                         f"VALUES ({self.p}, NULL, '', {self.p}, {self.p}) ON CONFLICT (member_id) DO UPDATE "
                         "SET wrapped_key = NULL, kek_id = '', erased_at = excluded.erased_at",
                         (self._id(_uuid(member_id)), _now(), _now()))

    def erase(self, member_ids: Sequence[UUID]) -> None:
        with self.datastore.transaction(commit=True) as curs:
            self.shred(curs, member_ids)

    def erased(self, member_id: UUID) -> bool:
        return self.get(member_id) is TOMBSTONE

    # --- KEK rotation (loyalty_core/privacy/rotation.py) ------------------------------------------------
    def kek_counts(self) -> tuple[dict[str, int], int]:
        """How many keys each KEK wraps (by kek id), and how many tombstones there are."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(f"SELECT kek_id, wrapped_key IS NULL, count(*) FROM {self.keys} GROUP BY 1, 2")
            rows = self._rows(curs)
        counts = {kek_id: int(n) for kek_id, gone, n in rows if not gone}
        return dict(sorted(counts.items())), sum(int(n) for _kek_id, gone, n in rows if gone)

    def keys_not_under(self, kek_id: str, *, after: Any, limit: int) -> list[tuple[Any, bytes, str]]:
        """Up to `limit` live keys not wrapped under `kek_id`, in member id order after `after` (None: from
        the start): (member id as stored, wrapped key, kek id). Tombstones are never returned."""
        where = f"wrapped_key IS NOT NULL AND kek_id <> {self.p}"
        args: list[Any] = [kek_id]
        if after is not None:
            where += f" AND member_id > {self.p}"
            args.append(after)
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(f"SELECT member_id, wrapped_key, kek_id FROM {self.keys} WHERE {where} "
                         f"ORDER BY member_id LIMIT {int(limit)}", args)
            return [(m, bytes(w), k) for m, w, k in self._rows(curs)]

    def rewrap(self, rows: Sequence[tuple[Any, str, bytes, bytes]], kek_id: str) -> int:
        """Replace keys by the same keys wrapped under `kek_id`, in one transaction: each row is (member id
        as stored, old kek id, old wrapped key, new wrapped key) and changes only if it still holds exactly
        the old wrapped key under the old KEK, so a key erased or rewrapped meanwhile is left as it is (an
        erasure is never undone). The number of keys changed."""
        if not rows:
            return 0
        with self.datastore.transaction(commit=True) as curs:
            if self.postgres:
                curs.execute(f"UPDATE {self.keys} AS k SET wrapped_key = v.new_key, kek_id = %s "
                             "FROM unnest(%s::uuid[], %s::text[], %s::bytea[], %s::bytea[]) "
                             "AS v(member_id, old_kek, old_key, new_key) WHERE k.member_id = v.member_id "
                             "AND k.kek_id = v.old_kek AND k.wrapped_key = v.old_key RETURNING k.member_id",
                             [kek_id, *[list(column) for column in zip(*rows)]])
                return len(self._rows(curs))
            changed = 0
            for member_id, old_kek, old_key, new_key in rows:
                curs.execute(f"UPDATE {self.keys} SET wrapped_key = ?, kek_id = ? WHERE member_id = ? "
                             "AND kek_id = ? AND wrapped_key = ? RETURNING member_id",
                             (new_key, kek_id, member_id, old_kek, old_key))
                changed += len(curs.fetchall())
            return changed


def _uuid(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


def checkpoint_sqlite(datastore: Any) -> None:
    """SQLite: fold the write-ahead log back into the database and truncate it, so pages an erasure
    rewrote (zeroed by `secure_delete`) leave no older copy behind in `-wal`."""
    with datastore.transaction(commit=False) as curs:
        curs.execute("PRAGMA wal_checkpoint(TRUNCATE)")
