"""Where the read side keeps its tables, for the store `LOYALTY_DATABASE_URL` names.

PostgreSQL: in the events' own schema, through the `eventsourcing` library's `PostgresDatastore` (its
pool, its error types). SQLite: in a file of its own next to the events file (`loyalty.db` →
`loyalty.read.db`), through the library's `SQLiteDatastore`. SQLite allows one writer per file; a
separate file means a projection batch never holds the lock that the API needs to record a purchase.

A `Tx` is one transaction with the few operations the views need. Views write their SQL once with `?`
placeholders and `{table}` names; `Tx` adapts the placeholders, and the two dialects convert the
values SQLite has no type for (uuid, timestamp, date, decimal).
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import re
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence
from uuid import UUID

from eventsourcing import persistence
from eventsourcing.postgres import PostgresDatastore, PostgresFactory
from eventsourcing.sqlite import SQLiteDatastore, SQLiteFactory
from eventsourcing.utils import Environment
from psycopg.rows import tuple_row

from loyalty_core.settings import Settings, store_env
from projections.pools import name_connections

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
#: SQLite binds at most this many values per statement on older builds; id lists are cut to fit.
SQLITE_MAX_VARS = 900
#: Money in SQLite is stored as integer hundredths: it has no decimal type and would sum through float.
SQLITE_MONEY_SCALE = Decimal(100)


@dataclass
class ReadStore:
    """The read side's database: a library datastore plus what differs between the two dialects."""

    dialect: str
    datastore: Any
    schema: str
    events_table: str
    events_path: str | None = None
    """SQLite only: the events file (the read tables live in another file)."""
    checkpoint_due: bool = False
    """A projection purged an erased member's rows: `checkpoint()` once the batch has committed."""

    def table(self, name: str) -> str:
        if not _IDENT.match(name):
            raise ValueError(f"not a table name: {name!r}")
        return f'"{self.schema}"."{name}"' if self.dialect == "postgres" else name

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[Tx]:
        if self.dialect == "postgres":
            with self.datastore.get_connection() as conn, conn.transaction(force_rollback=not write):
                yield PostgresTx(conn.cursor(row_factory=tuple_row))
        else:
            with self.datastore.get_connection(commit=write) as conn:
                cursor = conn.cursor().sqlite_cursor
                if write:  # what a purge deletes or overwrites is zeroed, not left in free space
                    cursor.execute("PRAGMA secure_delete = ON")
                # IMMEDIATE takes the write lock up front (waiting on the busy timeout): a deferred
                # transaction that reads first may be refused outright when it later tries to write.
                cursor.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                try:
                    yield SQLiteTx(cursor)
                except sqlite3.Error as exc:
                    conn.rollback()
                    # The same exception types as PostgreSQL's, through the library's own mapping.
                    raise _SQLITE_ERRORS.get(type(exc), persistence.PersistenceError)(str(exc)) from exc
                except BaseException:
                    conn.rollback()
                    raise
                if write:
                    conn.commit()
                else:
                    conn.rollback()

    def checkpoint(self) -> None:
        """SQLite: fold the log into the file and truncate it, so no page from before an erasure's purge
        survives in `-wal` (PostgreSQL: nothing to do here; docs/privacy.md says what its WAL keeps)."""
        self.checkpoint_due = False
        if self.dialect == "sqlite":
            with self.datastore.get_connection(commit=False) as conn:
                conn.cursor().sqlite_cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self.datastore.close()


