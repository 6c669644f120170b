"""Request and response models: pydantic at the edge, the ledger's typed commands and results inside."""
