"""The browser side: SSO session cookie and the login form's CSRF token.

The SSO cookie holds a random id (only its hash is stored). The CSRF defence is a
signed double submit: a random ``devidp_csrf`` cookie (SameSite=Lax, so a cross-site
POST does not carry it) and a form field holding an HMAC of it under a server secret.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from starlette.requests import Request
from starlette.responses import Response

from identity.devidp.provider import DevIdP
from identity.devidp.storage import Session

SESSION_COOKIE = "devidp_session"
CSRF_COOKIE = "devidp_csrf"


def current_session(idp: DevIdP, request: Request) -> Session | None:
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id or len(session_id) > 128:
        return None
    return idp.storage.get_session(session_id)


def start_session(idp: DevIdP, request: Request, response: Response, username: str) -> None:
    """A fresh session id on every sign-in (no fixation); the previous one is dropped."""
    previous = request.cookies.get(SESSION_COOKIE)
    if previous and len(previous) <= 128:
        idp.storage.delete_session(previous)
    session_id = idp.storage.create_session(username, idp.settings.session_ttl)
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        max_age=idp.settings.session_ttl,
        path="/",
        httponly=True,
        samesite="lax",
        secure=idp.secure_cookies,
    )


def end_session(idp: DevIdP, request: Request, response: Response) -> None:
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id and len(session_id) <= 128:
        idp.storage.delete_session(session_id)
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=idp.secure_cookies
    )


def csrf_cookie_value(request: Request) -> str:
    """The request's CSRF cookie, or a fresh value to set (see ``set_csrf_cookie``)."""
    value = request.cookies.get(CSRF_COOKIE, "")
    return value if 20 <= len(value) <= 128 else secrets.token_urlsafe(32)


def set_csrf_cookie(idp: DevIdP, response: Response, value: str) -> None:
    response.set_cookie(
        CSRF_COOKIE, value, path="/", httponly=True, samesite="lax", secure=idp.secure_cookies
    )


def csrf_token(idp: DevIdP, cookie_value: str) -> str:
    return hmac.new(idp.csrf_secret, cookie_value.encode(), hashlib.sha256).hexdigest()


def csrf_ok(idp: DevIdP, request: Request, submitted: str) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not submitted:
        return False
    return hmac.compare_digest(csrf_token(idp, cookie), submitted)


__all__ = [
    "CSRF_COOKIE",
    "SESSION_COOKIE",
    "csrf_cookie_value",
    "csrf_ok",
    "csrf_token",
    "current_session",
    "end_session",
    "set_csrf_cookie",
    "start_session",
]
