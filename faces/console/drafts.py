"""A program draft: the changes one marketer is preparing, kept aside until they are published.

A draft is an ordered list of changes, each stored as the API's own request body (`RuleIn`, `CampaignIn`,
`TierLadderIn`, `RewardIn`, `ExpiryPolicyIn`) so that it is validated by exactly the checks the API
applies, and turned into program commands (`loyalty_core.program`) only when previewed or published.
`apply(state)` decides them against a program state, which is how the simulator and the back-test see
the program "as if published" without writing anything. Publishing decides them against the current
version and writes their events with a receipt in one transaction (like the program API), so a resent
publish form is answered from the receipt and never publishes twice; the events name the person.

One open draft per person, in the `console_program_drafts` table (operational, not a ledger fact).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter, ValidationError

from api.schemas.program import CampaignIn, ExpiryPolicyIn, RewardIn, RuleIn, TierLadderIn
from loyalty_core import errors
from loyalty_core import events as ev
from loyalty_core import identifiers as ids
from loyalty_core import program as prog
from loyalty_core.program.errors import InvalidProgram, ProgramError
from projections.schema import TABLES, baseline, component
from projections.schema_runner import ensure, tables_target

_DDL = """CREATE TABLE IF NOT EXISTS console_program_drafts (
    author TEXT PRIMARY KEY,
    changes TEXT NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL)"""
#: Migrated when first opened (projections/schema_runner.py; docs/operations.md, "Migrations").
SCHEMA = component("console_program_drafts", TABLES, baseline(_DDL))
MAX_CHANGES = 50
MAX_ATTEMPTS = 10
_RULE = TypeAdapter(RuleIn)
OPS = ("rule", "remove_rule", "campaign", "tiers", "reward", "expiry")


class DraftRefused(Exception):
    """A change the draft will not take: `problems` are (field, words key, detail) for the form."""

    def __init__(self, problems: list[tuple[str, str, str]]):
        self.problems = problems


@dataclass(frozen=True)
class Change:
    op: str
    body: dict[str, Any]

    @property
    def target(self) -> str:
        return str(self.body.get("rule_id") or self.body.get("campaign_id") or self.body.get("reward_id") or self.op)


def validated(op: str, body: dict[str, Any]) -> Change:
    """The change as the API would accept it (pydantic's strict checks), or `DraftRefused` naming the fields."""
    try:
        if op == "rule":
            body = _RULE.validate_python(body).plain()
        elif op == "campaign":
            body = CampaignIn.model_validate(body).plain()
        elif op == "tiers":
            body = TierLadderIn.model_validate(body).plain()
        elif op == "reward":
            body = RewardIn.model_validate(body).plain()
        elif op == "expiry":
            body = ExpiryPolicyIn.model_validate(body).plain()
        elif op == "remove_rule":
            body = {"rule_id": str(body.get("rule_id", ""))[:100]}
        else:
            raise DraftRefused([("op", "invalid_change", op)])
    except ValidationError as exc:
        raise DraftRefused([(".".join(str(p) for p in e["loc"][-1:]) or "body", e["type"], e["msg"])
                            for e in exc.errors()]) from None
    return Change(op, body)


def command(change: Change, state: prog.ProgramState) -> Any:
    """The program command for a change, against `state` (a rule id already there is replaced)."""
    body = change.body
    if change.op == "rule":
        rule = _RULE.validate_python(body).to_rule()
        return prog.ReplaceRule(rule) if state.rule(rule.rule_id) else prog.AddRule(rule)
    if change.op == "remove_rule":
        if state.rule(body["rule_id"]) is None:
            raise InvalidProgram(f"no rule {body['rule_id']}")
        return prog.RemoveRule(body["rule_id"])
    if change.op == "campaign":
        return prog.AddCampaign(CampaignIn.model_validate(body).to_campaign())
    if change.op == "tiers":
        return prog.SetTierLadder(TierLadderIn.model_validate(body).to_ladder())
    if change.op == "reward":
        return prog.AddReward(RewardIn.model_validate(body).to_reward())
    return prog.SetExpiryPolicy(ExpiryPolicyIn.model_validate(body).to_policy())


def apply(state: prog.ProgramState, changes: list[Change], now: datetime,
          actor: str) -> tuple[prog.ProgramState, list[Any]]:
    """Decide every change against `state`, each on what the previous left; ProgramError if one is refused."""
    events: list[Any] = []
    for change in changes:
        try:
            new = prog.decide(state, command(change, state), now, actor)
        except ProgramError:
            raise
        except (TypeError, ValueError, ArithmeticError) as exc:
            raise InvalidProgram(f"{change.op} {change.target}: {exc}") from None
        state = prog.project_program(state, new)  # type: ignore[assignment]
        events += new
    return state, events


class Drafts:
    def __init__(self, tables: Any):
        self._run = tables._run
        ensure(tables_target(tables), SCHEMA)

    def get(self, author: str) -> list[Change]:
        rows = self._run("SELECT changes FROM console_program_drafts WHERE author = ?", [author])
        return [Change(c["op"], c["body"]) for c in json.loads(rows[0]["changes"])] if rows else []

    def put(self, author: str, changes: list[Change]) -> None:
        if len(changes) > MAX_CHANGES:
            raise DraftRefused([("draft", "too_many_changes", str(MAX_CHANGES))])
        text = json.dumps([{"op": c.op, "body": c.body} for c in changes], ensure_ascii=False)
        self._run("DELETE FROM console_program_drafts WHERE author = ?", [author])
        self._run("INSERT INTO console_program_drafts (author, changes, updated_at) VALUES (?, ?, ?)",
                  [author, text, time.time()])

    def add(self, author: str, change: Change) -> list[Change]:
        """Add a change; a later change to the same rule, campaign or reward replaces the earlier one."""
        changes = [c for c in self.get(author) if (c.op, c.target) != (change.op, change.target)]
        changes.append(change)
        self.put(author, changes)
        return changes

    def drop(self, author: str, index: int) -> None:
        changes = self.get(author)
        if 0 <= index < len(changes):
            del changes[index]
        self.put(author, changes)

    def discard(self, author: str) -> None:
        self._run("DELETE FROM console_program_drafts WHERE author = ?", [author])


def publish(api: Any, author: str, actor: str, key: str, changes: list[Change], starts_at: datetime | None) -> int:
    """Write the draft's changes as program events with a receipt, in one transaction; the version made.

    `starts_at` becomes the start of every rule the draft adds or replaces that has no later start of its
    own, so the new earning rules fire from that moment (a removal, a tier ladder or an expiry policy takes
    effect when published). A retry with the same key answers the version the first attempt made.
    """
    scope = f"program/console:{author}"
    receipt_id = ids.receipt_id(scope, key)
    store, policy = api.runtime.store, api.service.policy
    asked = {"changes": [{"op": c.op, "body": c.body} for c in changes],
             "starts_at": starts_at.isoformat() if starts_at else None}
    timed = [_starting(c, starts_at) for c in changes]
    for _ in range(MAX_ATTEMPTS):
        receipt = store.load_receipt(receipt_id)
        if receipt is not None:  # a resent form (its draft is gone by then): the version it made
            if receipt.request != asked and changes:
                raise errors.IdempotencyKeyReused("this publish form was already used for another draft")
            return int(receipt.result["version"])
        if not changes:
            raise errors.InvalidInput("the draft has no changes to publish", field="draft")
        policy.book.refresh(force=True)
        now = api.service.clock()
        after, events = apply(policy.book.current(), timed, now, actor)
        accepted = ev.CommandAccepted(originator_id=receipt_id, originator_version=1, timestamp=now, scope=scope,
                                      idempotency_key=key, command="PublishDraft", request=asked,
                                      result={"status": 200, "version": after.version})
        try:
            store.record([*events, accepted])
        except errors.WriteConflict:
            continue  # someone changed the program meanwhile: decide the draft again on the new version
        policy.book.refresh(force=True)
        return after.version
    raise errors.ConcurrencyConflict("the program is being changed by someone else; try again")


def _starting(change: Change, starts_at: datetime | None) -> Change:
    if change.op != "rule" or starts_at is None:
        return change
    own = change.body.get("starts_at")
    if own and datetime.fromisoformat(own) >= starts_at:
        return change
    return Change("rule", {**change.body, "starts_at": starts_at.isoformat()})
