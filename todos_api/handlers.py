"""The one place where typed errors become HTTP responses (RFC 6750 for auth).

Bodies are always ``{"error", "error_description"}`` JSON. Token problems all get
the same description, so a caller cannot tell an expired token from a forged one;
the precise reason only goes to the log, and the token itself never does.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from identity.errors import IssuerUnavailable, TokenError
from todos_api.errors import BodyTooLarge, InsufficientScope, MissingToken, TodoNotFound
from todos_api.models import ErrorBody, FieldError
from todos_api.store import StoreUnavailable

REALM = "todos-api"
INVALID_TOKEN_DESCRIPTION = "The access token is invalid."
log = logging.getLogger("todos_api")

HTTP_ERROR_CODES = {
    400: "invalid_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    415: "unsupported_media_type",
}


def error_response(
    status: int,
    error: str,
    description: str,
    headers: dict[str, str] | None = None,
    errors: list[FieldError] | None = None,
) -> JSONResponse:
    body = ErrorBody(error=error, error_description=description, errors=errors)
    # Cache-Control: no-store is added to every response by headers.DefaultHeadersMiddleware.
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, headers=headers)


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def bearer_challenge(**params: str) -> str:
    """A ``WWW-Authenticate`` value, ``Bearer realm="todos-api"`` plus ``params``."""
    parts = [f"realm={_quoted(REALM)}"] + [f"{k}={_quoted(v)}" for k, v in params.items()]
    return "Bearer " + ", ".join(parts)


async def _missing_token(_: Request, __: Exception) -> JSONResponse:
    return error_response(
        401,
        "missing_token",
        "A bearer access token is required.",
        {"WWW-Authenticate": bearer_challenge()},
    )


async def _invalid_token(request: Request, exc: Exception) -> JSONResponse:
    log.info("refused token on %s %s: %s", request.method, request.url.path, type(exc).__name__)
    return error_response(
        401,
        "invalid_token",
        INVALID_TOKEN_DESCRIPTION,
        {
            "WWW-Authenticate": bearer_challenge(
                error="invalid_token", error_description=INVALID_TOKEN_DESCRIPTION
            )
        },
    )


async def _insufficient_scope(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InsufficientScope)
    description = f"The access token lacks the {exc.scope} permission."
    return error_response(
        403,
        "insufficient_scope",
        description,
        {
            "WWW-Authenticate": bearer_challenge(
                error="insufficient_scope", error_description=description, scope=exc.scope
            )
        },
    )


async def _not_found(_: Request, __: Exception) -> JSONResponse:
    return error_response(404, "not_found", "No such todo.")


def _unavailable(retry_after: int, what: str) -> Any:
    async def handler(request: Request, exc: Exception) -> JSONResponse:
        log.warning("%s unavailable on %s: %s", what, request.url.path, exc)
        return error_response(
            503,
            "temporarily_unavailable",
            f"The {what} cannot be reached; retry later.",
            {"Retry-After": str(retry_after)},
        )

    return handler


def too_large_response() -> JSONResponse:
    return error_response(413, "request_too_large", "The request body is too large.")


async def _too_large(_: Request, __: Exception) -> JSONResponse:
    return too_large_response()


async def _validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # Only location, message and type: echoing the input back could reflect a huge or
    # hostile payload.
    errors = [
        FieldError(
            loc=[p if isinstance(p, int) else str(p) for p in e.get("loc", ())],
            msg=str(e.get("msg", "")),
            type=str(e.get("type", "")),
        )
        for e in exc.errors()
    ]
    return error_response(422, "invalid_request", "The request is malformed.", errors=errors)


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = HTTP_ERROR_CODES.get(exc.status_code, "invalid_request")
    detail = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    return error_response(exc.status_code, code, detail, dict(exc.headers or {}))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "server_error", "Internal error.")


def install_error_handlers(app: FastAPI, *, retry_after: int) -> None:
    """Registers every handler above on ``app``."""
    app.add_exception_handler(MissingToken, _missing_token)
    app.add_exception_handler(TokenError, _invalid_token)
    app.add_exception_handler(InsufficientScope, _insufficient_scope)
    app.add_exception_handler(TodoNotFound, _not_found)
    app.add_exception_handler(BodyTooLarge, _too_large)
    app.add_exception_handler(IssuerUnavailable, _unavailable(retry_after, "token issuer"))
    app.add_exception_handler(StoreUnavailable, _unavailable(retry_after, "database"))
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)


__all__ = [
    "REALM",
    "bearer_challenge",
    "error_response",
    "install_error_handlers",
    "too_large_response",
]
