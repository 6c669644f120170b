"""Every error code the API can answer, with its HTTP status and its meaning in Vietnamese and English.

Two sources: the ledger's and the program's refusals (`LoyaltyError` subclasses, each with its stable
`code` and `message_vi`; their status comes from `api.errors.status_for`), and the refusals that belong to
the HTTP side (`ApiProblem` codes: keys, roles, rate limits, webhooks), listed here. A test walks the source
for every code raised and fails when one is missing, so the catalogue cannot fall behind.

Served at `GET /v1/errors`; `python -m api.error_catalogue > docs/errors.md` writes the page (a test checks
that the page is what this module generates).
"""

from __future__ import annotations

import importlib
from typing import Any, Iterator

from api.errors import status_for

#: Modules that define refusals; imported so that every subclass is known.
ERROR_MODULES = ("loyalty_core.errors", "loyalty_core.program.errors", "loyalty_core.approvals",
                 "loyalty_core.presence", "loyalty_core.timebounds", "loyalty_core.text",
                 "loyalty_core.migration.files", "loyalty_core.identity.receipts", "loyalty_core.till_receipt",
                 "loyalty_core.till_commands", "loyalty_core.program_setup", "loyalty_core.identity.merge_rules")

#: The English meaning of each domain code (their Vietnamese text is the class's own `message_vi`).
DOMAIN_EN = {
    "loyalty_error": "The request was refused.",
    "invalid_input": "The request's data is not valid (the `field` names which).",
    "amount_must_be_positive": "Points or money must be more than 0.",
    "amount_not_whole_vnd": "A VND amount must be whole đồng, without separators: 125000 for 125.000 ₫.",
    "amount_too_large": "Points or money above the allowed ceiling.",
    "approval_by_requester": "Whoever asked for a large adjustment may not also approve it.",
    "approval_not_found": "No such approval request.",
    "approval_not_pending": "This approval request was already approved or rejected.",
    "capture_exceeds_reservation": "Capturing more points than were reserved.",
    "card_code_expired": "The card's rotating code expired (each lasts about a minute); scan the card again.",
    "card_code_invalid": "The card code is wrong; ask the member to open their card again.",
    "card_code_malformed": "Not a card code (member code and 6 digits).",
    "card_code_other_member": "The card code belongs to another member.",
    "card_code_used": "This card code was already used to redeem; wait for the next one.",
    "concurrency_conflict": "Too many concurrent changes to this member; retry with the same Idempotency-Key.",
    "currency_mismatch": "The currency is not the program's.",
    "discount_exceeds_share": "Points would pay more of the order than the program allows.",
    "exclusive_campaigns_overlap": "Two exclusive campaigns overlap in time.",
    "idempotency_key_reused": "This Idempotency-Key was used for a different request.",
    "identifier_not_linked": "This identifier is not linked to the member.",
    "identifier_taken": "This phone or identifier already belongs to another member.",
    "member_erased": "The member's personal data was erased; it cannot be changed any more.",
    "implausible_date": "A date or time outside the plausible range.",
    "import_file_unreadable": "The import file cannot be read (UTF-8 CSV or Excel .xlsx expected).",
    "insufficient_points": "Not enough points.",
    "invalid_identifier": "Not a valid identifier.",
    "invalid_money": "Not a valid amount in this currency.",
    "invalid_phone": "Not a valid phone number.",
    "invalid_program": "The program's definition is not valid.",
    "invalid_purchase": "A purchase the rules cannot price (a time without an offset, another currency).",
    "invalid_text": "Text with control or unprintable characters.",
    "member_not_found": "No such member.",
    "member_already_merged": "This member was already merged into another (its id now finds the survivor).",
    "merge_chain": "This member has absorbed others: unmerge them first, or merge every duplicate into one survivor.",
    "merge_conflict": "Both members hold the same purchase; they cannot be merged.",
    "merge_into_self": "A member cannot be merged into itself.",
    "merge_not_found": "The second member is not merged into the first.",
    "merge_open_reservations": "The duplicate has points held at a till: capture or release them before merging.",
    "merge_program_mismatch": "The two members belong to different programs.",
    "unmerge_blocked": "Something that moved in the merge was used since (the `blocking` list says what).",
    "multiplier_must_be_positive": "A points multiplier must be more than 0.",
    "offer_budget_exhausted": "The offer reached its number of members or its points budget.",
    "offer_not_eligible": "The member is not in the segment the offer is limited to.",
    "presence_required": "Scan the card code shown on the member's phone to redeem.",
    "program_error": "The program change was refused.",
    "program_not_found": "No loyalty program is installed.",
    "program_already_exists": "The store already has a program: change it instead of creating another.",
    "receipt_already_claimed": "This receipt already earned points.",
    "receipt_claim_window_closed": "Too late to claim points for this receipt.",
    "receipt_does_not_add_up": "The receipt does not add up: lines minus discount and points used must equal "
                               "the money paid.",
    "redemption_already_reversed": "This redemption was already reversed.",
    "redemption_not_found": "No such redemption.",
    "refund_exceeds_purchase": "Refunds would add up to more than the purchase (`refundable` says what is left).",
    "reservation_already_captured": "This reservation was already captured.",
    "reservation_already_released": "This reservation was already released.",
    "reservation_expired": "This reservation expired.",
    "reservation_not_found": "No such reservation.",
    "reward_not_found": "No such reward.",
    "reward_out_of_stock": "The reward is out of stock.",
    "reward_stock_must_be_positive": "A reward's stock must be more than 0.",
    "rule_never_fires": "This rule could never apply.",
    "store_unavailable": "The database failed or was unreachable; nothing was written: retry after Retry-After.",
    "tier_ladder_not_increasing": "Tier thresholds must increase.",
    "transaction_not_found": "No such purchase.",
    "voucher_already_used": "The voucher was already used.",
    "voucher_cancelled": "The voucher was cancelled.",
    "voucher_expired": "The voucher expired.",
    "voucher_not_found": "No such voucher.",
    "voucher_not_usable": "The voucher can no longer be used.",
    "window_ends_before_start": "The end must come after the start.",
}

