from enum import StrEnum

class ImportMarketplaceOrdersMarketplace(StrEnum):
    LAZADA = "lazada"
    SHOPEE = "shopee"
    TIKI = "tiki"

    def __str__(self) -> str:
        return str(self.value)
