"""Program administration (admin): earning rules, tiers, rewards, campaigns, expiry and refund policies.

Every route is `Admin`-only. A change is a program command (`loyalty_core/program/commands.py`) decided by
the program's own checks against the current version; a refusal is answered as problem+json with the
program's code and records nothing. Every change records the API key id as its actor.

Idempotency: program commands are not ledger commands, so the ledger's receipts do not cover them by
themselves. A change is written as its program events plus a `CommandAccepted` receipt (scope
`program/<key id>`) in one transaction of the event store: a retry with the same key finds the receipt
and gets the same answer (the program as of the version that change made), whichever process it reaches,
and a crash can never leave a change without its receipt or the other way round.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Request, Response
from pydantic import AwareDatetime

from api.deps import Admin, Api, ApiContext, IdempotencyKey
from api.errors import ApiProblem, problems
from api.idempotency import REPLAYED_HEADER
from api.schemas.program import (
    CampaignIn,
    EndCampaignIn,
    ExpiryPolicyIn,
    ProgramOut,
    RefundPolicyIn,
    RestockIn,
    RewardIn,
    RuleIn,
    SettingsIn,
    TierLadderIn,
)
from loyalty_core import errors
from loyalty_core import events as ev
from loyalty_core import identifiers as ids
from loyalty_core import program as prog
from loyalty_core.commands import first_difference
from loyalty_core.privacy.fields import same_request
from loyalty_core.program.definition import check_whole_money
from loyalty_core.program.errors import InvalidProgram, ProgramError

router = APIRouter(prefix="/v1/program", tags=["program"], responses=problems(401, 403, 429))

READ_PROBLEMS = problems(404, 422)
WRITE_PROBLEMS = problems(400, 404, 409, 422)
MAX_ATTEMPTS = 10

ItemPath = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,99}$")]


# --- reading ----------------------------------------------------------------------------------------------


@router.get("", responses=READ_PROBLEMS)
def get_program(
    api: Api,
    caller: Admin,
    at: Annotated[
        AwareDatetime | None,
        Query(description="The program as in force at this instant (ISO 8601 with an offset; "
                          "encode `+` as `%2B`)"),
    ] = None,
) -> ProgramOut:
    """Read the program now (settings, rules, tiers, campaigns, rewards, expiry, refund, version), or as it
    was in force at an instant."""
    if at is not None:
        return _program_at(api, at)
    policy = api.service.policy
    policy.book.refresh(force=True)  # read-your-writes across processes: the cache is at most 1 s stale
    state = policy.book.current()
    return ProgramOut.of(state, _event_at_version(api, state.version))


@router.get("/versions/{version}", responses=READ_PROBLEMS)
def get_program_version(
    api: Api, caller: Admin, version: Annotated[int, Path(ge=1, le=2**31 - 1)]
) -> ProgramOut:
    """Read the program as it was at one of its versions (every earn records the version it used)."""
    events = _program_events(api, upto=version)
    if not events or events[-1].originator_version != version:
        raise ApiProblem(404, "program_version_not_found", f"the program has no version {version}")
    return ProgramOut.of(prog.project_program(None, events), events[-1])


# --- changing ---------------------------------------------------------------------------------------------


@router.post("/rules", status_code=201, responses=WRITE_PROBLEMS)
def add_rule(body: Annotated[RuleIn, Body()], request: Request, api: Api, caller: Admin, key: IdempotencyKey,
             response: Response) -> ProgramOut:
    """Add an earning rule (a rule as JSON with its `kind`; docs/program.md)."""
    return _change(api, caller.key.key_id, key, request, response, "AddRule", body.plain(), 201,
                   lambda state: prog.AddRule(body.to_rule()))


@router.put("/rules/{rule_id}", responses=WRITE_PROBLEMS)
def replace_rule(rule_id: ItemPath, body: Annotated[RuleIn, Body()], request: Request, api: Api,
                 caller: Admin, key: IdempotencyKey, response: Response) -> ProgramOut:
    """Replace a rule with a new version of it (same `rule_id`, which may change kind)."""
    if body.rule_id != rule_id:
        raise ApiProblem(422, "invalid_input", "the body's rule_id must be the one in the path",
                         field="rule_id")

    def command(state: prog.ProgramState) -> Any:
        _require(state.rule(rule_id), "rule_not_found", f"no rule {rule_id}")
        return prog.ReplaceRule(body.to_rule())

    return _change(api, caller.key.key_id, key, request, response, "ReplaceRule", body.plain(), 200, command)


@router.delete("/rules/{rule_id}", responses=WRITE_PROBLEMS)
def remove_rule(rule_id: ItemPath, request: Request, api: Api, caller: Admin, key: IdempotencyKey,
                response: Response) -> ProgramOut:
    """Remove a rule; decisions made with it keep its id in their lines."""

    def command(state: prog.ProgramState) -> Any:
        _require(state.rule(rule_id), "rule_not_found", f"no rule {rule_id}")
        return prog.RemoveRule(rule_id)

    return _change(api, caller.key.key_id, key, request, response, "RemoveRule", {}, 200, command)


@router.put("/tiers", responses=WRITE_PROBLEMS)
def set_tier_ladder(body: TierLadderIn, request: Request, api: Api, caller: Admin, key: IdempotencyKey,
                    response: Response) -> ProgramOut:
    """Replace the tier ladder (thresholds strictly increasing)."""
    return _change(api, caller.key.key_id, key, request, response, "SetTierLadder", body.plain(), 200,
                   lambda state: prog.SetTierLadder(body.to_ladder()))


@router.post("/campaigns", status_code=201, responses=WRITE_PROBLEMS)
def add_campaign(body: CampaignIn, request: Request, api: Api, caller: Admin, key: IdempotencyKey,
                 response: Response) -> ProgramOut:
    """Add a campaign: a time window and an optional points budget for the rules that name it."""
    return _change(api, caller.key.key_id, key, request, response, "AddCampaign", body.plain(), 201,
                   lambda state: prog.AddCampaign(body.to_campaign()))


@router.post("/campaigns/{campaign_id}/end", responses=WRITE_PROBLEMS)
def end_campaign(campaign_id: ItemPath, request: Request, api: Api, caller: Admin, key: IdempotencyKey,
                 response: Response, body: Annotated[EndCampaignIn | None, Body()] = None) -> ProgramOut:
    """End a campaign early: now, or at `ended_at` (between now and its planned end)."""
    body = body or EndCampaignIn()

    def command(state: prog.ProgramState) -> Any:
        _require(state.campaign(campaign_id), "campaign_not_found", f"no campaign {campaign_id}")
        return prog.EndCampaign(campaign_id, body.ended_at)

    return _change(api, caller.key.key_id, key, request, response, "EndCampaign", body.plain(), 200, command)


@router.post("/rewards", status_code=201, responses=WRITE_PROBLEMS)
def add_reward(body: RewardIn, request: Request, api: Api, caller: Admin, key: IdempotencyKey,
               response: Response) -> ProgramOut:
    """Add a reward to the catalogue."""
    return _change(api, caller.key.key_id, key, request, response, "AddReward", body.plain(), 201,
                   lambda state: prog.AddReward(body.to_reward()))


@router.post("/rewards/{reward_id}/restock", responses=WRITE_PROBLEMS)
def restock_reward(reward_id: ItemPath, body: RestockIn, request: Request, api: Api, caller: Admin,
                   key: IdempotencyKey, response: Response) -> ProgramOut:
    """Add `quantity` units to a reward's stock (a reward with limited stock only)."""

    def command(state: prog.ProgramState) -> Any:
        _require(state.reward(reward_id), "reward_not_found", f"no reward {reward_id}")
        return prog.RestockReward(reward_id, body.quantity)

    return _change(api, caller.key.key_id, key, request, response, "RestockReward", body.plain(), 200,
                   command)


