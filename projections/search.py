"""Member search for staff: by part of a phone number, a name or a member code.

A directory row per member (name, tier) and a row per linked identifier, from `MemberEnrolled`,
`ProfileUpdated`, `TierChanged` and `IdentifierLinked`/`IdentifierUnlinked`. Each row carries a search
key: phone digits with the country code (`84901234567`, so `0901234567`, `901234567` and `4567` all
match), lower-case emails and codes, and names without Vietnamese diacritics (`nguyen van an` finds
"Nguyễn Văn An"). QR tokens are not searchable: a partial token must never find a member.

Lookup by an exact identifier does not need this: the service reads the identifier's claim, which is
consistent at once. Search is for the CSKH agent who has half a phone number.

No plaintext personal data is kept here (docs/privacy.md): names and phone, email and channel-id values are
stored sealed under the member's key (the vault opens them to show a hit), and what is searched are keyed
hashes (the store's lookup key): of each folded name word and its prefixes, of the phone's leading digits
(`84901…`, from 4 digits) and trailing digits (`…4567`, from 4), of a whole email and its local part. So a
name is found by its words or their beginnings, no longer by any inner substring. Member codes are not
personal and are searched as before. `PersonalDataErased` deletes the member's identifier rows and name.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any, Sequence
from uuid import UUID

from loyalty_core import events as ev
from loyalty_core.privacy import lookup
from loyalty_core.privacy.lookup import PERSONAL_KINDS
from loyalty_core.privacy.tokens import is_erased
from loyalty_core.privacy.vault import current as current_vault
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


def token(label: str, text: str) -> str:
    """A keyed hash of one searchable piece, short enough to keep many per row (80 bits)."""
    if not lookup.installed():  # no store opened in this process (pure tests): same shape, unkeyed
        return "t" + hashlib.sha256(f"search/{label}\x00{text}".encode()).hexdigest()[:20]
    return "t" + lookup.digest("search/" + label, text).hex()[:20]


def name_tokens(name: str | None) -> str:
    """The tokens of every beginning of every folded word of the name ("ngoc" -> n, ng, ngo, ngoc)."""
    if name is None or is_erased(name):
        return ""
    words = fold(name).split()
    return " ".join(dict.fromkeys(token("name", w[:n]) for w in words for n in range(1, len(w) + 1)))


def identifier_tokens(kind: str, value: str) -> str:
    """The row's tokens, its whole value's first (an unlink finds the row by it)."""
    key = search_key(kind, value)
    pieces = [key]
    if kind == "phone":
        pieces += [key[:n] for n in range(4, len(key))] + [key[-n:] for n in range(4, len(key))]
    elif kind == "email":
        pieces.append(key.split("@")[0])
    return " ".join(dict.fromkeys(token(kind, p) for p in pieces))


def _sealed(member_id: UUID, field: str, value: str | None) -> str | None:
    if value is None or is_erased(value):
        return None  # read after the member's key was destroyed: nothing to keep
    vault = current_vault()
    return value if vault is None else vault.seal(member_id, field, value)


def shown(member_id: UUID, field: str, value: str | None) -> str | None:
    """A stored name or identifier value as staff see it ("đã xoá" once the member was erased)."""
    vault = current_vault()
    return value if vault is None or value is None else vault.unseal(member_id, field, value)


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
              links: dict[tuple, int | None], erased: Sequence[UUID] = ()) -> None:
        columns = ("member_id", "name", "name_folded", "tier", "enrolled_at")
        tx.upsert(self.tables["member_directory"], columns,
                  [(tx.uid(m), _sealed(m, "name", name), name_tokens(name), tier, tx.ts(at))
                   for m, name, tier, at in enrolled],
                  "ON CONFLICT (member_id) DO UPDATE SET "
                  + ", ".join(f"{c} = excluded.{c}" for c in columns[1:]))
        tx.many(self.sql("UPDATE {member_directory} SET name = ?, name_folded = ? WHERE member_id = ?"),
                [(_sealed(m, "name", name), name_tokens(name), tx.uid(m)) for m, name in names.items()])
        tx.many(self.sql("UPDATE {member_directory} SET tier = ? WHERE member_id = ?"),
                [(tier, tx.uid(m)) for m, tier in tiers.items()])
        # A sealed value differs at every write (random nonce), so a personal row is found by its whole
        # value's token (the first of its `search`), and replaced rather than upserted.
        personal = {(m, k, v): version for (m, k, v), version in links.items()
                    if k in PERSONAL_KINDS and not is_erased(v)}
        tx.many(self.sql("DELETE FROM {member_identifiers} WHERE member_id = ? AND kind = ? AND value = ?"),
                [(tx.uid(m), k, v) for (m, k, v), version in links.items()
                 if version is None and k not in PERSONAL_KINDS])
        tx.many(self.sql("DELETE FROM {member_identifiers} WHERE member_id = ? AND kind = ? AND search LIKE ?"),
                [(tx.uid(m), k, identifier_tokens(k, v).split(" ")[0] + "%") for m, k, v in personal])
        tx.upsert(self.tables["member_identifiers"], ("member_id", "kind", "value", "search", "version"),
                  [(tx.uid(m), k, _sealed(m, k, v), identifier_tokens(k, v), version)
                   for (m, k, v), version in personal.items() if version is not None]
                  + [(tx.uid(m), k, v, search_key(k, v), version) for (m, k, v), version in links.items()
                     if version is not None and k not in PERSONAL_KINDS],
                  "ON CONFLICT (member_id, kind, value) DO UPDATE SET version = excluded.version")
        if erased:
            self.store.checkpoint_due = True
        vault = current_vault()
        for m in erased:  # nothing personal stays: no sealed value, no keyed hash of one
            if vault is not None:  # this process may hold the destroyed key in its cache: drop it now
                vault.forget(m, erased=True)
            tx.run(self.sql("DELETE FROM {member_identifiers} WHERE member_id = ?"), [tx.uid(m)])
            tx.run(self.sql("UPDATE {member_directory} SET name = NULL, name_folded = '' WHERE member_id = ?"),
                   [tx.uid(m)])

    def find(self, tx: Tx, text: str, digits: str | None, limit: int) -> list[tuple]:
        conditions, params = [], []
        words = text.split()
        if words:  # every word of the query begins a word of the name
            conditions.append("(" + " AND ".join(["d.name_folded LIKE ?"] * len(words)) + ")")
            params += [f"%{token('name', w)}%" for w in words]
        compact = text.replace(" ", "")
        conditions.append("d.member_id IN (SELECT member_id FROM {member_identifiers} "
                          "WHERE kind = 'member_code' AND search LIKE ?)")
        params.append(f"%{compact}%")
        conditions.append("d.member_id IN (SELECT member_id FROM {member_identifiers} "
                          "WHERE (kind = 'email' AND search LIKE ?) OR (kind = 'channel_id' AND search LIKE ?))")
        params += [f"%{token('email', compact)}%", f"%{token('channel_id', compact)}%"]
        if digits:  # "0901…" was read as the start of 84901…; as typed it may also be the end of a number
            typed = re.sub(r"\D", "", text)
            conditions.append("d.member_id IN (SELECT member_id FROM {member_identifiers} "
                              "WHERE kind = 'phone' AND (search LIKE ? OR search LIKE ?))")
            params += [f"%{token('phone', digits)}%", f"%{token('phone', typed or digits)}%"]
        sql = (f"SELECT d.member_id, d.name, d.tier FROM {{member_directory}} d "
               f"WHERE {' OR '.join(conditions)} ORDER BY d.enrolled_at, d.member_id LIMIT ?")
        return [(tx.to_uid(m), shown(tx.to_uid(m), "name", name), tier)
                for m, name, tier in tx.run(self.sql(sql), [*params, limit])]

    def identifiers(self, tx: Tx, member_ids: Sequence[UUID]) -> dict[UUID, list[tuple[str, str]]]:
        """Each member's identifiers in the order they were linked."""
        found: dict[UUID, list[tuple[str, str]]] = {m: [] for m in member_ids}
        for chunk in tx.chunks(member_ids):
            where_sql, params = tx.any_of("member_id", [tx.uid(m) for m in chunk])
            sql = self.sql("SELECT member_id, kind, value FROM {member_identifiers} WHERE ") + where_sql + \
                " ORDER BY version"
            for member_id, kind, value in tx.run(sql, params):
                m = tx.to_uid(member_id)
                found[m].append((kind, shown(m, kind, value) if kind in PERSONAL_KINDS else value))  # type: ignore
        return found

    def directory(self, tx: Tx, member_ids: Sequence[UUID]) -> dict[UUID, tuple[str | None, str]]:
        found = {}
        for chunk in tx.chunks(member_ids):
            where_sql, params = tx.any_of("member_id", [tx.uid(m) for m in chunk])
            sql = self.sql("SELECT member_id, name, tier FROM {member_directory} WHERE ") + where_sql
            for member_id, name, tier in tx.run(sql, params):
                m = tx.to_uid(member_id)
                found[m] = (shown(m, "name", name), tier)
        return found


