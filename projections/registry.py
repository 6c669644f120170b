"""The registry: which generation of each projection's tables is live.

One row per projection: the live generation (what queries and the worker use), the generation a rebuild
is filling (if any), and the last number handed out. A rebuild takes a new number, fills `…_g<new>` from
position zero, then swaps `live` in one transaction, so readers switch from one complete generation to the
next and never see a half-built one.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator

from projections.readstore import ReadStore
from projections.schema import READ, baseline, component
from projections.schema_runner import ensure, read_target

#: Any fixed number: the key of the PostgreSQL advisory lock that serialises creating the read tables.
_SETUP_LOCK = 7_524_117
_held = threading.local()
SCHEMA = component("projection_registry", READ, baseline(
    "CREATE TABLE IF NOT EXISTS {projection_registry} (name TEXT PRIMARY KEY, live INTEGER NOT NULL, "
    "building INTEGER, last INTEGER NOT NULL)"))


class Registry:
    def __init__(self, store: ReadStore):
        self.store = store
        self.table = store.table("projection_registry")

    def ensure(self, names: list[str]) -> dict[str, int]:
        """Create the registry and a row per projection (generation 1) if missing; the live generations."""
        ensure(read_target(self.store), SCHEMA)
        with self.store.transaction() as tx:
            tx.many(f"INSERT INTO {self.table} (name, live, building, last) VALUES (?, 1, NULL, 1) "
                    f"ON CONFLICT (name) DO NOTHING", [[name] for name in names])
        return self.live()

    def live(self) -> dict[str, int]:
        with self.store.transaction(write=False) as tx:
            return {name: int(live) for name, live in tx.run(f"SELECT name, live FROM {self.table}")}

    def start_build(self, name: str) -> tuple[int, int | None]:
        """A new generation number for `name`, and the one an unfinished earlier rebuild left behind."""
        with self.store.transaction() as tx:
            lock = " FOR UPDATE" if self.store.dialect == "postgres" else ""
            sql = f"SELECT live, building, last FROM {self.table} WHERE name = ?{lock}"
            live, building, last = tx.run(sql, [name])[0]
            new = int(last) + 1
            tx.run(f"UPDATE {self.table} SET building = ?, last = ? WHERE name = ?", [new, new, name])
        return new, (int(building) if building is not None and building != live else None)

    def swap(self, name: str, generation: int) -> int:
        """Make `generation` live in one transaction; the generation it replaced."""
        with self.store.transaction() as tx:
            lock = " FOR UPDATE" if self.store.dialect == "postgres" else ""
            (old,) = tx.run(f"SELECT live FROM {self.table} WHERE name = ?{lock}", [name])[0]
            tx.run(f"UPDATE {self.table} SET live = ?, building = NULL WHERE name = ?", [generation, name])
        return int(old)

    @contextmanager
    def setup_lock(self) -> Iterator[None]:
        """Serialise creating tables across processes: two PostgreSQL sessions racing on
        CREATE TABLE IF NOT EXISTS can both try to create the table's type and one fails."""
        if self.store.dialect != "postgres" or getattr(_held, "depth", 0):
            # SQLite's file lock already serialises every write, DDL included; and a thread that holds the
            # lock already (a view creating its tables inside the catalogue's setup) must not wait for it
            # on a second connection, which would wait for ever on itself.
            _held.depth = getattr(_held, "depth", 0) + 1
            try:
                yield
            finally:
                _held.depth -= 1
            return
        with self.store.datastore.get_connection() as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", [_SETUP_LOCK])
            _held.depth = 1
            try:
                yield
            finally:
                _held.depth = 0
                conn.execute("SELECT pg_advisory_unlock(%s)", [_SETUP_LOCK])
