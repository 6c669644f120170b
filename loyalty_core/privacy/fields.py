"""Which stored fields are personal, and how each is protected at the storage boundary.

The domain keeps plaintext in memory; the store's mapper (loyalty_core/ledger.py) calls `protect` on the
way to the database and `reveal` on the way back, so folds, handlers and projections see plaintext (or
`ERASED`) and never a key. Per event:

| stored event | fields | stored as |
|---|---|---|
| `MemberEnrolled` | name, birthday | sealed under the member's key |
| `ProfileUpdated` | every value of `changes` | sealed |
| `IdentifierLinked`, `IdentifierUnlinked` (phone, email, channel id) | value | sealed |
| `ClaimTaken`, `ClaimReleased`, `PurchaseHeld`, `HeldPurchasesClaimed` (same kinds) | value | keyed hash |
| `CommandAccepted` (receipt) with a member | personal values of request and result | sealed, plus a keyed digest of the request |
| `CommandAccepted` without a member (a held sale) | personal values of the request | keyed hash, plus the digest |
| `MemberSnapshot` | the packed state | sealed |

Sealing is keyed on the event's originator (the member whose stream it is on), whatever command wrote it.
The associated data names the logical field (`name`, `birthday`, `phone`, `email`, `channel_id`, `snapshot`,
`receipt.request.member.phone`, ...), so a reader holding a stored sealed value and the member id can open it.
"""

from __future__ import annotations

from typing import Any, Callable
from uuid import UUID

import orjson

from loyalty_core import events as ev
from loyalty_core.identity.events import HeldPurchasesClaimed, PurchaseHeld
from loyalty_core.privacy import lookup
from loyalty_core.privacy.lookup import PERSONAL_KINDS
from loyalty_core.privacy.tokens import is_erased, is_hashed, is_sealed

PERSONAL_KEYS = frozenset({"phone", "email", "name", "birthday", "channel_customer_id", "channel_id", "address"})
"""Keys of a receipt's request or result (at any depth) whose values are personal."""

_CLAIM_STREAMS = (ev.ClaimTaken, ev.ClaimReleased, PurchaseHeld, HeldPurchasesClaimed)
PROTECTED = frozenset({ev.MemberEnrolled, ev.ProfileUpdated, ev.IdentifierLinked, ev.IdentifierUnlinked,
                       ev.CommandAccepted, ev.MemberSnapshot, *_CLAIM_STREAMS})
"""Classes whose stored state differs from the domain's: the store's mapper and the read side's fast
decoder (projections/codec.py) both `reveal` them after decoding."""

Seal = Callable[[UUID, str, str], str]
Unseal = Callable[[UUID, str, Any], Any]


def protect(cls: type, state: dict[str, Any], seal: Seal) -> dict[str, Any]:
    """The stored form of an event's state (a new dict; `state` is not changed)."""
    member_id = state.get("originator_id")
    if cls is ev.MemberEnrolled:
        return {**state, **{f: seal(member_id, f, state[f]) for f in ("name", "birthday")
                            if isinstance(state.get(f), str) and not is_sealed(state[f])}}
    if cls is ev.ProfileUpdated:
        return {**state, "changes": {k: seal(member_id, k, v) if isinstance(v, str) else v
                                     for k, v in state["changes"].items()}}
    if cls in (ev.IdentifierLinked, ev.IdentifierUnlinked):
        if state.get("kind") in PERSONAL_KINDS and not is_sealed(state["value"]):
            return {**state, "value": seal(member_id, state["kind"], state["value"])}
        return state
    if cls in _CLAIM_STREAMS:
        if state.get("kind") in PERSONAL_KINDS and isinstance(state.get("value"), str):
            return {**state, "value": lookup.hash_token(state["kind"], state["value"])}
        return state
    if cls is ev.MemberSnapshot:
        packed = state["state"].get("packed")
        if isinstance(packed, str) and not is_sealed(packed):
            sealed = seal(member_id, "snapshot", packed)
            if is_erased(sealed) and orjson.loads(packed).get("erased") is True:
                return state  # an erased member's state holds nothing personal: kept readable, so it still loads
            return {**state, "state": {**state["state"], "packed": sealed}}
        return state
    if cls is ev.CommandAccepted:
        return _protect_receipt(state, seal)
    return state


