"""Level 2, two-way: the till (or app) is told at once when a member's balance, tier or vouchers change.

Follows `GET /v1/stream` (server-sent events) for one member and prints each change as it happens; a dropped
connection resumes with Last-Event-ID, so nothing is missed or shown twice. With --webhook-port it also runs
a small receiver for signed webhooks and checks each signature (HMAC-SHA256 over "timestamp.body").

    python examples/pos_level2.py --key "$LOYALTY_API_KEY" --phone 0901234567
    python examples/pos_level2.py --phone 0901234567 --webhook-port 9099 --webhook-secret whsec_...
    python examples/pos_level2.py --card <code scanned from the member's app card>
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
from _client import arguments, call, client, problem

TOLERANCE_SECONDS = 300


def signature_ok(secret: str, header: str, body: bytes, now: float | None = None) -> bool:
    """Check `Loyalty-Signature: t=...,v1=...` the way every receiver should."""
    try:
        parts = [item.split("=", 1) for item in header.split(",")]
        timestamp = int(dict(parts)["t"])
    except (ValueError, KeyError):
        return False
    if abs((now or time.time()) - timestamp) > TOLERANCE_SECONDS:
        return False  # too old (or from the future): a replayed request
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return any(k == "v1" and hmac.compare_digest(v, expected) for k, v in parts)


def webhook_receiver(port: int, secret: str) -> ThreadingHTTPServer:
    seen: set[str] = set()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server naming
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if not signature_ok(secret, self.headers.get("Loyalty-Signature", ""), body):
                self.send_response(400)
                self.end_headers()
                return
            event_id = self.headers.get("Loyalty-Event-Id", "")
            if event_id not in seen:  # deliveries are at least once: drop repeats
                seen.add(event_id)
                event = json.loads(body)
                print(
                    f"webhook  {event['type']:<22} member {event['member_id'][:8]}… v{event['version']}",
                    flush=True,
                )
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def follow(http: httpx.Client, member_id: str, max_events: int | None, seconds: float | None) -> int:
    last_id, shown = None, 0
    deadline = time.monotonic() + seconds if seconds else None
    while deadline is None or time.monotonic() < deadline:
        headers = {"Last-Event-ID": last_id} if last_id else {}
        try:
            with http.stream(
                "GET",
                "/v1/stream",
                params={"member_id": member_id},
                headers=headers,
                timeout=httpx.Timeout(10, read=30),
            ) as response:
                if response.status_code != 200:
                    response.read()
                    print("stream:", problem(response))
                    return 1
                print("following", member_id, flush=True)
                event_id = None
                for line in response.iter_lines():
                    if line.startswith("id:"):
                        event_id = line[3:].strip()
                    elif line.startswith("data:"):
                        event = json.loads(line[5:])
                        last_id, shown = event_id, shown + 1
                        points = event["data"].get("points", event["data"].get("delta", ""))
                        where = event["store_id"] or event["channel"]
                        print(f"stream   {event['type']:<22} {points!s:>6} at {where}", flush=True)
                        if max_events and shown >= max_events:
                            return 0
                    if deadline and time.monotonic() > deadline:
                        return 0
        except httpx.TransportError as exc:
            print(
                f"stream dropped ({exc.__class__.__name__}), resuming after event {last_id}", file=sys.stderr
            )
            time.sleep(1)
    return 0


def main() -> int:
    parser = arguments(__doc__.splitlines()[0])
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--phone")
    who.add_argument("--card", help="The rotating code scanned from the member's app card")
    parser.add_argument("--max-events", type=int, help="Stop after this many events")
    parser.add_argument("--seconds", type=float, help="Stop after this long")
    parser.add_argument("--webhook-port", type=int, help="Also receive signed webhooks on this port")
    parser.add_argument("--webhook-secret", help="The secret POST /v1/webhooks answered")
    args = parser.parse_args()
    http = client(args)
    if args.webhook_port:
        if not args.webhook_secret:
            sys.exit("--webhook-port needs --webhook-secret")
        webhook_receiver(args.webhook_port, args.webhook_secret)
    found = call(http, "GET", "/v1/members/lookup",
                 params={"phone": args.phone} if args.phone else {"card_code": args.card})
    if found.status_code != 200:
        print("lookup:", problem(found))
        return 1
    return follow(http, found.json()["member_id"], args.max_events, args.seconds)


if __name__ == "__main__":
    sys.exit(main())
