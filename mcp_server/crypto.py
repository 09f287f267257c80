"""Secrets at rest: Baton's own tokens hashed, upstream tokens encrypted.

Baton's access tokens, refresh tokens, codes and client secrets are opaque random
strings; only their SHA-256 is stored, so a copy of the database cannot be replayed.
Upstream (Auth0) tokens must be usable again, so they are encrypted with Fernet
(AES-128-CBC + HMAC-SHA256) under ``MCP_ENCRYPTION_KEY``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

TOKEN_BYTES = 32  # 256 bits; RFC 6749 10.10 asks for at least 128


class DecryptionError(Exception):
    """A stored ciphertext does not decrypt under any configured key."""


def new_token(prefix: str = "") -> str:
    """A fresh opaque token; ``prefix`` only helps humans tell kinds apart in logs."""
    return prefix + secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """The lookup key a token is stored under (hex SHA-256)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def hashes_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


class TokenCipher:
    """Encrypts upstream tokens; the first key encrypts, every key decrypts (rotation)."""

    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise ValueError("at least one encryption key is required")
        self._fernet = MultiFernet([Fernet(k.encode()) for k in keys])

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, ciphertext: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode()).decode()
        except InvalidToken as exc:
            raise DecryptionError("ciphertext does not decrypt with the configured keys") from exc


def load_or_create_key(path: str) -> str:
    """The development key kept in the data directory, created once with mode 0600."""
    key_file = Path(path)
    if key_file.exists():
        return key_file.read_text().strip()
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key().decode()
    # O_EXCL: two processes starting at once must not overwrite each other's key.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def cipher_from_setting(configured: str, dev_key_path: str | None) -> TokenCipher:
    """Keys from ``MCP_ENCRYPTION_KEY`` (comma-separated), else the generated development key."""
    keys = [k.strip() for k in configured.split(",") if k.strip()]
    if not keys:
        if dev_key_path is None:
            raise ValueError("MCP_ENCRYPTION_KEY must be set outside development")
        keys = [load_or_create_key(dev_key_path)]
    return TokenCipher(keys)
