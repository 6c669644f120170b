"""Exactly once across a real crash: the dispatcher process is SIGKILLed after the provider accepted a
message and before it could record that, then a new dispatcher takes over. The provider (the ZNS stand-in)
kills the dispatcher at the worst instant: with the message delivered and the answer not yet sent back.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from loyalty_core import commands as c
from loyalty_core.runtime import open_runtime
from loyalty_core.settings import Settings
from messaging.dispatcher import Dispatcher
from messaging.runner import build_senders, open_outbox
from messaging.settings import MessagingSettings
from projections.worker import Worker
from tests.builders import key
from tests.unit.messaging.support import reset, start

REPO = Path(__file__).resolve().parents[2]
CHILD = """
import os
from loyalty_core.runtime import open_runtime
from loyalty_core.settings import Settings
from messaging.dispatcher import Dispatcher
from messaging.runner import build_senders, open_outbox
from messaging.settings import MessagingSettings
settings = Settings.from_env(os.environ)
runtime = open_runtime(settings)
dispatcher = Dispatcher(open_outbox(settings), runtime.service, build_senders(MessagingSettings.from_env(os.environ)))
dispatcher.step()
print("the dispatcher survived", flush=True)
"""


def test_a_dispatcher_killed_after_the_send_and_before_the_record_delivers_once(database_url):
    servers = start()
    reset(servers)
    settings = Settings(database_url=database_url)
    runtime = open_runtime(settings)
    try:
        member = runtime.service.execute(c.EnrollMember(idempotency_key=key(), phone="0912345678", name="An",
                                                        consent={"zalo": True}))
        worker = Worker(settings)
        worker.cycle()
        worker.close()
        env = {**os.environ, **servers.environ(), "LOYALTY_DATABASE_URL": database_url, "PYTHONPATH": str(REPO)}
        child = subprocess.Popen([sys.executable, "-c", CHILD], env=env, cwd=REPO, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        servers.zns.stand_in.on_accept = lambda delivery: os.kill(child.pid, signal.SIGKILL)
        out, err = child.communicate(timeout=120)
        assert child.returncode == -signal.SIGKILL, (out, err)
        outbox = open_outbox(settings)
        (message,) = outbox.for_member(member.member_id)
        assert message.status == "sending" and message.channel == "zns"  # delivered, never recorded
        servers.zns.stand_in.on_accept = None

        later = datetime.now(timezone.utc) + timedelta(minutes=5)  # the dead dispatcher's lease has run out
        senders = build_senders(MessagingSettings.from_env(servers.environ()))
        assert Dispatcher(outbox, runtime.service, senders, clock=lambda: later).step() == 1
        (message,) = outbox.for_member(member.member_id)
        assert message.status == "sent"
        (delivery,) = servers.zns.stand_in.deliveries.values()
        assert delivery.key == message.message_id and delivery.requests == 2  # sent twice, delivered once
        assert message.provider_id == delivery.provider_id
        outbox.store.close()
    finally:
        runtime.close()
        servers.close()
