"""Bulk point grants: the same bonus to every member of a list (a file) or of a segment, each exactly once.

A grant has an id chosen by whoever runs it (`TET-2027`) and a reason. Each member's credit is an
`EarnPoints` whose idempotency key is `grant id / member id` in the scope `grant`, so a member named twice
in a list (by phone on one row, by member code on another), a re-run after a crash, or a second run of the
same grant credits them once; running the same grant id with other points is refused as
`idempotency_key_reused`. The member is resolved in the worker thread, so the key is always the member's
id, however the file named them. The grant's points expire when the operator says (`expires_at`, the same
for every member and every run, so a resumed run sends the very same request); without one they expire
only by the program's inactivity rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from loyalty_core import commands as cmd
from loyalty_core import errors
from loyalty_core.migration import rows as r
from loyalty_core.migration.checks import Checked, _data_rows, _RowCheck
from loyalty_core.migration.runner import ImportReport, RowOutcome, run_commands
from loyalty_core.money import check_points

GRANT_SCOPE = "grant"
GRANT_COLUMNS: dict[str, tuple[str, ...]] = {
    "phone": r.MEMBER_COLUMNS["phone"],
    "member_code": ("member_code", "ma thanh vien", "ma hoi vien"),
    "member_id": ("member_id",),
    "points": r.MEMBER_COLUMNS["points"],
}


@dataclass(frozen=True)
class GrantTarget:
    row: int
    member: cmd.MemberRef
    points: int | None = None
    """This row's own points, when the file has a points column; else the grant's."""


@dataclass(frozen=True)
class Grant:
    grant_id: str
    points: int
    reason: str
    actor: str = "grant"
    expires_at: datetime | None = None

    def check(self) -> None:
        if not self.grant_id or len(self.grant_id) > 80 or not self.grant_id.isprintable() or "/" in self.grant_id:
            raise errors.InvalidInput("a grant id of 1 to 80 printable characters without '/' is required",
                                      field="grant_id")
        check_points(self.points)
        if not self.reason or not self.reason.strip() or len(self.reason) > 500:
            raise errors.InvalidInput("a grant needs a reason", field="reason")


def check_grant_file(header: list[Any], lines: Iterable[list[Any]]) -> Checked:
    checked = Checked()
    columns, checked.problems = r.map_headers(header, GRANT_COLUMNS, ())
    checked.labels = {name: str(header[index]).strip() for name, index in columns.items()}
    if not checked.problems and not {"phone", "member_code", "member_id"} & set(columns):
        checked.problems.append(r.Problem(1, "phone", "Cần một cột số điện thoại, mã thành viên hoặc member_id."))
    if checked.problems:
        return checked

    def points(value: Any) -> int:
        count = r.parse_count(value, "Điểm")
        if count <= 0:
            raise ValueError("Điểm phải lớn hơn 0.")
        return count

    for number, cells in _data_rows(lines):
        checked.total += 1
        row = _RowCheck(number, cells, columns, checked)
        given = {name: row.get(name, lambda v: str(v).strip()) for name in ("member_id", "member_code")}
        given["phone"] = row.get("phone", r.parse_phone)
        named = {k: v for k, v in given.items() if v}
        if len(named) != 1:
            row.problem("phone", "Mỗi dòng ghi đúng một trong: số điện thoại, mã thành viên, member_id.")
        own_points = row.get("points", points)
        if not row.failed:
            kind, value = next(iter(named.items()))
            ref = cmd.MemberRef(member_id=_uuid(value)) if kind == "member_id" else cmd.MemberRef(**{kind: value})
            checked.rows.append(GrantTarget(number, ref, own_points))
    return checked


def _uuid(value: str) -> UUID | str:
    try:
        return UUID(value)
    except ValueError:
        return value  # resolved (and refused as member_not_found) in the worker


def run_grant(service: Any, grant: Grant, targets: Iterable[GrantTarget], *, workers: int = 16,
              on_done: Callable[[RowOutcome], None] | None = None) -> ImportReport:
    grant.check()
    if grant.expires_at is not None and grant.expires_at <= service.clock():
        raise errors.InvalidInput("the grant's expiry date has passed", field="expires_at")

    def build(target: GrantTarget) -> Callable[[], cmd.EarnPoints]:
        def command() -> cmd.EarnPoints:
            member_id = service.resolve(target.member).id
            return cmd.EarnPoints(idempotency_key=f"{grant.grant_id}/{member_id}", idempotency_scope=GRANT_SCOPE,
                                  channel="grant", actor=grant.actor, member=cmd.MemberRef(member_id=member_id),
                                  points=target.points or grant.points, reference=f"grant/{grant.grant_id}",
                                  source="bonus", expires_at=grant.expires_at, description=grant.reason)
        return command

    return run_commands(service, ((t.row, build(t)) for t in targets), workers=workers, on_done=on_done)


def segment_targets(pages: Iterable[Any]) -> Iterable[GrantTarget]:
    """Members of a segment, page after page of the read side (numbered from 1 for the report)."""
    number = 0
    for page in pages:
        for member in page.members:
            number += 1
            yield GrantTarget(number, cmd.MemberRef(member_id=member.member_id))


__all__ = ["Grant", "GrantTarget", "check_grant_file", "datetime", "run_grant", "segment_targets"]
