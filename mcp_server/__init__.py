"""Baton's remote MCP server and the OAuth 2.1 authorization server in front of it.

    python -m mcp_server                 serve on MCP_HOST:MCP_PORT (127.0.0.1:8788)
    mcp_server.app.create_app(settings)  the ASGI app (Starlette)

Routes (all under ``MCP_PUBLIC_URL``):

    /mcp, /sse + /messages/          MCP over streamable HTTP and legacy SSE (Bearer)
    /.well-known/oauth-protected-resource      RFC 9728 (resource = the root)
    /.well-known/oauth-authorization-server    RFC 8414
    /register /authorize /consent /callback /token /revoke
    /healthz

Layout: ``server.py`` (transports), ``tools.py``, ``guards.py`` (Host check, per-tool
scope gate), ``auth/`` (one module per endpoint, the SDK provider in ``provider.py``),
``grants/`` (store Protocol, SQLite, upstream-token access), ``upstream.py`` (OIDC
client of Auth0 or the dev provider), ``todos_client.py``, ``crypto.py``.
"""
