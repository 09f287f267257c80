"""Encryption at rest for the tokens held in front-end sessions.

A Fernet key is derived with HKDF-SHA256 from ``FRONTEND_SESSION_SECRET`` under a
purpose label, so the same secret can also sign the login-state cookie without the
two uses sharing a key.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def derive_key(secret: str, purpose: str) -> bytes:
    """32 bytes derived from ``secret`` for one ``purpose`` (HKDF-SHA256, no salt)."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode())
    return hkdf.derive(secret.encode())


class TokenCipher:
    """Fernet (AES-128-CBC + HMAC-SHA256) over UTF-8 text."""

    def __init__(self, secret: str) -> None:
        key = derive_key(secret, "baton/frontend/session-tokens/v1")
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def encrypt(self, plaintext: str) -> bytes:
        return self._fernet.encrypt(plaintext.encode())

    def decrypt(self, ciphertext: bytes) -> str | None:
        """The plaintext, or ``None`` if the ciphertext was tampered with or the key changed."""
        try:
            return self._fernet.decrypt(ciphertext).decode()
        except (InvalidToken, UnicodeDecodeError):
            return None


__all__ = ["TokenCipher", "derive_key"]
