"""A third-party OAuth/OIDC client library (authlib's httpx client) against the dev provider.

The flow uses only what discovery advertises, so it also shows that a standards
client needs nothing Baton-specific.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

import httpx
from authlib.integrations.httpx_client import AsyncOAuth2Client
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.identity.flows import WEB_CALLBACK, WEB_CLIENT
from tests.support.devidp import RunningDevIdP, submit_login


async def test_authlibs_client_completes_the_code_flow_and_validates_the_id_token(
    devidp: RunningDevIdP, browser: httpx.Client
) -> None:
    async with httpx.AsyncClient() as http:
        metadata = (await http.get(devidp.url + "/.well-known/openid-configuration")).json()
        jwks = KeySet.import_key_set((await http.get(metadata["jwks_uri"])).json())

    verifier, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(16)
    async with AsyncOAuth2Client(
        client_id=WEB_CLIENT[0],
        client_secret=WEB_CLIENT[1],
        redirect_uri=WEB_CALLBACK,
        scope="openid profile email offline_access read:todos",
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_post",
    ) as client:
        url, state = client.create_authorization_url(
            metadata["authorization_endpoint"],
            code_verifier=verifier,
            nonce=nonce,
            audience="urn:todos-api",
        )
        page = browser.get(url)
        assert page.status_code == 200
        callback = submit_login(browser, page, "alice").headers["location"]
        assert urlsplit(callback).netloc == urlsplit(WEB_CALLBACK).netloc
        token = await client.fetch_token(
            metadata["token_endpoint"],
            authorization_response=callback,
            code_verifier=verifier,
        )
        refreshed = await client.refresh_token(metadata["token_endpoint"])

    decoded = jwt.decode(token["id_token"], jwks, algorithms=["RS256"])
    claims = CodeIDToken(
        dict(decoded.claims),
        dict(decoded.header),
        options={
            "iss": {"values": [metadata["issuer"]]},
            "aud": {"values": [WEB_CLIENT[0]]},
            "nonce": {"value": nonce},
        },
        params={"access_token": token["access_token"], "nonce": nonce},
    )
    claims.validate(leeway=60)  # checks iss, aud, exp, iat, nonce and at_hash
    assert claims["email"] == "alice@example.com"
    assert state
    assert refreshed["refresh_token"] != token["refresh_token"]
