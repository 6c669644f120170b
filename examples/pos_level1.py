"""Level 1, pull and push: find the member by QR code or phone, show balance and tier, hold points while the
customer pays, then capture them (payment went through) or release them (it did not).

    python examples/pos_level1.py --key "$LOYALTY_API_KEY" --phone 0901234567 --points 50 --order HD-1001
    python examples/pos_level1.py --qr <token from the app> --points 50 --order HD-1002 --payment-fails
    python examples/pos_level1.py --card <code scanned from the app's card> --reward discount-15 --order HD-1003

`--card` is the rotating code on the member's app card (member code + 6 digits, new every minute): it
names the member and proves they are at the till, which a program may require before points are spent
(`require_presence_for_redemption`). The code is sent with the redemption, which uses it up.
"""

from __future__ import annotations

import json
import sys

from _client import arguments, call, client, problem


def show(label: str, balance: dict) -> None:
    expiry = balance.get("next_expiry")
    soon = f", {expiry['points']} expiring {expiry['at'][:10]}" if expiry else ""
    print(f"{label}: {balance['available']} points available ({balance['reserved']} held, "
          f"{balance['pending']} pending), tier {balance['tier']}{soon}")


def main() -> int:
    parser = arguments(__doc__.splitlines()[0])
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--phone")
    who.add_argument("--qr", help="The QR token printed on the member's plastic card")
    who.add_argument("--card", help="The rotating code scanned from the member's app card")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--points", type=int, help="Points the customer wants to use")
    what.add_argument("--reward", help="A reward from the catalogue to redeem into a voucher")
    parser.add_argument("--order", required=True, help="This till's order reference")
    parser.add_argument("--capture", type=int, help="Capture only this many (the rest is released)")
    parser.add_argument("--payment-fails", action="store_true", help="Release instead of capturing")
    args = parser.parse_args()
    http = client(args)

    found = call(
        http,
        "GET",
        "/v1/members/lookup",
        params={"phone": args.phone} if args.phone else
        {"card_code": args.card} if args.card else {"qr_token": args.qr},
    )
    if found.status_code != 200:
        print("lookup:", problem(found))
        return 1
    member = found.json()
    print(f"member {member['name'] or member['phone']} ({member['member_code']})")
    show("before", member["balance"])
    proof = {"card_code": args.card} if args.card else {}
    if args.reward:
        return redeem_reward(http, args, member, proof)

    # Keys derived from the order: a retry after a timeout is the same request, never a second hold.
    held = call(
        http,
        "POST",
        f"/v1/members/{member['member_id']}/reservations",
        json={"points": args.points, "order_ref": args.order, "store_id": args.store, "hold_seconds": 600,
              **proof},
        headers={"Idempotency-Key": f"{args.order}/reserve"},
    )
    if held.status_code != 201:
        print("reserve:", problem(held))
        return 1
    reservation = held.json()
    show(f"held {args.points} until {reservation['expires_at'][11:19]}", reservation["balance"])

    action = "release" if args.payment_fails else "capture"
    body = {"store_id": args.store} | (
        {"points": args.capture} if args.capture and action == "capture" else {}
    )
    done = call(
        http,
        "POST",
        f"/v1/reservations/{reservation['reservation_id']}/{action}",
        json=body,
        headers={"Idempotency-Key": f"{args.order}/{action}"},
    )
    if done.status_code != 200:
        print(f"{action}:", problem(done))
        return 1
    show(f"after {action}", done.json()["balance"])
    print(
        json.dumps(
            {
                "member_id": member["member_id"],
                "action": action,
                **{k: v for k, v in done.json().items() if k.startswith("points_")},
            }
        )
    )
    return 0


def redeem_reward(http: object, args: object, member: dict, proof: dict) -> int:
    """Redeem a catalogue reward at once: the answer carries the voucher the till applies to this order."""
    done = call(
        http,
        "POST",
        f"/v1/members/{member['member_id']}/redemptions",
        json={"reward_id": args.reward, "order_ref": args.order, "store_id": args.store, **proof},
        headers={"Idempotency-Key": f"{args.order}/redeem"},
    )
    if done.status_code not in (200, 201):
        print("redeem:", problem(done))
        return 1
    redemption = done.json()
    show(f"after redeeming {args.reward}", redemption["balance"])
    print(json.dumps({"member_id": member["member_id"], "action": "redeem", "reward_id": args.reward,
                      "voucher": redemption.get("voucher"), "points": redemption.get("points")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
