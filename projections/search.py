"""Member search for staff: by part of a phone number, a name or a member code.

A directory row per member (name, tier) and a row per linked identifier, from `MemberEnrolled`,
`ProfileUpdated`, `TierChanged` and `IdentifierLinked`/`IdentifierUnlinked`. Each row carries a search
key: phone digits with the country code (`84901234567`, so `0901234567`, `901234567` and `4567` all
match), lower-case emails and codes, and names without Vietnamese diacritics (`nguyen van an` finds
"Nguyễn Văn An"). QR tokens are not searchable: a partial token must never find a member.

Lookup by an exact identifier does not need this: the service reads the identifier's claim, which is
consistent at once. Search is for the CSKH agent who has half a phone number.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Sequence
from uuid import UUID

from loyalty_core import events as ev
from projections.base import ReadProjection
from projections.readstore import Tx
from projections.view import PostgresView, SQLiteView, View

SEARCHABLE = ("phone", "email", "member_code", "channel_id")
_PHONE_LIKE = re.compile(r"^[0-9+\-. ()]+$")


def fold(text: str | None) -> str:
    """Lower case, without diacritics: "Nguyễn Đức" -> "nguyen duc"."""
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return " ".join(stripped.lower().split())


def search_key(kind: str, value: str) -> str:
    return re.sub(r"\D", "", value) if kind == "phone" else value.lower()


def query_keys(q: str) -> tuple[str, str | None]:
    """The folded text, and the digits to look for in phone numbers ("0901 234" -> "84901234")."""
    text = fold(q)
    digits = re.sub(r"\D", "", q)
    if len(digits) < 3 or not _PHONE_LIKE.match(q.strip()):
        return text, None
    if digits.startswith("0"):
        digits = "84" + digits[1:]  # a Vietnamese number typed the local way
    return text, digits


class SearchView(View):
    name = "member_search"
    TABLES = {
        "member_directory": "member_id {uuid} PRIMARY KEY, name {text}, name_folded {text} NOT NULL, "
                            "tier {text} NOT NULL, enrolled_at {ts} NOT NULL",
        "member_identifiers": "member_id {uuid} NOT NULL, kind {text} NOT NULL, value {text} NOT NULL, "
                              "search {text} NOT NULL, version {int} NOT NULL, "
                              "PRIMARY KEY (member_id, kind, value)",
    }

    def write(self, tx: Tx, enrolled: list[tuple], names: dict[UUID, str | None], tiers: dict[UUID, str],
              links: dict[tuple, int | None]) -> None:
        columns = ("member_id", "name", "name_folded", "tier", "enrolled_at")
        tx.upsert(self.tables["member_directory"], columns,
                  [(tx.uid(m), name, fold(name), tier, tx.ts(at)) for m, name, tier, at in enrolled],
                  "ON CONFLICT (member_id) DO UPDATE SET "
                  + ", ".join(f"{c} = excluded.{c}" for c in columns[1:]))
        tx.many(self.sql("UPDATE {member_directory} SET name = ?, name_folded = ? WHERE member_id = ?"),
                [(name, fold(name), tx.uid(m)) for m, name in names.items()])
        tx.many(self.sql("UPDATE {member_directory} SET tier = ? WHERE member_id = ?"),
                [(tier, tx.uid(m)) for m, tier in tiers.items()])
        tx.many(self.sql("DELETE FROM {member_identifiers} WHERE member_id = ? AND kind = ? AND value = ?"),
                [(tx.uid(m), k, v) for (m, k, v), version in links.items() if version is None])
        tx.upsert(self.tables["member_identifiers"], ("member_id", "kind", "value", "search", "version"),
                  [(tx.uid(m), k, v, search_key(k, v), version) for (m, k, v), version in links.items()
                   if version is not None],
                  "ON CONFLICT (member_id, kind, value) DO UPDATE SET version = excluded.version")

    def find(self, tx: Tx, text: str, digits: str | None, limit: int) -> list[tuple]:
        conditions, params = ["d.name_folded LIKE ?"], [f"%{text}%"]
        kinds = ", ".join(f"'{k}'" for k in SEARCHABLE)
        conditions.append(f"d.member_id IN (SELECT member_id FROM {{member_identifiers}} "
                          f"WHERE kind IN ({kinds}) AND search LIKE ?)")
        params.append(f"%{text.replace(' ', '')}%")
        if digits:
            conditions.append("d.member_id IN (SELECT member_id FROM {member_identifiers} "
                              "WHERE kind = 'phone' AND search LIKE ?)")
            params.append(f"%{digits}%")
        sql = (f"SELECT d.member_id, d.name, d.tier FROM {{member_directory}} d "
               f"WHERE {' OR '.join(conditions)} ORDER BY d.name_folded, d.member_id LIMIT ?")
        return [(tx.to_uid(m), name, tier) for m, name, tier in tx.run(self.sql(sql), [*params, limit])]

    def identifiers(self, tx: Tx, member_ids: Sequence[UUID]) -> dict[UUID, list[tuple[str, str]]]:
        """Each member's identifiers in the order they were linked."""
        found: dict[UUID, list[tuple[str, str]]] = {m: [] for m in member_ids}
        for chunk in tx.chunks(member_ids):
            where_sql, params = tx.any_of("member_id", [tx.uid(m) for m in chunk])
            sql = self.sql("SELECT member_id, kind, value FROM {member_identifiers} WHERE ") + where_sql + \
                " ORDER BY version"
            for member_id, kind, value in tx.run(sql, params):
                found[tx.to_uid(member_id)].append((kind, value))  # type: ignore[index]
        return found

    def directory(self, tx: Tx, member_ids: Sequence[UUID]) -> dict[UUID, tuple[str | None, str]]:
        found = {}
        for chunk in tx.chunks(member_ids):
            where_sql, params = tx.any_of("member_id", [tx.uid(m) for m in chunk])
            sql = self.sql("SELECT member_id, name, tier FROM {member_directory} WHERE ") + where_sql
            for member_id, name, tier in tx.run(sql, params):
                found[tx.to_uid(member_id)] = (name, tier)
        return found