#: Refusals of the HTTP side: code -> (status, Vietnamese, English).
API_CODES: dict[str, tuple[int, str, str]] = {
    "bad_request": (400, "Yêu cầu không hợp lệ.", "The request could not be understood."),
    "malformed_json": (400, "Nội dung yêu cầu không phải JSON hợp lệ.", "The request body is not valid JSON."),
    "idempotency_key_required": (400, "Cần gửi tiêu đề Idempotency-Key.",
                                 "This request changes state: send an Idempotency-Key header."),
    "unauthenticated": (401, "Cần gửi khoá API.", "Send an API key: Authorization: Bearer <key>."),
    "invalid_api_key": (401, "Khoá API không tồn tại hoặc đã bị thu hồi.", "The API key is unknown or revoked."),
    "webhook_signature_invalid": (401, "Chữ ký webhook không khớp với khoá bí mật của cửa hàng.",
                                  "The webhook's signature does not match the shop's secret."),
    "forbidden": (403, "Vai trò của khoá này không được làm việc này.", "This key's role may not do this."),
    "channel_not_allowed": (403, "Khoá này chỉ làm việc cho kênh của nó.", "This key acts for its own channel only."),
    "store_not_allowed": (403, "Khoá này không được làm việc cho cửa hàng này.",
                          "This key may not act for this store."),
    "refund_out_of_scope": (403, "Khoá này không được hoàn giao dịch của kênh hoặc cửa hàng khác.",
                            "This key may not refund a sale from another channel or store."),
    "identifier_not_allowed": (403, "Khoá kênh chỉ dùng mã khách của kênh mình.",
                               "A channel key uses its own channel's customer ids only."),
    "not_found": (404, "Không có đường dẫn này.", "No such path."),
    "campaign_not_found": (404, "Không tìm thấy chiến dịch.", "No such campaign."),
    "segment_not_found": (404, "Không tìm thấy nhóm khách hàng.", "No such segment."),
    "message_not_found": (404, "Không tìm thấy tin nhắn.", "No such message."),
    "program_version_not_found": (404, "Không tìm thấy phiên bản chương trình.", "No such program version."),
    "webhook_not_found": (404, "Không tìm thấy webhook.", "No such webhook."),
    "webhook_delivery_not_found": (404, "Không tìm thấy lần gửi webhook.", "No such webhook delivery."),
    "method_not_allowed": (405, "Phương thức không được hỗ trợ ở đường dẫn này.", "This method is not allowed here."),
    "idempotency_request_in_progress": (409, "Yêu cầu cùng khoá idempotency đang được xử lý.",
                                        "A request with this Idempotency-Key is still running; retry shortly."),
    "webhook_disabled": (409, "Webhook đã bị tắt; không gửi gì đến nó nữa.",
                         "The webhook was disabled; nothing is sent to it any more."),
    "message_not_failed": (409, "Tin nhắn này không ở trạng thái lỗi.", "This message has not failed."),
    "payload_too_large": (413, "Nội dung webhook quá lớn.", "The webhook body is too large."),
    "import_file_too_large": (413, "Tệp nhập quá lớn.", "The import file is too large."),
    "unknown_field": (422, "Có trường không được hỗ trợ.", "A field this request does not take."),
    "import_file_invalid": (422, "Tệp nhập có lỗi; không ghi gì.",
                            "The import file has problems; nothing was written (a dry run lists them)."),
    "member_has_no_phone": (422, "Hội viên chưa có số điện thoại.", "The member has no phone number."),
    "presence_otp_invalid": (422, "Mã xác nhận không đúng.", "The one-time code is wrong."),
    "template_problem": (422, "Mẫu tin nhắn có lỗi.", "The message template has a problem."),
    "webhook_url_not_allowed": (422, "Địa chỉ webhook phải là địa chỉ công khai trên Internet.",
                                "A webhook URL must point at the public internet (not loopback or private)."),
    "webhook_payload_unreadable": (422, "Không đọc được nội dung webhook.",
                                   "The webhook's body is not an order, refund or event this adapter reads."),
    "rate_limited": (429, "Quá nhiều yêu cầu; hãy thử lại sau.", "Too many requests; retry after Retry-After."),
    "too_many_failed_authentications": (429, "Sai khoá quá nhiều lần; hãy đợi.",
                                        "Too many failed authentications from this address; wait."),
    "http_error": (400, "Yêu cầu HTTP không hợp lệ.", "The HTTP request was refused."),
    "internal_error": (500, "Lỗi không mong muốn; gửi lại với cùng Idempotency-Key là an toàn.",
                       "An unexpected error; a retry with the same Idempotency-Key is safe."),
    "cards_unavailable": (503, "Dịch vụ thẻ tạm thời không sẵn sàng.", "The card service is unavailable; retry."),
}


