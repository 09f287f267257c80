"""OAuth clients of Baton's authorization server and the rules their requests meet.

``BatonClient`` refines the SDK's client model where Baton's policy differs:
loopback redirect URIs match on any port (RFC 8252 7.3), and a requested scope is
narrowed to the scopes this server offers instead of being checked against what
the client wrote into its own registration (which it chose itself anyway).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from mcp.shared.auth import InvalidRedirectUriError, OAuthClientInformationFull
from pydantic import AnyUrl

from mcp_server.settings import TOOL_SCOPES

LOOPBACK_REDIRECT_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})
# Schemes a browser can be sent to that would run code or read local files.
FORBIDDEN_SCHEMES = frozenset({"javascript", "data", "file", "vbscript", "about", "blob"})


def is_loopback_redirect(uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme == "http" and (parts.hostname or "") in LOOPBACK_REDIRECT_HOSTS


def redirect_uri_problem(uri: str, *, allow_http: bool = False) -> str | None:
    """Why ``uri`` may not be registered, or None: https, http loopback, or a private-use scheme."""
    parts = urlsplit(uri)
    scheme = parts.scheme.lower()
    if parts.fragment:
        return "redirect URIs must not contain a fragment"
    if scheme == "https":
        return None if parts.hostname else "https redirect URI without a host"
    if scheme == "http":
        if is_loopback_redirect(uri) or allow_http:
            return None
        return "http redirect URIs are allowed only for loopback (127.0.0.1, localhost)"
    if scheme in FORBIDDEN_SCHEMES or not scheme:
        return f"redirect URI scheme {scheme or '(none)'!r} is not allowed"
    return None  # private-use scheme of a native app (RFC 8252 7.1)


def _same_except_port(given: str, registered: str) -> bool:
    a, b = urlsplit(given), urlsplit(registered)
    return (
        a.scheme == b.scheme == "http"
        and (a.hostname or "") == (b.hostname or "")
        and (a.hostname or "") in LOOPBACK_REDIRECT_HOSTS
        and (a.path or "/") == (b.path or "/")
        and a.query == b.query
        and not a.username
        and not a.password
    )


class BatonClient(OAuthClientInformationFull):
    """A client as the SDK's handlers see it, with Baton's redirect and scope rules."""

    def validate_redirect_uri(self, redirect_uri: AnyUrl | None) -> AnyUrl:
        registered = [str(u) for u in self.redirect_uris or []]
        if redirect_uri is None:
            if len(registered) == 1:
                return AnyUrl(registered[0])
            raise InvalidRedirectUriError("redirect_uri is required when several are registered")
        given = str(redirect_uri)
        if given in registered or any(_same_except_port(given, r) for r in registered):
            return redirect_uri
        raise InvalidRedirectUriError("redirect_uri is not registered for this client")

    def validate_scope(self, requested_scope: str | None) -> list[str] | None:
        """None means "everything the user holds"; unknown scopes are dropped (RFC 6749 3.3).

        A request naming none of this server's scopes (say only ``openid``) is treated
        like no ``scope`` at all, so generic clients still reach the tools.
        """
        if requested_scope is None:
            return None
        known = [s for s in dict.fromkeys(requested_scope.split()) if s in TOOL_SCOPES]
        return known or None
