"""Every event sealed in its own transaction, and the auditor's verify naming every row changed behind the
application's back, on both stores: rows edited, deleted, inserted and swapped with SQL, seals rewritten,
a whole log re-sealed by someone with write access (caught only by a signed checkpoint)."""

from __future__ import annotations

import json
import sqlite3
import threading
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from loyalty_cli.main import app
from loyalty_core import commands as c
from loyalty_core.sealing import GENESIS, row_digest, seal
from loyalty_core.settings import Settings
from projections.audit_run import verify_store
from projections.readstore import open_read_store
from tests.builders import key, ledger
from tests.integration.test_projections_support import with_purchases


def _story(url: str, members: int = 3) -> int:
    """A few members with purchases and redemptions; returns the last notification id."""
    with ledger(url) as service:
        with_purchases(service)
        for i in range(members):
            ref = c.MemberRef(member_id=service.execute(c.EnrollMember(
                idempotency_key=key(), phone=f"09097700{i:02d}", channel="pos")).member_id)
            service.execute(c.RecordPurchase(idempotency_key=key(), member=ref, transaction_ref=f"S{i}",
                                             total=Decimal(300_000), channel="pos", store_id="S1"))
            service.execute(c.RedeemPoints(idempotency_key=key(), member=ref, points=5, order_ref=f"R{i}"))
        return service.store.max_notification_id()


class Tamper:
    """SQL behind the application's back, on the events table (`{events}`) or the seals table (`{seals}`)."""

    def __init__(self, url: str):
        self.url, self.sqlite = url, url.startswith("sqlite")

    def run(self, sql: str, params: tuple = ()) -> list[tuple]:
        if self.sqlite:
            conn = sqlite3.connect(self.url.removeprefix("sqlite:///"))
            sql = sql.replace("{events}", "stored_events").replace("{id}", "rowid").replace("{seals}", "event_seals")
            rows = conn.execute(sql.replace("%s", "?"), params).fetchall()
            conn.commit()
            conn.close()
            return rows
        store = open_read_store(Settings(database_url=self.url))
        try:
            with store.transaction() as tx:
                sql = (sql.replace("{events}", store.table("loyalty_events")).replace("{id}", "notification_id")
                       .replace("{seals}", store.table("loyalty_events_seals")))
                return tx.run(sql.replace("%s", "?"), list(params))
        finally:
            store.close()

    def swap(self, a: int, b: int) -> None:
        for old, new in ((a, -999), (b, a), (-999, b)):
            self.run("UPDATE {events} SET {id} = %s WHERE {id} = %s", (new, old))

    def reseal_everything(self) -> None:
        """What an attacker with write access does after editing rows: recompute every seal consistently."""
        rows = self.run("SELECT {id}, originator_id, originator_version, topic, state FROM {events} ORDER BY {id}")
        self.run("DELETE FROM {seals}")
        previous = GENESIS
        for nid, origin, version, topic, state in rows:
            digest = row_digest(origin, version, topic, bytes(state))
            previous = seal(previous, nid, digest)
            self.run("INSERT INTO {seals} VALUES (%s, %s, %s)", (nid, digest, previous))


def _problems(url: str) -> list[tuple[str, int]]:
    result = verify_store(Settings(database_url=url))
    assert not result.ok
    return [(p.kind, p.position) for p in result.problems]


def _cli(url: str, *args: str, **env: str):
    return CliRunner().invoke(app, list(args), env={"LOYALTY_DATABASE_URL": url, **env}, catch_exceptions=False)


def test_every_event_is_sealed_when_written_so_an_untouched_log_verifies_in_full(database_url):
    head = _story(database_url)
    result = verify_store(Settings(database_url=database_url))
    assert result.ok and result.problems == []
    assert result.checked == result.events == result.seals == head and result.head == head
    cli = _cli(database_url, "audit", "verify")
    assert cli.exit_code == 0 and json.loads(cli.stdout)["checked"] == head


def test_a_row_edited_right_after_it_was_written_is_named_there_is_no_unsealed_window(database_url):
    head = _story(database_url)
    Tamper(database_url).run("UPDATE {events} SET state = %s WHERE {id} = %s", (b'{"points": 9999}', head))
    assert _problems(database_url) == [("altered", head)]
    cli = _cli(database_url, "audit", "verify")
    assert cli.exit_code == 1 and f"altered@{head}" in cli.stdout


def test_events_without_any_seal_are_a_failure_not_a_success(database_url):
    head = _story(database_url, members=1)
    Tamper(database_url).run("DELETE FROM {seals}")
    assert _problems(database_url) == [("inserted", i) for i in range(1, head + 1)]
    result = verify_store(Settings(database_url=database_url))
    assert result.checked == 0 and result.events == head


