"""``/oauth/revoke`` (RFC 7009, Auth0's path): revoke a refresh token and its whole family.

Access tokens are self-contained JWTs and cannot be revoked; asking to revoke one
answers 200 as RFC 7009 §2.2 allows for tokens the server does not track.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from authlib.oauth2.rfc7009 import RevocationEndpoint

from identity.devidp.grants import ALL_CLIENT_AUTH_METHODS
from identity.devidp.storage import RefreshRecord

if TYPE_CHECKING:
    from identity.devidp.server import DevAuthorizationServer


class RefreshTokenRevocation(RevocationEndpoint):
    CLIENT_AUTH_METHODS = ALL_CLIENT_AUTH_METHODS
    server: DevAuthorizationServer

    def query_token(self, token_string: str, token_type_hint: str | None) -> RefreshRecord | None:
        if token_type_hint == "access_token":
            return None
        found = self.server.storage.find_refresh_token(token_string)
        return found[0] if found else None

    def revoke_token(self, token: RefreshRecord, request: Any) -> None:
        # Like Auth0, revoking one refresh token ends the grant: every rotation of it.
        self.server.storage.revoke_family(token.family_id)


__all__ = ["RefreshTokenRevocation"]
