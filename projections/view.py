"""A view: one projection's tables for one generation, plus its tracking position, on one dialect.

Views are the `eventsourcing` library's tracking recorders (`SQLiteTrackingRecorder`,
`PostgresTrackingRecorder`), so `max_tracking_id`, `wait` and table creation are the library's. What we
add is the batch: `with view.batch(after, upto) as tx:` opens one transaction, first moves the tracking
position from exactly `after` to `upto` (compare-and-set), then lets the projection write its rows; the
commit makes both durable together. The library's own upsert only checks that the position grows, which
is enough for one event per transaction but lets a batch (100, 200] re-apply events another worker already
applied in (100, 150]; comparing with the exact previous position rules that out.

Tables carry the generation in their names (`balances_g3`) so that a rebuild can fill fresh tables while
the live ones keep answering; the registry says which generation is live.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from contextlib import contextmanager
from typing import ClassVar, Iterator

from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteTrackingRecorder
from psycopg.sql import SQL

from projections.readstore import ReadStore, Tx

#: PostgreSQL tracking table of the read side (SQLite's is the library's fixed `tracking`).
PG_TRACKING_TABLE = "projection_tracking"

_TYPES = {
    "postgres": {"uuid": "uuid", "ts": "timestamptz", "day": "date", "money": "numeric", "blob": "bytea",
                 "int": "bigint", "text": "text"},
    "sqlite": {"uuid": "TEXT", "ts": "TEXT", "day": "TEXT", "money": "INTEGER", "blob": "BLOB",
               "int": "INTEGER", "text": "TEXT"},
}


class PositionMoved(Exception):
    """Another worker applied events past the position this batch started from; nothing was written."""


class GenerationDropped(Exception):
    """This generation's tracking row is gone: a rebuild swapped in a new generation and dropped this one."""


class View(ABC):
    """What every view shares: generation-named tables, the batch, the position, dropping."""

    name: ClassVar[str] = ""
    TABLES: ClassVar[dict[str, str]] = {}
    """Logical table name -> column definitions, with {uuid} {ts} {day} {money} {blob} {int} {text}."""
    INDEXES: ClassVar[list[str]] = []
    """CREATE INDEX statements; {g} is the generation tag, tables by their logical {name}."""
    dialect: ClassVar[str] = ""

    def __init__(self, store: ReadStore, generation: int):
        self.store = store
        self.generation = generation
        self.tables = {logical: store.table(f"{logical}_g{generation}") for logical in self.TABLES}
        self._sql: dict[str, str] = {}

    @property
    def tracking_name(self) -> str:
        return f"{self.name}@g{self.generation}"

    def sql(self, text: str) -> str:
        """`text` with `{table}` names resolved for this generation (cached)."""
        resolved = self._sql.get(text)
        if resolved is None:
            resolved = self._sql[text] = text.format(**self.tables)
        return resolved

    def ddl(self) -> list[str]:
        types = _TYPES[self.dialect]
        statements = [f"CREATE TABLE IF NOT EXISTS {self.tables[logical]} ({columns.format(**types)})"
                      for logical, columns in self.TABLES.items()]
        statements += [index.format(g=f"g{self.generation}", **self.tables) for index in self.INDEXES]
        return statements

    # --- tracking -------------------------------------------------------------------------------------
    @abstractmethod
    def tracking_table(self) -> str:
        """The name of this generation's tracking table."""

    def setup(self) -> None:
        """Create this generation's tables and its tracking row (at position 0)."""
        self.create_table()  # type: ignore[attr-defined]
        with self.store.transaction() as tx:
            tx.run(f"INSERT INTO {self.tracking_table()} (application_name, notification_id) VALUES (?, 0) "
                   f"ON CONFLICT (application_name) DO NOTHING", [self.tracking_name])

    def position(self) -> int:
        with self.store.transaction(write=False) as tx:
            return self.position_in(tx)

    def position_in(self, tx: Tx) -> int:
        rows = tx.run(f"SELECT notification_id FROM {self.tracking_table()} WHERE application_name = ?",
                      [self.tracking_name])
        if not rows:
            raise GenerationDropped(self.tracking_name)
        return int(rows[0][0])

    @contextmanager
    def batch(self, after: int | None, upto: int) -> Iterator[Tx]:
        """One transaction: move the position from `after` (None: from anything lower) to `upto`, write."""
        with self.store.transaction() as tx:
            if after is None:
                moved = tx.run(f"UPDATE {self.tracking_table()} SET notification_id = ? WHERE "
                               f"application_name = ? AND notification_id < ? RETURNING notification_id",
                               [upto, self.tracking_name, upto])
            else:
                moved = tx.run(f"UPDATE {self.tracking_table()} SET notification_id = ? WHERE "
                               f"application_name = ? AND notification_id = ? RETURNING notification_id",
                               [upto, self.tracking_name, after])
            if not moved:
                raise PositionMoved(f"{self.tracking_name}: position is no longer {after}")
            yield tx

    def drop(self) -> None:
        with self.store.transaction() as tx:
            for table in self.tables.values():
                tx.run(f"DROP TABLE IF EXISTS {table}")
            tx.run(f"DELETE FROM {self.tracking_table()} WHERE application_name = ?", [self.tracking_name])


class SQLiteView(View, SQLiteTrackingRecorder):
    dialect = "sqlite"

    def __init__(self, store: ReadStore, generation: int):
        View.__init__(self, store, generation)
        SQLiteTrackingRecorder.__init__(self, datastore=store.datastore)

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *self.ddl()]

    def tracking_table(self) -> str:
        return "tracking"


class PostgresView(View, PostgresTrackingRecorder):
    dialect = "postgres"

    def __init__(self, store: ReadStore, generation: int):
        View.__init__(self, store, generation)
        PostgresTrackingRecorder.__init__(self, datastore=store.datastore,
                                          tracking_table_name=PG_TRACKING_TABLE)
        self.sql_create_statements += [SQL(statement) for statement in self.ddl()]  # type: ignore[arg-type]

    def tracking_table(self) -> str:
        return self.store.table(PG_TRACKING_TABLE)
