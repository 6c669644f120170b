from enum import StrEnum

class MergeOutStatus(StrEnum):
    MERGED = "merged"
    UNMERGED = "unmerged"

    def __str__(self) -> str:
        return str(self.value)
