"""`loyalty keys …` (beside the API keys' commands): the key-encryption key (KEK) ring and its rotation
(docs/privacy.md "Rotating the KEK").

- `new-kek` writes the configured key source as a ring with a new current KEK (the old one retired, the
  lookup key written out so identifier hashes stay the same);
- `rotate-kek` rewraps every member's data key still under a retired KEK, in batches (resumable: run it again);
- `status` shows how many keys each KEK wraps, so the operator knows when a retired KEK can go;
- `drop-retired` writes the ring without its retired KEKs, once no key needs them.

Results are JSON on stdout (as every command); what the operator reads is on stderr, in Vietnamese.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Optional

import typer

from loyalty_cli.output import dump, fail

keys_app = typer.Typer(no_args_is_help=True,
                       help="Key-encryption keys: the key ring, its rotation, and how many keys each KEK wraps.")

OUT = typer.Option(None, "--out", help="Write the key file here (created 0600, never overwritten); "
                                       "default: print it on stdout.")


def _say(message: str) -> None:
    typer.echo(message, err=True)


def _settings() -> Any:
    from loyalty_core.settings import Settings

    return Settings.from_env(os.environ)


def _source(settings: Any) -> tuple[str, str]:
    from loyalty_core.privacy import masterkeys
    from loyalty_core.settings import store_env

    sqlite_path = None if settings.is_postgres else store_env(settings).get("SQLITE_DBNAME")
    return masterkeys.source_text(kek_file=settings.kek_file, kek=settings.kek, sqlite_path=sqlite_path,
                                  database_url=settings.database_url, environ=os.environ)


def _write(text: str, out: Optional[Path]) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    try:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        fail(f"{out} đã có: không ghi đè một tệp khoá, hãy chọn tên khác")
    except OSError as exc:
        fail(f"không tạo được {out}: {exc.strerror}")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def _key_counts() -> tuple[Any, dict[str, int], int]:
    from loyalty_core.ledger import open_store

    store = open_store(_settings())
    try:
        counts, erased = store.vault.store.kek_counts()
        return store.vault.keys, counts, erased
    finally:
        store.close()


@keys_app.command("new-kek")
def new_kek(out: Optional[Path] = OUT) -> None:
    """A key file holding the configured keys plus a new KEK, which becomes current (the old one retires)."""
    from loyalty_core.privacy import masterkeys

    text, source = _source(_settings())
    ring = masterkeys.parse(text, source)
    new = ring.with_new_kek()
    old_id, new_id = (masterkeys.kek_id_of(masterkeys.kek_of(s)) for s in (ring.current, new.current))
    _write(new.text(), out)
    _say(f"KEK mới {new_id} là KEK hiện hành; KEK {old_id} (từ {source}) chuyển thành 'retired'. Đặt tệp này "
         "làm LOYALTY_KEK_FILE của mọi tiến trình, khởi động lại chúng, rồi chạy `loyalty keys rotate-kek`.")


@keys_app.command("rotate-kek")
def rotate_kek(batch_size: int = typer.Option(500, min=1, max=10_000, help="Keys rewrapped per transaction.")
               ) -> None:
    """Rewrap every member's data key that is not under the current KEK (resumable: run it again)."""
    from loyalty_core.ledger import open_store
    from loyalty_core.privacy.rotation import rotate

    store = open_store(_settings())
    try:
        keys, keystore = store.vault.keys, store.vault.store
        counts, _erased = keystore.kek_counts()
        total = sum(n for kek_id, n in counts.items() if kek_id != keys.kek_id)
        _say(f"KEK hiện hành {keys.kek_id} ({keys.source}): {total} khoá cần bọc lại.")
        try:
            done = rotate(keystore, keys, batch_size=batch_size,
                          on_batch=lambda so_far: _say(f"Đã bọc lại {so_far.rewrapped}/{total} khoá"))
        except Exception as exc:  # noqa: BLE001 - say how to resume, not a traceback
            _say(f"Đã dừng giữa chừng ({type(exc).__name__}: {exc}). Chạy lại đúng lệnh này để tiếp tục: "
                 "các khoá đã bọc lại sẽ không bị làm lại.")
            raise typer.Exit(2) from None
    finally:
        store.close()
    dump({"current_kek": done.current_kek, "rewrapped": done.rewrapped, "batches": done.batches,
          "not_in_ring": done.not_in_ring, "keys_by_kek": done.keys_by_kek, "erased": done.erased,
          "left": done.left})
    if done.not_in_ring:
        listed = ", ".join(f"{kek_id}: {n}" for kek_id, n in done.not_in_ring.items())
        _say(f"Có khoá dưới KEK không có trong vòng khoá ({listed}): không bọc lại được. Thêm KEK đó vào tệp "
             "khoá (dòng 'retired …') rồi chạy lại.")
        raise typer.Exit(1)
    if done.left:
        _say(f"Còn {done.left} khoá dưới KEK cũ (một tiến trình chưa khởi động lại với tệp khoá mới?): "
             "chạy lại lệnh này.")
        raise typer.Exit(1)
    _say(f"Xong: {done.rewrapped} khoá đã bọc lại; mọi khoá đều dưới KEK {done.current_kek}. Có thể bỏ KEK cũ "
         "khỏi tệp khoá (`loyalty keys drop-retired`), khởi động lại, rồi huỷ KEK cũ.")


