"""A load run for the durability test: many threads earning through group commit, printing each
acknowledged command's key as soon as the ledger acknowledged it. The test kills this process with
SIGKILL mid-run."""

from __future__ import annotations

import sys
import threading

from loyalty_core import commands as c
from loyalty_core.ledger import open_store
from loyalty_core.service import LoyaltyService, enable_group_commit
from loyalty_core.settings import Settings


def main(database_url: str, threads: int = 16) -> None:
    store = open_store(Settings(database_url=database_url, pool_size=threads + 2))
    service = LoyaltyService(store)
    members = [service.execute(c.EnrollMember(idempotency_key=f"enrol-{i}", phone=f"09180000{i:02d}")).member_id
               for i in range(20)]
    enable_group_commit(service)
    print("ready", flush=True)
    lock = threading.Lock()

    def work(t: int) -> None:
        i = 0
        while True:
            key = f"t{t}-{i}"
            service.execute(c.EarnPoints(idempotency_key=key, member=c.MemberRef(member_id=members[i % 20]),
                                         points=1 + i % 7, reference=key, channel="pos"))
            with lock:
                sys.stdout.write(f"ack {key} {1 + i % 7}\n")
                sys.stdout.flush()
            i += 1

    for t in range(threads):
        threading.Thread(target=work, args=(t,), daemon=True).start()
    threading.Event().wait()


if __name__ == "__main__":
    main(sys.argv[1])