class SQLiteSearchView(SearchView, SQLiteView):
    pass


class PostgresSearchView(SearchView, PostgresView):
    pass


class SearchProjection(ReadProjection):
    name = "member_search"
    handles = (ev.MemberEnrolled, ev.ProfileUpdated, ev.TierChanged, ev.IdentifierLinked,
               ev.IdentifierUnlinked, ev.PersonalDataErased)
    views = {"sqlite": SQLiteSearchView, "postgres": PostgresSearchView}
    view: SearchView

    def apply(self, tx: Tx, events: Sequence[tuple[int, Any]]) -> None:
        enrolled: dict[UUID, list[Any]] = {}
        names: dict[UUID, str | None] = {}
        tiers: dict[UUID, str] = {}
        links: dict[tuple, int | None] = {}
        erased: list[UUID] = []
        for _, e in events:
            m = e.originator_id
            if isinstance(e, ev.PersonalDataErased):
                erased.append(m)
                names.pop(m, None)
                if m in enrolled:
                    enrolled[m][1] = None
                for link in [link for link in links if link[0] == m]:
                    del links[link]
            elif isinstance(e, ev.MemberEnrolled):
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
        self.view.write(tx, [tuple(row) for row in enrolled.values()], names, tiers, links, erased)

    @staticmethod
    def _set(enrolled: dict[UUID, list[Any]], changes: dict, member_id: UUID, index: int, value: Any) -> None:
        # A member enrolled in this same batch has no row yet: change the row about to be inserted.
        if member_id in enrolled:
            enrolled[member_id][index] = value
        else:
            changes[member_id] = value