@router.put("/expiry-policy", responses=WRITE_PROBLEMS)
def set_expiry_policy(body: ExpiryPolicyIn, request: Request, api: Api, caller: Admin, key: IdempotencyKey,
                      response: Response) -> ProgramOut:
    """Set when earned points expire (for points earned from now on)."""
    return _change(api, caller.key.key_id, key, request, response, "SetExpiryPolicy", body.plain(), 200,
                   lambda state: prog.SetExpiryPolicy(body.to_policy()))


@router.put("/refund-policy", responses=WRITE_PROBLEMS)
def set_refund_policy(body: RefundPolicyIn, request: Request, api: Api, caller: Admin, key: IdempotencyKey,
                      response: Response) -> ProgramOut:
    """Set how refunds take points back, and what happens when they were already spent."""
    return _change(api, caller.key.key_id, key, request, response, "SetRefundPolicy", body.plain(), 200,
                   lambda state: prog.SetRefundPolicy(body.to_policy()))


@router.put("/settings", responses=WRITE_PROBLEMS)
def change_settings(body: SettingsIn, request: Request, api: Api, caller: Admin, key: IdempotencyKey,
                    response: Response) -> ProgramOut:
    """Change the program's settings (the currency never changes)."""
    return _change(api, caller.key.key_id, key, request, response, "ChangeProgramSettings", body.plain(), 200,
                   lambda state: prog.ChangeProgramSettings(body.to_settings()))


