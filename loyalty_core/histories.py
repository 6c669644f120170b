"""Many cold members loaded at once: each one's newest snapshot and the events after it, in ONE query.

Group commit decides a batch in one thread. Loading each cold member there when its command is decided cost
one round trip after another (`Repository.get`: a snapshot read, then the events), which every other command
of the batch waited for; on a freshly started server that was most of the decider's time. `warm_members`
reads what `Repository.get` would read for every cold member of the batch in one statement, folds each with
the store's own `project_stored_member`, and puts the states in the member cache, where the batch then finds
them. It only reads: a history that does not fold cleanly (an old snapshot layout, a gap) is left out, and
`load_member` later says why. Stores without this query (SQLite, test doubles) load one at a time as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Sequence
from uuid import UUID

from loyalty_core.sealing import _quoted

# Each aggregate's newest snapshot, then its events after that snapshot (all of them without one). LATERAL, so
# each part is an index scan on the primary key (originator_id, originator_version) whatever the statistics say;
# OFFSET 0 keeps the planner from flattening the events' part into a hash join over the whole table (chosen on
# a table not yet analysed: 70-110 ms for 30 members instead of well under one).
_WITH_SNAPSHOTS = """
WITH wanted AS (SELECT DISTINCT unnest(%b::uuid[]) AS id),
snap AS (
    SELECT w.id AS originator_id, s.originator_version, s.topic, s.state
    FROM wanted w CROSS JOIN LATERAL (
        SELECT originator_version, topic, state FROM {snapshots} s WHERE s.originator_id = w.id
        ORDER BY s.originator_version DESC LIMIT 1) s)
SELECT originator_id, originator_version, topic, state, true AS snap FROM snap
UNION ALL
SELECT w.id, e.originator_version, e.topic, e.state, false
FROM wanted w LEFT JOIN snap ON snap.originator_id = w.id
CROSS JOIN LATERAL (
    SELECT originator_version, topic, state FROM {events} e
    WHERE e.originator_id = w.id AND e.originator_version > coalesce(snap.originator_version, 0)
    ORDER BY e.originator_version OFFSET 0) e
ORDER BY 1, 5 DESC, 2"""

_WITHOUT_SNAPSHOTS = """
SELECT w.id AS originator_id, e.originator_version, e.topic, e.state, false AS snap
FROM (SELECT DISTINCT unnest(%b::uuid[]) AS id) w CROSS JOIN LATERAL (
    SELECT originator_version, topic, state FROM {events} e WHERE e.originator_id = w.id
    ORDER BY e.originator_version OFFSET 0) e
ORDER BY 1, 2"""


@dataclass(frozen=True)
class StoredRow:
    """A stored event or snapshot as the library's mapper reads it (the fields of its `StoredEvent`)."""

    originator_id: UUID
    originator_version: int
    topic: str
    state: bytes


def select_histories(recorder: Any, originator_ids: Sequence[UUID],
                     snapshots_table: str | None) -> list[StoredRow] | None:
    """The newest snapshot and later events of each aggregate, in originator then version order (the snapshot
    first); None when `recorder` is not a PostgreSQL one with uuid ids."""
    datastore = getattr(recorder, "datastore", None)
    if getattr(datastore, "originator_id_type", None) != "uuid" or not hasattr(datastore, "schema"):
        return None
    schema = _quoted(datastore.schema)
    events = f"{schema}.{_quoted(recorder.events_table_name)}"
    sql = (_WITHOUT_SNAPSHOTS.format(events=events) if snapshots_table is None else
           _WITH_SNAPSHOTS.format(events=events, snapshots=f"{schema}.{_quoted(snapshots_table)}"))
    with datastore.get_connection() as conn, conn.cursor() as curs:
        curs.execute(sql, [list(originator_ids)], prepare=True)
        rows = curs.fetchall()
    return [StoredRow(row["originator_id"], row["originator_version"], row["topic"], bytes(row["state"]))
            for row in rows]


def warm_members(store: Any, member_ids: Iterable[UUID]) -> int:
    """Put the members of `member_ids` not yet in `store`'s cache there, read in one query; how many."""
    from loyalty_core.errors import LedgerIntegrityError
    from loyalty_core.ledger import StaleSnapshot, project_stored_member, store_failures
    from loyalty_core.member import Member

    wanted = [m for m in dict.fromkeys(member_ids) if store.members.get(m) is None]
    if not wanted:
        return 0
    snapshots = getattr(getattr(store, "snapshots", None), "recorder", None)
    vault = getattr(store.mapper, "vault", None)
    with store_failures():
        rows = select_histories(store.recorder, wanted, getattr(snapshots, "events_table_name", None))
        if rows and vault is not None:  # their data keys in one query too, not one per member as decoded
            vault.warm(wanted)
    if rows is None:
        return 0
    loaded = 0
    for events in _by_aggregate(store, rows).values():
        try:
            member = project_stored_member(None, events)
        except (StaleSnapshot, LedgerIntegrityError):
            continue
        if isinstance(member, Member):
            store.members.put(member)
            loaded += 1
    return loaded


def load_claims(store: Any, claim_ids: Iterable[UUID]) -> dict[UUID, Any]:
    """The claims of `claim_ids` that exist, read in one query and folded as `store.load_claim` folds them.

    For a batch of captures and cancellations: each names its reservation, whose claim says whose it is, and
    the decider read those one round trip after another. A claim not found here is left out, and
    `load_claim` looks it up itself (it also knows a previous release's claim ids). Empty where the store has
    no such query (SQLite, test doubles)."""
    from loyalty_core.ledger import project_claim, store_failures

    wanted = list(dict.fromkeys(claim_ids))
    if not wanted or not hasattr(store, "recorder"):
        return {}
    with store_failures():
        rows = select_histories(store.recorder, wanted, None)
    if not rows:
        return {}
    claims = {}
    for claim_id, events in _by_aggregate(store, rows).items():
        claim = project_claim(None, events)
        if claim is not None:
            claims[claim_id] = claim
    return claims


def _by_aggregate(store: Any, rows: list[StoredRow]) -> dict[UUID, list[Any]]:
    """The rows decoded by the store's mapper (personal fields opened), each aggregate's in stored order."""
    histories: dict[UUID, list[Any]] = {}
    for row in rows:
        histories.setdefault(row.originator_id, []).append(store.mapper.to_domain_event(row))
    return histories
