"""Re-encryption of every stored secret with the newest key in ENCRYPTION_KEYS."""

from __future__ import annotations

from sqlalchemy import Table, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from .crypto import Cipher
from .tables import grants, installations, oauth_flows

# Each table with its primary key column and its encrypted columns.
_ENCRYPTED_COLUMNS: tuple[tuple[Table, str, tuple[str, ...]], ...] = (
    (installations, "client_id", ("client_secret",)),
    (grants, "id", ("access_token", "refresh_token")),
    (oauth_flows, "state_hash", ("client_secret", "code_verifier")),
)


async def reencrypt_all(engine: AsyncEngine, cipher: Cipher) -> dict[str, int]:
    """Re-encrypt every encrypted value with the newest key, in one transaction.

    Returns the number of rows rewritten per table. Once it has run, the older keys can be
    removed from ENCRYPTION_KEYS. A value that no key decrypts stops the whole run, and
    nothing is changed.
    """
    counts: dict[str, int] = {}
    async with engine.begin() as connection:
        for table, key_name, column_names in _ENCRYPTED_COLUMNS:
            key = table.c[key_name]
            columns = [table.c[name] for name in column_names]
            rows = (await connection.execute(select(key, *columns))).all()
            for row in rows:
                values = {
                    name: cipher.rotate(value) if value is not None else None
                    for name, value in zip(column_names, row[1:], strict=True)
                }
                await connection.execute(update(table).where(key == row[0]).values(**values))
            counts[table.name] = len(rows)
    return counts
