"""Rotating the key-encryption key (issue #16; loyalty_core/privacy/rotation.py, masterkeys.py key rings,
`loyalty keys …`), on both stores: members enrolled under KEK A; a ring with B current and A retired wraps new
members under B and still opens A's; the rotation rewraps every key under B in batches (resumable after a
crash, tombstones untouched); without A every member still opens, found by phone as before (the lookup key
does not change); a ring missing a row's KEK is a clear error, never "đã xoá"; and a backup of the key table
taken before an erasure no longer opens the erased member once A is gone: the point of rotating."""

from __future__ import annotations

import json
from pathlib import Path
from uuid import UUID

import pytest
from typer.testing import CliRunner

from loyalty_cli.main import app
from loyalty_core import commands as c
from loyalty_core.privacy import ERASED, masterkeys
from loyalty_core.privacy.erasure import erase_member
from loyalty_core.privacy.rotation import rotate
from loyalty_core.runtime import open_runtime
from loyalty_core.settings import Settings

SECRET_A = "kek-A-a-secret-of-more-than-32-characters-for-tests"


@pytest.fixture
def keys_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "keys"
    folder.mkdir()
    return folder


def key_file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


class Rings:
    """The key files of one rotation: A alone (today's format), B current with A retired, B alone."""

    def __init__(self, folder: Path):
        self.a = key_file(folder, "a.kek", SECRET_A + "\n")
        both = masterkeys.parse(SECRET_A, "a").with_new_kek()
        self.both = key_file(folder, "ab.kek", both.text())
        self.b = key_file(folder, "b.kek", both.without_retired().text())
        self.id_a = masterkeys.derive(SECRET_A, "a").kek_id
        self.id_b = masterkeys.derive(both.text(), "ab").kek_id


@pytest.fixture
def rings(keys_dir: Path) -> Rings:
    return Rings(keys_dir)


class Opened:
    def __init__(self, database_url: str, kek_file: Path):
        self.runtime = open_runtime(Settings(database_url=database_url, kek_file=str(kek_file)))
        self.service, self.store = self.runtime.service, self.runtime.store
        self.keys = self.store.vault.store

    def close(self) -> None:
        self.runtime.close()

    def __enter__(self) -> Opened:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def enrol(self, i: int) -> UUID:
        result = self.service.execute(c.EnrollMember(idempotency_key=f"enrol-{i}", phone=f"0386{i:06d}",
                                                     name=f"Khách {i}"))
        return result.member_id

    def name(self, member_id: UUID):
        self.store.members.clear()
        self.store.vault._cache.clear()
        return self.store.load_member(member_id).name

    def enrolled_name(self, member_id: UUID):
        """The name in the member's enrolment event, opened with the key the table holds now (as whoever
        restores a backup would read it; the member's state drops the name once erased)."""
        self.store.vault._cache.clear()
        first = self.store.recorder.select_events(member_id, lte=1)[0]
        return self.store.mapper.to_domain_event(first).name

    def rows(self) -> dict[str, tuple[bytes | None, str]]:
        """member id -> (wrapped key or None for a tombstone, kek id): the key table as a backup holds it."""
        with self.keys.datastore.transaction(commit=False) as curs:
            curs.execute(f"SELECT member_id, wrapped_key, kek_id FROM {self.keys.keys}")
            return {str(m): (bytes(w) if w is not None else None, k) for m, w, k in self.keys._rows(curs)}

    def kek_ids(self) -> dict[str, str]:
        return {m: k for m, (w, k) in self.rows().items() if w is not None}


