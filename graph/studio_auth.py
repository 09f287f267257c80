"""Authentication and thread ownership for the LangGraph server (``langgraph dev``, Studio, the SDK).

``langgraph.json`` points ``auth.path`` here. Each request's bearer token is verified
with ``identity.verify``; the token goes into the process's credential vault and the
user dict carries only the opaque handle (the server stores user dicts in its run
records, so the token itself must never be in it). Threads are stamped with their
owner and every thread action is filtered to the caller's own.

Built from the environment at import: the LangGraph server gives this module nothing else.
"""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Any

import httpx
from langgraph_sdk import Auth

from graph.run_identity import HANDLE_KEY
from graph.settings import GraphSettings
from graph.vault import CredentialVault, default_vault
from identity.errors import TokenError
from identity.verify import TokenVerifier

log = logging.getLogger(__name__)
MAX_HANDLE_TTL = 900.0
OWNER_KEY = "owner"

auth = Auth()


class StudioAuthenticator:
    """Verifies bearer tokens and maps each (token, user) to one vault handle while it is valid."""

    def __init__(self, verifier: TokenVerifier, vault: CredentialVault) -> None:
        self._verifier = verifier
        self._vault = vault
        # sha256(token) -> (handle, expires_at): one handle per token, not one per request.
        self._handles: dict[str, tuple[str, float]] = {}

    async def user_for(self, authorization: str | None) -> dict[str, Any]:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Auth.exceptions.HTTPException(
                status_code=401,
                detail="Bearer access token required",
                headers={"WWW-Authenticate": "Bearer"},
            )
        token = token.strip()
        try:
            verified = await self._verifier.verify(token)
        except TokenError as exc:
            raise Auth.exceptions.HTTPException(
                status_code=401,
                detail=f"invalid token ({type(exc).__name__})",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            ) from None
        now = time.time()
        key = hashlib.sha256(token.encode()).hexdigest()
        cached = self._handles.get(key)
        handle = cached[0] if cached and cached[1] > now + 5 else None
        if handle is None or self._vault.get(handle, subject=verified.subject) is None:
            ttl = max(0.0, min(verified.expires_at - now, MAX_HANDLE_TTL))
            handle = self._vault.put(token, subject=verified.subject, ttl=ttl)
            self._handles = {k: v for k, v in self._handles.items() if v[1] > now}
            self._handles[key] = (handle, now + ttl)
        claims = verified.claims
        return {
            "identity": verified.subject,
            "display_name": str(claims.get("name") or claims.get("nickname") or verified.subject),
            "is_authenticated": True,
            "permissions": sorted(verified.scopes),
            HANDLE_KEY: handle,
        }


_authenticator: StudioAuthenticator | None = None


def _get_authenticator() -> StudioAuthenticator:
    global _authenticator
    if _authenticator is None:
        settings = GraphSettings()
        verifier = TokenVerifier(
            settings.issuer, settings.auth0_audience, httpx.AsyncClient(timeout=10.0)
        )
        _authenticator = StudioAuthenticator(verifier, default_vault())
    return _authenticator


@auth.authenticate
async def authenticate(authorization: str | None) -> Auth.types.MinimalUserDict:
    return await _get_authenticator().user_for(authorization)  # type: ignore[return-value]


@auth.on
async def deny_by_default(ctx: Auth.types.AuthContext, value: Any) -> None:
    """Anything not allowed below is refused (crons, new resource kinds)."""
    raise Auth.exceptions.HTTPException(status_code=403, detail="not allowed")


@auth.on.assistants.read
async def read_assistants(ctx: Auth.types.AuthContext, value: Any) -> None:
    """Everyone signed in may see the graph's assistants (the server creates one per graph)."""
    return None


@auth.on.assistants.search
async def search_assistants(ctx: Auth.types.AuthContext, value: Any) -> None:
    return None


@auth.on.assistants.create
async def create_assistant(ctx: Auth.types.AuthContext, value: Any) -> Auth.types.FilterType:
    """New assistants (saved configurations) belong to their creator."""
    metadata = value.setdefault("metadata", {}) if isinstance(value, dict) else {}
    if isinstance(metadata, dict):
        metadata[OWNER_KEY] = ctx.user.identity
    return {OWNER_KEY: ctx.user.identity}


@auth.on.assistants.update
async def update_own_assistant(ctx: Auth.types.AuthContext, value: Any) -> Auth.types.FilterType:
    return {OWNER_KEY: ctx.user.identity}


@auth.on.assistants.delete
async def delete_own_assistant(ctx: Auth.types.AuthContext, value: Any) -> Auth.types.FilterType:
    return {OWNER_KEY: ctx.user.identity}


@auth.on.threads
async def own_threads(ctx: Auth.types.AuthContext, value: Any) -> Auth.types.FilterType:
    """Stamp new threads with their owner; every thread action sees only the caller's threads."""
    if ctx.action == "create" and isinstance(value, dict):
        metadata = value.setdefault("metadata", {})
        if isinstance(metadata, dict):
            metadata[OWNER_KEY] = ctx.user.identity
    return {OWNER_KEY: ctx.user.identity}


@auth.on.store
async def own_store(ctx: Auth.types.AuthContext, value: Any) -> None:
    """Store items are namespaced by user id first."""
    namespace = tuple(value.get("namespace") or ()) if isinstance(value, dict) else ()
    if not namespace or namespace[0] != ctx.user.identity:
        raise Auth.exceptions.HTTPException(status_code=403, detail="not your namespace")
