"""Pooled PostgreSQL connections are checked before they are lent, and a dead one purges its pool.

After a database restart every idle pooled connection is dead, and the process only finds out when it
uses one. Checking each connection before lending it (psycopg_pool's `check`, the library's
`POSTGRES_PRE_PING`) finds them, but psycopg_pool backs off after each failed check (1 s, 2 s, 4 s ...), so
a pool of ten dead connections still fails its next request with a timeout. `check_and_purge` checks the
connection the same way and, when it is dead, checks every other idle connection of the pool at once
(`pool.check()`, which discards the broken ones and opens replacements): the request waits one back-off
step and gets a live connection. Used for every pool the API and the worker hold: the API tables, the event store's and
the read side's.

The check costs a round trip, and a request checks out four or five connections: on every checkout it was 8 % of
the API's CPU under load. So a connection lent less than `FRESH_SECONDS` ago is checked without a round trip:
its socket is polled, and anything waiting there (the server's "terminating connection" message or the closed
socket a restart leaves behind) sends it to the full check. A healthy idle connection has nothing to read
(nothing here LISTENs on pooled connections). A connection idle longer is pinged as before, which also finds
what a poll cannot: a server that vanished without closing the socket (a host or network failure).
"""

from __future__ import annotations

import logging
import select
import time
from typing import Any

from psycopg_pool import ConnectionPool

log = logging.getLogger("loyalty.pools")


FRESH_SECONDS = 3.0
"""A connection lent this recently is checked by polling its socket, not by a round trip."""


def check_and_purge(conn: Any) -> None:
    """A pool `check` callback: raise if `conn` is dead, after purging the pool of its other dead ones."""
    now = time.monotonic()
    lent_at = getattr(conn, "_loyalty_lent_at", None)
    conn._loyalty_lent_at = now  # noqa: SLF001 - our own mark on the connection
    if lent_at is not None and now - lent_at < FRESH_SECONDS and not _has_input(conn):
        return
    try:
        ConnectionPool.check_connection(conn)
    except Exception:
        pool = getattr(conn, "_pool", None)  # set by the pool before it calls the check
        if pool is not None:
            log.warning("a pooled connection of %r was dead (database restarted?): checking the others", pool.name)
            pool.check()
        raise


def _has_input(conn: Any) -> bool:
    """Whether the server sent anything to an idle connection (an error before it closed, or the EOF)."""
    try:
        fd = conn.pgconn.socket
    except Exception:  # closed: libpq has no socket any more
        return True
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


def name_connections(datastore: Any, application_name: str) -> None:
    """Give every connection a library datastore's pool opens from now on this `application_name`, so
    pg_stat_activity says which process and pool holds it (the library offers no setting for it).
    Call before the pool first connects: it opens lazily, on the first transaction."""
    pool = getattr(datastore, "pool", None)
    if isinstance(pool, ConnectionPool) and isinstance(pool.kwargs, dict):
        pool.kwargs["application_name"] = application_name


def harden(datastore: Any) -> None:
    """Make a library datastore's pool check and purge (SQLite datastores have no pool: nothing to do)."""
    pool = getattr(datastore, "pool", None)
    if isinstance(pool, ConnectionPool):
        # The eventsourcing library builds the pool itself and only offers a plain pre-ping (its `check`).
        pool._check = check_and_purge  # noqa: SLF001 - psycopg_pool reads it on every getconn
