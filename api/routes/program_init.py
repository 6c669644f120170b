"""Creating the store's program from a definition (admin): `POST /v1/program`, with `?dry_run=true` to check it.

The body is the definition document `loyalty program init FILE` reads (docs/program.md, "A program from a
file"): settings, expiry, refund, tiers, rewards, campaigns, rules. Shapes are checked here with the same
models as the admin routes; everything else by the program's own checks, with their codes. The creation is
written with its receipt (scope `program/<key id>`) in one transaction, so a retry with the same
Idempotency-Key answers the same and a store never gets two programs.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import Field

from api.deps import Admin, Api, IdempotencyKey
from api.errors import ApiProblem, problems
from api.idempotency import REPLAYED_HEADER
from api.schemas.common import Strict
from api.schemas.program import (
    CampaignIn,
    ExpiryPolicyIn,
    ProgramOut,
    RefundPolicyIn,
    RewardIn,
    RuleIn,
    SettingsIn,
    TierLadderIn,
)
from loyalty_core import events as ev
from loyalty_core import identifiers as ids
from loyalty_core import program as prog
from loyalty_core.commands import first_difference
from loyalty_core.privacy.fields import same_request
from loyalty_core.program_setup import ProgramAlreadyExists, create_program

router = APIRouter(prefix="/v1/program", tags=["program"], responses=problems(401, 403, 429))
COMMAND = "CreateProgramFromDefinition"


class ProgramDefinitionIn(Strict):
    """A whole program: what `loyalty program init FILE` reads, as JSON."""

    settings: SettingsIn
    expiry: ExpiryPolicyIn | None = None
    """`never` when left out."""
    refund: RefundPolicyIn | None = None
    tiers: TierLadderIn | None = None
    """One tier, `member`, when left out."""
    rewards: Annotated[list[RewardIn], Field(max_length=1000)] = []
    campaigns: Annotated[list[CampaignIn], Field(max_length=1000)] = []
    rules: Annotated[list[RuleIn], Field(max_length=1000)] = []

    def document(self) -> dict[str, Any]:
        """The definition as the program's types read it: only what was sent (their defaults do the rest)."""
        return self.model_dump(mode="json", exclude_unset=True, exclude_none=True)


@router.post("", status_code=201, responses=problems(400, 409, 422))
def create_program_from_definition(body: ProgramDefinitionIn, request: Request, api: Api, caller: Admin,
                                   key: IdempotencyKey, response: Response,
                                   dry_run: Annotated[bool, Query(description="Check only; write nothing")] = False
                                   ) -> ProgramOut:
    """Create the store's program from a definition (settings, policies, tiers, rewards, campaigns, rules)."""
    actor, policy, now = caller.key.key_id, api.service.policy, api.service.clock()
    document = body.document()
    if dry_run:
        state, events = create_program(policy, document, now, actor, check_only=True)
        response.status_code = 200
        return ProgramOut.of(state, events[-1])
    scope = f"program/{actor}"
    receipt_id = ids.receipt_id(scope, key)
    asked = {"path": request.url.path, "body": document}
    with api.inflight.hold(scope, key):
        stored = api.runtime.store.load_receipt(receipt_id)
        if stored is None:
            receipt = ev.CommandAccepted(originator_id=receipt_id, originator_version=1, timestamp=now, scope=scope,
                                         idempotency_key=key, command=COMMAND, request=asked,
                                         result={"status": 201, "version": 0})
            try:
                state, events = create_program(policy, document, now, actor, receipt=receipt)
            except ProgramAlreadyExists:
                stored = api.runtime.store.load_receipt(receipt_id)  # this very request, from another process?
                if stored is None:
                    raise
            else:
                api.metrics.command(COMMAND, "accepted")
                return ProgramOut.of(state, events[-1])
    return _replay(api, stored, asked, response)


def _replay(api: Any, receipt: Any, asked: dict[str, Any], response: Response) -> ProgramOut:
    if receipt.command != COMMAND or not same_request(receipt, asked):
        differs = "command" if receipt.command != COMMAND else first_difference(receipt.request, asked)
        raise ApiProblem(422, "idempotency_key_reused", "this Idempotency-Key was used for a different request "
                         f"(first difference: {differs})", field=differs)
    response.headers[REPLAYED_HEADER] = "true"
    events = list(api.runtime.store.events.get(api.service.policy.program_id))
    created = [e for e in events if e.timestamp == receipt.timestamp] or events[:1]
    state = prog.project_program(None, created)
    return ProgramOut.of(state, created[-1])
