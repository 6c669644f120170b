"""The JSON examples in docs/program.md are real: they build a valid program and price the example sale."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

from loyalty_core.program import (
    AddCampaign,
    AddReward,
    AddRule,
    Campaign,
    CreateProgram,
    ExpiryPolicy,
    ProgramSettings,
    Purchase,
    RefundPolicy,
    Reward,
    Rule,
    TierLadder,
    evaluate_purchase,
)
from loyalty_core.program.decide import decide_all
from loyalty_core.program.rules import RULE_KINDS

from .builders import PROGRAM_ID, RECORDED_AT, facts

DOC = Path(__file__).resolve().parents[3] / "docs" / "program.md"
BLOCK = re.compile(r"```json (\w+)\n(.*?)```", re.DOTALL)


def examples() -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for label, body in BLOCK.findall(DOC.read_text(encoding="utf-8")):
        found.setdefault(label, []).append(json.loads(body, parse_float=Decimal))
    return found


def test_every_rule_kind_has_an_example() -> None:
    assert {rule["kind"] for rule in examples()["rule"]} == set(RULE_KINDS)


def test_the_examples_build_a_valid_program_and_price_the_example_purchase() -> None:
    blocks = examples()
    create = CreateProgram(
        PROGRAM_ID,
        ProgramSettings.from_dict(blocks["settings"][0]),
        ExpiryPolicy.from_dict(blocks["expiry"][0]),
        RefundPolicy.from_dict(blocks["refund"][0]),
        TierLadder.from_dict(blocks["tiers"][0]),
    )
    commands = [
        create,
        *(AddReward(Reward.from_dict(r)) for r in blocks["reward"]),
        *(AddCampaign(Campaign.from_dict(c)) for c in blocks["campaign"]),
        *(AddRule(Rule.from_dict(r)) for r in blocks["rule"]),
    ]
    state, _ = decide_all(None, commands, RECORDED_AT, "docs")
    assert state is not None and len(state.rules) == len(blocks["rule"])
    decision = evaluate_purchase(Purchase.from_dict(blocks["purchase"][0]), state, facts(), {})
    assert decision.points == 18
    assert [line.points for line in decision.lines] == [0, 9, 9, 0]
