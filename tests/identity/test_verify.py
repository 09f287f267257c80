"""The shared verifier (``identity.verify``) against forged tokens from a tiny test issuer.

The issuer here is a real HTTP server on 127.0.0.1 serving discovery and a JWKS made
of keys generated in the test, so every bad token is forged with real keys.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from identity.discovery import JWKSCache
from identity.errors import (
    BadSignature,
    Expired,
    IssuerUnavailable,
    MalformedToken,
    MissingClaim,
    NotYetValid,
    TokenError,
    UnknownSigningKey,
    UnsupportedAlgorithm,
    WrongAudience,
    WrongIssuer,
)
from identity.verify import TokenVerifier
from tests.support.devidp import RunningDevIdP, password_token
from tests.support.servers import ServerThread, free_port, serve

AUDIENCE = "urn:todos-api"


@functools.cache
def pooled_key(number: int) -> RSAKey:
    """The test's RSA keys by number, generated once per session (generation is slow)."""
    key = RSAKey.generate_key(2048, parameters={"alg": "RS256", "use": "sig"}, private=True)
    key.ensure_kid()
    return key


ISSUER_KEY, IMPOSTOR_KEY, ROTATED_KEY, *STRANGER_KEYS = range(6)


@dataclass
class KeyIssuer:
    """Discovery + JWKS for keys the test controls; counts JWKS fetches."""

    keys: list[RSAKey] = field(default_factory=list)
    jwks_fetches: int = 0
    url: str = ""

    @property
    def issuer(self) -> str:
        return self.url + "/"

    def app(self) -> Starlette:
        async def discovery(request: Request) -> JSONResponse:
            return JSONResponse({"issuer": self.issuer, "jwks_uri": self.url + "/jwks.json"})

        async def jwks(request: Request) -> JSONResponse:
            self.jwks_fetches += 1
            return JSONResponse(KeySet(list(self.keys)).as_dict(private=False))

        return Starlette(
            routes=[
                Route("/.well-known/openid-configuration", discovery),
                Route("/jwks.json", jwks),
            ]
        )

    def claims(self, **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": "auth0|alice",
            "aud": [AUDIENCE, self.issuer + "userinfo"],
            "azp": "baton-web",
            "iat": now,
            "exp": now + 600,
            "scope": "openid read:todos",
            "permissions": ["read:todos"],
        }
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def sign(
        self, key: RSAKey | None = None, header: dict[str, Any] | None = None, **claims: Any
    ) -> str:
        key = key or self.keys[0]
        return jwt.encode(
            {"alg": "RS256", "kid": key.kid, **(header or {})}, self.claims(**claims), key
        )


@pytest.fixture(scope="module")
def issuer_server() -> Iterator[KeyIssuer]:
    """One server for the module; ``issuer`` resets its keys and counter for each test."""
    shared = KeyIssuer()
    with serve(shared.app()) as server:
        shared.url = server.url
        yield shared


@pytest.fixture
def issuer(issuer_server: KeyIssuer) -> KeyIssuer:
    issuer_server.keys = [pooled_key(ISSUER_KEY)]
    issuer_server.jwks_fetches = 0
    return issuer_server


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5) as client:
        yield client


@pytest.fixture
def verifier(issuer: KeyIssuer, http: httpx.AsyncClient) -> TokenVerifier:
    return TokenVerifier(issuer.issuer, AUDIENCE, http)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def compact(header: dict[str, Any], claims: dict[str, Any], signature: bytes = b"") -> str:
    return ".".join(
        (b64(json.dumps(header).encode()), b64(json.dumps(claims).encode()), b64(signature))
    )


async def test_a_well_formed_token_is_accepted_with_its_identity_and_scopes(
    issuer: KeyIssuer, verifier: TokenVerifier
) -> None:
    token = issuer.sign(scope="openid read:todos", permissions=["write:todos"])
    verified = await verifier.verify(token)
    assert verified.subject == "auth0|alice"
    assert verified.issuer == issuer.issuer
    assert verified.authorized_party == "baton-web"
    assert AUDIENCE in verified.audiences
    assert verified.scopes == {"openid", "read:todos", "write:todos"}
    assert verified.has_scopes(["read:todos", "write:todos"])
    assert not verified.has_scopes(["read:billing"])