def test_deleted_rows_are_named_in_the_middle_and_at_the_end_and_new_writes_stay_sealed(database_url):
    head = _story(database_url)
    tamper = Tamper(database_url)
    tamper.run("DELETE FROM {events} WHERE {id} IN (%s, %s)", (4, head))
    # SQLite would hand the deleted last id to the next write; the sealing recorder moves past it.
    with ledger(database_url) as service:
        service.execute(c.EnrollMember(idempotency_key=key(), phone="0909770099"))
        newest = service.store.max_notification_id()
    assert newest > head
    assert _problems(database_url) == [("deleted", 4), ("deleted", head)]


def test_a_row_inserted_by_hand_is_named(database_url):
    _story(database_url, members=1)
    nobody = "0" * 32 if database_url.startswith("sqlite") else "00000000-0000-0000-0000-000000000000"
    Tamper(database_url).run("INSERT INTO {events} (originator_id, originator_version, topic, state, {id}) "
                             "VALUES (%s, 1, 'loyalty_core.events:PointsAdjusted', %s, 0)", (nobody, b"{}"))
    assert _problems(database_url) == [("inserted", 0)]


def test_swapped_rows_are_both_named_as_reordered(database_url):
    _story(database_url)
    Tamper(database_url).swap(3, 7)
    result = verify_store(Settings(database_url=database_url))
    assert [(p.kind, p.position, p.detail) for p in result.problems] == [
        ("reordered", 3, "holds the row sealed at position 7"), ("reordered", 7, "holds the row sealed at position 3")]


def test_a_rewritten_seal_is_named(database_url):
    _story(database_url)
    Tamper(database_url).run("UPDATE {seals} SET seal = %s WHERE notification_id = %s", (bytes(32), 5))
    # The seal at 5 no longer follows from 4, and the one at 6 no longer follows from it.
    assert _problems(database_url) == [("resealed", 5), ("resealed", 6)]


