"""authlib grants wired to the dev provider's storage, users and Auth0's ``audience``.

The grants reach their collaborators through ``self.server`` (a
``DevAuthorizationServer``), as authlib's design intends.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from authlib.oauth2.rfc6749 import (
    AccessDeniedError,
    InvalidGrantError,
    InvalidRequestError,
    OAuth2Error,
    grants,
)
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core.grants.util import validate_request_prompt

from identity.devidp.scopes import granted_scope
from identity.devidp.storage import CodeRecord, RefreshRecord, new_family_id
from identity.devidp.types import Principal

if TYPE_CHECKING:
    from identity.devidp.clients import Client
    from identity.devidp.server import DevAuthorizationServer

ALL_CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]


class InvalidTargetError(OAuth2Error):
    """The requested resource is invalid, missing, unknown, or malformed (RFC 8707)."""

    error = "invalid_target"


def resolve_audience(data: Mapping[str, Any], known: list[str]) -> str | None:
    """The API asked for with Auth0's ``audience`` or RFC 8707's ``resource``; None if neither."""
    audience, resource = data.get("audience") or None, data.get("resource") or None
    if audience and resource and audience != resource:
        raise InvalidRequestError("'audience' and 'resource' name different APIs.")
    if audience and audience not in known:
        # Auth0 answers an unknown audience with access_denied ("Service not found").
        raise AccessDeniedError("Service not found for the requested audience.")
    if resource and resource not in known:
        raise InvalidTargetError("The requested resource is not known to this server.")
    value = audience or resource
    return str(value) if value else None


class S256CodeChallenge(CodeChallenge):
    """PKCE with S256 only, required on every authorization request.

    authlib's ``CodeChallenge(required=True)`` lets a request without a challenge
    through at /authorize and accepts ``plain``; OAuth 2.1 and Baton's design do not.
    A missing ``code_challenge_method`` means ``plain`` (RFC 7636 §4.3), so it is refused too.
    """

    SUPPORTED_CODE_CHALLENGE_METHOD: ClassVar[list[str]] = ["S256"]
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"

    def validate_code_challenge(self, grant: grants.BaseGrant, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: missing 'code_challenge'.")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("'code_challenge_method' must be S256.")
        super().validate_code_challenge(grant, redirect_uri)


class AudienceParameter:
    """Validates ``audience``/``resource`` at /authorize, so a bad one redirects with an error."""

    def __call__(self, grant: grants.BaseGrant) -> None:
        grant.register_hook("after_validate_authorization_request_payload", self.validate)
        # OIDC prompt handling (``none`` → login_required) for every request, not only
        # those asking for ``openid`` (authlib registers it only for those).
        grant.register_hook("after_validate_consent_request", validate_request_prompt)

    @staticmethod
    def validate(grant: grants.BaseGrant, redirect_uri: str | None) -> None:
        resolve_audience(grant.request.payload.data, grant.server.audiences)


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ALL_CLIENT_AUTH_METHODS
    server: DevAuthorizationServer

    def save_authorization_code(self, code: str, request: Any) -> None:
        principal: Principal = request.user
        data = request.payload.data
        audience = resolve_audience(data, self.server.audiences)
        record = CodeRecord(
            client_id=request.client.client_id,
            redirect_uri=request.payload.redirect_uri,
            scope=granted_scope(request.scope, principal.user.permissions, audience),
            audience=audience,
            username=principal.user.username,
            nonce=data.get("nonce"),
            auth_time=principal.auth_time,
            code_challenge=data.get("code_challenge"),
            code_challenge_method=data.get("code_challenge_method"),
            family_id=new_family_id(),
        )
        self.server.storage.save_code(code, record, self.server.code_ttl)

    def query_authorization_code(self, code: str, client: Client) -> CodeRecord | None:
        found = self.server.storage.find_code(code)
        if found is None:
            return None
        record, redeemable = found
        if record.client_id != client.client_id:
            return None
        if not redeemable:
            # RFC 6749 §4.1.2: a code used twice revokes what it was exchanged for.
            self.server.storage.revoke_family(record.family_id)
            return None
        return record

    def create_token_response(self) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
        # Consume before minting: of two concurrent redemptions exactly one wins.
        # PKCE has already been checked, so a wrong verifier does not burn the code.
        if not self.server.storage.consume_code(self.request.authorization_code):
            raise InvalidGrantError("The authorization code was already used.")
        return super().create_token_response()  # type: ignore[no-any-return]

    def delete_authorization_code(self, authorization_code: CodeRecord) -> None:
        """Nothing to do: ``create_token_response`` consumed it atomically."""

    def authenticate_user(self, authorization_code: CodeRecord) -> Principal | None:
        user = self.server.users.get(authorization_code.username)
        if user is None:
            return None
        return Principal(
            user=user,
            auth_time=authorization_code.auth_time,
            audience=authorization_code.audience,
            family_id=authorization_code.family_id,
        )


class RefreshTokenGrant(grants.RefreshTokenGrant):
    """Refresh with rotation: each refresh token works once; a replay revokes its family."""

    TOKEN_ENDPOINT_AUTH_METHODS = ALL_CLIENT_AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True
    server: DevAuthorizationServer

    def authenticate_refresh_token(self, refresh_token: str) -> RefreshRecord | None:
        found = self.server.storage.find_refresh_token(refresh_token)
        if found is None:
            return None
        record, usable = found
        if usable:
            return record
        used_at = record.used_at
        racing = used_at is not None and (
            self.server.storage.now() - used_at <= self.server.refresh_reuse_grace
        )
        if not racing:
            # A rotated-out token came back: someone holds a copy. Revoke the family.
            # Within the grace period it is more likely two requests of the same client
            # refreshing at once; refuse it but leave the winner's new token alive.
            self.server.storage.revoke_family(record.family_id)
        return None

    def authenticate_user(self, refresh_token: RefreshRecord) -> Principal | None:
        user = self.server.users.get(refresh_token.username)
        if user is None:
            return None
        return Principal(
            user=user,
            auth_time=refresh_token.auth_time,
            audience=refresh_token.audience,
            family_id=refresh_token.family_id,
        )

    def issue_token(self, user: Principal, refresh_token: RefreshRecord) -> dict[str, Any]:
        if not self.server.storage.consume_refresh_token(refresh_token):
            raise InvalidGrantError("The refresh token was already used.")
        return super().issue_token(user, refresh_token)  # type: ignore[no-any-return]

    def revoke_old_credential(self, refresh_token: RefreshRecord) -> None:
        """Nothing to do: ``issue_token`` consumed it atomically."""


class PasswordGrant(grants.ResourceOwnerPasswordCredentialsGrant):
    """Auth0's password grant for first-party clients (``make token``)."""

    TOKEN_ENDPOINT_AUTH_METHODS = ALL_CLIENT_AUTH_METHODS
    server: DevAuthorizationServer

    def authenticate_user(self, username: str, password: str) -> Principal:
        audience = resolve_audience(self.request.form, self.server.audiences)
        user = self.server.users.authenticate(username, password)
        if user is None:
            raise InvalidGrantError("Wrong username or password.")
        return Principal(
            user=user,
            auth_time=self.server.storage.now(),
            audience=audience,
            family_id=new_family_id(),
        )


__all__ = [
    "AudienceParameter",
    "AuthorizationCodeGrant",
    "InvalidTargetError",
    "PasswordGrant",
    "RefreshTokenGrant",
    "S256CodeChallenge",
    "resolve_audience",
]
