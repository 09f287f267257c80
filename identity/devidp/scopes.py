"""What a token may carry: requested scopes narrowed to what the user holds, Auth0 style.

OIDC scopes (``openid profile email offline_access``) are kept when asked for; API
scopes are kept only with an audience and only when the user holds the permission.
Unknown scopes are dropped silently, as Auth0 does.
"""

from __future__ import annotations

from collections.abc import Collection

from authlib.oauth2.rfc6749.util import list_to_scope, scope_to_list

OIDC_SCOPES = ("openid", "profile", "email", "offline_access")


def granted_scope(requested: str | None, permissions: Collection[str], audience: str | None) -> str:
    """The space-separated scope granted for ``requested``; order follows the request."""
    granted: list[str] = []
    for scope in scope_to_list(requested or "") or []:
        allowed = scope in OIDC_SCOPES or (audience is not None and scope in permissions)
        if allowed and scope not in granted:
            granted.append(scope)
    return str(list_to_scope(granted))


def api_permissions(scope: str, permissions: Collection[str]) -> list[str]:
    """The ``permissions`` claim: the granted scopes that are API permissions."""
    return [s for s in scope.split() if s in permissions and s not in OIDC_SCOPES]


__all__ = ["OIDC_SCOPES", "api_permissions", "granted_scope"]
