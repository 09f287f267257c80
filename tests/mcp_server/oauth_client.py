"""The official MCP Python SDK OAuth client, wired to the test browser."""

from __future__ import annotations

from dataclasses import dataclass, field

from mcp.client.auth import OAuthClientProvider, TokenStorage
from mcp.shared.auth import OAuthClientInformationFull, OAuthClientMetadata, OAuthToken

from tests.support.browser import AuthorizationResult, Browser, Decision
from tests.support.servers import free_port


class MemoryTokenStorage(TokenStorage):
    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client_info: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client_info

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client_info = client_info


@dataclass
class BrowserUser:
    """Plays the user for ``OAuthClientProvider``: logs in and answers the consent page."""

    username: str = "alice"
    decision: Decision = "allow"
    redirect_uri: str = field(default_factory=lambda: f"http://127.0.0.1:{free_port()}/callback")
    browser: Browser = field(default_factory=Browser)
    results: list[AuthorizationResult] = field(default_factory=list)
    authorization_urls: list[str] = field(default_factory=list)

    async def redirect_handler(self, url: str) -> None:
        self.authorization_urls.append(url)
        result = await self.browser.authorize(
            url, self.redirect_uri, username=self.username, decision=self.decision
        )
        self.results.append(result)

    async def callback_handler(self) -> tuple[str, str | None]:
        result = self.results[-1]
        if result.code is None:
            raise RuntimeError(f"authorization failed: {result.error}")
        return result.code, result.state


def oauth_provider(
    server_url: str,
    user: BrowserUser,
    storage: TokenStorage | None = None,
    *,
    client_name: str = "pytest",
) -> OAuthClientProvider:
    return OAuthClientProvider(
        server_url=server_url,
        client_metadata=OAuthClientMetadata(
            redirect_uris=[user.redirect_uri],  # type: ignore[list-item]
            client_name=client_name,
            token_endpoint_auth_method="none",
        ),
        storage=storage or MemoryTokenStorage(),
        redirect_handler=user.redirect_handler,
        callback_handler=user.callback_handler,
    )
