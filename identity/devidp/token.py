"""``python -m identity.devidp.token alice``: print a fresh access token for a dev user.

Uses the password grant over HTTP against the running provider at
``DEVIDP_PUBLIC_URL`` (client ``DEVIDP_CLI_CLIENT_ID``, audience ``AUTH0_AUDIENCE``),
so the token is exactly what any client would get. Prints ONLY the token on stdout;
problems go to stderr with exit status 1.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import httpx
from pydantic import ValidationError

from identity.config import SettingsError
from identity.devidp.settings import DevIdPSettings

DEFAULT_SCOPE = "openid profile email offline_access read:todos write:todos read:billing"


class TokenCommandError(Exception):
    """A problem to report on stderr (never contains the password or a token)."""


def fetch_token(
    token_url: str,
    username: str,
    password: str,
    *,
    client_id: str,
    audience: str,
    scope: str = DEFAULT_SCOPE,
    http: httpx.Client | None = None,
) -> dict[str, Any]:
    """The provider's token response for a password grant; ``TokenCommandError`` if refused."""
    form = {
        "grant_type": "password",
        "username": username,
        "password": password,
        "client_id": client_id,
        "audience": audience,
        "scope": scope,
    }
    client = http or httpx.Client(timeout=10)
    try:
        response = client.post(token_url, data=form)
    except httpx.HTTPError as exc:
        raise TokenCommandError(
            f"the dev identity provider is not reachable at {token_url} "
            f"({type(exc).__name__}); start it with `make run`"
        ) from exc
    finally:
        if http is None:
            client.close()
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code != 200 or "access_token" not in body:
        if body.get("error") == "invalid_grant":
            raise TokenCommandError(f"unknown user or wrong password for {username!r}")
        raise TokenCommandError(
            f"token request refused ({response.status_code}): "
            f"{body.get('error', 'no error code')}: {body.get('error_description', '')}"
        )
    return dict(body)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m identity.devidp.token", description=__doc__)
    parser.add_argument("username", nargs="?", default="", help="dev user, e.g. alice or bob")
    parser.add_argument("--password", help="defaults to the username (the demo convention)")
    parser.add_argument("--scope", default=DEFAULT_SCOPE)
    args = parser.parse_args(argv)
    if not args.username:
        print(
            "usage: make token USER=alice  (or: python -m identity.devidp.token alice)",
            file=sys.stderr,
        )
        return 1
    try:
        settings = DevIdPSettings()
        body = fetch_token(
            settings.own_issuer + "oauth/token",
            args.username,
            args.password if args.password is not None else args.username,
            client_id=settings.cli_client_id,
            audience=settings.auth0_audience,
            scope=args.scope,
        )
    except (ValidationError, SettingsError) as exc:
        print(f"token: bad settings: {exc}", file=sys.stderr)
        return 1
    except TokenCommandError as exc:
        print(f"token: {exc}", file=sys.stderr)
        if not settings.uses_dev_idp:
            print(
                "token: note: AUTH0_DOMAIN is set; this command only talks to the dev "
                "identity provider at DEVIDP_PUBLIC_URL",
                file=sys.stderr,
            )
        return 1
    print(body["access_token"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
