"""Typed domain errors with stable codes.

Every refusal the ledger can give is one of these classes. The `code` is part of the public contract
(the API's problem+json `code`, the CLI's exit message): never rename one. Messages are English for logs;
`message_vi` carries the Vietnamese text a cashier or CSKH agent reads.
"""

from __future__ import annotations

from typing import Any


class LoyaltyError(Exception):
    """Base class: a command was refused and nothing was written."""

    code = "loyalty_error"
    message_vi = "Yêu cầu không hợp lệ."

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "message_vi": self.message_vi, **self.details}


class InvalidInput(LoyaltyError):
    code = "invalid_input"
    message_vi = "Dữ liệu không hợp lệ."


class AmountMustBePositive(InvalidInput):
    code = "amount_must_be_positive"
    message_vi = "Số điểm hoặc số tiền phải lớn hơn 0."


class AmountTooLarge(InvalidInput):
    code = "amount_too_large"
    message_vi = "Số điểm hoặc số tiền vượt quá giới hạn cho phép."


class InvalidMoney(InvalidInput):
    code = "invalid_money"
    message_vi = "Số tiền không hợp lệ cho loại tiền tệ này."


class AmountNotWholeVnd(InvalidMoney):
    """A VND amount written with a decimal separator: "125.000" is how a cashier writes 125 nghìn đồng, but
    to a machine it reads as 125 ₫. Refused rather than guessed; the message says how to write it."""

    code = "amount_not_whole_vnd"
    message_vi = "Số tiền VND phải là số nguyên, không có dấu chấm hay dấu phẩy: viết 125000 cho 125.000 ₫."


class InvalidPhone(InvalidInput):
    code = "invalid_phone"
    message_vi = "Số điện thoại không hợp lệ."


class InvalidIdentifier(InvalidInput):
    code = "invalid_identifier"
    message_vi = "Mã định danh không hợp lệ."


class MemberNotFound(LoyaltyError):
    code = "member_not_found"
    message_vi = "Không tìm thấy hội viên."


class ReservationNotFound(LoyaltyError):
    code = "reservation_not_found"
    message_vi = "Không tìm thấy lượt giữ điểm."


class TransactionNotFound(LoyaltyError):
    code = "transaction_not_found"
    message_vi = "Không tìm thấy giao dịch."


class RedemptionNotFound(LoyaltyError):
    code = "redemption_not_found"
    message_vi = "Không tìm thấy lượt đổi điểm."


class VoucherNotFound(LoyaltyError):
    code = "voucher_not_found"
    message_vi = "Không tìm thấy voucher."


class RewardNotFound(LoyaltyError):
    code = "reward_not_found"
    message_vi = "Không tìm thấy phần thưởng."


class ProgramNotFound(LoyaltyError):
    code = "program_not_found"
    message_vi = "Không tìm thấy chương trình khách hàng thân thiết."


class IdentifierTaken(LoyaltyError):
    code = "identifier_taken"
    message_vi = "Số điện thoại / mã định danh này đã thuộc về hội viên khác."


class MemberErased(LoyaltyError):
    code = "member_erased"
    message_vi = "Dữ liệu cá nhân của hội viên này đã bị xoá; không thể thay đổi thông tin cá nhân."


class IdentifierNotLinked(LoyaltyError):
    code = "identifier_not_linked"
    message_vi = "Mã định danh này không gắn với hội viên."


class InsufficientPoints(LoyaltyError):
    code = "insufficient_points"
    message_vi = "Không đủ điểm."


class IdempotencyKeyReused(LoyaltyError):
    code = "idempotency_key_reused"
    message_vi = "Khóa idempotency đã được dùng cho một yêu cầu khác."


class ReservationAlreadyCaptured(LoyaltyError):
    code = "reservation_already_captured"
    message_vi = "Lượt giữ điểm đã được trừ điểm."


class ReservationAlreadyReleased(LoyaltyError):
    code = "reservation_already_released"
    message_vi = "Lượt giữ điểm đã được hủy."


class ReservationExpired(LoyaltyError):
    code = "reservation_expired"
    message_vi = "Lượt giữ điểm đã hết hạn."


class CaptureExceedsReservation(LoyaltyError):
    code = "capture_exceeds_reservation"
    message_vi = "Số điểm trừ vượt quá số điểm đã giữ."


class RedemptionAlreadyReversed(LoyaltyError):
    code = "redemption_already_reversed"
    message_vi = "Lượt đổi điểm đã được hoàn lại."


class RefundExceedsPurchase(LoyaltyError):
    code = "refund_exceeds_purchase"
    message_vi = "Số tiền hoàn vượt quá giá trị giao dịch."


class VoucherNotUsable(LoyaltyError):
    code = "voucher_not_usable"
    message_vi = "Voucher không còn sử dụng được."


class DiscountExceedsShare(LoyaltyError):
    code = "discount_exceeds_share"
    message_vi = "Số điểm dùng vượt quá tỷ lệ tối đa của đơn hàng."


class CurrencyMismatch(InvalidInput):
    code = "currency_mismatch"
    message_vi = "Loại tiền tệ không khớp với chương trình."


class ConcurrencyConflict(LoyaltyError):
    """Raised only when re-deciding after conflicts did not converge (a very hot member)."""

    code = "concurrency_conflict"
    message_vi = "Hệ thống đang bận, vui lòng thử lại."


class WriteConflict(Exception):
    """The store refused a write because another writer got there first (a stale version or a taken id).

    Not a refusal of the command: the service re-decides against the new state.
    """


class StoreUnavailable(LoyaltyError):
    """The store could not be reached or failed mid-write: nothing of this command was written, and the
    caller retries with the same idempotency key (the API answers 503 with Retry-After)."""

    code = "store_unavailable"
    message_vi = "Hệ thống tạm thời gián đoạn, vui lòng thử lại sau giây lát."
    retry_after_seconds = 2


class LedgerIntegrityError(Exception):
    """Stored events contradict themselves (a gap in a member's versions, a snapshot that does not match
    the events it summarises). Never a refusal of the caller's input: it is reported loudly, and the member
    is not served from the broken state."""
