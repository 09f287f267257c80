"""Typed errors the Todos API raises; ``handlers`` turns each into its wire response.

    ApiError
    ├── MissingToken         no bearer token (401, challenge without an error code)
    ├── InsufficientScope    valid token lacking a permission (403 insufficient_scope)
    ├── TodoNotFound         unknown id or another user's todo (404, same answer for both)
    └── BodyTooLarge         request body over the limit (413)

Also handled there: ``identity.errors.TokenError`` (401 invalid_token),
``identity.errors.IssuerUnavailable`` and ``todos_api.store.StoreUnavailable``
(503 with Retry-After), request validation (422) and plain HTTP errors.
"""

from __future__ import annotations


class ApiError(Exception):
    """Base of the API's own refusals."""


class MissingToken(ApiError):
    """The request carries no bearer token (RFC 6750 section 3.1: no error code)."""


class InsufficientScope(ApiError):
    """The request requires higher privileges than provided by the access token."""

    def __init__(self, scope: str) -> None:
        super().__init__(f"requires {scope}")
        self.scope = scope


class TodoNotFound(ApiError):
    """No todo with this id belongs to the caller (whether or not it exists)."""


class BodyTooLarge(ApiError):
    """The request body exceeds the API's size limit."""


__all__ = ["ApiError", "BodyTooLarge", "InsufficientScope", "MissingToken", "TodoNotFound"]
