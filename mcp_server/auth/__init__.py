"""The authorization server: the MCP SDK's handlers plus what they lack.

metadata.py     RFC 8414 + RFC 9728 documents
register.py     RFC 7591 dynamic registration (SDK handler, sturdier front)
cimd.py         Client ID Metadata Documents (SSRF-safe fetch)
authorize.py    /authorize (SDK handler + HTML errors + RFC 9207 iss)
consent.py      consent page, CSRF, browser binding, redirect upstream
callback.py     upstream code exchange, ID token check, grant, Baton code
token.py        /token dispatch; exchange.py RFC 8693; revoke.py RFC 7009
provider.py     the SDK's OAuthAuthorizationServerProvider
tokens.py       Baton's opaque tokens (hashed, resource-bound, rotating)
clients.py, registry.py, client_auth.py, resource.py, errors.py, routes.py
"""
