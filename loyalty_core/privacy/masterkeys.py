"""Where the key-encryption keys (KEKs) and the lookup key come from.

The key source is `LOYALTY_KEK_FILE` (a file mounted read-only: the recommended way) or `LOYALTY_KEK`. It
holds either

- one secret of at least 32 characters (the format of every release so far): the KEK and the lookup key are
  derived from it with HKDF-SHA256 under two labels; or
- a key ring (docs/privacy.md "Rotating the KEK"), which `loyalty keys new-kek` writes:

      loyalty-key-ring v1
      lookup  <the lookup key itself, 32 bytes in base64url>
      current <secret>      new data keys are wrapped under this one
      retired <secret>      still opens the data keys wrapped under it, until they are rewrapped

  `#` starts a comment line. Each secret gives a KEK as above; a data key is unwrapped with the KEK its row
  names (`kek_id`). The lookup key is written out as itself, not as a secret: the identifier hashes (claims,
  search tokens) must stay the same across rotations, and the secret it was first derived from is a KEK that
  must be destroyed in the end. A ring of one secret may leave out `lookup` (it is then derived from that
  secret, as for a lone secret); a ring of several must name it.

The secrets are never stored in the database. Without either setting:

- a SQLite store generates one secret once, in a file next to the database (`loyalty.db.kek`, mode 0600): the
  embedded default and development;
- a PostgreSQL store generates one under `data/keys/` only in development (`LOYALTY_ENV=development`), and
  otherwise refuses to start: a production database must never depend on a key nobody provisioned.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Mapping

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MIN_SECRET = 32
RING_HEADER = "loyalty-key-ring v1"


class KeyConfigurationError(RuntimeError):
    """The KEK is missing or unusable: the store must not start."""


@dataclass(frozen=True)
class MasterKeys:
    kek: bytes
    """The current KEK: new data keys are wrapped under it."""
    lookup: bytes
    kek_id: str
    """A short fingerprint of the current KEK, stored with each wrapped key (which KEK wrapped it)."""
    source: str
    ring: Mapping[str, bytes] = field(default_factory=dict)
    """Every KEK of the source by its id, the current one included: a wrapped key opens under the one its row
    names."""

    def __post_init__(self) -> None:
        if not self.ring:
            object.__setattr__(self, "ring", {self.kek_id: self.kek})


def _hkdf(secret: str, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(secret.encode())


def kek_of(secret: str) -> bytes:
    return _hkdf(secret, b"loyalty/kek/v1")


def kek_id_of(kek: bytes) -> str:
    return hashlib.sha256(kek).hexdigest()[:16]


def _checked(secret: str, source: str) -> str:
    text = secret.strip()
    if len(text) < MIN_SECRET:
        raise KeyConfigurationError(f"the key-encryption secret from {source} must be at least {MIN_SECRET} "
                                    f"characters (got {len(text)})")
    return text


@dataclass(frozen=True)
class KeyRing:
    """What a key source holds: the current secret, the retired ones, and the lookup key when written out."""
    current: str
    retired: tuple[str, ...] = ()
    lookup: bytes | None = None

    def lookup_key(self) -> bytes:
        if self.lookup is not None:
            return self.lookup
        return _hkdf(self.current, b"loyalty/lookup/v1")  # a lone secret: as every release so far

    def master_keys(self, source: str) -> MasterKeys:
        kek = kek_of(self.current)
        ring = {kek_id_of(kek): kek}
        for secret in self.retired:
            old = kek_of(secret)
            ring.setdefault(kek_id_of(old), old)
        return MasterKeys(kek=kek, lookup=self.lookup_key(), kek_id=kek_id_of(kek), source=source, ring=ring)

    def with_new_kek(self, secret: str | None = None) -> KeyRing:
        """This ring with a new current secret (random unless given); the current one retires. The lookup
        key is written out (derived from the old current secret when it was not), so it stays the same."""
        new = _checked(secret if secret is not None else new_secret(), "the new KEK")
        return KeyRing(current=new, retired=(self.current, *self.retired), lookup=self.lookup_key())

    def without_retired(self) -> KeyRing:
        return KeyRing(current=self.current, lookup=self.lookup_key())

    def text(self) -> str:
        """The key file holding this ring; each KEK line is introduced by a comment naming its id."""
        now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        lines = [RING_HEADER, f"# written {now} by `loyalty keys`; docs/privacy.md \"Rotating the KEK\"",
                 "# the lookup key of identifier hashes: keep it in every version of this file",
                 "lookup " + base64.urlsafe_b64encode(self.lookup_key()).decode().rstrip("=")]
        for role, secret in [("current", self.current), *(("retired", s) for s in self.retired)]:
            lines += [f"# kek {kek_id_of(kek_of(secret))}", f"{role} {secret}"]
        return "\n".join(lines) + "\n"


def new_secret() -> str:
    return secrets.token_urlsafe(48)


def parse(text: str, source: str) -> KeyRing:
    """A key source's text as a ring: a lone secret (any text not starting with the ring header) or a ring."""
    lines = [line.strip() for line in text.splitlines()]
    body = [line for line in lines if line and not line.startswith("#")]
    if not body or body[0] != RING_HEADER:
        return KeyRing(current=_checked(text, source))
    current: list[str] = []
    retired: list[str] = []
    lookups: list[bytes] = []
    for number, line in enumerate(body[1:], start=2):
        word, _, value = line.partition(" ")
        value = value.strip()
        if word == "current":
            current.append(_checked(value, f"{source} (a `current` line)"))
        elif word == "retired":
            retired.append(_checked(value, f"{source} (a `retired` line)"))
        elif word == "lookup":
            lookups.append(_lookup(value, source))
        else:  # never a secret in the message: the line might be one pasted without its word
            raise KeyConfigurationError(f"key ring {source}: line {number} (counting non-comment lines) is not "
                                        "`lookup …`, `current …` or `retired …`")
    if len(current) != 1:
        raise KeyConfigurationError(f"key ring {source}: exactly one `current` line is needed (found "
                                    f"{len(current)})")
    if len(lookups) > 1:
        raise KeyConfigurationError(f"key ring {source}: more than one `lookup` line")
    if retired and not lookups:
        raise KeyConfigurationError(f"key ring {source}: a ring with retired KEKs needs its `lookup` line (the "
                                    "identifier hashes depend on it); `loyalty keys new-kek` writes it")
    return KeyRing(current=current[0], retired=tuple(retired), lookup=lookups[0] if lookups else None)