class Tx(ABC):
    """One transaction. SQL uses `?` placeholders; subclasses adapt them and convert values."""

    dialect = ""

    def __init__(self, cursor: Any):
        self.cursor = cursor

    def run(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        self.cursor.execute(self.adapt(sql), params)
        return [tuple(row) for row in self.cursor.fetchall()] if self.cursor.description else []

    def many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        if rows:
            self.cursor.executemany(self.adapt(sql), rows)

    def adapt(self, sql: str) -> str:
        return sql

    def append(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Insert rows that are new by construction (no conflict possible)."""
        marks = ", ".join("?" * len(columns))
        self.many(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def upsert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]],
               conflict: str) -> None:
        """Insert `rows`; `conflict` is the ON CONFLICT clause, the existing row aliased `t`. Keys must be
        distinct within `rows` (the projections sum per key before they write)."""
        marks = ", ".join("?" * len(columns))
        self.many(f"INSERT INTO {table} AS t ({', '.join(columns)}) VALUES ({marks}) {conflict}", rows)

    @abstractmethod
    def any_of(self, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        """A condition `column` IN `values`, in this dialect, with its parameters."""

    def chunks(self, values: Sequence[Any]) -> Iterator[Sequence[Any]]:
        yield values

    # --- values SQLite has no type for --------------------------------------------------------------
    def uid(self, value: UUID | None) -> Any:
        return value

    def ts(self, value: datetime | None) -> Any:
        return value

    def day(self, value: date | None) -> Any:
        return value

    def money(self, value: Decimal | None) -> Any:
        return value

    def to_uid(self, value: Any) -> UUID | None:
        return value

    def to_ts(self, value: Any) -> datetime | None:
        return value

    def to_day(self, value: Any) -> date | None:
        return value

    def to_money(self, value: Any) -> Decimal | None:
        return value


class PostgresTx(Tx):
    dialect = "postgres"
    _adapted: dict[str, str] = {}

    def adapt(self, sql: str) -> str:
        adapted = self._adapted.get(sql)
        if adapted is None:
            adapted = self._adapted[sql] = sql.replace("%", "%%").replace("?", "%s")
        return adapted

    def any_of(self, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        return f"{column} = ANY(?)", [list(values)]

    def append(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self.copy_rows(table, columns, rows)

    def upsert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]],
               conflict: str) -> None:
        # COPY into a temporary table, then one INSERT ... SELECT: about 5 µs of client time a row, where
        # executemany spends 25 (measured here with 2,000-row batches).
        if not rows:
            return
        temp = "tmp_" + table.rsplit(".", 1)[-1].strip('"')
        self.cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {temp} (LIKE {table}) ON COMMIT DELETE ROWS")
        self.copy_rows(temp, columns, rows)
        names = ", ".join(columns)
        self.cursor.execute(f"INSERT INTO {table} AS t ({names}) SELECT {names} FROM {temp} {conflict}")

    def copy_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        with self.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


class SQLiteTx(Tx):
    dialect = "sqlite"

    def any_of(self, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        return f"{column} IN ({','.join('?' * len(values))})", list(values)

    def chunks(self, values: Sequence[Any]) -> Iterator[Sequence[Any]]:
        for i in range(0, len(values), SQLITE_MAX_VARS):
            yield values[i:i + SQLITE_MAX_VARS]

    def uid(self, value: UUID | None) -> Any:
        return None if value is None else str(value)

    def ts(self, value: datetime | None) -> Any:
        # Always UTC with microseconds, so that text order is time order.
        return None if value is None else value.astimezone(timezone.utc).isoformat(timespec="microseconds")

    def day(self, value: date | None) -> Any:
        return None if value is None else value.isoformat()

    def money(self, value: Decimal | None) -> Any:
        return None if value is None else int((value * SQLITE_MONEY_SCALE).to_integral_value())

    def to_uid(self, value: Any) -> UUID | None:
        return None if value is None else UUID(value)

    def to_ts(self, value: Any) -> datetime | None:
        return None if value is None else datetime.fromisoformat(value)

    def to_day(self, value: Any) -> date | None:
        return None if value is None else date.fromisoformat(value)

    def to_money(self, value: Any) -> Decimal | None:
        return None if value is None else Decimal(value) / SQLITE_MONEY_SCALE


_SQLITE_ERRORS: dict[type, type[Exception]] = {
    sqlite3.OperationalError: persistence.OperationalError,
    sqlite3.IntegrityError: persistence.IntegrityError,
    sqlite3.ProgrammingError: persistence.ProgrammingError,
    sqlite3.DataError: persistence.DataError,
    sqlite3.InterfaceError: persistence.InterfaceError,
    sqlite3.DatabaseError: persistence.DatabaseError,
}


def is_missing_table(exc: BaseException) -> bool:
    """A query on a generation that a rebuild has just dropped."""
    text = str(exc)
    return "no such table" in text or ("relation" in text and "does not exist" in text)


def read_path(events_path: str) -> str:
    path = Path(events_path)
    return str(path.with_name(f"{path.stem}.read{path.suffix or '.db'}"))


def open_read_store(settings: Settings) -> ReadStore:
    env = store_env(settings, settings.read_pool_size)
    if settings.is_postgres:
        factory = PostgresFactory(Environment("loyalty", env))
        datastore: PostgresDatastore = factory.datastore
        name_connections(datastore, settings.connection_name("read"))
        return ReadStore("postgres", datastore, datastore.schema, "loyalty_events")
    events_path = env["SQLITE_DBNAME"]
    factory_env = {**env, "SQLITE_DBNAME": read_path(events_path)}
    sqlite_datastore: SQLiteDatastore = SQLiteFactory(Environment("loyalty", factory_env)).datastore
    return ReadStore("sqlite", sqlite_datastore, "main", "stored_events", events_path=events_path)
