"""FastAPI dependencies as ``Annotated`` aliases: ``CurrentUser``, ``Runner``, ``Threads``...

Authentication: an ``Authorization: Bearer`` header, when present, is the only
credential looked at (an Auth0 access token for ``AUTH0_AUDIENCE``); otherwise the
session cookie. Cookie-authenticated requests that change state must echo the
session's CSRF token in ``X-CSRF-Token``; bearer requests need not (browsers never
attach them on their own).
"""

from __future__ import annotations

import hmac
import logging
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from api.errors import ApiError, CsrfFailed, NotAuthenticated
from api.runner import ChatRunner
from api.services import Services
from api.sessions import Session
from api.settings import FrontendSettings
from api.threadstore import ThreadStore
from api.users import SessionManager, User
from identity.errors import IssuerUnavailable, TokenError

log = logging.getLogger("api.deps")
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_settings(services: ServicesDep) -> FrontendSettings:
    return services.settings


def get_runner(services: ServicesDep) -> ChatRunner:
    return services.runner


def get_threads(services: ServicesDep) -> ThreadStore:
    return services.threads


def get_session_manager(services: ServicesDep) -> SessionManager:
    return services.sessions


SettingsDep = Annotated[FrontendSettings, Depends(get_settings)]
Runner = Annotated[ChatRunner, Depends(get_runner)]
Threads = Annotated[ThreadStore, Depends(get_threads)]
Sessions = Annotated[SessionManager, Depends(get_session_manager)]


class SessionCookie(APIKeyCookie):
    """The session cookie; its real name depends on the environment (``__Host-`` in
    production), so it is read from settings rather than fixed at import."""

    async def __call__(self, request: Request) -> str | None:  # type: ignore[override]
        settings: FrontendSettings = request.app.state.services.settings
        return request.cookies.get(settings.session_cookie_name) or None


bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="An Auth0 access token for AUTH0_AUDIENCE.",
)
session_scheme = SessionCookie(
    name="baton_session",
    auto_error=False,
    scheme_name="session",
    description="Login session cookie (`__Host-baton_session` outside development). "
    "State-changing requests also need the session's CSRF token in `X-CSRF-Token`.",
)


async def get_session(
    sessions: Sessions, session_id: Annotated[str | None, Depends(session_scheme)]
) -> Session | None:
    """The caller's live login session, if any (refreshing its tokens when due)."""
    if not session_id:
        return None
    return await sessions.resolve(session_id)


OptionalSession = Annotated[Session | None, Depends(get_session)]


async def get_current_user(
    request: Request,
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    session_id: Annotated[str | None, Depends(session_scheme)],
) -> User:
    if request.headers.get("authorization") is not None:
        if credentials is None:
            raise NotAuthenticated(
                "The Authorization header must be 'Bearer <token>'.", error="invalid_request"
            )
        try:
            verified = await services.verifier.verify(credentials.credentials)
        except TokenError as exc:
            log.info("bearer token refused: %s", type(exc).__name__)
            raise NotAuthenticated(
                "The bearer token is invalid or expired.", error="invalid_token"
            ) from exc
        except IssuerUnavailable as exc:
            raise ApiError(
                "The identity provider cannot be reached to check the token; try again.",
                status=503,
                headers={"Retry-After": "5"},
            ) from exc
        return User.from_token(credentials.credentials, verified)
    session = await services.sessions.resolve(session_id) if session_id else None
    if session is None:
        raise NotAuthenticated()
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent.encode(), session.csrf_token.encode()):
            raise CsrfFailed(f"Missing or wrong {CSRF_HEADER} header.")
    return User.from_session(session)


CurrentUser = Annotated[User, Depends(get_current_user)]

__all__ = [
    "CSRF_HEADER",
    "CurrentUser",
    "OptionalSession",
    "Runner",
    "Sessions",
    "SettingsDep",
    "Threads",
    "get_current_user",
]
