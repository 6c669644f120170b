""" Contains all the data models used in inputs/outputs """

from .activity_in import ActivityIn
from .activity_request import ActivityRequest
from .activity_request_kind import ActivityRequestKind
from .adjust_request import AdjustRequest
from .approval_item import ApprovalItem
from .approval_out import ApprovalOut
from .approvals_out import ApprovalsOut
from .as_of import AsOf
from .balance_out import BalanceOut
from .birthday_month_in import BirthdayMonthIn
from .body_grant_points import BodyGrantPoints
from .body_import_marketplace_orders import BodyImportMarketplaceOrders
from .body_import_members import BodyImportMembers
from .body_import_purchases import BodyImportPurchases
from .campaign_day_out import CampaignDayOut
from .campaign_in import CampaignIn
from .campaign_out import CampaignOut
from .campaign_stats_out import CampaignStatsOut
from .cap_in import CapIn
from .capture_out import CaptureOut
from .capture_request import CaptureRequest
from .change_out import ChangeOut
from .connect_shop_platform import ConnectShopPlatform
from .connect_shop_response_connectshop import ConnectShopResponseConnectshop
from .connection_request import ConnectionRequest
from .consent_request import ConsentRequest
from .consent_request_consent import ConsentRequestConsent
from .dead_letter_out import DeadLetterOut
from .dead_letters_out import DeadLettersOut
from .dead_letters_retry_out import DeadLettersRetryOut
from .dead_letters_retry_out_failed import DeadLettersRetryOutFailed
from .decision_request import DecisionRequest
from .delivery_out import DeliveryOut
from .delivery_out_status import DeliveryOutStatus
from .earn_out import EarnOut
from .end_campaign_in import EndCampaignIn
from .enroll_request import EnrollRequest
from .enroll_request_consent import EnrollRequestConsent
from .erasure_out import ErasureOut
from .erasure_request import ErasureRequest
from .event_out import EventOut
from .event_out_data import EventOutData
from .events_out import EventsOut
from .exclusions_in import ExclusionsIn
from .expiring_list_out import ExpiringListOut
from .expiring_lot_out import ExpiringLotOut
from .expiry_policy_in import ExpiryPolicyIn
from .expiry_policy_out import ExpiryPolicyOut
from .export_balances_format import ExportBalancesFormat
from .export_members_format import ExportMembersFormat
from .first_purchase_in import FirstPurchaseIn
from .fixed_bonus_in import FixedBonusIn
from .get_history_lang import GetHistoryLang
from .grant_out import GrantOut
from .grant_request import GrantRequest
from .health import Health
from .identifier_request import IdentifierRequest
from .identifier_request_kind import IdentifierRequestKind
from .import_marketplace_orders_marketplace import ImportMarketplaceOrdersMarketplace
from .import_problem_out import ImportProblemOut
from .import_refusal_out import ImportRefusalOut
from .import_report_out import ImportReportOut
from .kpi_day_out import KpiDayOut
from .kpi_out import KpiOut
from .lag_out import LagOut
from .ledger_event import LedgerEvent
from .ledger_event_data import LedgerEventData
from .list_approvals_status_type_0 import ListApprovalsStatusType0
from .list_connections_response_listconnections import ListConnectionsResponseListconnections
from .list_error_codes_response_listerrorcodes import ListErrorCodesResponseListerrorcodes
from .member_changes_voucher_out import MemberChangesVoucherOut
from .member_changes_voucher_out_status import MemberChangesVoucherOutStatus
from .member_condition_in import MemberConditionIn
from .member_expiring_out import MemberExpiringOut
from .member_hit_out import MemberHitOut
from .member_out import MemberOut
from .member_ref_in import MemberRefIn
from .member_search_out import MemberSearchOut
from .member_segments_out import MemberSegmentsOut
from .merge_out import MergeOut
from .merge_out_status import MergeOutStatus
from .merge_request import MergeRequest
from .message_out import MessageOut
from .message_stats_out import MessageStatsOut
from .messages_retry_out import MessagesRetryOut
from .multiplier_in import MultiplierIn
from .next_expiry import NextExpiry
from .phone_request import PhoneRequest
from .points_per_amount_in import PointsPerAmountIn
from .points_voucher_out import PointsVoucherOut
from .presence_code_out import PresenceCodeOut
from .preview_message_kind import PreviewMessageKind
from .preview_message_lang import PreviewMessageLang
from .preview_out import PreviewOut
from .preview_out_zns_data import PreviewOutZnsData
from .problem import Problem
from .profile_request import ProfileRequest
from .program_definition_in import ProgramDefinitionIn
from .program_out import ProgramOut
from .projection_lag import ProjectionLag
from .provider_stats_out import ProviderStatsOut
from .purchase_line import PurchaseLine
from .purchase_out import PurchaseOut
from .purchase_request import PurchaseRequest
from .receipt_claim_request import ReceiptClaimRequest
from .receive_webhook_platform import ReceiveWebhookPlatform
from .redeem_request import RedeemRequest
from .redelivery_out import RedeliveryOut
from .redemption_out import RedemptionOut
from .referral_in import ReferralIn
from .refund_line import RefundLine
from .refund_out import RefundOut
from .refund_policy_in import RefundPolicyIn
from .refund_policy_out import RefundPolicyOut
from .refund_request import RefundRequest
from .release_request import ReleaseRequest
from .report_out import ReportOut
from .reservation_out import ReservationOut
from .reserve_request import ReserveRequest
from .restock_in import RestockIn
from .retry_held_refunds_response_retryheldrefunds import RetryHeldRefundsResponseRetryheldrefunds
from .retry_in import RetryIn
from .reverse_redemption_request import ReverseRedemptionRequest
from .reward_in import RewardIn
from .reward_out import RewardOut
from .reward_out_member_condition_type_0 import RewardOutMemberConditionType0
from .rotate_webhook_secret_response_rotatewebhooksecret import RotateWebhookSecretResponseRotatewebhooksecret
from .rule_line import RuleLine
from .rule_out import RuleOut
from .segment_member_out import SegmentMemberOut
from .segment_page_out import SegmentPageOut
from .send_outcome import SendOutcome
from .served_check_out import ServedCheckOut
from .served_finding_out import ServedFindingOut
from .settings_in import SettingsIn
from .settings_out import SettingsOut
from .stamp_card_in import StampCardIn
from .subject_access_export_format import SubjectAccessExportFormat
from .subject_access_export_response_200 import SubjectAccessExportResponse200
from .tier_in import TierIn
from .tier_ladder_in import TierLadderIn
from .tier_ladder_out import TierLadderOut
from .tier_multiplier_in import TierMultiplierIn
from .tier_multiplier_in_factors_type_0 import TierMultiplierInFactorsType0
from .tier_out import TierOut
from .tier_request import TierRequest
from .timeline_item import TimelineItem
from .timeline_item_data import TimelineItemData
from .timeline_out import TimelineOut
from .unclaimed_purchase_out import UnclaimedPurchaseOut
from .unmerge_request import UnmergeRequest
from .use_voucher_request import UseVoucherRequest
from .voucher_use_out import VoucherUseOut
from .webhook_out import WebhookOut
from .webhook_request import WebhookRequest
from .zalo_event import ZaloEvent
from .zalo_received import ZaloReceived