@keys_app.command("status")
def status() -> None:
    """Key-encryption keys: how many data keys each KEK wraps, which can leave the ring; exits 1 when some
    keys are under a KEK the ring does not hold (they cannot be opened)."""
    keys, counts, erased = _key_counts()
    ring = [{"kek_id": kek_id, "role": "current" if kek_id == keys.kek_id else "retired",
             "keys": counts.get(kek_id, 0),
             "removable": kek_id != keys.kek_id and not counts.get(kek_id, 0)} for kek_id in keys.ring]
    missing = {kek_id: n for kek_id, n in counts.items() if kek_id not in keys.ring}
    dump({"key_source": keys.source, "current_kek": keys.kek_id, "ring": ring, "not_in_ring": missing,
          "erased": erased, "rotation_complete": set(counts) <= {keys.kek_id}})
    for entry in ring:
        role = "hiện hành" if entry["role"] == "current" else "cũ"
        gone = " (có thể bỏ khỏi vòng khoá)" if entry["removable"] else ""
        _say(f"KEK {entry['kek_id']} ({role}): {entry['keys']} khoá{gone}")
    for kek_id, n in missing.items():
        _say(f"KEK {kek_id} (KHÔNG có trong vòng khoá): {n} khoá không mở được: tệp khoá sai?")
    # Tombstones are erased members' keys and the daily transient keys already destroyed (api/transient_keys.py).
    _say(f"{erased} khoá đã huỷ (thành viên đã xoá, và khoá tạm theo ngày đã hết hạn).")
    if missing:
        raise typer.Exit(1)


@keys_app.command("drop-retired")
def drop_retired(out: Optional[Path] = OUT) -> None:
    """The key file without its retired KEKs, refused while any data key is still under one of them."""
    from loyalty_core.privacy import masterkeys

    settings = _settings()
    keys, counts, _erased = _key_counts()
    text, source = _source(settings)
    under_old = {kek_id: n for kek_id, n in counts.items() if kek_id != keys.kek_id}
    if under_old:
        listed = ", ".join(f"{kek_id}: {n}" for kek_id, n in under_old.items())
        _say(f"Còn khoá dưới KEK khác KEK hiện hành ({listed}): chạy `loyalty keys rotate-kek` trước.")
        raise typer.Exit(1)
    _write(masterkeys.parse(text, source).without_retired().text(), out)
    _say(f"Tệp khoá chỉ còn KEK hiện hành {keys.kek_id}. Đặt nó cho mọi tiến trình, khởi động lại, rồi huỷ "
         "mọi bản của tệp khoá cũ (KEK cũ): bản sao lưu cũ của khoá thành viên đã xoá sẽ không mở được nữa.")


def register(app: typer.Typer) -> None:
    """Join `loyalty keys`, which also holds the API keys' commands (api_cmds.py), or make it."""
    group = next((g.typer_instance for g in app.registered_groups if g.name == "keys"), None)
    if group is None:
        app.add_typer(keys_app, name="keys")
        return
    group.registered_commands.extend(keys_app.registered_commands)
