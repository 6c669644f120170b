"""`loyalty messages …` on a SQLite store: preview, a member's messages, the dead letters and their retry,
the cost per provider; refusals are one line, never a traceback."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from typer.testing import CliRunner

from loyalty_cli.main import app
from loyalty_core import commands as c
from loyalty_core.runtime import open_runtime
from loyalty_core.settings import Settings
from messaging.dispatcher import Backoff, Dispatcher
from messaging.runner import build_senders, open_outbox
from messaging.settings import MessagingSettings
from projections.worker import Worker
from tests.unit.messaging.support import reset, start

runner = CliRunner()


@pytest.fixture
def store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/loyalty.db"
    monkeypatch.setenv("LOYALTY_DATABASE_URL", url)
    return url


def test_preview_shows_the_sms_the_email_and_the_zns_parameters(store):
    runtime = open_runtime(Settings(database_url=store))
    runtime.service.execute(c.EnrollMember(idempotency_key="e-1", phone="0912345678", name="Võ Thị Sáu"))
    runtime.close()
    result = runner.invoke(app, ["messages", "preview", "points_earned", "--member", "0912345678"])
    assert result.exit_code == 0, result.output
    assert "Vo Thi Sau" in result.output and "Võ Thị Sáu" in result.output and "customer_name" in result.output
    english = runner.invoke(app, ["messages", "preview", "birthday", "--lang", "en"])
    assert english.exit_code == 0 and "[QC] Happy birthday" in english.output
    assert runner.invoke(app, ["messages", "preview", "nope"]).exit_code == 2
    assert runner.invoke(app, ["messages", "preview", "welcome", "--lang", "fr"]).exit_code == 2
    unknown = runner.invoke(app, ["messages", "preview", "welcome", "--member", "0999999999"])
    assert unknown.exit_code == 1 and "member_not_found" in unknown.output


def test_status_dead_letters_retry_and_stats(store):
    servers = start()
    reset(servers)
    settings = Settings(database_url=store)
    runtime = open_runtime(settings)
    try:
        runtime.service.execute(c.EnrollMember(idempotency_key="e-1", phone="0912345678", consent={"zalo": True}))
        worker = Worker(settings)
        worker.cycle()
        worker.close()
        outbox = open_outbox(settings)
        servers.zns.stand_in.script.append(-109)  # refused, and no other channel: a dead letter
        senders = {"zns": build_senders(MessagingSettings.from_env(servers.environ()))["zns"]}
        Dispatcher(outbox, runtime.service, senders, backoff=Backoff(max_attempts=1)).step()
        (dead,) = outbox.dead_letters()
        status = runner.invoke(app, ["messages", "status", "0912345678"])
        assert status.exit_code == 0 and "failed" in status.output and dead.message_id[:8] in status.output
        listed = runner.invoke(app, ["messages", "dead", "--json"])
        assert listed.exit_code == 0 and dead.message_id in listed.output
        assert runner.invoke(app, ["messages", "retry", "ffffffff"]).exit_code == 2
        retried = runner.invoke(app, ["messages", "retry", dead.message_id[:8]])
        assert retried.exit_code == 0 and "back in the queue" in retried.output
        Dispatcher(outbox, runtime.service, senders, clock=lambda: datetime.now(timezone.utc)).step()
        stats = runner.invoke(app, ["messages", "stats"])
        assert stats.exit_code == 0 and "zns" in stats.output and "300 ₫" in stats.output
        outbox.store.close()
    finally:
        runtime.close()
        servers.close()