async def test_a_token_from_the_dev_provider_is_accepted(
    devidp: RunningDevIdP, http: httpx.AsyncClient
) -> None:
    token = password_token(devidp.url, "bob")["access_token"]
    verified = await TokenVerifier(devidp.issuer, AUDIENCE, http).verify(token)
    assert verified.subject == "auth0|bob"
    assert verified.scopes >= {"read:todos"}
    assert "write:todos" not in verified.scopes


async def test_alg_none_is_refused(issuer: KeyIssuer, verifier: TokenVerifier) -> None:
    token = compact({"alg": "none", "typ": "JWT"}, issuer.claims())
    with pytest.raises(UnsupportedAlgorithm):
        await verifier.verify(token)


async def test_hs256_signed_with_the_public_key_is_refused(
    issuer: KeyIssuer, verifier: TokenVerifier
) -> None:
    public_pem = issuer.keys[0].as_pem(private=False)
    header = {"alg": "HS256", "typ": "JWT", "kid": issuer.keys[0].kid}
    unsigned = compact(header, issuer.claims()).rsplit(".", 1)[0]
    signature = hmac.new(public_pem, unsigned.encode(), hashlib.sha256).digest()
    with pytest.raises(UnsupportedAlgorithm):
        await verifier.verify(f"{unsigned}.{b64(signature)}")


@pytest.mark.parametrize(
    ("claims", "error"),
    [
        ({"iss": "https://evil.example/"}, WrongIssuer),
        ({"aud": "urn:another-api"}, WrongAudience),
        ({"aud": ["urn:another-api", "urn:third"]}, WrongAudience),
        ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, Expired),
        ({"nbf": int(time.time()) + 3600}, NotYetValid),
        ({"iat": int(time.time()) + 3600, "exp": int(time.time()) + 7200}, NotYetValid),
        ({"sub": None}, MissingClaim),
        ({"exp": None}, MissingClaim),
        ({"aud": None}, MissingClaim),
    ],
)
async def test_a_token_with_bad_claims_is_refused(
    issuer: KeyIssuer, verifier: TokenVerifier, claims: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        await verifier.verify(issuer.sign(**claims))


async def test_the_leeway_absorbs_small_clock_skew(
    issuer: KeyIssuer, verifier: TokenVerifier
) -> None:
    now = int(time.time())
    token = issuer.sign(iat=now + 30, nbf=now + 30, exp=now + 600)
    assert (await verifier.verify(token)).subject == "auth0|alice"


async def test_a_tampered_payload_is_refused(issuer: KeyIssuer, verifier: TokenVerifier) -> None:
    header, _, signature = issuer.sign().split(".")
    forged = b64(json.dumps(issuer.claims(sub="auth0|mallory")).encode())
    with pytest.raises(BadSignature):
        await verifier.verify(f"{header}.{forged}.{signature}")


async def test_a_token_signed_by_another_key_under_a_known_kid_is_refused(
    issuer: KeyIssuer, verifier: TokenVerifier
) -> None:
    impostor = pooled_key(IMPOSTOR_KEY)
    token = jwt.encode({"alg": "RS256", "kid": issuer.keys[0].kid}, issuer.claims(), impostor)
    with pytest.raises(BadSignature):
        await verifier.verify(token)


async def test_an_unknown_kid_is_refused(issuer: KeyIssuer, verifier: TokenVerifier) -> None:
    with pytest.raises(UnknownSigningKey):
        await verifier.verify(issuer.sign(key=pooled_key(IMPOSTOR_KEY)))


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "not-a-token",
        "a.b",
        "a.b.c",
        "...",
        "a.b.c.d.e",
        "é.é.é",
        "x" * 20_000,
        b64(b"[1, 2]") + "." + b64(b"{}") + ".",
        b64(b"not json") + "." + b64(b"{}") + ".",
        b64(b'{"alg": "RS256"}') + ".%%%." + b64(b"sig"),
    ],
)
async def test_garbage_is_refused_as_malformed(verifier: TokenVerifier, garbage: str) -> None:
    with pytest.raises(MalformedToken) as caught:
        await verifier.verify(garbage)
    assert len(garbage) < 4 or garbage not in str(caught.value)


