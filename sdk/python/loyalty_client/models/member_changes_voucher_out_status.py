from enum import StrEnum

class MemberChangesVoucherOutStatus(StrEnum):
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    ISSUED = "issued"
    USED = "used"

    def __str__(self) -> str:
        return str(self.value)
