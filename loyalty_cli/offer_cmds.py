"""Offers and reminders: grant an offer to a segment of members, list the points expiring soon."""

from __future__ import annotations

import dataclasses
import json
from typing import Optional

import typer

from loyalty_cli.output import dump, fail, refusing
from loyalty_core import expiring, offers
from loyalty_core import program as prog
from loyalty_core.runtime import open_runtime

offers_app = typer.Typer(no_args_is_help=True, help="Offers to segments of members; points expiring soon.")


def _condition(text: str) -> prog.MemberCondition:
    """A segment as JSON: {"online_only": true}, {"lapsed_days": 90}, {"tiers": ["gold"], "min_visits": 4}."""
    try:
        data = json.loads(text, parse_float=lambda s: fail(f"--segment: {s} is a float; write money as a string"))
        if not isinstance(data, dict):
            raise ValueError("not an object")
        unknown = set(data) - {f.name for f in dataclasses.fields(prog.MemberCondition)}
        if unknown:
            raise ValueError(f"unknown fields {sorted(unknown)}")
        return prog.MemberCondition.from_dict(data)
    except (ValueError, TypeError) as exc:
        fail(f"--segment must be a JSON object of condition fields (docs/program.md): {exc}")


def register(app: typer.Typer) -> None:
    app.add_typer(offers_app, name="offers")

    @offers_app.command("grant")
    def grant(grant_id: str = typer.Argument(..., help="Names the offer; run again with it to resume"),
              segment: str = typer.Option(..., "--segment", help='Who gets it, as JSON: \'{"online_only": true}\''),
              reward: Optional[str] = typer.Option(None, "--reward", help="A catalogue reward: one voucher each"),
              points: int = typer.Option(0, "--points", help="Bonus points each"),
              max_members: Optional[int] = typer.Option(None, "--max-members", help="At most this many members"),
              budget_points: Optional[int] = typer.Option(None, "--budget-points", help="At most this many points"),
              actor: str = typer.Option("cli", help="Who grants it")) -> None:
        """Grant an offer to every member of a segment, each once; prints how many got it."""
        terms = offers.OfferTerms(grant_id, _condition(segment), reward_id=reward, points=points,
                                  max_members=max_members, budget_points=budget_points)
        runtime = open_runtime()
        try:
            dump(vars(refusing(lambda: offers.grant_to_segment(runtime.service, terms, actor=actor))))
        finally:
            runtime.close()

    @offers_app.command("expiring")
    def expiring_cmd(days: int = typer.Option(30, "--days", help="Look this many days ahead"),
                     limit: int = typer.Option(1000, "--limit", help="At most this many members")) -> None:
        """List members whose points expire within --days, soonest first, with the points and dates."""
        runtime = open_runtime()
        try:
            rows = refusing(lambda: expiring.across_program(runtime.service, days, limit=limit))
            dump([{"member_id": str(row.member_id), "points": row.points,
                   "lots": [{"points": lot.points, "expires_at": lot.expires_at.isoformat()} for lot in row.lots]}
                  for row in rows])
        finally:
            runtime.close()
