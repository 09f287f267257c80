"""``create_app(settings)``: the MCP server and its authorization server in one ASGI app.

This is the only place that reads settings; everything below takes plain values
and Protocol-typed collaborators, which tests may replace through ``Overrides``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from mcp.server.auth.provider import ProviderTokenVerifier
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route

from identity.discovery import JWKSCache, OIDCDiscovery
from identity.verify import TokenVerifier
from mcp_server.auth.authorize import AuthorizeEndpoint
from mcp_server.auth.callback import CallbackEndpoint
from mcp_server.auth.cimd import CimdFetcher
from mcp_server.auth.client_auth import BatonClientAuthenticator
from mcp_server.auth.consent import ConsentEndpoint
from mcp_server.auth.exchange import TokenExchangeHandler
from mcp_server.auth.provider import BatonProvider
from mcp_server.auth.registry import ClientRegistry
from mcp_server.auth.resource import ServerIdentity
from mcp_server.auth.revoke import RevokeEndpoint
from mcp_server.auth.routes import auth_routes
from mcp_server.auth.token import TokenEndpoint
from mcp_server.auth.tokens import TokenIssuer
from mcp_server.crypto import cipher_from_setting
from mcp_server.grants.access import GrantAccess
from mcp_server.grants.redis import RedisGrantStore
from mcp_server.grants.sqlite import SqliteGrantStore
from mcp_server.grants.store import GrantStore
from mcp_server.guards import HostGuard
from mcp_server.server import build_mcp, build_transports, healthz
from mcp_server.settings import McpServerSettings
from mcp_server.todos_client import HttpTodosClient, TodosClient
from mcp_server.tools import ToolDeps
from mcp_server.upstream import OidcUpstream, UpstreamClient

HTTP_TIMEOUT = httpx.Timeout(10.0, connect=5.0)


@dataclass
class Overrides:
    """Seams tests may fill with hand-written fakes; None builds the real thing."""

    store: GrantStore | None = None
    upstream: UpstreamClient | None = None
    todos: TodosClient | None = None
    # Wraps whichever upstream client is used (e.g. to count or sabotage refreshes).
    wrap_upstream: Callable[[UpstreamClient], UpstreamClient] | None = None


def host_names(public_url: str, extra: list[str]) -> list[str]:
    """Host header values naming this server: the public one, its loopback twin, extras."""
    parts = urlsplit(public_url)
    host = parts.hostname or ""
    port = parts.port
    names = {parts.netloc.lower()}
    if host in {"127.0.0.1", "localhost"}:
        for twin in ("127.0.0.1", "localhost"):
            names.add(f"{twin}:{port}" if port else twin)
    names.update(h.lower() for h in extra)
    return sorted(names)


def origins(public_url: str, hosts: list[str], extra: list[str]) -> list[str]:
    scheme = urlsplit(public_url).scheme
    return sorted({f"{scheme}://{h}" for h in hosts} | set(extra))


def create_app(
    settings: McpServerSettings | None = None, overrides: Overrides | None = None
) -> Starlette:
    settings = settings or McpServerSettings()
    overrides = overrides or Overrides()
    server = ServerIdentity.from_public_url(settings.public_url)
    http = httpx.AsyncClient(timeout=HTTP_TIMEOUT, follow_redirects=False)
    store = overrides.store or (
        RedisGrantStore(settings.redis_url)
        if settings.redis_url
        else SqliteGrantStore(settings.grants_path)
    )
    cipher = cipher_from_setting(
        settings.encryption_key.get_secret_value(),
        settings.key_path if settings.is_development else None,
    )
    discovery = OIDCDiscovery(settings.issuer, http)
    verifier = TokenVerifier(settings.issuer, settings.auth0_audience, http, discovery=discovery)
    upstream = overrides.upstream or OidcUpstream(
        issuer=settings.issuer,
        client_id=settings.auth0_client_id,
        client_secret=settings.auth0_client_secret.get_secret_value(),
        audience=settings.auth0_audience,
        scope=settings.auth0_scope,
        use_resource_param=settings.auth0_use_resource_param,
        discovery=discovery,
        jwks=JWKSCache(discovery),
    )
    real_upstream = upstream
    if overrides.wrap_upstream is not None:
        upstream = overrides.wrap_upstream(upstream)
    todos = overrides.todos or HttpTodosClient(settings.api_base_url, http)

    registry = ClientRegistry(
        store,
        CimdFetcher(http, development=settings.is_development),
        graph_client_id=settings.graph_client_id,
        graph_client_secret=settings.graph_client_secret.get_secret_value(),
        idle_ttl=settings.client_idle_ttl,
    )
    issuer = TokenIssuer(
        store,
        resource=server.resource,
        issuer=server.issuer,
        access_ttl=settings.access_token_ttl,
        refresh_ttl=settings.refresh_token_ttl,
    )
    grants = GrantAccess(store, cipher, upstream, refresh_margin=settings.upstream_refresh_margin)
    provider = BatonProvider(store=store, registry=registry, issuer=issuer, server=server)
    authenticator = BatonClientAuthenticator(registry)
    secure_cookies = urlsplit(settings.public_url).scheme == "https"

    exchange = TokenExchangeHandler(
        verifier=verifier,
        grants=grants,
        issuer=issuer,
        server=server,
        trusted_azp=settings.trusted_azp_list,
    )
    routes = auth_routes(
        server=server,
        provider=provider,
        authorize=AuthorizeEndpoint(provider, server),
        consent=ConsentEndpoint(
            store=store,
            registry=registry,
            upstream=upstream,
            cipher=cipher,
            server=server,
            secure_cookies=secure_cookies,
        ),
        callback=CallbackEndpoint(
            store=store,
            provider=provider,
            upstream=upstream,
            verifier=verifier,
            grants=grants,
            cipher=cipher,
            server=server,
            secure_cookies=secure_cookies,
        ),
        token=TokenEndpoint(provider, authenticator, exchange, server),
        revoke=RevokeEndpoint(provider, authenticator),
    )

    hosts = host_names(settings.public_url, settings.extra_allowed_hosts)
    mcp = build_mcp(ToolDeps(grants=grants, todos=todos))
    transports = build_transports(
        mcp,
        verifier=ProviderTokenVerifier(provider),  # type: ignore[arg-type]
        resource=server.resource,
        resource_metadata_url=server.resource_metadata_url,
        grants=grants,
        allowed_hosts=hosts,
        allowed_origins=origins(settings.public_url, hosts, settings.extra_allowed_origins),
    )

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await store.initialize()
        try:
            async with transports.run():
                yield
        finally:
            await store.close()
            if isinstance(real_upstream, OidcUpstream):
                await real_upstream.aclose()
            await http.aclose()

    app = Starlette(
        routes=[Route("/healthz", healthz, methods=["GET"]), *routes, *transports.routes],
        middleware=[Middleware(HostGuard, allowed_hosts=hosts, exempt_paths=["/healthz"])],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.grants = grants
    return app