def test_a_ring_wraps_new_keys_under_its_current_kek_and_rotation_moves_the_rest(database_url, rings):
    with Opened(database_url, rings.a) as a:
        old = [a.enrol(i) for i in range(5)]
        assert set(a.kek_ids().values()) == {rings.id_a}
    with Opened(database_url, rings.both) as both:
        for i, member_id in enumerate(old):  # A's keys open from the ring before any rotation
            assert both.name(member_id) == f"Khách {i}"
        new = both.enrol(5)
        assert both.kek_ids()[str(new)] == rings.id_b
        sealed = both.store.vault.seal(old[0], "name", "niêm trước khi xoay")  # with the DEK cached before
        done = rotate(both.keys, both.store.vault.keys, batch_size=2)
        assert (done.rewrapped, done.batches, done.left) == (5, 3, 0)
        assert done.keys_by_kek == {rings.id_b: 6}
        assert set(both.kek_ids().values()) == {rings.id_b}
        assert rotate(both.keys, both.store.vault.keys).rewrapped == 0  # idempotent
    with Opened(database_url, rings.b) as b:  # A is gone from the ring: every member still opens
        for i, member_id in enumerate([*old, new]):
            assert b.name(member_id) == f"Khách {i}" and b.name(member_id) != ERASED
        assert b.store.vault.unseal(old[0], "name", sealed) == "niêm trước khi xoay"  # the DEK did not change
        # the lookup key did not change with the KEK: the claims still find members by phone
        assert b.service.resolve(c.MemberRef(phone="0386000003")).id == old[3]
        assert b.service.resolve(c.MemberRef(phone="0386000005")).id == new


def test_a_crash_after_the_first_batch_is_finished_by_running_again(database_url, rings):
    with Opened(database_url, rings.a) as a:
        members = [a.enrol(i) for i in range(5)]

    class Crash(RuntimeError):
        pass

    def crash(_progress) -> None:
        raise Crash("the rotating process died")

    with Opened(database_url, rings.both) as both:
        with pytest.raises(Crash):
            rotate(both.keys, both.store.vault.keys, batch_size=2, on_batch=crash)
        assert sorted(both.kek_ids().values()) == sorted([rings.id_b] * 2 + [rings.id_a] * 3)  # one batch in
        for i, member_id in enumerate(members):  # half rotated: every member opens meanwhile
            assert both.name(member_id) == f"Khách {i}"
        done = rotate(both.keys, both.store.vault.keys, batch_size=2)
        assert (done.rewrapped, done.left) == (3, 0)
        assert set(both.kek_ids().values()) == {rings.id_b}
    with Opened(database_url, rings.b) as b:
        assert [b.name(m) for m in members] == [f"Khách {i}" for i in range(5)]


def test_rotation_leaves_tombstones_and_never_undoes_an_erasure_made_meanwhile(database_url, rings):
    with Opened(database_url, rings.a) as a:
        gone, kept, raced = a.enrol(0), a.enrol(1), a.enrol(2)
        erase_member(a.service, c.MemberRef(member_id=gone), reason="yêu cầu", idempotency_key="erase-0")
    with Opened(database_url, rings.both) as both:
        current = both.store.vault.keys
        read = both.keys.keys_not_under(current.kek_id, after=None, limit=10)
        assert {str(m) for m, _w, _k in read} == {str(kept), str(raced)}  # no tombstone is ever read
        rewrap = both.keys.rewrap

        def erased_meanwhile(rows, kek_id):  # the member is erased between the batch's read and its update
            erase_member(both.service, c.MemberRef(member_id=raced), reason="yêu cầu", idempotency_key="erase-2")
            return rewrap(rows, kek_id)

        both.keys.rewrap = erased_meanwhile
        done = rotate(both.keys, current)
        assert done.rewrapped == 1 and done.erased == 2 and done.left == 0
        rows = both.rows()
        assert rows[str(gone)] == (None, "") and rows[str(raced)] == (None, "")  # still tombstones
        assert rows[str(kept)][1] == rings.id_b
        assert both.enrolled_name(raced) == ERASED and both.name(kept) == "Khách 1"


def test_a_ring_without_the_rows_kek_is_a_clear_error_never_erased(database_url, rings):
    with Opened(database_url, rings.a) as a:
        member_id = a.enrol(0)
    with Opened(database_url, rings.b) as b:  # A dropped before rotating: a mistake the reader must show
        with pytest.raises(RuntimeError, match=f"its KEK {rings.id_a} is not in the key ring: wrong LOYALTY_KEK_FILE"):
            b.name(member_id)
        done = rotate(b.keys, b.store.vault.keys)
        assert done.rewrapped == 0 and done.not_in_ring == {rings.id_a: 1} and done.left == 1
    with Opened(database_url, rings.a) as a:  # nothing was lost: the right ring still opens it
        assert a.name(member_id) == "Khách 0"


