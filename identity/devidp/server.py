"""authlib's ``AuthorizationServer`` for Starlette, with the dev provider's grants.

authlib ships no Starlette server integration, so this module supplies the four
framework hooks (``create_oauth2_request``, ``create_json_request``,
``handle_response``, ``send_signal``). Handlers read the HTTP body first
(asynchronously) into ``HttpParams`` and then run authlib's synchronous machinery
in a worker thread.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from authlib.oauth2.rfc6749 import (
    AuthorizationServer,
    JsonPayload,
    JsonRequest,
    OAuth2Payload,
    OAuth2Request,
)
from joserfc.jwk import RSAKey
from starlette.responses import JSONResponse, Response

from identity.devidp.clients import Client
from identity.devidp.grants import (
    AudienceParameter,
    AuthorizationCodeGrant,
    PasswordGrant,
    RefreshTokenGrant,
    S256CodeChallenge,
)
from identity.devidp.revocation import RefreshTokenRevocation
from identity.devidp.scopes import granted_scope
from identity.devidp.storage import RefreshRecord, Storage
from identity.devidp.tokens import AccessTokenGenerator, CodeIdTokens, GrantIdTokens, IdTokenSigner
from identity.devidp.types import Principal
from identity.devidp.users import UserDirectory


@dataclass(frozen=True)
class HttpParams:
    """An HTTP request reduced to what authlib reads; ``url`` is built from the public URL."""

    method: str
    url: str
    headers: Mapping[str, str]
    params: list[tuple[str, str]]


class _Payload(OAuth2Payload):
    def __init__(self, params: list[tuple[str, str]]) -> None:
        self._data: dict[str, str] = {}
        self._datalist: defaultdict[str, list[str]] = defaultdict(list)
        for key, value in params:
            self._data.setdefault(key, value)  # first value wins; repeats are refused upstream
            self._datalist[key].append(value)

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        return self._datalist


class StarletteOAuth2Request(OAuth2Request):
    def __init__(self, http: HttpParams) -> None:
        super().__init__(http.method, http.url, headers=http.headers)
        self.payload = _Payload(http.params)

    @property
    def args(self) -> dict[str, str]:
        return self.payload.data if self.method == "GET" else {}

    @property
    def form(self) -> dict[str, str]:
        return self.payload.data if self.method == "POST" else {}


class _JsonPayload(JsonPayload):
    def __init__(self, params: list[tuple[str, str]]) -> None:
        self._data = dict(params)

    @property
    def data(self) -> dict[str, str]:
        return self._data


class StarletteJsonRequest(JsonRequest):
    def __init__(self, http: HttpParams) -> None:
        super().__init__(http.method, http.url, http.headers)
        self.payload = _JsonPayload(http.params)


class DevAuthorizationServer(AuthorizationServer):
    """The provider's OAuth 2.0 / OIDC core; grants find their collaborators here."""

    def __init__(
        self,
        *,
        issuer: str,
        key: RSAKey,
        clients: dict[str, Client],
        users: UserDirectory,
        storage: Storage,
        audiences: list[str],
        access_token_ttl: int,
        id_token_ttl: int,
        refresh_token_ttl: int,
        code_ttl: int,
        refresh_reuse_grace: int = 0,
    ) -> None:
        super().__init__(scopes_supported=None)  # unknown scopes are dropped, not refused
        self.issuer = issuer
        self.clients = clients
        self.users = users
        self.storage = storage
        self.audiences = audiences
        self.refresh_token_ttl = refresh_token_ttl
        self.refresh_reuse_grace = refresh_reuse_grace
        self.code_ttl = code_ttl
        self.register_token_generator(
            "default", AccessTokenGenerator(issuer, key, access_token_ttl)
        )
        signer = IdTokenSigner(issuer, key, id_token_ttl)
        self.register_grant(
            AuthorizationCodeGrant,
            [S256CodeChallenge(required=True), AudienceParameter(), CodeIdTokens(signer)],
        )
        self.register_grant(RefreshTokenGrant, [GrantIdTokens(signer)])
        self.register_grant(PasswordGrant, [GrantIdTokens(signer)])
        self.register_endpoint(RefreshTokenRevocation)

    def query_client(self, client_id: object) -> Client | None:
        return self.clients.get(client_id) if isinstance(client_id, str) else None

    def generate_token(
        self,
        grant_type: str,
        client: Client,
        user: Principal | None = None,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = True,
    ) -> dict[str, Any]:
        # The one place scopes are narrowed to what the user holds, for every grant.
        if user is None:
            raise RuntimeError("every dev-provider grant has a user")
        granted = granted_scope(scope, user.user.permissions, user.audience)
        include_refresh_token = (
            include_refresh_token
            and "offline_access" in granted.split()
            and client.check_grant_type("refresh_token")
        )
        return super().generate_token(  # type: ignore[no-any-return]
            grant_type, client, user, granted, expires_in, include_refresh_token
        )

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        refresh_token = token.get("refresh_token")
        if not refresh_token:
            return  # access tokens are self-contained JWTs; nothing to keep
        principal: Principal = request.user
        record = RefreshRecord(
            client_id=request.client.client_id,
            username=principal.user.username,
            scope=token.get("scope", ""),
            audience=principal.audience,
            auth_time=principal.auth_time,
            family_id=principal.family_id,
        )
        self.storage.save_refresh_token(refresh_token, record, self.refresh_token_ttl)

    def create_oauth2_request(self, request: Any) -> OAuth2Request:
        if isinstance(request, OAuth2Request):
            return request
        return StarletteOAuth2Request(request)

    def create_json_request(self, request: Any) -> JsonRequest:
        return StarletteJsonRequest(request)

    def handle_response(self, status: int, body: Any, headers: Any) -> Response:
        header_map = dict(headers or [])
        if isinstance(body, dict):
            return JSONResponse(body, status_code=status, headers=header_map)
        return Response(body or b"", status_code=status, headers=header_map)

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No signal subscribers in the dev provider."""


__all__ = ["DevAuthorizationServer", "HttpParams"]