def _domain_errors() -> Iterator[type]:
    from loyalty_core.errors import LoyaltyError

    for module in ERROR_MODULES:
        importlib.import_module(module)
    pending = [LoyaltyError]
    while pending:
        cls = pending.pop()
        yield cls
        pending.extend(cls.__subclasses__())


def catalogue() -> list[dict[str, Any]]:
    """Every code once, sorted: `code`, `status`, `meaning_vi`, `meaning_en`, `source` (ledger or api)."""
    entries: dict[str, dict[str, Any]] = {}
    for cls in _domain_errors():
        code = cls.code  # type: ignore[attr-defined]
        entries.setdefault(code, {"code": code, "status": status_for(code), "meaning_vi": cls.message_vi,  # type: ignore[attr-defined]
                                  "meaning_en": DOMAIN_EN.get(code, ""), "source": "ledger"})
    for code, (status, vi, en) in API_CODES.items():
        entries.setdefault(code, {"code": code, "status": status, "meaning_vi": vi, "meaning_en": en,
                                  "source": "api"})
    return sorted(entries.values(), key=lambda entry: entry["code"])


def render_markdown() -> str:
    lines = ["# Error codes", "",
             "Every problem the API answers (`application/problem+json`) carries one of these stable `code`s.",
             "Generated by `python -m api.error_catalogue > docs/errors.md`; also served at `GET /v1/errors`.", "",
             "| code | status | Tiếng Việt | English |", "|---|---|---|---|"]
    for entry in catalogue():
        cells = [f"`{entry['code']}`", str(entry["status"]), entry["meaning_vi"], entry["meaning_en"]]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render_markdown(), end="")
