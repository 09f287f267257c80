"""``/authorize`` (code flow with PKCE, SSO, ``prompt``) and the login form it shows.

A valid request from a browser with an SSO session gets a code at once; one without
a session gets the login form (or ``error=login_required`` for ``prompt=none``). The
form posts to ``/login``, which re-validates the original request, checks the
password, starts the SSO session and redirects to the client with the code.
"""

from __future__ import annotations

from urllib.parse import urlencode

from authlib.oauth2.rfc6749 import OAuth2Error
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from identity.devidp.clients import Client
from identity.devidp.endpoints.common import (
    BadRequest,
    oauth_error,
    parse_query,
    provider,
    read_params,
)
from identity.devidp.pages import render
from identity.devidp.provider import DevIdP
from identity.devidp.server import HttpParams
from identity.devidp.sessions import (
    csrf_cookie_value,
    csrf_ok,
    csrf_token,
    current_session,
    set_csrf_cookie,
    start_session,
)
from identity.devidp.storage import Session
from identity.devidp.types import Principal

MAX_CREDENTIAL_LENGTH = 256
# Satisfied by signing in on the form, so dropped before the request is replayed.
LOGIN_SATISFIES = ("prompt", "max_age")


async def authorize(request: Request) -> Response:
    idp = provider(request)
    try:
        if request.method == "POST":  # OIDC Core 3.1.2.1 allows POST with a form body
            params = await read_params(request)
        else:
            params = parse_query(request.url.query)
    except BadRequest as exc:
        return oauth_error("invalid_request", exc.description, exc.status)
    return await run_in_threadpool(_authorize, idp, request, params)


def _authorize(idp: DevIdP, request: Request, params: list[tuple[str, str]]) -> Response:
    principal = _signed_in(idp, current_session(idp, request), params)
    http = _authorize_request(idp, request, params)
    try:
        grant = idp.server.get_consent_grant(http, end_user=principal)
        if grant.prompt == "login" or principal is None:
            return _login_page(idp, request, params, grant.client)
        return idp.server.create_authorization_response(  # type: ignore[no-any-return]
            grant.request, grant_user=principal, grant=grant
        )
    except OAuth2Error as error:
        return idp.server.handle_error_response(None, error)  # type: ignore[no-any-return]
    except ValueError:
        # authlib refuses to build an error description from some hostile input.
        return oauth_error("invalid_request", "The authorization request is malformed.")


async def login(request: Request) -> Response:
    idp = provider(request)
    try:
        form = dict(await read_params(request))
        params = parse_query(form.get("authorize", ""))
    except BadRequest as exc:
        return oauth_error("invalid_request", exc.description, exc.status)
    return await run_in_threadpool(_login, idp, request, form, params)


def _login(
    idp: DevIdP, request: Request, form: dict[str, str], params: list[tuple[str, str]]
) -> Response:
    if not csrf_ok(idp, request, form.get("csrf", "")):
        return oauth_error(
            "invalid_request",
            "The sign-in form expired or did not come from this site; start again.",
            status=403,
        )
    params = [(k, v) for k, v in params if k not in LOGIN_SATISFIES]
    http = _authorize_request(idp, request, params)
    try:
        # Validate the authorization request again: the hidden field is client input.
        grant = idp.server.get_consent_grant(http, end_user=None)
        username = form.get("username", "")[:MAX_CREDENTIAL_LENGTH]
        user = idp.users.authenticate(username, form.get("password", "")[:MAX_CREDENTIAL_LENGTH])
        if user is None:
            return _login_page(
                idp,
                request,
                params,
                grant.client,
                error="Wrong username or password.",
                username=username,
                status=401,
            )
        principal = Principal(user=user, auth_time=idp.storage.now())
        response: Response = idp.server.create_authorization_response(
            grant.request, grant_user=principal, grant=grant
        )
    except OAuth2Error as error:
        return idp.server.handle_error_response(None, error)  # type: ignore[no-any-return]
    except ValueError:
        return oauth_error("invalid_request", "The authorization request is malformed.")
    start_session(idp, request, response, user.username)
    return response


def _authorize_request(idp: DevIdP, request: Request, params: list[tuple[str, str]]) -> HttpParams:
    query = urlencode(params)
    url = idp.url("authorize") + (f"?{query}" if query else "")
    return HttpParams("GET", url, request.headers, params)


def _signed_in(
    idp: DevIdP, session: Session | None, params: list[tuple[str, str]]
) -> Principal | None:
    """The SSO session's user, unless ``max_age`` says the sign-in is too old."""
    if session is None:
        return None
    user = idp.users.get(session.username)
    if user is None:
        return None
    max_age = dict(params).get("max_age", "")
    if max_age.isdigit() and idp.storage.now() - session.auth_time > int(max_age):
        return None
    return Principal(user=user, auth_time=session.auth_time)


def _login_page(
    idp: DevIdP,
    request: Request,
    params: list[tuple[str, str]],
    client: Client,
    *,
    error: str = "",
    username: str = "",
    status: int = 200,
) -> Response:
    cookie = csrf_cookie_value(request)
    response = render(
        "login.html",
        status=status,
        client_name=client.name or client.client_id,
        action="login",  # relative: stays on whichever host name the browser used
        csrf=csrf_token(idp, cookie),
        authorize=urlencode([(k, v) for k, v in params if k not in LOGIN_SATISFIES]),
        error=error,
        username=username,
        users=idp.users.all(),
    )
    set_csrf_cookie(idp, response, cookie)
    return response


__all__ = ["authorize", "login"]
