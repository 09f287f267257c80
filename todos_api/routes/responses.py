"""OpenAPI declarations of the error responses routes can give."""

from __future__ import annotations

from typing import Any

from todos_api.models import ErrorBody

_DESCRIPTIONS = {
    401: "No bearer token, or an invalid one (RFC 6750; see WWW-Authenticate).",
    403: "The token lacks the required permission (insufficient_scope).",
    404: "No such todo for this user.",
    413: "Request body too large.",
    415: "Body is not JSON.",
    422: "Malformed or invalid request.",
    503: "Token issuer or database unreachable; see Retry-After.",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` entries for ``codes``, each with the ``ErrorBody`` schema."""
    return {code: {"model": ErrorBody, "description": _DESCRIPTIONS[code]} for code in codes}


AUTHENTICATED = errors(401, 503)
SCOPED = errors(401, 403, 503)
