"""Ledger commands: enrol, earn, redeem, reserve/capture/release, refund, adjust, balance, history."""

from __future__ import annotations

import uuid
from typing import Optional

import typer

from loyalty_cli.amounts import parse_vnd
from loyalty_cli.output import dump, fail, refusing
from loyalty_core import commands as c
from loyalty_core.runtime import open_runtime


def _ref(member: str) -> c.MemberRef:
    """A member given as an id, a phone, an email or a member code."""
    try:
        return c.MemberRef(member_id=uuid.UUID(member))
    except ValueError:
        pass
    if "@" in member:
        return c.MemberRef(email=member)
    if member[:1].isalpha():
        return c.MemberRef(member_code=member)
    return c.MemberRef(phone=member)


def _key(key: Optional[str]) -> str:
    return key or f"cli-{uuid.uuid4().hex}"


def _run(command: c.Command, show: Optional[str] = None, rename: Optional[dict[str, str]] = None) -> None:
    runtime = open_runtime()
    try:
        answer = refusing(lambda: runtime.service.execute(command)).to_dict()
    finally:
        runtime.close()
    for old, new in (rename or {}).items():
        answer = {new if k == old else k: v for k, v in answer.items()}
    show_answer(answer, show)


def show_answer(answer: dict, show: Optional[str]) -> None:
    """The whole answer as JSON, or with `--print FIELD` that one field alone (for `X=$(loyalty ...)`)."""
    if show is None:
        dump(answer)
        return
    if show not in answer:
        fail(f"--print {show}: the answer has {', '.join(sorted(answer))}")
    value = answer[show]
    typer.echo(value if isinstance(value, str) else str(value))


KEY = typer.Option(None, "--key", help="Idempotency key (a retry with the same key changes nothing).")
SHOW = typer.Option(None, "--print", metavar="FIELD",
                    help="Print only this field of the answer (e.g. reservation_id), for shell scripts.")


def register(app: typer.Typer) -> None:
    @app.command()
    def enroll(phone: str, name: Optional[str] = None, email: Optional[str] = None,
               birthday: Optional[str] = typer.Option(None, help="YYYY-MM-DD"),
               referrer: Optional[str] = typer.Option(None, help="The member code of the friend who referred them"),
               channel_id: Optional[str] = typer.Option(None, help="A channel's customer id, e.g. zalo:123456"),
               key: Optional[str] = KEY, show: Optional[str] = SHOW) -> None:
        """Enrol a member by phone number (a `sign_up` rule pays at once; a referrer is paid by the referral
        rule on the friend's first purchase)."""
        _run(c.EnrollMember(idempotency_key=_key(key), phone=phone, name=name, email=email, birthday=birthday,
                            referred_by=c.MemberRef(member_code=referrer) if referrer else None,
                            channel_customer_id=channel_id), show)

    @app.command()
    def earn(member: str, points: int, reference: str = typer.Option(..., help="Why: a ticket, a bonus code"),
             key: Optional[str] = KEY) -> None:
        """Credit points directly (a bonus or a migration); purchases go through `loyalty purchase`."""
        _run(c.EarnPoints(idempotency_key=_key(key), member=_ref(member), points=points, reference=reference))

    @app.command()
    def redeem(member: str, points: Optional[int] = None, reward: Optional[str] = None,
               order: str = typer.Option(..., help="Order reference"), key: Optional[str] = KEY,
               show: Optional[str] = SHOW) -> None:
        """Spend points, or redeem a reward from the catalogue."""
        _run(c.RedeemPoints(idempotency_key=_key(key), member=_ref(member), points=points, reward_id=reward,
                            order_ref=order), show)

    @app.command()
    def reserve(member: str, points: int, order: str = typer.Option(...), hold_seconds: int = 900,
                key: Optional[str] = KEY, show: Optional[str] = SHOW) -> None:
        """Hold points for a payment in progress (capture or release it later)."""
        _run(c.ReservePoints(idempotency_key=_key(key), member=_ref(member), points=points, order_ref=order,
                             hold_seconds=hold_seconds), show)

    @app.command()
    def capture(reservation_id: str, points: Optional[int] = None, key: Optional[str] = KEY) -> None:
        """Spend a reservation (all of it, or `--points` of it and release the rest)."""
        _run(c.CaptureReservation(idempotency_key=_key(key), reservation_id=reservation_id, points=points))

    @app.command()
    def release(reservation_id: str, key: Optional[str] = KEY) -> None:
        """Give a reservation's points back."""
        _run(c.ReleaseReservation(idempotency_key=_key(key), reservation_id=reservation_id))

    @app.command()
    def refund(transaction_ref: str, amount: str = typer.Argument(..., help="Money refunded: 125000 or 125.000"),
               refund_ref: str = typer.Option(...),
               channel: str = typer.Option("pos", help="The channel the refund goes through (as `purchase`)"),
               purchase_channel: Optional[str] = typer.Option(
                   None, help="The channel the purchase came from, when it differs (bought online, returned)"),
               key: Optional[str] = KEY) -> None:
        """Take back the points a refunded purchase earned (pro rata)."""
        _run(c.RefundPurchase(idempotency_key=_key(key), transaction_ref=transaction_ref, refund_ref=refund_ref,
                              amount=parse_vnd(amount), channel=channel, purchase_channel=purchase_channel))

    @app.command()
    def adjust(member: str, points: int = typer.Option(..., help="Points to add, or take away if negative"),
               reason: str = typer.Option(...), actor: str = "cli",
               key: Optional[str] = KEY) -> None:
        """Correct a balance by +/- points, with a reason; above the program's threshold it waits for
        someone else's approval (`loyalty approvals`)."""
        from loyalty_core.approvals import ApprovalResult, RequestAdjustment

        runtime = open_runtime()
        try:
            result = refusing(lambda: runtime.service.execute(RequestAdjustment(
                idempotency_key=_key(key), member=_ref(member), points=points, reason=reason, actor=actor)))
        finally:
            runtime.close()
        if isinstance(result, ApprovalResult):
            typer.echo(f"approval requested: {result.approval_id}")
        else:
            dump(result.to_dict())

    @app.command()
    def balance(member: str) -> None:
        """Show a member's balance and summary (what is due is applied, nothing is written)."""
        runtime = open_runtime()
        try:
            dump(refusing(lambda: runtime.service.member_summary(_ref(member))).to_dict())
        finally:
            runtime.close()

    @app.command()
    def history(member: str, limit: int = 50) -> None:
        """List a member's events, newest first."""
        runtime = open_runtime()
        try:
            found = refusing(lambda: runtime.service.resolve(_ref(member)))
            events = runtime.store.member_events(found.id)[-limit:]
            for event in reversed(events):
                fields = {k: v for k, v in vars(event).items() if k not in ("originator_id",)}
                dump({"event": type(event).__name__, **fields})
        finally:
            runtime.close()