def test_a_backup_taken_before_an_erasure_no_longer_opens_once_the_old_kek_is_gone(database_url, rings):
    with Opened(database_url, rings.a) as a:
        erased, kept = a.enrol(0), a.enrol(1)
        backup = a.rows()  # the key table as a backup taken now holds it
        erase_member(a.service, c.MemberRef(member_id=erased), reason="yêu cầu", idempotency_key="erase-0")
        assert a.enrolled_name(erased) == ERASED
    with Opened(database_url, rings.both) as both:
        assert rotate(both.keys, both.store.vault.keys).left == 0

    def restore_backup_row(opened: Opened) -> None:
        """Someone restores the backup's key of the erased member (the events are in the backup too)."""
        wrapped, kek_id = backup[str(erased)]
        with opened.keys.datastore.transaction(commit=True) as curs:
            p = opened.keys.p
            curs.execute(f"UPDATE {opened.keys.keys} SET wrapped_key = {p}, kek_id = {p}, erased_at = NULL "
                         f"WHERE member_id = {p}", (wrapped, kek_id, opened.keys._id(erased)))

    with Opened(database_url, rings.both) as both:  # control: while A is kept, the backup still opens
        restore_backup_row(both)
        assert both.enrolled_name(erased) == "Khách 0"
    with Opened(database_url, rings.b) as b:  # A removed (and destroyed): the backup's key opens no more
        assert b.name(kept) == "Khách 1"
        with pytest.raises(RuntimeError, match="not in the key ring"):
            b.enrolled_name(erased)
        wrapped, _kek_id = backup[str(erased)]
        for kek_id in b.store.vault.keys.ring:  # nor under any KEK left, whatever its row claims
            with pytest.raises(RuntimeError, match="does not open it"):
                b.store.vault._unwrap(erased, (wrapped, kek_id))


def cli(database_url: str, kek_file: Path, *args: str):
    return CliRunner().invoke(app, ["keys", *args], env={"LOYALTY_DATABASE_URL": database_url,
                                                         "LOYALTY_KEK_FILE": str(kek_file)},
                              catch_exceptions=False)


def test_the_operator_rotates_with_the_cli(database_url, keys_dir):
    old_file = key_file(keys_dir, "old.kek", SECRET_A + "\n")
    with Opened(database_url, old_file) as a:
        members = [a.enrol(i) for i in range(3)]
    made = cli(database_url, old_file, "new-kek", "--out", str(keys_dir / "new.kek"))
    assert made.exit_code == 0, made.output
    new_file = keys_dir / "new.kek"
    assert new_file.stat().st_mode & 0o777 == 0o600
    assert cli(database_url, old_file, "new-kek", "--out", str(new_file)).exit_code == 2  # never overwritten
    id_a, id_b = masterkeys.derive(SECRET_A, "a").kek_id, masterkeys.derive(new_file.read_text(), "n").kek_id

    before = cli(database_url, new_file, "status")
    assert before.exit_code == 0, before.output
    assert json.loads(before.stdout)["ring"] == [
        {"kek_id": id_b, "role": "current", "keys": 0, "removable": False},
        {"kek_id": id_a, "role": "retired", "keys": 3, "removable": False}]
    assert cli(database_url, new_file, "drop-retired", "--out", str(keys_dir / "x.kek")).exit_code == 1

    rotated = cli(database_url, new_file, "rotate-kek", "--batch-size", "2")
    assert rotated.exit_code == 0, rotated.output
    summary = json.loads(rotated.stdout)
    assert (summary["rewrapped"], summary["batches"], summary["left"]) == (3, 2, 0)
    assert "Đã bọc lại 2/3 khoá" in rotated.stderr and "Xong" in rotated.stderr

    after = json.loads(cli(database_url, new_file, "status").stdout)
    assert after["rotation_complete"] and after["ring"][1] == {"kek_id": id_a, "role": "retired", "keys": 0,
                                                              "removable": True}
    dropped = cli(database_url, new_file, "drop-retired", "--out", str(keys_dir / "final.kek"))
    assert dropped.exit_code == 0, dropped.output
    assert SECRET_A not in (keys_dir / "final.kek").read_text()
    with Opened(database_url, keys_dir / "final.kek") as b:
        assert [b.name(m) for m in members] == ["Khách 0", "Khách 1", "Khách 2"]
        assert b.service.resolve(c.MemberRef(phone="0386000001")).id == members[1]

    wrong = cli(database_url, key_file(keys_dir, "other.kek", "x" * 40), "status")  # a ring lacking B
    assert wrong.exit_code == 1 and json.loads(wrong.stdout)["not_in_ring"] == {id_b: 3}


