"""Browser login: ``/auth/login`` → the issuer → ``/auth/callback``; ``POST /auth/logout``.

The authorization request's state, nonce and PKCE verifier live in a short-lived
signed cookie (Starlette's ``SessionMiddleware``, 10 minutes) rather than in the
server store: an abandoned login then costs the server nothing, and the state is
bound to the browser that started it. Only after the callback succeeds does a
server-side session exist.
"""

from __future__ import annotations

import hmac
import logging

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import OptionalSession, ServicesDep
from api.errors import ApiError, CsrfFailed, problem_response
from api.oidc import LoginFailed
from api.redirects import safe_return_to
from api.templating import render_page
from identity.errors import IssuerUnavailable

log = logging.getLogger("api.auth")
router = APIRouter(prefix="/auth", tags=["auth"])
RETURN_TO_KEY = "return_to"


@router.get(
    "/login",
    status_code=302,
    response_class=RedirectResponse,
    summary="Start signing in at the identity provider",
    responses={302: {"description": "Redirect to the issuer's authorization endpoint"}},
)
async def login(
    request: Request,
    services: ServicesDep,
    return_to: str | None = Query(
        None,
        alias="returnTo",
        description="Path on this site to land on afterwards (other values are ignored).",
    ),
) -> Response:
    try:
        response = await services.oidc.login_redirect(request, services.settings.callback_url)
    except IssuerUnavailable as exc:
        log.warning("login redirect failed: %s", exc)
        return _login_error(request, "The identity provider cannot be reached right now.", 503)
    request.session[RETURN_TO_KEY] = safe_return_to(return_to)
    return response


@router.get(
    "/callback",
    status_code=302,
    response_class=RedirectResponse,
    summary="Finish signing in (the issuer redirects here)",
    responses={
        302: {"description": "Signed in; redirect to the page the login started from"},
        400: {"description": "The sign-in failed or was refused (HTML page or problem+json)"},
    },
)
async def callback(request: Request, services: ServicesDep, previous: OptionalSession) -> Response:
    return_to = safe_return_to(request.session.get(RETURN_TO_KEY))
    try:
        result = await services.oidc.finish_login(request)
    except LoginFailed as exc:
        log.info("login failed: %s", exc.code)
        request.session.clear()
        return _login_error(request, exc.message, exc.status, code=exc.code)
    request.session.clear()
    if previous is not None:  # never reuse a session id across logins (fixation)
        await services.sessions.store.delete(previous.id)
    session = await services.sessions.store.create(
        subject=result.subject, name=result.name, email=result.email, tokens=result.tokens
    )
    response = RedirectResponse(return_to, status_code=302)
    settings = services.settings
    response.set_cookie(
        settings.session_cookie_name,
        session.id,
        max_age=settings.session_absolute_ttl,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post(
    "/logout",
    status_code=303,
    response_class=RedirectResponse,
    summary="Sign out here and at the identity provider",
    description="A form POST carrying the session's `csrf_token`.",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "required": ["csrf_token"],
                        "properties": {"csrf_token": {"type": "string"}},
                    }
                }
            },
        }
    },
    responses={
        303: {"description": "Redirect to the issuer's logout (or home if not signed in)"},
        403: {"description": "Missing or wrong CSRF token"},
    },
)
async def logout(request: Request, services: ServicesDep, session: OptionalSession) -> Response:
    settings = services.settings
    if session is None:
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(settings.session_cookie_name, path="/")
        return response
    try:
        form = await request.form()
        sent = form.get("csrf_token")
    except Exception as exc:  # malformed multipart/urlencoded bodies
        raise ApiError("The logout form could not be read.", status=400) from exc
    if not isinstance(sent, str) or not hmac.compare_digest(
        sent.encode(), session.csrf_token.encode()
    ):
        raise CsrfFailed("Missing or wrong csrf_token; reload the page and try again.")
    await services.sessions.store.delete(session.id)
    target = await services.oidc.logout_url(
        return_to=settings.base_url, id_token=session.tokens.id_token
    )
    response = RedirectResponse(target, status_code=303)
    response.delete_cookie(
        settings.session_cookie_name,
        path="/",
        secure=settings.secure_cookies,
        httponly=True,
        samesite="lax",
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _login_error(request: Request, message: str, status: int, *, code: str = "") -> Response:
    if "text/html" in request.headers.get("accept", ""):
        return render_page(request, "error.html", status=status, message=message)
    return problem_response(status, message, code=code or "login_failed")


__all__ = ["router"]
