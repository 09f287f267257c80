"""Every error the front end answers is RFC 9457 ``application/problem+json``.

    ApiError                    raised by routes and dependencies; carries status and headers
    ├── NotAuthenticated        401 + ``WWW-Authenticate: Bearer`` (no or bad credentials)
    ├── CsrfFailed              403 (missing or wrong per-session CSRF token)
    └── NotFound                404 (also for other users' threads, so ids don't leak)

FastAPI's own ``HTTPException`` and request-validation errors go through the same
handlers, so no route answers plain-text or a bare ``{"detail": ...}``. Details never
include tokens, secrets or stack traces.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("api.errors")


class Problem(BaseModel):
    """RFC 9457 problem details."""

    model_config = ConfigDict(extra="allow")

    type: str = Field("about:blank", description="URI naming the problem type.")
    title: str = Field(description="Short summary of the problem type.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field("", description="What went wrong with this request, for humans.")


class ApiError(Exception):
    status = 400
    code = "bad_request"

    def __init__(
        self,
        detail: str,
        *,
        status: int | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status or self.status
        self.code = code or self.code
        self.headers = headers or {}
        self.extra = extra


class NotAuthenticated(ApiError):
    status = 401
    code = "unauthorized"

    def __init__(self, detail: str = "Sign in or send a bearer token.", *, error: str = "") -> None:
        challenge = 'Bearer realm="baton"'
        if error:
            challenge += f', error="{error}"'
        super().__init__(detail, headers={"WWW-Authenticate": challenge})


class CsrfFailed(ApiError):
    status = 403
    code = "csrf_failed"


class NotFound(ApiError):
    status = 404
    code = "not_found"


def problem_response(
    status: int,
    detail: str,
    *,
    code: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    title = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    body["detail"] = detail
    if code:
        body["code"] = code
    body.update(extra)
    response = JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)
    response.headers["Cache-Control"] = "no-store"
    return response


def _validation_detail(exc: RequestValidationError) -> tuple[str, list[dict[str, Any]]]:
    errors = []
    for err in exc.errors()[:20]:
        location = ".".join(str(part) for part in err.get("loc", ()) if part != "body")
        # Echoing "input" back could reflect secrets or huge payloads; keep location + message.
        errors.append({"field": location or "body", "message": str(err.get("msg", "invalid"))})
    first = errors[0] if errors else {"field": "body", "message": "invalid"}
    return f"{first['field']}: {first['message']}", errors


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return problem_response(
            exc.status, exc.detail, code=exc.code, headers=exc.headers, **exc.extra
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        detail, errors = _validation_detail(exc)
        return problem_response(422, detail, code="invalid_request", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        return problem_response(exc.status_code, detail, headers=dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error: %s", type(exc).__name__)
        return problem_response(500, "Something went wrong on our side.", code="internal_error")


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": description}
    for status, description in {
        401: "Not signed in, or the bearer token is invalid",
        403: "CSRF check failed",
        404: "Not found (or not yours)",
        413: "Request body too large",
        422: "Malformed request",
    }.items()
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries for the given problem statuses."""
    return {status: ERROR_RESPONSES[status] for status in statuses}


__all__ = [
    "PROBLEM_JSON",
    "ApiError",
    "CsrfFailed",
    "NotAuthenticated",
    "NotFound",
    "Problem",
    "error_responses",
    "install_error_handlers",
    "problem_response",
]
