from enum import StrEnum

class ReceiveWebhookPlatform(StrEnum):
    HARAVAN = "haravan"
    KIOTVIET = "kiotviet"
    SAPO = "sapo"
    SHOPIFY = "shopify"
    WOOCOMMERCE = "woocommerce"
    ZALO = "zalo"

    def __str__(self) -> str:
        return str(self.value)
