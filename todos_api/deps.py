"""FastAPI dependencies: the verifier and store seams, bearer authentication, scopes.

Tests swap the collaborators with ``app.dependency_overrides[get_verifier]`` (or
``get_store``); routes only see ``CurrentToken`` / ``require_scope(...)``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Protocol

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from identity.errors import MalformedToken
from identity.verify import VerifiedToken
from todos_api.errors import InsufficientScope, MissingToken
from todos_api.store import TodoStore


class AccessTokenVerifier(Protocol):
    """What the API needs from ``identity.verify.TokenVerifier``."""

    async def verify(self, token: str) -> VerifiedToken:
        """The verified token, or raises ``TokenError`` / ``IssuerUnavailable``."""
        ...


def get_verifier(request: Request) -> AccessTokenVerifier:
    verifier: AccessTokenVerifier = request.app.state.verifier
    return verifier


def get_store(request: Request) -> TodoStore:
    store: TodoStore = request.app.state.store
    return store


# Declares the bearer scheme in the OpenAPI document. auto_error is off because
# FastAPI's own 401 has no RFC 6750 body; ``bearer_token`` decides instead.
bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="bearerAuth",
    bearerFormat="JWT",
    description="An RS256 access token from the tenant for the `urn:todos-api` audience.",
)


async def bearer_token(
    request: Request,
    _: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> str:
    """The raw token from ``Authorization: Bearer <token>``.

    No header, or another scheme, is a missing token; ``Bearer`` with nothing after it
    is an invalid one.
    """
    header = request.headers.get("authorization", "")
    scheme, _sep, credentials = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        raise MissingToken()
    token = credentials.strip()
    if not token:
        raise MalformedToken("empty bearer credentials")
    return token


async def authenticate(
    token: Annotated[str, Depends(bearer_token)],
    verifier: Annotated[AccessTokenVerifier, Depends(get_verifier)],
) -> VerifiedToken:
    return await verifier.verify(token)


CurrentToken = Annotated[VerifiedToken, Depends(authenticate)]
Store = Annotated[TodoStore, Depends(get_store)]


def require_scope(scope: str) -> Callable[[VerifiedToken], Awaitable[VerifiedToken]]:
    """A dependency yielding the verified token if it grants ``scope``, else 403."""

    async def check(token: CurrentToken) -> VerifiedToken:
        if scope not in token.scopes:
            raise InsufficientScope(scope)
        return token

    check.__name__ = f"require_{scope.replace(':', '_')}"
    return check


ReadTodos = Annotated[VerifiedToken, Depends(require_scope("read:todos"))]
WriteTodos = Annotated[VerifiedToken, Depends(require_scope("write:todos"))]
ReadBilling = Annotated[VerifiedToken, Depends(require_scope("read:billing"))]

__all__ = [
    "AccessTokenVerifier",
    "CurrentToken",
    "ReadBilling",
    "ReadTodos",
    "Store",
    "WriteTodos",
    "authenticate",
    "bearer_token",
    "get_store",
    "get_verifier",
    "require_scope",
]