def test_an_interrupted_rotate_kek_says_how_to_resume_and_running_it_again_finishes(database_url, rings,
                                                                                   monkeypatch):
    with Opened(database_url, rings.a) as a:
        members = [a.enrol(i) for i in range(3)]
    from loyalty_core.privacy.keystore import KeyStore

    rewrap, calls = KeyStore.rewrap, []

    def dies_on_the_second_batch(self, rows, kek_id):
        calls.append(len(rows))
        if len(calls) == 2:
            raise ConnectionError("the server went away")
        return rewrap(self, rows, kek_id)

    monkeypatch.setattr(KeyStore, "rewrap", dies_on_the_second_batch)
    stopped = cli(database_url, rings.both, "rotate-kek", "--batch-size", "2")
    assert stopped.exit_code == 2 and "Chạy lại đúng lệnh này" in stopped.stderr
    monkeypatch.setattr(KeyStore, "rewrap", rewrap)
    finished = cli(database_url, rings.both, "rotate-kek", "--batch-size", "2")
    assert finished.exit_code == 0, finished.output
    assert json.loads(finished.stdout)["rewrapped"] == 1
    with Opened(database_url, rings.b) as b:
        assert [b.name(m) for m in members] == ["Khách 0", "Khách 1", "Khách 2"]


def test_the_kek_commands_join_the_api_keys_commands():
    listed = CliRunner().invoke(app, ["keys", "--help"], env={"COLUMNS": "200"}).stdout
    for command in ("create", "revoke", "rotate", "list", "new-kek", "rotate-kek", "status", "drop-retired"):
        assert f" {command} " in listed, command


# --- the key file's formats (no store) -----------------------------------------------------------------------
def test_a_lone_secret_file_keeps_its_keys_and_a_ring_keeps_the_lookup_key(tmp_path):
    lone = masterkeys.derive(SECRET_A + "\n", "a")
    ring = masterkeys.parse(SECRET_A, "a").with_new_kek()
    keys = masterkeys.derive(ring.text(), "ring")
    assert keys.lookup == lone.lookup and keys.kek_id != lone.kek_id and lone.kek_id in keys.ring
    again = masterkeys.derive(masterkeys.parse(ring.text(), "ring").with_new_kek().text(), "ring2")
    assert again.lookup == lone.lookup and set(again.ring) >= {lone.kek_id, keys.kek_id}
    path = tmp_path / "k"
    path.write_text(ring.text())
    loaded = masterkeys.load(kek_file=str(path), kek="", sqlite_path=None, database_url="", environ={})
    assert (loaded.kek_id, loaded.lookup) == (keys.kek_id, lone.lookup)


@pytest.mark.parametrize("text, message", [
    (f"{masterkeys.RING_HEADER}\nretired {SECRET_A}\n", "exactly one `current`"),
    (f"{masterkeys.RING_HEADER}\ncurrent {SECRET_A}\nretired {SECRET_A}x\n", "needs its `lookup` line"),
    (f"{masterkeys.RING_HEADER}\ncurrent {SECRET_A}\n{SECRET_A}\n", "line 3"),
    (f"{masterkeys.RING_HEADER}\ncurrent short\n", "at least 32"),
    (f"{masterkeys.RING_HEADER}\nlookup abc\ncurrent {SECRET_A}\n", "32 bytes"),
])
def test_a_malformed_ring_refuses_to_start_without_showing_a_secret(text, message):
    with pytest.raises(masterkeys.KeyConfigurationError, match=message) as caught:
        masterkeys.derive(text, "test ring")
    assert SECRET_A not in str(caught.value)
