"""Member and till commands beyond earning and spending: vouchers, reversals, a manual tier, profile, consent,
identifiers and lookups. Each is the same ledger command the HTTP API runs, with an idempotency key."""

from __future__ import annotations

import dataclasses
from typing import List, Optional

import typer

from loyalty_cli.ledger_cmds import KEY, SHOW, _key, _ref, _run, show_answer
from loyalty_cli.output import fail, refusing
from loyalty_core import commands as c
from loyalty_core.runtime import open_runtime
from loyalty_core.till_commands import ChangePhone, find_voucher

voucher_app = typer.Typer(no_args_is_help=True, help="Vouchers at the till: look one up, use it once.")
identifier_app = typer.Typer(no_args_is_help=True, help="Link and unlink a member's identifiers.")
KINDS = "phone, email or channel_id (zalo:…, shopee:…)"


def register(app: typer.Typer) -> None:
    from loyalty_cli import merge_cmds  # `loyalty members merge|unmerge`

    app.add_typer(voucher_app, name="voucher")
    app.add_typer(identifier_app, name="identifier")
    merge_cmds.register(app)

    @voucher_app.command("show")
    def voucher_show(code: str) -> None:
        """Show a voucher by its code: its reward, its member and its status (issued, used, expired, …)."""
        runtime = open_runtime()
        try:
            view = refusing(lambda: find_voucher(runtime.service, code))
        finally:
            runtime.close()
        show_answer({k: str(v) if v is not None and not isinstance(v, str) else v
                     for k, v in dataclasses.asdict(view).items()}, None)

    @voucher_app.command("use")
    def voucher_use(code: str, order: str = typer.Option(..., help="The order the voucher pays for"),
                    channel: str = "pos", store: Optional[str] = None, key: Optional[str] = KEY) -> None:
        """Use a voucher once (a used, expired or cancelled one is refused with its own code)."""
        _run(c.UseVoucher(idempotency_key=_key(key), voucher_code=code, order_ref=order, channel=channel,
                          store_id=store))

    @app.command("reverse-redemption")
    def reverse_redemption(member: str, redemption_id: str, reason: str = typer.Option(...),
                           key: Optional[str] = KEY) -> None:
        """Give back a redemption's points (its unused voucher is cancelled)."""
        _run(c.ReverseRedemption(idempotency_key=_key(key), member=_ref(member), redemption_id=redemption_id,
                                 reason=reason))

    @app.command("set-tier")
    def set_tier(member: str, tier: str, reason: str = typer.Option(..., help="Why (kept in the history)"),
                 actor: str = "cli", key: Optional[str] = KEY) -> None:
        """Set a member's tier by hand, with the reason (a VIP gesture, a correction)."""
        _run(c.ChangeTier(idempotency_key=_key(key), member=_ref(member), tier=tier, reason=reason, actor=actor))

    @app.command()
    def profile(member: str, name: Optional[str] = None,
                birthday: Optional[str] = typer.Option(None, help="YYYY-MM-DD"), key: Optional[str] = KEY) -> None:
        """Change a member's name or birthday."""
        if name is None and birthday is None:
            fail("give --name and/or --birthday")
        _run(c.UpdateProfile(idempotency_key=_key(key), member=_ref(member), name=name, birthday=birthday))

    @app.command()
    def consent(member: str, choices: List[str] = typer.Argument(..., help="CHANNEL=yes|no, e.g. zalo=yes sms=no"),
                key: Optional[str] = KEY) -> None:
        """Record a member's consent per message channel."""
        _run(c.ChangeConsent(idempotency_key=_key(key), member=_ref(member), consent=_consent(choices)))

    @app.command("change-phone")
    def change_phone(member: str, phone: str, key: Optional[str] = KEY) -> None:
        """Give a member a new phone number: same member, points and history; the old number is freed."""
        _run(ChangePhone(idempotency_key=_key(key), member=_ref(member), phone=phone))

    @identifier_app.command("link")
    def link(member: str, kind: str = typer.Argument(..., help=KINDS), value: str = typer.Argument(...),
             key: Optional[str] = KEY) -> None:
        """Link an identifier to a member (a Zalo id, a Shopee buyer id, another phone, an email)."""
        _run(c.LinkIdentifier(idempotency_key=_key(key), member=_ref(member), kind=_kind(kind), value=value))

    @identifier_app.command("unlink")
    def unlink(member: str, kind: str = typer.Argument(..., help=KINDS), value: str = typer.Argument(...),
               key: Optional[str] = KEY) -> None:
        """Unlink an identifier from a member (a member keeps at least one phone)."""
        _run(c.UnlinkIdentifier(idempotency_key=_key(key), member=_ref(member), kind=_kind(kind), value=value))

    @app.command()
    def lookup(channel_id: Optional[str] = typer.Option(None, help="zalo:…, shopee:…"),
               phone: Optional[str] = None, email: Optional[str] = None, member_code: Optional[str] = None,
               show: Optional[str] = SHOW) -> None:
        """Find a member by exactly one identifier (a channel's customer id, a phone, an email, a code)."""
        ref = c.MemberRef(channel_id=channel_id, phone=phone, email=email, member_code=member_code)
        runtime = open_runtime()
        try:
            summary = refusing(lambda: runtime.service.member_summary(ref))
        finally:
            runtime.close()
        show_answer({**summary.to_dict(), "qr_token": None}, show)


def _kind(kind: str) -> str:
    if kind not in ("phone", "email", "channel_id"):
        fail(f"kind must be one of {KINDS}, not {kind!r}")
    return kind


def _consent(choices: List[str]) -> dict[str, bool]:
    answers = {"yes": True, "y": True, "true": True, "có": True, "no": False, "n": False, "false": False,
               "không": False}
    consent = {}
    for choice in choices:
        channel, _, answer = choice.partition("=")
        if not channel or answer.lower() not in answers:
            fail(f"{choice!r}: write CHANNEL=yes or CHANNEL=no, e.g. zalo=yes")
        consent[channel] = answers[answer.lower()]
    return consent
