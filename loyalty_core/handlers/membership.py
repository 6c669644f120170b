"""Joining and the member's own data: enrolment, identifiers, profile, consent and erasure."""

from __future__ import annotations

from uuid import uuid4

from loyalty_core import commands as cmd
from loyalty_core import errors
from loyalty_core import events as ev
from loyalty_core import identifiers as ids
from loyalty_core import timebounds
from loyalty_core.decide import Change
from loyalty_core.handlers.common import change_result, checked_text, member_result, utc_time
from loyalty_core.member import Member
from loyalty_core.planning import Context, Plan

def enroll(ctx: Context, c: cmd.EnrollMember) -> Plan:
    member_id = uuid4()
    identifiers = [(ids.PHONE, ids.normalise_phone(c.phone))]
    if c.email:
        identifiers.append((ids.EMAIL, ids.normalise_email(c.email)))
    if c.channel_customer_id:
        identifiers.append((ids.CHANNEL_ID, ids.normalise_channel_id(c.channel_customer_id)))
    generated = [(ids.MEMBER_CODE, ids.new_member_code()), (ids.QR_TOKEN, ids.new_qr_token())]
    change = Change(None, ctx.now, ctx.cause, member_id=member_id)
    change.add(ev.MemberEnrolled, program_code=c.program_code or ctx.service.policy.program_code,
               tier=ctx.service.policy.base_tier, name=checked_text(c.name, "name"), birthday=timebounds.birthday(c.birthday, ctx.now),
               consent={str(k): bool(v) for k, v in c.consent.items()},
               referred_by=ctx.service.resolve(c.referred_by).id if c.referred_by else None)
    for kind, value in identifiers:
        ctx.take_claim(kind, value, member_id)
        change.add(ev.IdentifierLinked, kind=kind, value=value)
    for kind, value in generated:
        ctx.take_new_claim(kind, value, member_id)
        change.add(ev.IdentifierLinked, kind=kind, value=value)
    return ctx.plan(change, member_result(change.current))


def link_identifier(ctx: Context, c: cmd.LinkIdentifier) -> Plan:
    member = not_erased(ctx.service.resolve(c.member))
    value = ids.normalise(c.kind, c.value)
    change = ctx.change(member)
    ctx.take_claim(c.kind, value, member.id)
    if (c.kind, value) not in member.identifiers:
        change.add(ev.IdentifierLinked, kind=c.kind, value=value)
    return ctx.plan(change, member_result(change.current))


def unlink_identifier(ctx: Context, c: cmd.UnlinkIdentifier) -> Plan:
    member = ctx.service.resolve(c.member)
    value = ids.normalise(c.kind, c.value)
    if c.kind == ids.PHONE and sum(1 for k, _ in member.identifiers if k == ids.PHONE) <= 1:
        raise errors.InvalidInput("a member keeps at least one phone number", field="kind")
    change = ctx.change(member)
    ctx.release_claim(c.kind, value, member.id)
    change.add(ev.IdentifierUnlinked, kind=c.kind, value=value)
    return ctx.plan(change, member_result(change.current))


def update_profile(ctx: Context, c: cmd.UpdateProfile) -> Plan:
    member = not_erased(ctx.service.resolve(c.member))
    changes = {k: v for k, v in {"name": checked_text(c.name, "name"), "birthday": timebounds.birthday(c.birthday, ctx.now)}.items()
               if v is not None and getattr(member, k) != v}
    change = ctx.change(member)
    if changes:
        change.add(ev.ProfileUpdated, changes=changes)
    return ctx.plan(change, change_result(change))


def change_consent(ctx: Context, c: cmd.ChangeConsent) -> Plan:
    member = ctx.service.resolve(c.member)
    change = ctx.change(member)
    changes = {str(k): bool(v) for k, v in c.consent.items() if member.consent.get(k) != bool(v)}
    if changes:
        given_at = utc_time(c.given_at, ctx.now) if c.given_at is not None else None
        change.add(ev.ConsentChanged, changes=changes, source=checked_text(c.source, "source") or c.channel,
                   consent_text_version=checked_text(c.consent_text_version, "consent_text_version") or "",
                   given_at=given_at)
    return ctx.plan(change, change_result(change))


def erase_member(ctx: Context, c: cmd.EraseMember) -> Plan:
    """Release every identifier the member owns (so the phone can join again as someone new) and record
    `PersonalDataErased`; the store destroys the member's data key in the same transaction
    (loyalty_core/privacy/keystore.py). Erasing an erased member again writes nothing."""
    reason = checked_text(c.reason, "reason")
    if not reason or not reason.strip():
        raise errors.InvalidInput("a reason is required to erase a member's personal data", field="reason")
    member = ctx.service.resolve(c.member)
    change = ctx.change(member)
    if member.erased:
        return ctx.plan(change, change_result(change))
    for kind, value in member.identifiers:
        try:
            ctx.release_claim(kind, value, member.id)
        except errors.IdentifierNotLinked:
            continue  # the claim already points elsewhere (a merge, an old inconsistency): not ours to free
    change.add(ev.PersonalDataErased, reason=reason.strip())
    return ctx.plan(change, change_result(change))


def not_erased(member: Member) -> Member:
    if member.erased:
        raise errors.MemberErased(f"member {member.id}'s personal data was erased", member_id=str(member.id))
    return member
