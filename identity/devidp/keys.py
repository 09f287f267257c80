"""The provider's RS256 signing key: generated once, persisted, reused on restart.

Persisting it means tokens issued before a restart keep verifying and services that
cached the JWKS keep working (the end-to-end test restarts the stack mid-session).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from joserfc.jwk import KeySet, RSAKey

KEY_SIZE = 2048


def load_or_create_signing_key(path: Path) -> RSAKey:
    """Load the private JWK at ``path`` or generate one there (mode 0600, atomic write)."""
    if path.exists():
        key = RSAKey.import_key(json.loads(path.read_text(encoding="utf-8")))
        if not key.is_private:
            raise ValueError(f"{path} holds no private key")
        return key
    key = RSAKey.generate_key(KEY_SIZE, parameters={"use": "sig", "alg": "RS256"}, private=True)
    key.ensure_kid()  # RFC 7638 thumbprint, stable for the key's lifetime
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write a private temp file, then hard-link it into place: a crash never leaves
    # half a key, the file is never readable by others, and when two processes race
    # the second one adopts the first one's key instead of overwriting it.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".signing-key-")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(key.as_dict(private=True), handle)
        try:
            os.link(tmp, path)
        except FileExistsError:
            return load_or_create_signing_key(path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return key


def public_jwks(key: RSAKey) -> dict[str, object]:
    """The JWKS document served at ``/.well-known/jwks.json`` (public parts only)."""
    return dict(KeySet([key]).as_dict(private=False))


__all__ = ["load_or_create_signing_key", "public_jwks"]
