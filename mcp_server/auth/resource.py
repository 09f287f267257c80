"""Who this server is, in URL form: issuer, protected resource, metadata locations.

One public URL (``MCP_PUBLIC_URL``) names both roles. The strings here are rendered
once, the way the SDK's URL types render them (a root URL gains a trailing ``/``),
so the PRM's ``authorization_servers[0]``, the AS metadata's ``issuer`` and the
RFC 9207 ``iss`` parameter are equal to the character.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from pydantic import AnyHttpUrl

# Paths under the public URL that name this server's one protected resource.
RESOURCE_PATHS = frozenset({"", "/", "/mcp", "/mcp/", "/sse", "/sse/"})


@dataclass(frozen=True)
class ServerIdentity:
    public_url: str  # without a trailing slash

    @classmethod
    def from_public_url(cls, public_url: str) -> ServerIdentity:
        return cls(public_url.rstrip("/"))

    @property
    def issuer(self) -> str:
        """RFC 8414 issuer, also RFC 9207 ``iss`` and PRM ``authorization_servers[0]``."""
        return str(AnyHttpUrl(self.public_url))

    @property
    def resource(self) -> str:
        """RFC 9728 resource: the root, so it covers both ``/mcp`` and ``/sse``."""
        return str(AnyHttpUrl(self.public_url))

    @property
    def resource_metadata_url(self) -> str:
        return self.public_url + "/.well-known/oauth-protected-resource"

    def url(self, path: str) -> str:
        return self.public_url + path

    @property
    def callback_url(self) -> str:
        return self.public_url + "/callback"

    def names_this_resource(self, resource: str | None) -> bool:
        """True for the root, ``/mcp`` or ``/sse`` of the public URL (RFC 8707 ``resource``)."""
        if resource is None:
            return True
        try:
            given = urlsplit(str(AnyHttpUrl(resource)))
        except ValueError:
            return False
        ours = urlsplit(self.resource)
        return (
            given.scheme == ours.scheme
            and given.netloc == ours.netloc
            and not given.query
            and not given.fragment
            and given.path in RESOURCE_PATHS
        )