def reveal(cls: type, state: dict[str, Any], unseal: Unseal) -> None:
    """Unseal an event's state in place (a freshly decoded event's own dict)."""
    member_id = state.get("originator_id")
    if cls is ev.MemberEnrolled:
        for f in ("name", "birthday"):
            if is_sealed(state.get(f)):
                state[f] = unseal(member_id, f, state[f])
    elif cls is ev.ProfileUpdated:
        state["changes"] = {k: unseal(member_id, k, v) for k, v in state["changes"].items()}
    elif cls in (ev.IdentifierLinked, ev.IdentifierUnlinked):
        state["value"] = unseal(member_id, state["kind"], state["value"])
    elif cls is ev.MemberSnapshot:
        packed = state["state"].get("packed")
        if is_sealed(packed):
            state["state"] = {**state["state"], "packed": unseal(member_id, "snapshot", packed)}
    elif cls is ev.CommandAccepted:
        subject = state.get("member_id")
        if subject is not None:
            subject = subject if isinstance(subject, UUID) else UUID(str(subject))
            for part in ("request", "result"):
                state[part] = _walk(state[part], f"receipt.{part}",
                                    lambda path, v: unseal(subject, path, v) if is_sealed(v) else v)


# --- receipts -------------------------------------------------------------------------------------


def request_digest(request: dict[str, Any]) -> str:
    return lookup.request_digest(orjson.dumps(request, option=orjson.OPT_SORT_KEYS))


def same_request(receipt: Any, request: dict[str, Any]) -> bool:
    """Whether a receipt was written for this request: by its keyed digest when personal-looking values were
    sealed or hashed in it (a program's `name` too), else by the stored request itself."""
    digest = getattr(receipt, "request_digest", None)
    return receipt.request == request if digest is None else digest == request_digest(request)


def has_personal(value: Any) -> bool:
    if isinstance(value, dict):
        personal_value = value.get("kind") in PERSONAL_KINDS and "value" in value
        return personal_value or any((k in PERSONAL_KEYS and v is not None) or has_personal(v)
                                     for k, v in value.items())
    if isinstance(value, list):
        return any(has_personal(v) for v in value)
    return False


def _protect_receipt(state: dict[str, Any], seal: Seal) -> dict[str, Any]:
    request, result = state["request"], state["result"]
    if not (has_personal(request) or has_personal(result)):
        return state
    subject = state.get("member_id")
    if subject is not None:
        subject = subject if isinstance(subject, UUID) else UUID(str(subject))

        def protect_value(path: str, key: str, value: Any) -> Any:
            return seal(subject, path, value) if isinstance(value, str) and not is_sealed(value) else value
    else:
        def protect_value(path: str, key: str, value: Any) -> Any:
            return _hashed(key, value)
    return {**state, "request": _walk_personal(request, "receipt.request", protect_value),
            "result": _walk_personal(result, "receipt.result", protect_value),
            "request_digest": request_digest(request)}


def _hashed(key: str, value: Any) -> Any:
    if not isinstance(value, str) or is_hashed(value):
        return value
    from loyalty_core import identifiers as ids  # identifiers uses this package for claim ids

    kind = {"channel_customer_id": "channel_id"}.get(key, key)
    try:  # hashed in normalised form, so a held sale's receipt still names its claim (identity/holding.py)
        value = ids.normalise(kind, value) if kind in PERSONAL_KINDS else value
    except Exception:  # noqa: BLE001 - unnormalisable: hashed as typed
        pass
    return lookup.hash_token(kind, value)


def _walk_personal(value: Any, path: str, protect_value: Callable[[str, str, Any], Any]) -> Any:
    if isinstance(value, dict):
        personal_value = value.get("kind") in PERSONAL_KINDS
        out = {}
        for k, v in value.items():
            here = f"{path}.{k}"
            if (k in PERSONAL_KEYS or (personal_value and k == "value")) and not isinstance(v, (dict, list)):
                kind = value["kind"] if k == "value" else k
                out[k] = protect_value(here, kind, v)
            else:
                out[k] = _walk_personal(v, here, protect_value)
        return out
    if isinstance(value, list):
        return [_walk_personal(v, f"{path}.{i}", protect_value) for i, v in enumerate(value)]
    return value


def _walk(value: Any, path: str, fn: Callable[[str, Any], Any]) -> Any:
    if isinstance(value, dict):
        return {k: _walk(v, f"{path}.{k}", fn) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, f"{path}.{i}", fn) for i, v in enumerate(value)]
    return fn(path, value)
