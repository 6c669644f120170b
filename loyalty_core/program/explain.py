"""Bilingual explanations: the sentence a cashier, a CSKH agent or the member reads for each rule line.

Each function returns `(description_vi, description_en)`. Vietnamese comes first because it is what the
member sees; money is written the Vietnamese way ("10.000 ₫") in Vietnamese and "10,000 VND" in English.
A rule's optional `label_vi`/`label_en` ("Cuối tuần" / "Weekend") is put in front of the generated text.
"""

from __future__ import annotations

from decimal import Decimal

from loyalty_core.program.model import format_number_en, format_number_vi, format_vnd, format_vnd_en
from loyalty_core.program.rules import Rule

Text = tuple[str, str]

ACTIVITY_NAMES: dict[str, Text] = {
    "sign_up": ("Đăng ký thành viên", "Sign-up"),
    "check_in": ("Check-in tại cửa hàng", "Store check-in"),
    "survey": ("Hoàn thành khảo sát", "Survey completed"),
    "review": ("Viết đánh giá", "Review written"),
    "social_share": ("Chia sẻ lên mạng xã hội", "Social share"),
    "referral": ("Giới thiệu bạn bè", "Friend referral"),
    "follow": ("Quan tâm Zalo OA", "Followed the Zalo OA"),
}


def labelled(rule: Rule, text: Text) -> Text:
    """'Cuối tuần: nhân 2 điểm': the label first, the generated sentence continuing in lower case."""
    vi, en = text
    return (
        f"{rule.label_vi}: {_lower_first(vi)}" if rule.label_vi else vi,
        f"{rule.label_en}: {_lower_first(en)}" if rule.label_en else en,
    )


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def points_en(points: int) -> str:
    return f"{format_number_en(points)} point{'' if abs(points) == 1 else 's'}"


def points_vi(points: int) -> str:
    return f"{format_number_vi(points)} điểm"


def scope(skus: tuple[str, ...] | None, categories: tuple[str, ...] | None) -> Text:
    vi, en = [], []
    if skus:
        vi.append("SKU " + ", ".join(skus))
        en.append("SKU " + ", ".join(skus))
    if categories:
        vi.append("danh mục " + ", ".join(categories))
        en.append(("category " if len(categories) == 1 else "categories ") + ", ".join(categories))
    if not vi:
        return "", ""
    return " cho " + " và ".join(vi), " on " + " and ".join(en)


def per_amount(points: int, amount: Decimal, spend: Decimal, where: Text) -> Text:
    return (
        f"{points_vi(points)} mỗi {format_vnd(amount)} chi tiêu{where[0]} (tính trên {format_vnd(spend)})",
        f"{points_en(points)} per {format_vnd_en(amount)} spent{where[1]} (on {format_vnd_en(spend)})",
    )


def multiplier(factor: Decimal, where: Text) -> Text:
    return f"Nhân {format_number_vi(factor)} điểm{where[0]}", f"{format_number_en(factor)}× points{where[1]}"


def fixed_bonus(points: int, items: int | None, where: Text) -> Text:
    if items is None:
        return f"Thưởng {points_vi(points)}{where[0]}", f"{format_number_en(points)} bonus points{where[1]}"
    return (
        f"Thưởng {points_vi(points)} mỗi sản phẩm × {items}{where[0]}",
        f"{format_number_en(points)} bonus points per item × {items}{where[1]}",
    )


def birthday(bonus: int, factor: Decimal | None) -> Text:
    vi, en = ["Quà tháng sinh nhật"], ["Birthday month"]
    if factor is not None and factor != 1:
        vi.append(f"nhân {format_number_vi(factor)} điểm")
        en.append(f"{format_number_en(factor)}× points")
    if bonus:
        vi.append(f"+{points_vi(bonus)}")
        en.append(f"+{points_en(bonus)}")
    return vi[0] + ": " + ", ".join(vi[1:]), en[0] + ": " + ", ".join(en[1:])


def first_purchase(points: int) -> Text:
    return (
        f"Thưởng lần mua hàng đầu tiên: +{points_vi(points)}",
        f"First purchase bonus: +{points_en(points)}",
    )


def stamps(
    card_id: str, added: int, progress: int, required: int, rewards: int, reward_name: Text | None, bonus: int
) -> Text:
    vi = f"Thẻ tem {card_id}: +{added} tem ({progress}/{required})"
    en = f"Stamp card {card_id}: +{added} stamp{'' if added == 1 else 's'} ({progress}/{required})"
    if rewards:
        gifts_vi = [reward_name[0]] if reward_name else []
        gifts_en = [reward_name[1]] if reward_name else []
        if bonus:
            gifts_vi.append(f"+{points_vi(bonus * rewards)}")
            gifts_en.append(f"+{points_en(bonus * rewards)}")
        vi += f"; đủ {required} tem, nhận {rewards} × " + ", ".join(gifts_vi)
        en += f"; card complete, {rewards} × " + ", ".join(gifts_en)
    return vi, en


def activity(kind: str, points: int) -> Text:
    vi, en = ACTIVITY_NAMES.get(kind, (kind, kind))
    return f"{vi}: +{points_vi(points)}", f"{en}: +{points_en(points)}"


def referral_buyer(points: int) -> Text:
    return (
        f"Thưởng được giới thiệu, lần mua hàng đầu tiên: +{points_vi(points)}",
        f"Referred member's first purchase bonus: +{points_en(points)}",
    )


def referral_referrer(points: int) -> Text:
    return (
        f"Thưởng giới thiệu bạn bè: bạn của bạn đã mua hàng lần đầu: +{points_vi(points)}",
        f"Referral bonus: your friend made their first purchase: +{points_en(points)}",
    )


def tier(name: Text, factor: Decimal) -> Text:
    return (
        f"Hạng {name[0]}: nhân {format_number_vi(factor)} điểm",
        f"{name[1]} tier: {format_number_en(factor)}× points",
    )


def cap(max_points: int, per: str, campaign: Text | None) -> Text:
    what_vi = "mỗi giao dịch" if per == "transaction" else "mỗi ngày"
    what_en = "per transaction" if per == "transaction" else "per day"
    of_vi = f" của chiến dịch {campaign[0]}" if campaign else ""
    of_en = f" from campaign {campaign[1]}" if campaign else ""
    return (
        f"Đã áp dụng giới hạn {points_vi(max_points)}{of_vi} {what_vi}",
        f"Cap applied: at most {points_en(max_points)}{of_en} {what_en}",
    )


def budget(campaign: Text, left: int) -> Text:
    return (
        f"Đã áp dụng giới hạn ngân sách chiến dịch {campaign[0]} (còn {points_vi(left)})",
        f"Cap applied: campaign {campaign[1]} budget ({points_en(left)} left)",
    )


def exclusions(amount: Decimal, what: list[str]) -> Text:
    listed = ", ".join(dict.fromkeys(what))
    return (
        f"Không tích điểm cho hàng loại trừ: {format_vnd(amount)} ({listed})",
        f"Excluded items earn no points: {format_vnd_en(amount)} ({listed})",
    )