def raw_rs256(header: dict[str, Any], payload: bytes, key: RSAKey) -> str:
    """Sign anything, even what joserfc would refuse to produce (odd headers and payloads)."""
    private = serialization.load_pem_private_key(key.as_pem(private=True), None)
    assert isinstance(private, rsa.RSAPrivateKey)
    signing_input = b64(json.dumps(header).encode()) + "." + b64(payload)
    signature = private.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{b64(signature)}"


@pytest.mark.parametrize(
    ("header", "payload"),
    [
        ({"kid": 123}, None),
        ({"kid": ["a"]}, None),
        ({"crit": ["exp"]}, None),
        ({}, b"[]"),
        ({}, b"123"),
        ({}, b"not json"),
        ({}, b'{"exp": NaN}'),
        ({}, json.dumps({"exp": "soon"}).encode()),
        ({}, json.dumps({"aud": 5}).encode()),
        ({}, json.dumps({"aud": []}).encode()),
        ({}, json.dumps({"sub": 5}).encode()),
        ({}, json.dumps({"iss": ["x"]}).encode()),
    ],
)
async def test_validly_signed_oddities_are_refused_as_token_errors(
    issuer: KeyIssuer, verifier: TokenVerifier, header: dict[str, Any], payload: bytes | None
) -> None:
    key = issuer.keys[0]
    if payload is not None and payload.startswith(b"{") and b"NaN" not in payload:
        payload = json.dumps(issuer.claims(**json.loads(payload))).encode()
    token = raw_rs256(
        {"alg": "RS256", "kid": key.kid, **header},
        payload if payload is not None else json.dumps(issuer.claims()).encode(),
        key,
    )
    with pytest.raises(TokenError):
        await verifier.verify(token)


async def test_a_flood_of_unknown_kids_refetches_the_jwks_at_most_once_per_floor(
    issuer: KeyIssuer, verifier: TokenVerifier
) -> None:
    now = [1000.0]
    verifier.jwks = JWKSCache(verifier.discovery, refetch_floor=30.0, clock=lambda: now[0])
    await verifier.verify(issuer.sign())
    assert issuer.jwks_fetches == 1

    strangers = [issuer.sign(key=pooled_key(n)) for n in STRANGER_KEYS]
    flood = [strangers[i % 3] for i in range(60)]
    results = await asyncio.gather(*(verifier.verify(t) for t in flood), return_exceptions=True)
    assert all(isinstance(r, UnknownSigningKey) for r in results)
    assert issuer.jwks_fetches == 1  # still within the floor of the first fetch

    now[0] += 31
    results = await asyncio.gather(*(verifier.verify(t) for t in flood), return_exceptions=True)
    assert all(isinstance(r, UnknownSigningKey) for r in results)
    assert issuer.jwks_fetches == 2  # one refetch for the whole flood


async def test_a_rotated_in_key_is_picked_up_after_the_floor(
    issuer: KeyIssuer, verifier: TokenVerifier
) -> None:
    now = [1000.0]
    verifier.jwks = JWKSCache(verifier.discovery, refetch_floor=30.0, clock=lambda: now[0])
    await verifier.verify(issuer.sign())
    rotated = pooled_key(ROTATED_KEY)
    issuer.keys.append(rotated)
    token = issuer.sign(key=rotated)
    now[0] += 31
    assert (await verifier.verify(token)).subject == "auth0|alice"


async def test_an_unreachable_issuer_is_reported_as_unavailable(http: httpx.AsyncClient) -> None:
    verifier = TokenVerifier(f"http://127.0.0.1:{free_port()}/", AUDIENCE, http)
    token = jwt.encode({"alg": "RS256", "kid": "k"}, {"sub": "x"}, pooled_key(ISSUER_KEY))
    with pytest.raises(IssuerUnavailable):
        await verifier.verify(token)


async def test_a_discovery_document_for_another_issuer_is_not_trusted(
    issuer: KeyIssuer, http: httpx.AsyncClient
) -> None:
    impostor = KeyIssuer(keys=issuer.keys)
    impostor_server = ServerThread(impostor.app()).start()
    try:
        impostor.url = issuer.url  # it claims to be the real issuer
        verifier = TokenVerifier(impostor_server.url + "/", AUDIENCE, http)
        with pytest.raises(IssuerUnavailable):
            await verifier.verify(issuer.sign())
    finally:
        impostor_server.stop()
