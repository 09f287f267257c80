"""Client authentication at /token and /revoke (RFC 6749 2.3.1).

Replaces the SDK's ``ClientAuthenticator`` because Baton stores client secrets
hashed, accepts HTTP Basic without a ``client_id`` form field, and lets the
confidential graph client use either ``client_secret_basic`` or ``_post``.
"""

from __future__ import annotations

import base64
import binascii
from urllib.parse import unquote

from mcp.server.auth.middleware.client_auth import AuthenticationError, ClientAuthenticator
from starlette.requests import Request

from mcp_server.auth.clients import BatonClient
from mcp_server.auth.registry import ClientRegistry
from mcp_server.crypto import hashes_equal, token_hash


def basic_credentials(request: Request) -> tuple[str, str] | None:
    """``(client_id, secret)`` from an ``Authorization: Basic`` header, if one is present."""
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise AuthenticationError("malformed Basic credentials") from exc
    if ":" not in decoded:
        raise AuthenticationError("malformed Basic credentials")
    client_id, secret = decoded.split(":", 1)
    return unquote(client_id), unquote(secret)


class BatonClientAuthenticator(ClientAuthenticator):
    def __init__(self, registry: ClientRegistry) -> None:
        self._registry = registry

    async def authenticate_request(self, request: Request) -> BatonClient:
        form = await request.form()
        form_id = form.get("client_id")
        form_secret = form.get("client_secret") or None  # "" counts as absent
        basic = basic_credentials(request)
        if basic and isinstance(form_secret, str):
            # RFC 6749 2.3: a client MUST NOT use more than one authentication method.
            raise AuthenticationError("use one client authentication method, not two")
        if basic and isinstance(form_id, str) and form_id != basic[0]:
            raise AuthenticationError("client_id differs from the Basic credentials")
        client_id = basic[0] if basic else form_id
        if not isinstance(client_id, str) or not client_id:
            raise AuthenticationError("client authentication required")
        found = await self._registry.get_with_secret(client_id)
        if found is None:
            raise AuthenticationError("unknown client")
        client, secret_hash = found
        presented = basic[1] if basic else (form_secret if isinstance(form_secret, str) else None)
        if secret_hash is None:
            if presented:
                raise AuthenticationError("this client has no secret")
            return client
        if not presented or not hashes_equal(token_hash(presented), secret_hash):
            raise AuthenticationError("invalid client credentials")
        return client
