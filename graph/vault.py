"""Credential vault: the user's Auth0 access token lives here, the run carries only a handle.

``InMemoryVault`` is the embedded default (one process, TTL-bound). A Redis
implementation, encrypted, arrives with the scale-out work behind the same Protocol.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


class CredentialVault(Protocol):
    def put(self, token: str, *, subject: str, ttl: float) -> str:
        """Store ``token`` for ``subject`` and return a fresh opaque handle."""
        ...

    def get(self, handle: str, *, subject: str) -> str | None:
        """The token behind ``handle`` if it belongs to ``subject`` and has not expired."""
        ...

    def drop(self, handle: str) -> None: ...


@dataclass
class _Entry:
    token: str
    subject: str
    expires_at: float


class InMemoryVault:
    """Process-local vault. Handles are unguessable and bound to the subject they were issued for."""

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, max_entries: int = 100_000
    ) -> None:
        self._entries: dict[str, _Entry] = {}
        self._clock = clock
        self._lock = threading.Lock()
        self._max = max_entries

    def put(self, token: str, *, subject: str, ttl: float) -> str:
        handle = "cred_" + secrets.token_urlsafe(24)
        with self._lock:
            self._purge()
            if len(self._entries) >= self._max:
                self._entries.pop(next(iter(self._entries)))
            self._entries[handle] = _Entry(token, subject, self._clock() + max(ttl, 0.0))
        return handle

    def get(self, handle: str, *, subject: str) -> str | None:
        with self._lock:
            entry = self._entries.get(handle)
            if entry is None or entry.subject != subject:
                return None
            if entry.expires_at <= self._clock():
                del self._entries[handle]
                return None
            return entry.token

    def drop(self, handle: str) -> None:
        with self._lock:
            self._entries.pop(handle, None)

    def _purge(self) -> None:
        now = self._clock()
        for handle in [h for h, e in self._entries.items() if e.expires_at <= now]:
            del self._entries[handle]


_default_vault: CredentialVault | None = None


def default_vault() -> CredentialVault:
    """The process-wide vault shared by the front end / Studio auth handler and the graph."""
    global _default_vault
    if _default_vault is None:
        _default_vault = InMemoryVault()
    return _default_vault
