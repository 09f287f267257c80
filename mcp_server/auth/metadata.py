"""Discovery documents: RFC 8414 authorization server metadata and RFC 9728 PRM.

Built from the SDK's ``build_metadata`` and ``create_protected_resource_routes``,
then extended with what Baton adds (token exchange, CIMD, RFC 9207 ``iss``, the
``none`` client auth method). Issuer strings come from ``ServerIdentity`` so the
PRM's ``authorization_servers[0]`` equals the metadata's ``issuer`` exactly.
"""

from __future__ import annotations

from typing import Any

from mcp.server.auth.routes import build_metadata, cors_middleware, create_protected_resource_routes
from mcp.server.auth.settings import ClientRegistrationOptions, RevocationOptions
from pydantic import AnyHttpUrl
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from mcp_server.auth.registry import TOKEN_EXCHANGE
from mcp_server.auth.resource import ServerIdentity
from mcp_server.settings import TOOL_SCOPES

CLIENT_AUTH_METHODS = ["none", "client_secret_post", "client_secret_basic"]


def authorization_server_metadata(server: ServerIdentity) -> dict[str, Any]:
    base = build_metadata(
        AnyHttpUrl(server.issuer),
        None,
        ClientRegistrationOptions(enabled=True, valid_scopes=list(TOOL_SCOPES)),
        RevocationOptions(enabled=True),
    )
    doc = base.model_dump(mode="json", exclude_none=True)
    doc.update(
        issuer=server.issuer,
        grant_types_supported=["authorization_code", "refresh_token", TOKEN_EXCHANGE],
        token_endpoint_auth_methods_supported=CLIENT_AUTH_METHODS,
        revocation_endpoint_auth_methods_supported=CLIENT_AUTH_METHODS,
        code_challenge_methods_supported=["S256"],
        authorization_response_iss_parameter_supported=True,
        client_id_metadata_document_supported=True,
    )
    return doc


def metadata_routes(server: ServerIdentity) -> list[Route]:
    doc = authorization_server_metadata(server)

    async def as_metadata(_: Request) -> Response:
        return JSONResponse(doc, headers={"Cache-Control": "public, max-age=3600"})

    return [
        Route(
            "/.well-known/oauth-authorization-server",
            endpoint=cors_middleware(as_metadata, ["GET", "OPTIONS"]),
            methods=["GET", "OPTIONS"],
        ),
        *create_protected_resource_routes(
            resource_url=AnyHttpUrl(server.resource),
            authorization_servers=[AnyHttpUrl(server.issuer)],
            scopes_supported=list(TOOL_SCOPES),
            resource_name="Baton MCP server",
        ),
    ]
