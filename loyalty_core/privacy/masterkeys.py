"""Where the key-encryption key (KEK) and the lookup key come from.

One secret of at least 32 characters, from `LOYALTY_KEK_FILE` (a file mounted read-only: the recommended
way) or `LOYALTY_KEK`; the KEK and the lookup key are derived from it with HKDF-SHA256 under two labels, so
one secret is all there is to keep and back up (apart from the database). The secret is never stored in the
database. Without either setting:

- a SQLite store generates one once, in a file next to the database (`loyalty.db.kek`, mode 0600): the
  embedded default and development;
- a PostgreSQL store generates one under `data/keys/` only in development (`LOYALTY_ENV=development`), and
  otherwise refuses to start: a production database must never depend on a key nobody provisioned.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MIN_SECRET = 32


class KeyConfigurationError(RuntimeError):
    """The KEK is missing or unusable: the store must not start."""


@dataclass(frozen=True)
class MasterKeys:
    kek: bytes
    lookup: bytes
    kek_id: str
    """A short fingerprint of the KEK, stored with each wrapped key (which KEK wrapped it, for rotation)."""
    source: str


def derive(secret: str, source: str) -> MasterKeys:
    text = secret.strip()
    if len(text) < MIN_SECRET:
        raise KeyConfigurationError(f"the key-encryption secret from {source} must be at least {MIN_SECRET} "
                                    f"characters (got {len(text)})")
    raw = text.encode()

    def hkdf(label: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(raw)

    kek = hkdf(b"loyalty/kek/v1")
    return MasterKeys(kek=kek, lookup=hkdf(b"loyalty/lookup/v1"), kek_id=hashlib.sha256(kek).hexdigest()[:16],
                      source=source)


def _read(path: Path, source: str) -> MasterKeys:
    try:
        return derive(path.read_text(encoding="utf-8"), source)
    except OSError as exc:
        raise KeyConfigurationError(f"cannot read the key-encryption key file {path}: {exc.strerror}") from None


def _generated(path: Path) -> MasterKeys:
    """Read the key file at `path`, creating it (0600, never overwritten) the first time."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first: use theirs
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(secrets.token_urlsafe(48) + "\n")
    return _read(path, f"generated file {path}")


def load(*, kek_file: str, kek: str, sqlite_path: str | None, database_url: str,
         environ: Mapping[str, str]) -> MasterKeys:
    kek_file = kek_file or environ.get("LOYALTY_KEK_FILE", "")
    kek = kek or environ.get("LOYALTY_KEK", "")
    if kek_file:
        return _read(Path(kek_file), f"LOYALTY_KEK_FILE ({kek_file})")
    if kek:
        return derive(kek, "LOYALTY_KEK")
    if sqlite_path is not None:
        return _generated(Path(sqlite_path + ".kek"))
    if environ.get("LOYALTY_ENV", "").strip().lower() == "development":
        name = hashlib.sha256(database_url.encode()).hexdigest()[:16]
        return _generated(Path("data") / "keys" / f"{name}.kek")
    raise KeyConfigurationError(
        "no key-encryption key: set LOYALTY_KEK_FILE (a file holding a secret of at least 32 characters, "
        "e.g. `openssl rand -base64 48 > /run/secrets/loyalty-kek`) or LOYALTY_KEK; personal data is sealed "
        "under it (docs/privacy.md)")
