from enum import StrEnum

class ActivityRequestKind(StrEnum):
    CHECK_IN = "check_in"
    FOLLOW = "follow"
    REFERRAL = "referral"
    REVIEW = "review"
    SOCIAL_SHARE = "social_share"
    SURVEY = "survey"

    def __str__(self) -> str:
        return str(self.value)
