"""The program's promises as a small, obviously correct model: what a member should have, step by step.

It knows one fixed program (`ORACLE_PROGRAM` in test_program_oracle.py builds the same one through the real
commands) and nothing of the ledger's code: lots are dicts scanned by brute force, tiers are a list of
thresholds, dates are done with the stdlib calendar. Each method says, in a few lines, what marketing wrote:

- a purchase earns 1 point per 10.000 ₫ (rounded down), plus (multiplier − 1) × that for the member's tier
  (rounded down), plus 50 points and the tier's birthday gift on the first purchase of the birthday month
  (once a local year); every 5 coffees earn a free-drink voucher valid 30 days;
- points expire at the end of the second month after the one they were earned in (Ho Chi Minh City time);
  spending takes the earliest-expiring points first;
- a tier is reached at once when 12 months' spend reaches its threshold; it is lost one step at a time, only
  after a yearly review (1 January) plus 30 days' grace, judged on the spend at the review;
- a refund takes back the rounded share of the points for the share of money refunded (its own lot first,
  then the earliest-expiring; what was spent is written off), the share of its stamps (a card it completed
  gives back its voucher while unused); returned lines take back exactly what they earned; within 30 days,
  a refund undoes the tier the purchase bought;
- the mug reward costs 100 points, 3 in stock per run, its voucher valid 20 days.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
TIERS = [("member", 0, Decimal(1), 0), ("silver", 2_000_000, Decimal("1.25"), 50),
         ("gold", 5_000_000, Decimal("1.5"), 100), ("diamond", 15_000_000, Decimal(2), 200)]
COFFEE_PRICE = 45_000
STAMPS_PER_CARD = 5
FREE_DRINK_DAYS, MUG_DAYS, MUG_COST, MUG_STOCK = 30, 20, 100, 3
GRACE, RETURN_WINDOW = timedelta(days=30), timedelta(days=30)
NEVER = datetime.max.replace(tzinfo=timezone.utc)


def months_later(at: datetime, months: int) -> datetime:
    wall = at.astimezone(HCM)
    year, month = divmod(wall.year * 12 + wall.month - 1 + months, 12)
    day = min(wall.day, calendar.monthrange(year, month + 1)[1])
    return wall.replace(year=year, month=month + 1, day=day).astimezone(timezone.utc)


def expiry_of(at: datetime) -> datetime:
    wall = at.astimezone(HCM)
    year, month = divmod(wall.year * 12 + wall.month - 1 + 3, 12)
    return datetime(year, month + 1, 1, tzinfo=HCM).astimezone(timezone.utc) - timedelta(microseconds=1)


def rank(tier: str) -> int:
    return [t[0] for t in TIERS].index(tier)


def tier_for(spend: int) -> str:
    return [name for name, threshold, _, _ in TIERS if spend >= threshold][-1]


def multiplier(tier: str) -> Decimal:
    return TIERS[rank(tier)][2]


def points_for(spend: int, tier: str) -> int:
    base = spend // 10_000
    return base + int((base * multiplier(tier)).to_integral_value(rounding="ROUND_FLOOR")) - base


def reviews_between(after: datetime, until: datetime) -> list[datetime]:
    """1 January, 00:00 in Ho Chi Minh City, in (after, until]."""
    first = after.astimezone(HCM).year
    days = [datetime(y, 1, 1, tzinfo=HCM).astimezone(timezone.utc) for y in range(first, first + 6)]
    return [day for day in days if after < day <= until]


@dataclass
class Sale:
    ref: str
    member: int
    at: datetime
    spend: int
    coffees: int
    points: int
    tier_before: str
    lot: dict | None
    vouchers: list[str]
    refunded: int = 0
    points_back: int = 0
    stamps_back: int = 0
    coffees_back: int = 0


@dataclass
class Person:
    birthday_month: int
    enrolled_at: datetime
    tier: str = "member"
    tier_since: datetime | None = None
    lots: list[dict] = field(default_factory=list)
    rows: list[tuple[datetime, int]] = field(default_factory=list)
    stamps: int = 0
    birthday_years: set[int] = field(default_factory=set)
    vouchers: dict[str, dict] = field(default_factory=dict)
    expired: int = 0

    def available(self) -> int:
        return sum(lot["left"] for lot in self.lots)

    def spend_at(self, at: datetime) -> int:
        start = months_later(at, -12)
        return max(sum(spend for when, spend in self.rows if start <= when <= at), 0)


class ProgramOracle:
    def __init__(self):
        self.people: list[Person] = []
        self.sales: list[Sale] = []
        self.mugs_left = MUG_STOCK
        self._lot_number = 0

    # --- what is due at any command ---------------------------------------------------------------
    def due(self, now: datetime) -> None:
        for person in self.people:
            for lot in person.lots:
                if lot["exp"] <= now and lot["left"] > 0:
                    person.expired += lot["left"]
                    lot["left"] = 0
            for voucher in person.vouchers.values():
                if voucher["status"] == "issued" and voucher["exp"] <= now:
                    voucher["status"] = "expired"

    # --- purchases ------------------------------------------------------------------------------
    def purchase(self, who: int, ref: str, now: datetime, coffees: int, other: int, codes: list[str]) -> int:
        person, spend = self.people[who], coffees * COFFEE_PRICE + other
        points = points_for(spend, person.tier)
        year = now.astimezone(HCM).year
        if now.astimezone(HCM).month == person.birthday_month and year not in person.birthday_years:
            points += 50 + TIERS[rank(person.tier)][3]
            person.birthday_years.add(year)
        lot = None
        if points:
            self._lot_number += 1
            lot = {"n": self._lot_number, "left": points, "exp": expiry_of(now)}
            person.lots.append(lot)
        cards, person.stamps = divmod(person.stamps + coffees, STAMPS_PER_CARD)
        assert len(codes) == cards, (codes, cards)
        for code in codes:
            person.vouchers[code] = {"status": "issued", "exp": now + timedelta(days=FREE_DRINK_DAYS)}
        self.sales.append(Sale(ref, who, now, spend, coffees, points, person.tier, lot, list(codes)))
        person.rows.append((now, spend))
        if rank(tier_for(person.spend_at(now))) > rank(person.tier):
            person.tier, person.tier_since = tier_for(person.spend_at(now)), now
        return points

    # --- refunds --------------------------------------------------------------------------------
    def refund(self, sale: Sale, now: datetime, amount: int, coffees_back: int = 0) -> int:
        person = self.people[sale.member]
        sale.refunded += amount
        if coffees_back:  # returned lines: priced again without them, on the tier the sale was priced with
            sale.coffees_back += coffees_back
            rest = sale.spend - sale.coffees_back * COFFEE_PRICE
            target = min(points_for(sale.spend, sale.tier_before) - points_for(rest, sale.tier_before),
                         sale.points)
            stamps = sale.coffees_back
        else:
            target = int((Decimal(sale.points) * sale.refunded / sale.spend).to_integral_value(ROUND_HALF_UP))
            whole = sale.refunded >= sale.spend
            stamps = sale.coffees if whole else sale.coffees * sale.refunded // sale.spend
        take, sale.points_back = max(target - sale.points_back, 0), max(target, sale.points_back)
        self._take_back(person, sale, take)
        self._take_stamps(person, sale, max(stamps - sale.stamps_back, 0))
        sale.stamps_back = max(stamps, sale.stamps_back)
        person.rows.append((now, -amount))
        self._undo_tier(person, sale, now)
        return take

    def _take_back(self, person: Person, sale: Sale, points: int) -> None:
        order = [sale.lot] if sale.lot is not None else []
        order += sorted((lot for lot in person.lots if lot is not sale.lot), key=lambda lot: (lot["exp"], lot["n"]))
        for lot in order:
            bite = min(lot["left"], points)
            lot["left"] -= bite
            points -= bite  # whatever is left over was spent already: written off

    def _take_stamps(self, person: Person, sale: Sale, stamps: int) -> None:
        available = person.stamps
        for code in sale.vouchers:
            if available >= stamps:
                break
            if person.vouchers[code]["status"] == "issued":
                person.vouchers[code]["status"] = "refunded"
                available += STAMPS_PER_CARD
        person.stamps = available - min(stamps, available)

    def _undo_tier(self, person: Person, sale: Sale, now: datetime) -> None:
        if now - sale.at > RETURN_WINDOW or person.tier_since is None or person.tier_since < sale.at:
            return
        target = max(tier_for(person.spend_at(now)), sale.tier_before, key=rank)
        if rank(target) < rank(person.tier):
            person.tier, person.tier_since = target, now

    # --- spending -------------------------------------------------------------------------------
    def spend(self, person: Person, points: int) -> None:
        for lot in sorted(person.lots, key=lambda lot: (lot["exp"], lot["n"])):
            bite = min(lot["left"], points)
            lot["left"] -= bite
            points -= bite

    def redeem_mug(self, who: int, now: datetime, code: str | None) -> str:
        person = self.people[who]
        if self.mugs_left == 0:
            return "reward_out_of_stock"
        if person.available() < MUG_COST:
            return "insufficient_points"
        self.mugs_left -= 1
        self.spend(person, MUG_COST)
        person.vouchers[code] = {"status": "issued", "exp": now + timedelta(days=MUG_DAYS)}
        return "ok"

    # --- the yearly review ------------------------------------------------------------------------
    def review(self, who: int, now: datetime) -> None:
        person = self.people[who]
        if rank(tier_for(person.spend_at(now))) > rank(person.tier):
            person.tier, person.tier_since = tier_for(person.spend_at(now)), now
            return
        reviews = reviews_between(person.tier_since or person.enrolled_at, now - GRACE)
        if reviews and rank(tier_for(person.spend_at(reviews[-1]))) < rank(person.tier):
            person.tier, person.tier_since = TIERS[rank(person.tier) - 1][0], now

    def downgrade_notice(self, who: int, now: datetime) -> datetime | None:
        """A passed review still in its grace, or the next one, on the spend the window holds then."""
        person = self.people[who]
        since = person.tier_since or person.enrolled_at
        passed = reviews_between(since, now)
        if passed and now < passed[-1] + GRACE and \
                rank(tier_for(person.spend_at(passed[-1]))) < rank(person.tier):
            return passed[-1] + GRACE
        upcoming = reviews_between(passed[-1] if passed else since, NEVER.replace(year=9000))[0]
        return upcoming + GRACE if rank(tier_for(person.spend_at(upcoming))) < rank(person.tier) else None
