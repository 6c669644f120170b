"""Helpers for the messaging tests: a ledger, its read side and outbox, the stand-ins, a dispatcher."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from loyalty_core import commands as c
from loyalty_core.runtime import open_runtime
from loyalty_core.settings import Settings
from messaging.devservers import DevServers, start_dev_servers
from messaging.dispatcher import Backoff, Dispatcher
from messaging.runner import build_senders, open_outbox
from messaging.settings import MessagingSettings
from projections.worker import Worker
from tests.builders import key

ALL_CONSENT = {"zalo": True, "sms": True, "email": True}


class Crash(BaseException):
    """Stands for the process dying: not an Exception, so nothing on the way up catches it."""


class CrashAfterSend(Dispatcher):
    def after_send(self, message: Any, result: Any) -> None:
        raise Crash(message.message_id)


@dataclass
class Messaging:
    """A store with its outbox, on a movable clock, sending to the stand-ins."""

    url: str
    clock: Any
    servers: DevServers
    runtime: Any = None
    outbox: Any = None
    worker: Any = None
    phones: int = field(default=0)

    def __post_init__(self) -> None:
        self.settings = Settings(database_url=self.url)
        self.runtime = open_runtime(self.settings, clock=self.clock)
        self.outbox = open_outbox(self.settings)
        self.worker = Worker(self.settings)

    @property
    def service(self) -> Any:
        return self.runtime.service

    def senders(self, *channels: str) -> dict[str, Any]:
        made = build_senders(MessagingSettings.from_env(self.servers.environ()))
        return {name: made[name] for name in (channels or made)}

    def dispatcher(self, *channels: str, cls: type[Dispatcher] = Dispatcher, cap: int = 10,
                   max_attempts: int = 3) -> Dispatcher:
        return cls(self.outbox, self.service, self.senders(*channels), per_member_daily_cap=cap, clock=self.clock,
                   backoff=Backoff(base=timedelta(seconds=10), cap=timedelta(seconds=20), max_attempts=max_attempts))

    def enroll(self, consent: dict[str, bool] | None = None, email: str | None = "auto",
               name: str = "Nguyễn Thị Hà") -> c.MemberRef:
        self.phones += 1
        email = f"khach{self.phones}@example.vn" if email == "auto" else email
        result = self.service.execute(c.EnrollMember(
            idempotency_key=key("enroll"), phone=f"0912{self.phones:06d}", email=email, name=name,
            consent=ALL_CONSENT if consent is None else consent))
        return c.MemberRef(member_id=result.member_id)

    def earn(self, member: c.MemberRef, points: int, reference: str | None = None) -> None:
        self.service.execute(c.EarnPoints(idempotency_key=key("earn"), member=member, points=points,
                                          reference=reference or key("ref")))

    def project(self) -> None:
        self.worker.cycle()

    def messages(self, member: c.MemberRef) -> list[Any]:
        return sorted(self.outbox.for_member(member.member_id), key=lambda m: (m.created_at, m.kind))

    def close(self) -> None:
        self.worker.close()
        self.outbox.store.close()
        self.runtime.close()


def reset(servers: DevServers) -> None:
    for stand_in in (servers.zns.stand_in, servers.sms.stand_in, servers.smtp.stand_in):
        stand_in.deliveries.clear()
        stand_in.rejected.clear()
        stand_in.script.clear()
        stand_in.on_accept = None


def start() -> DevServers:
    return start_dev_servers()
