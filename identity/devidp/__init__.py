"""Baton's development identity provider: an Auth0-compatible OpenID provider for offline use.

Entry points:

- ``python -m identity.devidp`` serves it (``DEVIDP_HOST``/``DEVIDP_PORT``; refuses to
  start unless ``NODE_ENV=development``, binds only to loopback by default);
- ``identity.devidp.app.create_app(settings=None)`` builds the ASGI app;
- ``python -m identity.devidp.token alice`` (``make token USER=alice``) prints a fresh
  access token for a dev user;
- ``tests.support.devidp.running_devidp`` runs it in tests.

Paths are Auth0's (``/authorize``, ``/oauth/token``, ``/oauth/revoke``, ``/userinfo``,
``/v2/logout``, ``/.well-known/openid-configuration``, ``/.well-known/jwks.json``). The OAuth core is
authlib's ``AuthorizationServer`` (``server.py``) with its grants (``grants.py``) and
token generators (``tokens.py``); state lives in ``{BATON_DATA_DIR}/devidp/``.
"""
