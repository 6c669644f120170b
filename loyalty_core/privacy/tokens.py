"""The forms a personal value takes once stored, and the marker an erased one reads as.

A sealed value is `\\x1es1.` + base64url(nonce ‖ AES-GCM ciphertext and tag); a keyed hash is `\\x1eh1.` + hex.
The record separator (U+001E) starts both because no accepted input can contain it (loyalty_core/text.py
refuses control characters), so a plaintext value written by the previous release is never mistaken for one.
"""

from __future__ import annotations

SEALED_PREFIX = "\x1es1."
HASHED_PREFIX = "\x1eh1."


class Erased(str):
    """A value whose member's key was destroyed: it reads as "đã xoá" and never raises."""

    __slots__ = ()


ERASED = Erased("đã xoá")
ERASED_EN = "erased"


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(SEALED_PREFIX)


def is_hashed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(HASHED_PREFIX)


def is_erased(value: object) -> bool:
    return isinstance(value, Erased) or value == ERASED