__all__ = (
    "ActivityIn",
    "ActivityRequest",
    "ActivityRequestKind",
    "AdjustRequest",
    "ApprovalItem",
    "ApprovalOut",
    "ApprovalsOut",
    "AsOf",
    "BalanceOut",
    "BirthdayMonthIn",
    "BodyGrantPoints",
    "BodyImportMarketplaceOrders",
    "BodyImportMembers",
    "BodyImportPurchases",
    "CampaignDayOut",
    "CampaignIn",
    "CampaignOut",
    "CampaignStatsOut",
    "CapIn",
    "CaptureOut",
    "CaptureRequest",
    "ChangeOut",
    "ConnectionRequest",
    "ConnectShopPlatform",
    "ConnectShopResponseConnectshop",
    "ConsentRequest",
    "ConsentRequestConsent",
    "DeadLetterOut",
    "DeadLettersOut",
    "DeadLettersRetryOut",
    "DeadLettersRetryOutFailed",
    "DecisionRequest",
    "DeliveryOut",
    "DeliveryOutStatus",
    "EarnOut",
    "EndCampaignIn",
    "EnrollRequest",
    "EnrollRequestConsent",
    "ErasureOut",
    "ErasureRequest",
    "EventOut",
    "EventOutData",
    "EventsOut",
    "ExclusionsIn",
    "ExpiringListOut",
    "ExpiringLotOut",
    "ExpiryPolicyIn",
    "ExpiryPolicyOut",
    "ExportBalancesFormat",
    "ExportMembersFormat",
    "FirstPurchaseIn",
    "FixedBonusIn",
    "GetHistoryLang",
    "GrantOut",
    "GrantRequest",
    "Health",
    "IdentifierRequest",
    "IdentifierRequestKind",
    "ImportMarketplaceOrdersMarketplace",
    "ImportProblemOut",
    "ImportRefusalOut",
    "ImportReportOut",
    "KpiDayOut",
    "KpiOut",
    "LagOut",
    "LedgerEvent",
    "LedgerEventData",
    "ListApprovalsStatusType0",
    "ListConnectionsResponseListconnections",
    "ListErrorCodesResponseListerrorcodes",
    "MemberChangesVoucherOut",
    "MemberChangesVoucherOutStatus",
    "MemberConditionIn",
    "MemberExpiringOut",
    "MemberHitOut",
    "MemberOut",
    "MemberRefIn",
    "MemberSearchOut",
    "MemberSegmentsOut",
    "MergeOut",
    "MergeOutStatus",
    "MergeRequest",
    "MessageOut",
    "MessagesRetryOut",
    "MessageStatsOut",
    "MultiplierIn",
    "NextExpiry",
    "PhoneRequest",
    "PointsPerAmountIn",
    "PointsVoucherOut",
    "PresenceCodeOut",
    "PreviewMessageKind",
    "PreviewMessageLang",
    "PreviewOut",
    "PreviewOutZnsData",
    "Problem",
    "ProfileRequest",
    "ProgramDefinitionIn",
    "ProgramOut",
    "ProjectionLag",
    "ProviderStatsOut",
    "PurchaseLine",
    "PurchaseOut",
    "PurchaseRequest",
    "ReceiptClaimRequest",
    "ReceiveWebhookPlatform",
    "RedeemRequest",
    "RedeliveryOut",
    "RedemptionOut",
    "ReferralIn",
    "RefundLine",
    "RefundOut",
    "RefundPolicyIn",
    "RefundPolicyOut",
    "RefundRequest",
    "ReleaseRequest",
    "ReportOut",
    "ReservationOut",
    "ReserveRequest",
    "RestockIn",
    "RetryHeldRefundsResponseRetryheldrefunds",
    "RetryIn",
    "ReverseRedemptionRequest",
    "RewardIn",
    "RewardOut",
    "RewardOutMemberConditionType0",
    "RotateWebhookSecretResponseRotatewebhooksecret",
    "RuleLine",
    "RuleOut",
    "SegmentMemberOut",
    "SegmentPageOut",
    "SendOutcome",
    "ServedCheckOut",
    "ServedFindingOut",
    "SettingsIn",
    "SettingsOut",
    "StampCardIn",
    "SubjectAccessExportFormat",
    "SubjectAccessExportResponse200",
    "TierIn",
    "TierLadderIn",
    "TierLadderOut",
    "TierMultiplierIn",
    "TierMultiplierInFactorsType0",
    "TierOut",
    "TierRequest",
    "TimelineItem",
    "TimelineItemData",
    "TimelineOut",
    "UnclaimedPurchaseOut",
    "UnmergeRequest",
    "UseVoucherRequest",
    "VoucherUseOut",
    "WebhookOut",
    "WebhookRequest",
    "ZaloEvent",
    "ZaloReceived",
)
