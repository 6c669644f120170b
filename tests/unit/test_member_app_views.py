"""What the member app's home page says about expiring points and the card and voucher pictures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from faces.member import views
from faces.member.codes import code128_svg, qr_svg
from loyalty_core.member import Lot, Member

NOW = datetime(2026, 12, 30, 10, 0, tzinfo=UTC)


def lot(lot_id: str, remaining: int, expires_at: datetime | None, pending: bool = False) -> Lot:
    return Lot(lot_id, remaining, remaining, NOW - timedelta(days=300), NOW + timedelta(days=3) if pending else None,
               expires_at, "purchase", lot_id)


def test_expiring_points_are_summed_per_vietnamese_day_soonest_first_within_90_days() -> None:
    late_evening_utc = datetime(2026, 12, 31, 17, 30, tzinfo=UTC)  # 1 January, 00:30 in Vietnam
    member = Member(id=uuid4(), version=1, program_code="CPSG", enrolled_at=NOW, tier="member", lots={
        "L1": lot("L1", 40, late_evening_utc), "L2": lot("L2", 10, late_evening_utc + timedelta(hours=1)),
        "L3": lot("L3", 5, datetime(2026, 12, 31, 9, 0, tzinfo=UTC)),
        "L4": lot("L4", 70, NOW + timedelta(days=91)), "L5": lot("L5", 30, None),
        "L6": lot("L6", 8, NOW + timedelta(days=2), pending=True), "L7": lot("L7", 0, NOW + timedelta(days=1))})
    assert views.expiring(member, NOW) == [("31/12/2026", 5), ("01/01/2027", 50)]


def test_card_pictures_are_inline_scalable_svg() -> None:
    # tests/browser decodes them from the screen; here: inline, scalable, no XML prologue, no millimetres.
    qr, bars = qr_svg("M0123456Z123456", "Thẻ"), code128_svg("M0123456Z123456", "Thẻ")
    assert qr.startswith("<svg") and "viewBox" in qr and "<title>Thẻ</title>" in qr
    assert bars.startswith("<svg") and "viewBox" in bars and "mm\"" not in bars and "<?xml" not in bars