def _lookup(value: str, source: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise KeyConfigurationError(f"key ring {source}: the `lookup` line must hold 32 bytes in base64url")
    return key


def derive(secret: str, source: str) -> MasterKeys:
    """The keys of a key source's text (a lone secret or a ring)."""
    return parse(secret, source).master_keys(source)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KeyConfigurationError(f"cannot read the key-encryption key file {path}: {exc.strerror}") from None


def _generate(path: Path) -> None:
    """Create the key file at `path` (0600, never overwritten) if it does not exist yet."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first: use theirs
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(new_secret() + "\n")


def source_text(*, kek_file: str, kek: str, sqlite_path: str | None, database_url: str,
                environ: Mapping[str, str]) -> tuple[str, str]:
    """The key source's text and a description of where it came from (never the secret)."""
    kek_file = kek_file or environ.get("LOYALTY_KEK_FILE", "")
    kek = kek or environ.get("LOYALTY_KEK", "")
    if kek_file:
        return _read_text(Path(kek_file)), f"LOYALTY_KEK_FILE ({kek_file})"
    if kek:
        return kek, "LOYALTY_KEK"
    if sqlite_path is not None:
        path = Path(sqlite_path + ".kek")
    elif environ.get("LOYALTY_ENV", "").strip().lower() == "development":
        path = Path("data") / "keys" / f"{hashlib.sha256(database_url.encode()).hexdigest()[:16]}.kek"
    else:
        raise KeyConfigurationError(
            "no key-encryption key: set LOYALTY_KEK_FILE (a file holding a secret of at least 32 characters, "
            "e.g. `openssl rand -base64 48 > /run/secrets/loyalty-kek`) or LOYALTY_KEK; personal data is "
            "sealed under it (docs/privacy.md)")
    _generate(path)
    return _read_text(path), f"generated file {path}"


def load(*, kek_file: str, kek: str, sqlite_path: str | None, database_url: str,
         environ: Mapping[str, str]) -> MasterKeys:
    text, source = source_text(kek_file=kek_file, kek=kek, sqlite_path=sqlite_path, database_url=database_url,
                               environ=environ)
    return derive(text, source)
