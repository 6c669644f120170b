from enum import StrEnum

class IdentifierRequestKind(StrEnum):
    CHANNEL_ID = "channel_id"
    EMAIL = "email"
    PHONE = "phone"

    def __str__(self) -> str:
        return str(self.value)
