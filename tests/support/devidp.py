"""The dev identity provider for tests: a real uvicorn server on a free loopback port.

    with running_devidp(tmp_path, MCP_PUBLIC_URL=mcp_url) as idp:
        token = password_token(idp.url, "alice")["access_token"]
        verifier = TokenVerifier(idp.issuer, "urn:todos-api", http)

Setting overrides use the environment names from docs/CONTRACTS.md
(``DEVIDP_EXTRA_CALLBACKS``, ``MCP_PUBLIC_URL``, ``FRONTEND_PUBLIC_URL``,
``DEVIDP_ACCESS_TOKEN_TTL``...). Nothing is read from the environment or ``.env``.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import html
import json
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from joserfc.jwk import RSAKey
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from identity.devidp.app import create_app
from identity.devidp.provider import DevIdP
from identity.devidp.settings import DevIdPSettings
from tests.support.servers import ServerThread, free_port

DEFAULT_SCOPE = "openid profile email offline_access read:todos write:todos read:billing"


@dataclass
class RunningDevIdP:
    url: str
    """Base URL without a trailing slash, e.g. ``http://127.0.0.1:53121``."""
    issuer: str
    """``url + "/"``: the ``iss`` of every token, Auth0 style."""
    settings: DevIdPSettings
    server: ServerThread
    provider: DevIdP
    """The provider's internals (storage, users, key), for white-box assertions."""

    @property
    def token_url(self) -> str:
        return self.url + "/oauth/token"

    @property
    def authorize_url(self) -> str:
        return self.url + "/authorize"

    @property
    def jwks_url(self) -> str:
        return self.url + "/.well-known/jwks.json"


class HermeticDevIdPSettings(DevIdPSettings):
    """``DevIdPSettings`` from explicit values only: no environment, ``.env`` or ``.dev.vars``."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def devidp_settings(data_dir: Path, port: int, **overrides: Any) -> DevIdPSettings:
    """Settings for a provider on ``port`` keeping its state in ``data_dir``.

    Only the given values count: a developer's exported variables cannot leak in.
    """
    values: dict[str, Any] = {
        "NODE_ENV": "development",
        "BATON_DATA_DIR": str(data_dir),
        "DEVIDP_HOST": "127.0.0.1",
        "DEVIDP_PORT": port,
        "DEVIDP_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "AUTH0_DOMAIN": "",
    }
    values.update(overrides)
    return HermeticDevIdPSettings(**values)


@functools.cache
def shared_signing_key() -> str:
    """One private JWK (JSON) per test session, for ``running_devidp(reuse_key=True)``."""
    key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"}, private=True)
    key.ensure_kid()
    return json.dumps(key.as_dict(private=True))


@contextlib.contextmanager
def running_devidp(
    data_dir: Path, *, port: int | None = None, reuse_key: bool = False, **setting_overrides: Any
) -> Iterator[RunningDevIdP]:
    """Start the provider with real uvicorn; state lives under ``data_dir/devidp``.

    Pass the same ``data_dir`` (and ``port``) again to simulate a restart.
    ``reuse_key=True`` seeds a fresh ``data_dir`` with the session's shared signing key
    instead of generating one (saves ~0.25 s); leave it off when a test needs
    providers whose keys differ.
    """
    port = port or free_port()
    key_file = data_dir / "devidp" / "signing-key.json"
    if reuse_key and not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(shared_signing_key(), encoding="utf-8")
        key_file.chmod(0o600)
    settings = devidp_settings(data_dir, port, **setting_overrides)
    app = create_app(settings)
    server = ServerThread(app, port=port).start()
    try:
        url = f"http://127.0.0.1:{port}"
        yield RunningDevIdP(
            url=url,
            issuer=url + "/",
            settings=settings,
            server=server,
            provider=app.state.devidp,
        )
    finally:
        server.stop()


def password_token(
    issuer_url: str,
    username: str,
    password: str | None = None,
    *,
    audience: str | None = "urn:todos-api",
    scope: str = DEFAULT_SCOPE,
    client_id: str = "baton-cli",
) -> dict[str, Any]:
    """The token response of a password grant (raises ``httpx.HTTPStatusError`` if refused).

    ``issuer_url`` may carry the trailing slash or not.
    """
    form = {
        "grant_type": "password",
        "username": username,
        "password": username if password is None else password,
        "client_id": client_id,
        "scope": scope,
    }
    if audience is not None:
        form["audience"] = audience
    response = httpx.post(issuer_url.rstrip("/") + "/oauth/token", data=form, timeout=10)
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return body


_HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')
_ACTION = re.compile(r'<form method="post" action="([^"]*)"')


def submit_login(
    http: httpx.Client, login_page: httpx.Response, username: str, password: str | None = None
) -> httpx.Response:
    """Fill in and post the login form ``login_page`` (the HTML that ``/authorize`` answered).

    ``http`` must be the cookie-keeping client that fetched the page. Returns the
    provider's answer unfollowed: a 302 to the client's callback with ``code`` and
    ``state`` on success, the form again (401) on a wrong password.
    """
    fields = {name: html.unescape(value) for name, value in _HIDDEN.findall(login_page.text)}
    action = _ACTION.search(login_page.text)
    if action is None or "csrf" not in fields:
        raise AssertionError(f"not a login page ({login_page.status_code})")
    fields.update(username=username, password=username if password is None else password)
    url = login_page.url.join(html.unescape(action.group(1)))
    return http.post(url, data=fields, follow_redirects=False)


def pkce_pair() -> tuple[str, str]:
    """A fresh ``(code_verifier, S256 code_challenge)``."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


__all__ = [
    "DEFAULT_SCOPE",
    "RunningDevIdP",
    "devidp_settings",
    "password_token",
    "pkce_pair",
    "running_devidp",
    "submit_login",
]
