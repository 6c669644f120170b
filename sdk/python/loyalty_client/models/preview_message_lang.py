from enum import StrEnum

class PreviewMessageLang(StrEnum):
    EN = "en"
    VI = "vi"

    def __str__(self) -> str:
        return str(self.value)
