from enum import StrEnum

class PreviewMessageKind(StrEnum):
    BIRTHDAY = "birthday"
    OTP = "otp"
    POINTS_EARNED = "points_earned"
    POINTS_EXPIRING = "points_expiring"
    REDEMPTION = "redemption"
    TIER_CHANGED = "tier_changed"
    TIER_DOWN = "tier_down"
    TIER_DOWNGRADE_NOTICE = "tier_downgrade_notice"
    TIER_UP = "tier_up"
    VOUCHER_ISSUED = "voucher_issued"
    WELCOME = "welcome"

    def __str__(self) -> str:
        return str(self.value)
