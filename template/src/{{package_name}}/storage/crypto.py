"""Encryption at rest for client secrets and tokens.

Values are encrypted with Fernet (AES-128-CBC with HMAC-SHA256) from the cryptography
package. ENCRYPTION_KEYS lists keys newest first: the first key encrypts, and every key
in the list decrypts, so a key can be rotated without losing stored data.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class DecryptionError(Exception):
    """A stored value that no key in ENCRYPTION_KEYS can decrypt."""

    def __init__(self) -> None:
        super().__init__(
            "a stored value could not be decrypted with any key in ENCRYPTION_KEYS: put "
            "the key it was encrypted with back into the list, after the newest key"
        )


class Cipher:
    """Encrypt and decrypt text with a list of Fernet keys, newest first."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("ENCRYPTION_KEYS is empty: set at least one Fernet key")
        self._fernet = MultiFernet([Fernet(key) for key in keys])

    def __repr__(self) -> str:
        return "Cipher(keys=[redacted])"

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, ciphertext: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError):
            raise DecryptionError() from None

    def rotate(self, ciphertext: str) -> str:
        """Re-encrypt a stored value with the newest key."""
        try:
            return self._fernet.rotate(ciphertext.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeError):
            raise DecryptionError() from None
