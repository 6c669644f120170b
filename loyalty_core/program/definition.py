"""A program defined as one document: the settings, policies, tier ladder, rewards, campaigns and rules that
marketing writes down, in JSON or YAML, turned into the program commands that create it.

The document has the sections of docs/program.md: `settings` (required), `expiry`, `refund`, `tiers`,
`rewards`, `campaigns`, `rules`. Each item is read by its type's own `from_dict`, and the commands are decided
one after the other by the program's own checks (`decide_all`), so a definition is refused with exactly the
codes a change through the admin API would get (`rule_never_fires`, `tier_ladder_not_increasing`, ...), and
a refusal names the item (`rules[3] (weekend-x2)`). Nothing is recorded here: `commands_from_definition` and
`dry_run` are pure; the ledger records the events (`loyalty_core.program_setup`).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from uuid import UUID

from loyalty_core.money import parse_money
from loyalty_core.program.commands import AddCampaign, AddReward, AddRule, CreateProgram
from loyalty_core.program.decide import decide_all
from loyalty_core.program.errors import InvalidProgram, ProgramError
from loyalty_core.program.events import ProgramEvent
from loyalty_core.program.expiry import ExpiryPolicy
from loyalty_core.program.model import Campaign, Reward
from loyalty_core.program.program import ProgramSettings, ProgramState
from loyalty_core.program.refunds import RefundPolicy
from loyalty_core.program.rules import Rule
from loyalty_core.program.tiers import TierLadder

SECTIONS = ("settings", "expiry", "refund", "tiers", "rewards", "campaigns", "rules")
DEFAULTS: dict[str, Any] = {
    "expiry": {"kind": "never"},
    "refund": {"basis": "pro_rata", "on_shortfall": "take_what_is_left"},
    "tiers": {"tiers": [{"code": "member", "name_vi": "Thành viên", "name_en": "Member", "threshold": "0"}]},
}
MAX_ITEMS = 1000


def read_item(kind: type, data: Any, where: str) -> Any:
    if not isinstance(data, dict):
        raise InvalidProgram(f"{where} must be an object, got {type(data).__name__}", field=where)
    try:
        return kind.from_dict(data)
    except ProgramError:
        raise
    except (TypeError, ValueError, ArithmeticError, KeyError) as exc:
        raise InvalidProgram(f"{where}: {exc}", field=where) from None


def _items(document: dict[str, Any], section: str) -> list[Any]:
    items = document.get(section, [])
    if not isinstance(items, list) or len(items) > MAX_ITEMS:
        raise InvalidProgram(f"{section} must be a list of at most {MAX_ITEMS} items", field=section)
    return items


def commands_from_definition(document: Any, program_id: UUID) -> list[object]:
    """The commands that create the program a definition describes (checked for shape, not yet decided)."""
    if not isinstance(document, dict):
        raise InvalidProgram("a program definition is an object with settings, tiers, rules, ...")
    unknown = sorted(set(document) - set(SECTIONS))
    if unknown:
        raise InvalidProgram(f"unknown section(s) {', '.join(map(str, unknown))}; a definition has "
                             f"{', '.join(SECTIONS)}", field=str(unknown[0]))
    if "settings" not in document:
        raise InvalidProgram("a program definition needs its settings (code, name, currency, point_value)",
                             field="settings")
    _check_whole_money(document)
    commands: list[object] = [CreateProgram(
        program_id,
        read_item(ProgramSettings, document["settings"], "settings"),
        read_item(ExpiryPolicy, document.get("expiry", DEFAULTS["expiry"]), "expiry"),
        read_item(RefundPolicy, document.get("refund", DEFAULTS["refund"]), "refund"),
        read_item(TierLadder, document.get("tiers", DEFAULTS["tiers"]), "tiers"),
    )]
    # Rewards and campaigns first: rules name them.
    commands += [AddReward(read_item(Reward, item, f"rewards[{n}]"))
                 for n, item in enumerate(_items(document, "rewards"))]
    commands += [AddCampaign(read_item(Campaign, item, f"campaigns[{n}]"))
                 for n, item in enumerate(_items(document, "campaigns"))]
    commands += [AddRule(read_item(Rule, item, f"rules[{n}]"))
                 for n, item in enumerate(_items(document, "rules"))]
    return commands


def _check_whole_money(document: dict[str, Any]) -> None:
    settings = document.get("settings")
    if not isinstance(settings, dict):
        return
    currency = settings.get("currency")
    check_whole_money(settings, currency, "settings.")
    for section in ("rules", "rewards"):
        for n, item in enumerate(document.get(section) or []):
            check_whole_money(item, currency, f"{section}[{n}].")
    check_whole_money(document.get("tiers"), currency, "tiers.")


def check_whole_money(item: Any, currency: Any, prefix: str = "") -> None:
    """In a VND program, "10.000" is how people write ten thousand đồng, and a per_amount of 10 ₫ would give a
    thousand times the points: money written with a separator is refused, as everywhere else (docs/api.md).
    `item` is one rule, reward, tier ladder or settings object as JSON."""
    if currency != "VND" or not isinstance(item, dict):
        return
    found = [(key, item.get(key)) for key in ("point_value", "per_amount", "min_spend")]
    if item.get("kind") == "discount_amount":
        found.append(("value", item.get("value")))
    if item.get("basis", "spend") == "spend" and isinstance(item.get("tiers"), list):
        found += [(f"tiers[{n}].threshold", tier.get("threshold"))
                  for n, tier in enumerate(item["tiers"]) if isinstance(tier, dict)]
    for key, value in found:
        if isinstance(value, str):
            parse_money(value, "VND", field=f"{prefix}{key}")


def _where(command: object) -> str:
    if isinstance(command, AddRule):
        return f"rules ({command.rule.rule_id})"
    if isinstance(command, AddReward):
        return f"rewards ({command.reward.reward_id})"
    if isinstance(command, AddCampaign):
        return f"campaigns ({command.campaign.campaign_id})"
    return "settings, expiry, refund or tiers"


def dry_run(document: Any, program_id: UUID, now: datetime, actor: str) -> tuple[ProgramState, list[ProgramEvent]]:
    """The program a definition creates and the events that record it, deciding every check; writes nothing."""
    commands = commands_from_definition(document, program_id)
    state, events = None, []
    for command in commands:
        where = _where(command)
        try:
            state, new = decide_all(state, [command], now, actor)
        except ProgramError as exc:
            exc.message = f"{where}: {exc.message}"
            exc.args = (exc.message,)
            exc.details.setdefault("field", where.split(" ")[0])
            raise
        except (TypeError, ValueError, ArithmeticError) as exc:  # a value no calendar or decimal can hold
            raise InvalidProgram(f"{where}: {exc}") from None
        events += new
    assert state is not None
    return state, events


def parse_json(text: str, name: str = "definition") -> Any:
    """Read a JSON definition; a syntax error says where. (YAML is read by the CLI, which has PyYAML.)"""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidProgram(f"{name} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
                             ) from None