# --- how a change is made ---------------------------------------------------------------------------------


def _change(api: ApiContext, actor: str, key: str, request: Request, response: Response, name: str,
            body: dict[str, Any], status: int, build: Callable[[prog.ProgramState], Any]) -> ProgramOut:
    """Decide `build(current program)` and write its events with a receipt for (actor, key), in one
    transaction; or answer the receipt's change again. Another admin's change in between: decide again."""
    scope = f"program/{actor}"
    asked = {"path": request.url.path, "body": body}
    receipt_id = ids.receipt_id(scope, key)
    store, policy = api.runtime.store, api.service.policy
    with api.inflight.hold(scope, key):
        for _ in range(MAX_ATTEMPTS):
            receipt = store.load_receipt(receipt_id)
            if receipt is not None:
                return _replay(api, receipt, name, asked, response)
            policy.book.refresh(force=True)
            state = policy.book.current()
            try:
                check_whole_money(body, state.currency)  # "10.000" in a VND program is refused, never 10 ₫
                command = build(state)
                now = api.service.clock()
                events = _decide(state, command, now, actor)
            except errors.LoyaltyError as exc:
                api.metrics.command(name, exc.code)
                raise
            after = prog.project_program(state, events)
            accepted = ev.CommandAccepted(
                originator_id=receipt_id, originator_version=1, timestamp=now, scope=scope,
                idempotency_key=key, command=name, request=asked,
                result={"status": status, "version": after.version})
            try:
                store.record([*events, accepted])
            except errors.WriteConflict:
                continue  # another change to the program (or this very request, from another process)
            policy.book.refresh(force=True)  # purchases priced in this process see the change at once
            api.metrics.command(name, "accepted")
            return ProgramOut.of(after, events[-1] if events else _event_at_version(api, after.version))
    raise errors.ConcurrencyConflict("the program is being changed by someone else; try again")


def _decide(state: prog.ProgramState, command: Any, now: datetime, actor: str) -> list[Any]:
    try:
        return prog.decide(state, command, now, actor)
    except ProgramError:
        raise
    except (TypeError, ValueError, ArithmeticError) as exc:  # a value outside what the calendar can hold
        raise InvalidProgram(f"{type(command).__name__}: {exc}") from None


def _replay(api: ApiContext, receipt: Any, name: str, asked: dict[str, Any],
            response: Response) -> ProgramOut:
    if receipt.command != name or not same_request(receipt, asked):
        differs = "command" if receipt.command != name else first_difference(receipt.request, asked)
        api.metrics.command(name, "idempotency_key_reused")
        raise ApiProblem(422, "idempotency_key_reused", "this Idempotency-Key was used for a different "
                         f"request (first difference: {differs})", field=differs)
    api.metrics.command(name, "replayed")
    response.status_code = int(receipt.result["status"])
    response.headers[REPLAYED_HEADER] = "true"
    version = int(receipt.result["version"])
    events = _program_events(api, upto=version)
    return ProgramOut.of(prog.project_program(None, events), events[-1])


def _require(found: object, code: str, detail: str) -> None:
    if found is None:
        raise ApiProblem(404, code, detail)


def _program_events(api: ApiContext, upto: int | None = None) -> list[Any]:
    return list(api.runtime.store.events.get(api.service.policy.program_id, lte=upto))


def _event_at_version(api: ApiContext, version: int) -> Any | None:
    found = api.runtime.store.events.get(api.service.policy.program_id, gt=version - 1, lte=version)
    return next(iter(found), None)


def _program_at(api: ApiContext, at: datetime) -> ProgramOut:
    try:
        state = api.service.policy.book.at(at)
    except (InvalidProgram, errors.ProgramNotFound):
        raise errors.ProgramNotFound(f"the program did not exist yet at {at.isoformat()}") from None
    except (OverflowError, ValueError):
        raise ApiProblem(422, "invalid_input", "at is not an instant the program can be read at",
                         field="at") from None
    return ProgramOut.of(state, _event_at_version(api, state.version))
