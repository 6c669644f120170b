"""Signed checkpoints: a digest of the sealed log that the auditor keeps outside the database.

The seals prove that no single row changed behind the application's back, but someone with write access
to the database could rewrite rows *and* every seal after them. A checkpoint closes that gap: after a
clean `verify`, the auditor signs (position, number of rows, the seal recomputed from the rows alone) with
an Ed25519 key that never touches the database, and keeps the file. Later, `verify --against FILE` checks
the signature and recomputes the chain from the first row: if anything at or before that position was
edited, deleted, inserted or reordered, the recomputed seal differs and the checkpoint is named.

Keys live in files, never in code or in the database: `loyalty audit keygen --out PATH` writes the
private key (PEM, mode 0600) and `PATH.pub` (the public key, hex). `loyalty audit checkpoint` reads the
private key from `--key` or `LOYALTY_AUDIT_KEY_FILE`; `verify --against` checks against `--public-key`
(pin the auditor's own key) or, without it, the key embedded in the digest (then it only proves the file
is intact, and prints that key's fingerprint to compare).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from projections.chain import Mark, Verification

FORMAT = "loyalty-audit-checkpoint/1"
_SIGNED = ("format", "position", "events", "seal", "signed_at", "public_key")


class CheckpointError(Exception):
    """A key or digest file that cannot be used; the message says which and why."""


def generate_key(path: Path) -> Path:
    """Write a new private key to `path` (0600, refusing to overwrite) and its public key to `path.pub`."""
    if path.exists():
        raise CheckpointError(f"{path} exists: refusing to overwrite a signing key")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
        public = Path(f"{path}.pub")
        public.write_text(_public_hex(key.public_key()) + "\n", encoding="ascii")
    except OSError as exc:
        raise CheckpointError(f"cannot write the key to {path}: {exc.strerror}") from exc
    return public


def _public_hex(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def fingerprint(public_hex: str) -> str:
    return hashlib.sha256(bytes.fromhex(public_hex)).hexdigest()[:16]


def load_private_key(path: Path | None) -> Ed25519PrivateKey:
    if path is None:
        raise CheckpointError("no signing key: pass --key or set LOYALTY_AUDIT_KEY_FILE "
                              "(make one with `loyalty audit keygen --out PATH`)")
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as exc:
        raise CheckpointError(f"cannot read the signing key {path}: {exc.strerror}") from exc
    except (ValueError, TypeError) as exc:
        raise CheckpointError(f"{path} is not an unencrypted PEM private key") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointError(f"{path} is not an Ed25519 key")
    return key


def _payload(document: dict[str, Any]) -> bytes:
    return json.dumps({k: document[k] for k in _SIGNED}, sort_keys=True, separators=(",", ":")).encode()


def sign(verification: Verification, key: Ed25519PrivateKey) -> dict[str, Any]:
    """The signed digest of a clean verification (refused if it found anything)."""
    if not verification.ok:
        raise CheckpointError("the log does not verify: fix or explain the problems before signing")
    if verification.events == 0:
        raise CheckpointError("the log is empty: nothing to sign yet")
    document: dict[str, Any] = {
        "format": FORMAT, "position": verification.head, "events": verification.events,
        "seal": verification.computed.hex(), "signed_at": datetime.now(timezone.utc).isoformat(),
        "public_key": _public_hex(key.public_key())}
    document["signature"] = key.sign(_payload(document)).hex()
    return document


def _read_public(path: Path) -> str:
    try:
        text = path.read_text(encoding="ascii").strip()
        bytes.fromhex(text)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise CheckpointError(f"{path} is not a public key written by `loyalty audit keygen`") from exc
    return text


def read_digest(path: Path, public_key: Path | None = None) -> tuple[Mark, str]:
    """(the checkpoint to verify against, the signer's key fingerprint); refused unless the signature holds."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise ValueError("not a checkpoint")
        position, events = int(document["position"]), int(document["events"])
        sealed, signature = bytes.fromhex(document["seal"]), bytes.fromhex(document["signature"])
        signer = _read_public(public_key) if public_key is not None else str(document["public_key"])
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(signer)).verify(signature, _payload(document))
    except OSError as exc:
        raise CheckpointError(f"cannot read {path}: {exc.strerror}") from exc
    except InvalidSignature as exc:
        raise CheckpointError(f"{path}: the signature does not match (file edited, or signed by another "
                              "key)") from exc
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise CheckpointError(f"{path} is not a checkpoint written by `loyalty audit checkpoint`") from exc
    return Mark(position, sealed, events), fingerprint(signer)
