"""Level 0, push only: a till that was offline pushes its queued sales, in any order, some of them twice.

Each sale carries its transaction_ref; the ledger records a (channel, transaction_ref) once, so pushing the
whole queue again, or a sale twice, never earns twice. The till needs no state beyond its queue.

    python examples/pos_level0.py --key "$LOYALTY_API_KEY" --phone 0901234567 --sales 12
    python examples/pos_level0.py --queue sales.jsonl      # one sale (the API's JSON body) per line
"""

from __future__ import annotations

import json
import random
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from _client import arguments, call, client, problem

VN = timezone(timedelta(hours=7))
MENU = [("CF-SUA-DA", "coffee", 29000), ("CF-DEN", "coffee", 25000), ("TRA-DAO", "tea", 45000),
        ("BANH-MI", "food", 30000)]


def demo_queue(phone: str, store: str, count: int, offline_minutes: float) -> list[dict]:
    """Sales a till rang up while it was offline, spread over the last `offline_minutes`."""
    rng = random.Random(phone)
    step = timedelta(minutes=offline_minutes) / max(count, 1)
    started = datetime.now(VN) - step * count
    batch = uuid.uuid4().hex[:6].upper()
    sales = []
    for n in range(count):
        picks = rng.sample(MENU, k=rng.randint(1, 3))
        lines = [{"sku": sku, "category": cat, "quantity": 1, "unit_price": str(price), "amount": str(price)}
                 for sku, cat, price in picks]
        sales.append(
            {
                "transaction_ref": f"{store}-{batch}-{n:04d}",
                "member": {"phone": phone},
                "store_id": store,
                "occurred_at": (started + step * n).isoformat(timespec="seconds"),
                "currency": "VND",
                "total": str(sum(p for _, _, p in picks)),
                "lines": lines,
            }
        )
    return sales


def main() -> int:
    parser = arguments(__doc__.splitlines()[0])
    parser.add_argument("--phone", help="The member's phone (demo queue); enrolled first if unknown")
    parser.add_argument("--sales", type=int, default=10, help="How many demo sales to queue")
    parser.add_argument(
        "--offline-minutes", type=float, default=0,
        help="Spread the demo sales over the last N minutes (a sale from before the program was installed "
             "is refused, so keep it short on a fresh `make run`)")
    parser.add_argument(
        "--queue", type=Path, help="A JSON-lines file of sales to push instead of the demo queue"
    )
    args = parser.parse_args()
    http = client(args)
    if args.queue:
        queue = [json.loads(line) for line in args.queue.read_text().splitlines() if line.strip()]
    else:
        if not args.phone:
            sys.exit("give --phone for the demo queue, or --queue FILE")
        if call(http, "GET", "/v1/members/lookup", params={"phone": args.phone}).status_code == 404:
            enrolled = call(
                http,
                "POST",
                "/v1/members",
                json={"phone": args.phone},
                headers={"Idempotency-Key": f"enrol-{args.phone}"},
            )
            print("enrolled", args.phone, enrolled.status_code)
        queue = demo_queue(args.phone, args.store, args.sales, args.offline_minutes)
    # Offline queues drain in any order, and a push whose answer was lost is pushed again.
    pushes = queue + random.sample(queue, k=max(1, len(queue) // 3))
    random.shuffle(pushes)
    landed, replayed, refused = {}, 0, []
    for sale in pushes:
        response = call(http, "POST", "/v1/transactions", json=sale)
        if response.status_code == 201:
            replayed += response.headers.get("Idempotent-Replayed") == "true"
            landed[sale["transaction_ref"]] = response.json()["points_earned"]
        else:
            refused.append((sale["transaction_ref"], problem(response)))
    summary = {
        "queued": len(queue),
        "pushed": len(pushes),
        "landed": len(landed),
        "replayed": replayed,
        "points_earned": sum(landed.values()),
        "refused": refused,
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0 if len(landed) == len(queue) else 1


if __name__ == "__main__":
    sys.exit(main())
