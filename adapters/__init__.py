"""Platform adapters: the shops and tills our members already buy from, turned into our own commands.

Each platform (Shopify, WooCommerce, Haravan, Sapo, KiotViet) signs its webhooks its own way and names its
orders and refunds its own way. An adapter verifies the signature (`signatures.py`), reads the payload into
a few neutral facts (`orders.py`: an order paid, a refund, a cancellation) and hands them to `engine.py`,
which turns them into the same commands the public API builds (`PurchaseRequest`, `RefundRequest`) and runs
them exactly as the API's routes do. Nothing here reaches into the ledger's internals, so the package can be
split out into a separate service that calls the HTTP API instead.
"""