def test_writers_racing_from_many_threads_leave_one_unbroken_chain(database_url):
    with ledger(database_url) as service:
        def enrol(n: int) -> None:
            for i in range(8):
                service.execute(c.EnrollMember(idempotency_key=key(), phone=f"0909{n:02d}{i:04d}"))
        threads = [threading.Thread(target=enrol, args=(n,)) for n in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        head = service.store.max_notification_id()
    result = verify_store(Settings(database_url=database_url))
    assert result.ok and result.events == result.checked >= 6 * 8


def test_a_signed_checkpoint_proves_a_fully_resealed_history_was_changed(database_url, tmp_path):
    head = _story(database_url)
    keyfile = tmp_path / "auditor" / "key.pem"
    made = _cli(database_url, "audit", "keygen", "--out", str(keyfile))
    assert made.exit_code == 0 and (keyfile.stat().st_mode & 0o777) == 0o600
    digest = tmp_path / "digest.json"
    signed = _cli(database_url, "audit", "checkpoint", "--out", str(digest), LOYALTY_AUDIT_KEY_FILE=str(keyfile))
    assert signed.exit_code == 0, signed.output
    assert json.loads(digest.read_text())["position"] == head
    pub = f"{keyfile}.pub"
    ok = _cli(database_url, "audit", "verify", "--against", str(digest), "--public-key", pub)
    assert ok.exit_code == 0 and json.loads(ok.stdout)["against"]["pinned_key"] is True

    tamper = Tamper(database_url)
    tamper.run("UPDATE {events} SET state = %s WHERE {id} = %s", (b'{"points": 1}', 4))
    tamper.reseal_everything()
    assert verify_store(Settings(database_url=database_url)).ok  # the seals alone are fooled...
    caught = _cli(database_url, "audit", "verify", "--against", str(digest), "--public-key", pub)
    assert caught.exit_code == 1 and f"checkpoint@{head}" in caught.stdout  # ...the signed digest is not


def test_a_forged_or_foreign_digest_is_refused_with_a_clear_message(database_url, tmp_path):
    _story(database_url, members=1)
    keys = {name: tmp_path / f"{name}.pem" for name in ("auditor", "intruder")}
    for path in keys.values():
        assert _cli(database_url, "audit", "keygen", "--out", str(path)).exit_code == 0
    digest = tmp_path / "d.json"
    assert _cli(database_url, "audit", "checkpoint", "--key", str(keys["intruder"]),
                "--out", str(digest)).exit_code == 0
    foreign = _cli(database_url, "audit", "verify", "--against", str(digest), "--public-key", f"{keys['auditor']}.pub")
    assert foreign.exit_code == 2 and "signature does not match" in foreign.output
    document = json.loads(digest.read_text())
    document["events"] += 1
    digest.write_text(json.dumps(document))
    edited = _cli(database_url, "audit", "verify", "--against", str(digest))
    assert edited.exit_code == 2 and "signature does not match" in edited.output
    (tmp_path / "junk.json").write_text("not json")
    assert "is not a checkpoint" in _cli(database_url, "audit", "verify", "--against",
                                         str(tmp_path / "junk.json")).output
    no_key = _cli(database_url, "audit", "checkpoint", "--out", str(digest))
    assert no_key.exit_code == 2 and "no signing key" in no_key.output
    again = _cli(database_url, "audit", "keygen", "--out", str(keys["auditor"]))
    assert again.exit_code == 2 and "refusing to overwrite" in again.output


def test_a_checkpoint_is_refused_on_a_log_that_does_not_verify(database_url, tmp_path):
    _story(database_url, members=1)
    keyfile = tmp_path / "k.pem"
    _cli(database_url, "audit", "keygen", "--out", str(keyfile))
    Tamper(database_url).run("DELETE FROM {events} WHERE {id} = %s", (2,))
    refused = _cli(database_url, "audit", "checkpoint", "--key", str(keyfile), "--out", str(tmp_path / "d.json"))
    assert refused.exit_code == 1 and "does not verify" in refused.output
    assert not (tmp_path / "d.json").exists()


def test_an_event_whose_seal_cannot_be_written_is_not_written_either(database_url):
    """Events and seals share one transaction: a failing seal insert takes the events with it."""
    _story(database_url, members=1)
    tamper = Tamper(database_url)
    if tamper.sqlite:
        tamper.run("CREATE TRIGGER refuse BEFORE INSERT ON {seals} BEGIN SELECT RAISE(ABORT, 'no seal'); END")
    else:
        tamper.run("CREATE FUNCTION refuse_seal() RETURNS trigger LANGUAGE plpgsql AS "
                   "$$ BEGIN RAISE EXCEPTION 'no seal'; END $$")
        tamper.run("CREATE TRIGGER refuse BEFORE INSERT ON {seals} FOR EACH ROW EXECUTE FUNCTION refuse_seal()")
    before = tamper.run("SELECT count(*) FROM {events}")[0][0]
    with ledger(database_url) as service, pytest.raises(Exception):  # the store's refusal, whatever its type
        service.execute(c.EnrollMember(idempotency_key=key(), phone="0909770055"))
    assert tamper.run("SELECT count(*) FROM {events}")[0][0] == before
    tamper.run("DROP TRIGGER refuse" if tamper.sqlite else "DROP TRIGGER refuse ON {seals}")
    assert verify_store(Settings(database_url=database_url)).ok


def test_verify_on_a_store_that_does_not_exist_says_so_instead_of_passing(tmp_path):
    result = _cli(f"sqlite:///{tmp_path}/missing.db", "audit", "verify")
    assert result.exit_code == 2 and "no events database" in result.output


def _legacy_store(url: str) -> int:
    """A store upgraded from a version without seals: old rows unsealed, new rows sealed from the start."""
    old = _story(url, members=2)
    Tamper(url).run("DELETE FROM {seals}")
    with ledger(url) as service:
        service.execute(c.EnrollMember(idempotency_key=key(), phone="0909770088"))
    return old


def test_adopt_seals_the_rows_written_before_sealing_existed_and_only_those(database_url):
    old = _legacy_store(database_url)
    assert _problems(database_url) == [("inserted", i) for i in range(1, old + 1)]
    adopted = _cli(database_url, "audit", "adopt")
    assert adopted.exit_code == 0, adopted.output
    assert json.loads(adopted.stdout)["adopted"] == old
    result = verify_store(Settings(database_url=database_url))
    assert result.ok and result.checked == result.events
    with ledger(database_url) as service:  # writes go on sealing after the adopted history
        service.execute(c.EnrollMember(idempotency_key=key(), phone="0909770089"))
    assert verify_store(Settings(database_url=database_url)).ok


@pytest.mark.parametrize("tampering", ["inserted_among_sealed", "sealed_row_altered"])
def test_adopt_refuses_to_launder_a_tampered_log(database_url, tampering):
    old = _legacy_store(database_url)
    tamper = Tamper(database_url)
    if tampering == "inserted_among_sealed":
        tamper.run("DELETE FROM {seals} WHERE notification_id = (SELECT max(notification_id) FROM {seals})")
        with ledger(database_url) as service:
            service.execute(c.EnrollMember(idempotency_key=key(), phone="0909770090"))
    else:
        tamper.run("UPDATE {events} SET state = %s WHERE {id} = %s", (b"{}", old + 1))
    refused = _cli(database_url, "audit", "adopt")
    assert refused.exit_code == 1 and "refused" in refused.output
    assert not verify_store(Settings(database_url=database_url)).ok
