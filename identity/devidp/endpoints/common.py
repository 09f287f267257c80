"""Helpers every endpoint uses: the provider from the app, body parsing, RFC 6749 errors."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse

from identity.devidp.provider import DevIdP

MAX_BODY_BYTES = 64 * 1024
MAX_FIELDS = 64
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class BadRequest(Exception):
    """The request cannot be read; answered as an RFC 6749 ``invalid_request``."""

    def __init__(self, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.description = description
        self.status = status


def provider(request: Request) -> DevIdP:
    idp: DevIdP = request.app.state.devidp
    return idp


def oauth_error(
    error: str, description: str, status: int = 400, headers: dict[str, str] | None = None
) -> JSONResponse:
    """An RFC 6749 §5.2 error body; descriptions never echo tokens or secrets."""
    return JSONResponse(
        {"error": error, "error_description": description},
        status_code=status,
        headers={**NO_STORE, **(headers or {})},
    )


def parse_query(raw: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(raw, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError as exc:
        raise BadRequest("Too many parameters.") from exc


async def read_params(request: Request, *, allow_json: bool = False) -> list[tuple[str, str]]:
    """The body's parameters (form-encoded, or a flat JSON object where Auth0 accepts one)."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise BadRequest("Request body is too large.", status=413)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest("Request body is not UTF-8.") from exc
    if content_type == "application/x-www-form-urlencoded" or (not content_type and not body):
        return parse_query(text)
    if allow_json and content_type == "application/json":
        try:
            doc = json.loads(text)
        except ValueError as exc:
            raise BadRequest("Request body is not valid JSON.") from exc
        if not isinstance(doc, dict) or not all(isinstance(v, str) for v in doc.values()):
            raise BadRequest("JSON body must be an object of strings.")
        if len(doc) > MAX_FIELDS:
            raise BadRequest("Too many parameters.")
        return list(doc.items())
    raise BadRequest("Content-Type must be application/x-www-form-urlencoded.")


def refuse_repeats(params: list[tuple[str, str]]) -> None:
    """RFC 6749 §3.1/§3.2: request parameters MUST NOT be included more than once."""
    seen: set[str] = set()
    for key, _ in params:
        if key in seen:
            raise BadRequest(f"Parameter {key[:40]!r} is repeated.")
        seen.add(key)


__all__ = [
    "NO_STORE",
    "BadRequest",
    "oauth_error",
    "parse_query",
    "provider",
    "read_params",
    "refuse_repeats",
]
