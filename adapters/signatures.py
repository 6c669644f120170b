"""How each platform signs its webhooks, and the one constant-time check for all of them.

Shopify, WooCommerce, Haravan and Sapo send base64(HMAC-SHA256(secret, raw body)) in a header of their
own. KiotViet sends `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body>` keyed on the secret given
when the webhook was registered. The check runs on the raw bytes before anything is parsed: a payload
re-serialised by a framework would not match.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Mapping

#: The header each platform's signature arrives in (header names are case-insensitive). Haravan's docs spell
#: it `X-Haravan-Hmacsha256`; the `-Hmac-Sha256` spelling is accepted too.
SIGNATURE_HEADERS: dict[str, tuple[str, ...]] = {
    "shopify": ("x-shopify-hmac-sha256",),
    "woocommerce": ("x-wc-webhook-signature",),
    "haravan": ("x-haravan-hmacsha256", "x-haravan-hmac-sha256"),
    "sapo": ("x-sapo-hmac-sha256", "x-sapo-hmacsha256"),
    "kiotviet": ("x-hub-signature",),
}


def _digest(secret: str, body: bytes) -> bytes:
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()


def sign(platform: str, secret: str, body: bytes) -> str:
    """The header value `platform` would send for `body` (tests and docs use it to sign fixtures)."""
    digest = _digest(secret, body)
    if platform == "kiotviet":
        return "sha256=" + digest.hex()
    return base64.b64encode(digest).decode("ascii")


def received_signature(platform: str, headers: Mapping[str, str]) -> str | None:
    for name in SIGNATURE_HEADERS.get(platform, ()):
        value = headers.get(name)
        if value:
            return value.strip()
    return None


def verify(platform: str, secrets: list[str], body: bytes, signature: str | None) -> bool:
    """Whether `signature` is `body` signed with any of `secrets` (two during a secret's rotation)."""
    if not signature or not secrets:
        return False
    if platform == "kiotviet" and not signature.startswith("sha256="):
        signature = "sha256=" + signature.lower()
    return any(hmac.compare_digest(sign(platform, secret, body), signature) for secret in secrets)
