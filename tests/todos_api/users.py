"""Who exists at the tests' dev identity provider, besides the demo's alice and bob."""

from __future__ import annotations

OTHER_AUDIENCE = "urn:someone-elses-api"  # another API the provider issues tokens for

EXTRA_USERS = [
    {"username": "carol", "permissions": ["read:todos", "write:todos"]},
    {"username": "dave", "permissions": ["read:billing"]},
    {"username": "erin", "permissions": ["read:billing"]},
    {"username": "nobody", "permissions": []},
]
