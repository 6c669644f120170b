"""Refusals of the program aggregate, each with a stable `code`.

A program command that breaks one of these rules is refused before any event is written, so the program is
unchanged. They are `LoyaltyError`s (code, Vietnamese message, details, `to_dict`), so the API and the
CLI answer a refused program change exactly like a refused ledger command.
The `code` strings are part of the public contract (admin API problem+json, CLI): never rename one.
"""

from __future__ import annotations

from loyalty_core.errors import LoyaltyError


class ProgramError(LoyaltyError):
    """Base class: a program command (or an evaluation input) was refused."""

    code = "program_error"
    message_vi = "Cấu hình chương trình không hợp lệ."


class InvalidProgram(ProgramError):
    code = "invalid_program"
    message_vi = "Cấu hình chương trình không hợp lệ."


class RuleNeverFires(ProgramError):
    code = "rule_never_fires"
    message_vi = "Quy tắc này không bao giờ được áp dụng."


class ExclusiveCampaignsOverlap(ProgramError):
    code = "exclusive_campaigns_overlap"
    message_vi = "Hai chiến dịch độc quyền trùng thời gian."


class MultiplierMustBePositive(ProgramError):
    code = "multiplier_must_be_positive"
    message_vi = "Hệ số nhân điểm phải lớn hơn 0."


class WindowEndsBeforeStart(ProgramError):
    code = "window_ends_before_start"
    message_vi = "Thời điểm kết thúc phải sau thời điểm bắt đầu."


class TierLadderNotIncreasing(ProgramError):
    code = "tier_ladder_not_increasing"
    message_vi = "Ngưỡng các hạng thành viên phải tăng dần."


class RewardOutOfStock(ProgramError):
    code = "reward_out_of_stock"
    message_vi = "Phần thưởng đã hết."


class RewardStockMustBePositive(ProgramError):
    code = "reward_stock_must_be_positive"
    message_vi = "Số lượng phần thưởng phải lớn hơn 0."


class OfferNotEligible(ProgramError):
    """The member is not in the segment a reward or an offer is limited to."""

    code = "offer_not_eligible"
    message_vi = "Thành viên không thuộc nhóm được hưởng ưu đãi này."


class OfferBudgetExhausted(ProgramError):
    """An offer grant reached its number of members or its points budget."""

    code = "offer_budget_exhausted"
    message_vi = "Ưu đãi đã hết ngân sách."


class InvalidPurchase(ProgramError):
    """An evaluation input the engine cannot price (naive time, another currency)."""

    code = "invalid_purchase"
    message_vi = "Giao dịch không hợp lệ để tính điểm."
