"""Applications registered at the dev provider, built from settings (docs/CONTRACTS.md)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field

from authlib.oauth2.rfc6749 import ClientMixin

from identity.devidp.settings import DevIdPSettings, loopback_forms

CONFIDENTIAL_AUTH_METHODS = frozenset({"client_secret_basic", "client_secret_post"})


@dataclass(frozen=True)
class Client(ClientMixin):
    """A registered application; ``secret is None`` marks a public client (auth method ``none``)."""

    client_id: str
    secret: str | None = field(repr=False)
    redirect_uris: tuple[str, ...]
    grant_types: frozenset[str]
    name: str = ""
    response_types: frozenset[str] = field(default_factory=lambda: frozenset({"code"}))

    @property
    def is_public(self) -> bool:
        return self.secret is None

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return None  # redirect_uri is always required: no guessing which callback

    def get_allowed_scope(self, scope: str | None) -> str:
        # Narrowing to what the user holds happens when tokens are minted (scopes.py).
        return scope or ""

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris  # exact string match, as Auth0 does

    def check_client_secret(self, client_secret: str) -> bool:
        if self.secret is None:
            return False
        return hmac.compare_digest(self.secret.encode(), client_secret.encode())

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if self.is_public:
            return method == "none"
        return method in CONFIDENTIAL_AUTH_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return response_type in self.response_types

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.grant_types


def _callbacks(public_url: str, path: str, extra: list[str]) -> tuple[str, ...]:
    return (*(base + path for base in loopback_forms(public_url)), *extra)


def registered_clients(settings: DevIdPSettings) -> dict[str, Client]:
    """The MCP server, the front end and the CLI/Studio app, keyed by client id."""
    extra = settings.extra_callback_list
    web_grants = frozenset({"authorization_code", "refresh_token"})
    clients = [
        Client(
            client_id=settings.mcp_client_id,
            secret=settings.mcp_client_secret.get_secret_value(),
            redirect_uris=_callbacks(settings.mcp_public_url, "/callback", extra),
            grant_types=web_grants,
            name="Baton MCP server",
        ),
        Client(
            client_id=settings.frontend_client_id,
            secret=settings.frontend_client_secret.get_secret_value(),
            redirect_uris=_callbacks(settings.frontend_public_url, "/auth/callback", extra),
            grant_types=web_grants,
            name="Baton web",
        ),
        Client(
            client_id=settings.cli_client_id,
            secret=None,
            redirect_uris=tuple(extra),
            grant_types=frozenset({"password", "authorization_code", "refresh_token"}),
            name="Baton CLI / Studio",
        ),
    ]
    return {client.client_id: client for client in clients}


__all__ = ["Client", "registered_clients"]
