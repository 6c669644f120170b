"""Personal data: sealed per member, found by keyed hashes, erased by destroying the member's key.

- `tokens`: the sealed and hashed forms a stored value takes, and the "erased" marker readers show;
- `lookup`: the process's lookup key (HMAC) and the keyed claim ids of personal identifiers;
- `masterkeys`: where the key-encryption key and the lookup key come from (`LOYALTY_KEK_FILE`, `LOYALTY_KEK`);
- `keystore`: the `member_keys` table (wrapped data keys) in the store's own database;
- `vault`: seal / unseal / lookup_hash / erase, with the data keys cached in memory;
- `fields`: which fields of which stored events and receipts are personal, and how each is protected.

docs/privacy.md describes what is covered and what is not. Nothing here imports a web or database framework:
the key table is reached through the event store's own datastore object.
"""

from loyalty_core.privacy.tokens import ERASED, ERASED_EN, is_erased, is_hashed, is_sealed

__all__ = ["ERASED", "ERASED_EN", "is_erased", "is_hashed", "is_sealed"]
