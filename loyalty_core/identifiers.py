"""Identifiers a member is found by, normalised so that every spelling of one finds the same member.

A phone number is stored in E.164 (`0901234567`, `+84 90 123 4567` and `84901234567` are all
`+84901234567`); an email lower-cased; a member code is short, human-friendly and carries a check
character (cashiers type it); a QR token is unguessable; a channel's own customer id is `channel:id`.
Each normalised identifier is owned through a claim whose id is derived from it, so the store's primary
key, not a lookup-then-insert race, is what makes it unique.
"""

from __future__ import annotations

import re
import secrets
from uuid import NAMESPACE_URL, UUID, uuid5

import phonenumbers

from loyalty_core.errors import InvalidIdentifier, InvalidPhone
from loyalty_core.privacy import lookup

PHONE, EMAIL, MEMBER_CODE, QR_TOKEN, CHANNEL_ID = "phone", "email", "member_code", "qr_token", "channel_id"
KINDS = (PHONE, EMAIL, MEMBER_CODE, QR_TOKEN, CHANNEL_ID)

# Only what people really type into a phone field. phonenumbers itself would also accept full-width
# digits and skip invisible characters; a cashier's tablet that sends those is a bug we want to see.
_PHONE_CHARS = re.compile(r"^[0-9+\-(). ]{6,24}$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9.\-]{1,190}\.[A-Za-z]{2,24}$")
_CHANNEL_ID = re.compile(r"^[a-z][a-z0-9_\-]{1,31}:[A-Za-z0-9._@\-]{1,128}$")
# Crockford's base32 alphabet: no I, L, O, U, so a code read aloud or typed is not misread.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_LENGTH = 8
_QR_TOKEN = re.compile(r"^[A-Za-z0-9_\-]{20,64}$")


def normalise_phone(raw: str, region: str = "VN") -> str:
    if not isinstance(raw, str) or not _PHONE_CHARS.match(raw):
        raise InvalidPhone(f"not a phone number: {raw!r}", field="phone")
    text = raw.strip()
    # "84901234567" is how many Vietnamese systems export numbers: the country code without '+'.
    digits = re.sub(r"\D", "", text)
    if not text.startswith("+") and digits.startswith("84") and len(digits) in (11, 12):
        text = "+" + digits
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise InvalidPhone(f"not a phone number: {raw!r}", field="phone") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(f"not a valid phone number: {raw!r}", field="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(raw: str) -> str:
    text = raw.strip().lower() if isinstance(raw, str) else ""
    if not _EMAIL.match(text):
        raise InvalidIdentifier(f"not an email address: {raw!r}", field="email")
    return text


def _check_char(body: str) -> str:
    total = sum((i + 1) * _CODE_ALPHABET.index(c) for i, c in enumerate(body))
    return _CODE_ALPHABET[total % len(_CODE_ALPHABET)]


def new_member_code(prefix: str = "M") -> str:
    # One draw from the OS for the whole code, not one per character: under load each urandom call can
    # cost a GIL hand-off, and 256 is a multiple of 32, so `byte % 32` is still uniform.
    body = "".join(_CODE_ALPHABET[b % 32] for b in secrets.token_bytes(_CODE_LENGTH - 1))
    return f"{prefix}{body}{_check_char(body)}"


def normalise_member_code(raw: str) -> str:
    text = raw.strip().upper().replace("-", "").replace(" ", "") if isinstance(raw, str) else ""
    text = text.replace("O", "0").replace("I", "1").replace("L", "1")
    if len(text) != _CODE_LENGTH + 1 or not text[0].isalpha():
        raise InvalidIdentifier(f"not a member code: {raw!r}", field="member_code")
    body, check = text[1:-1], text[-1]
    if any(c not in _CODE_ALPHABET for c in body + check) or _check_char(body) != check:
        raise InvalidIdentifier(f"not a member code (check character): {raw!r}", field="member_code")
    return text


def new_qr_token() -> str:
    return secrets.token_urlsafe(24)


def normalise_qr_token(raw: str) -> str:
    if not isinstance(raw, str) or not _QR_TOKEN.match(raw.strip()):
        raise InvalidIdentifier("not a QR token", field="qr_token")
    return raw.strip()


def normalise_channel_id(raw: str) -> str:
    text = raw.strip() if isinstance(raw, str) else ""
    if not _CHANNEL_ID.match(text):
        raise InvalidIdentifier(f"not a channel customer id (expected 'zalo:123'): {raw!r}", field="channel_id")
    return text


_NORMALISERS = {
    PHONE: normalise_phone,
    EMAIL: normalise_email,
    MEMBER_CODE: normalise_member_code,
    QR_TOKEN: normalise_qr_token,
    CHANNEL_ID: normalise_channel_id,
}


def normalise(kind: str, raw: str) -> str:
    try:
        return _NORMALISERS[kind](raw)
    except KeyError:
        raise InvalidIdentifier(f"unknown identifier kind {kind!r}", field="kind") from None


def claim_id(kind: str, value: str) -> UUID:
    """The id of the claim on one normalised identifier (also used for reservation and voucher indexes).

    Personal kinds (phone, email, channel id) derive it from the keyed hash of the value (or take a stored
    keyed hash as it is), so the id no longer reveals the identifier (loyalty_core/privacy/lookup.py);
    generated codes and other indexes keep `uuid5("/identifiers/kind/value")`."""
    return lookup.claim_id(kind, value)


def receipt_id(scope: str, idempotency_key: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/commands/{scope}/{idempotency_key}")
