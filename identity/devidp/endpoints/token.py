"""``/oauth/token``: authorization_code (PKCE), refresh_token (rotation) and password grants.

Client authentication: ``client_secret_basic`` and ``client_secret_post`` for the
confidential web apps, ``none`` for the public CLI client. Form-encoded bodies, and
flat JSON objects as Auth0 also accepts them.
"""

from __future__ import annotations

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
from identity.devidp.provider import DevIdP
from identity.devidp.server import HttpParams


async def token(request: Request) -> Response:
    idp = provider(request)
    try:
        params = await read_params(request, allow_json=True)
        refuse_repeats(params)
    except BadRequest as exc:
        return oauth_error("invalid_request", exc.description, exc.status)
    http = HttpParams("POST", idp.url("oauth/token"), request.headers, params)
    return await run_in_threadpool(_token, idp, http)


def _token(idp: DevIdP, http: HttpParams) -> Response:
    try:
        response: Response = idp.server.create_token_response(http)
    except ValueError:
        # authlib refuses to build an error description from some hostile input.
        return oauth_error("invalid_request", "The token request is malformed.")
    return response


__all__ = ["token"]
