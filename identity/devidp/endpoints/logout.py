"""``/v2/logout`` (Auth0's logout): ends the SSO session, then returns to an allowed URL.

``returnTo`` must be one of the allowed logout URLs (the front end's origin in both
loopback forms and ``DEVIDP_LOGOUT_URLS``): an entry without a path allows any path
on that origin, an entry with a path must match it exactly (the query is ignored).
Anything else is refused with 400 rather than followed: no open redirect.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from identity.devidp.endpoints.common import BadRequest, oauth_error, parse_query, provider
from identity.devidp.pages import render
from identity.devidp.sessions import end_session


def return_to_allowed(return_to: str, allowed: list[str]) -> bool:
    try:
        target = urlsplit(return_to)
        target_port = target.port
    except ValueError:
        return False
    if target.scheme not in ("http", "https") or not target.hostname or target.username:
        return False
    for entry in allowed:
        base = urlsplit(entry)
        same_origin = (target.scheme, target.hostname, target_port) == (
            base.scheme,
            base.hostname,
            base.port,
        )
        if not same_origin:
            continue
        if base.path in ("", "/") or target.path.rstrip("/") == base.path.rstrip("/"):
            return True
    return False


async def logout(request: Request) -> Response:
    idp = provider(request)
    try:
        params = dict(parse_query(request.url.query))
    except BadRequest as exc:
        return oauth_error("invalid_request", exc.description, exc.status)
    return_to = params.get("returnTo", "")
    if return_to and not return_to_allowed(return_to, idp.settings.logout_url_list):
        return oauth_error(
            "invalid_request", "returnTo is not one of the allowed logout URLs.", 400
        )
    response: Response = (
        RedirectResponse(return_to, status_code=302) if return_to else render("logged_out.html")
    )
    await run_in_threadpool(end_session, idp, request, response)
    return response


__all__ = ["logout", "return_to_allowed"]
