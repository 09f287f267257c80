"""``/oauth/token`` (authorization_code with PKCE, refresh_token with rotation, password) and
``/oauth/revoke``.

Client authentication: ``client_secret_basic`` and ``client_secret_post`` for the
confidential web apps, ``none`` for the public CLI client. Form-encoded bodies, and
flat JSON objects as Auth0 also accepts them.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from identity.devidp.endpoints.common import (
    BadRequest,
    oauth_error,
    provider,
    read_params,
    refuse_repeats,
)
from identity.devidp.server import HttpParams


async def token(request: Request) -> Response:
    idp = provider(request)
    try:
        params = await read_params(request, allow_json=True)
        refuse_repeats(params)
    except BadRequest as exc:
        return oauth_error("invalid_request", exc.description, exc.status)
    http = HttpParams("POST", idp.url("oauth/token"), request.headers, params)
    return await run_in_threadpool(_guarded, idp.server.create_token_response, http)


async def revoke(request: Request) -> Response:
    """``/oauth/revoke`` (RFC 7009): same client authentication as the token endpoint."""
    idp = provider(request)
    try:
        params = await read_params(request, allow_json=True)
        refuse_repeats(params)
    except BadRequest as exc:
        return oauth_error("invalid_request", exc.description, exc.status)
    http = HttpParams("POST", idp.url("oauth/revoke"), request.headers, params)
    return await run_in_threadpool(
        _guarded, lambda r: idp.server.create_endpoint_response("revocation", r), http
    )


def _guarded(handle: Callable[[HttpParams], Response], http: HttpParams) -> Response:
    try:
        return handle(http)
    except ValueError:
        # authlib refuses to build an error description from some hostile input.
        return oauth_error("invalid_request", "The request is malformed.")


__all__ = ["revoke", "token"]