class SQLiteSearchView(SearchView, SQLiteView):
    pass


class PostgresSearchView(SearchView, PostgresView):
    pass


class SearchProjection(ReadProjection):
    name = "member_search"
    handles = (ev.MemberEnrolled, ev.ProfileUpdated, ev.TierChanged, ev.IdentifierLinked,
               ev.IdentifierUnlinked)
    views = {"sqlite": SQLiteSearchView, "postgres": PostgresSearchView}
    view: SearchView

    def apply(self, tx: Tx, events: Sequence[tuple[int, Any]]) -> None:
        enrolled: dict[UUID, list[Any]] = {}
        names: dict[UUID, str | None] = {}
        tiers: dict[UUID, str] = {}
        links: dict[tuple, int | None] = {}
        for _, e in events:
            m = e.originator_id
            if isinstance(e, ev.MemberEnrolled):
                enrolled[m] = [m, e.name, e.tier, e.timestamp]
            elif isinstance(e, ev.ProfileUpdated) and "name" in e.changes:
                self._set(enrolled, names, m, 1, e.changes["name"])
            elif isinstance(e, ev.TierChanged):
                self._set(enrolled, tiers, m, 2, e.to_tier)
            elif isinstance(e, (ev.IdentifierLinked, ev.IdentifierUnlinked)) and e.kind not in SEARCHABLE:
                continue  # QR tokens are credentials: the read side never holds them
            elif isinstance(e, ev.IdentifierLinked):
                links.pop((m, e.kind, e.value), None)  # re-linked: it goes to the end of the order
                links[(m, e.kind, e.value)] = e.originator_version
            elif isinstance(e, ev.IdentifierUnlinked):
                links[(m, e.kind, e.value)] = None
        self.view.write(tx, [tuple(row) for row in enrolled.values()], names, tiers, links)

    @staticmethod
    def _set(enrolled: dict[UUID, list[Any]], changes: dict, member_id: UUID, index: int, value: Any) -> None:
        # A member enrolled in this same batch has no row yet: change the row about to be inserted.
        if member_id in enrolled:
            enrolled[member_id][index] = value
        else:
            changes[member_id] = value
