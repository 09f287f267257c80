"""Dev users: ``alice`` holds every Todos permission, ``bob`` only ``read:todos``."""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from dataclasses import dataclass

from identity.devidp.settings import DevUserSpec

SUBJECT_PREFIX = "auth0|"  # Auth0's database-connection subjects look like this


@dataclass(frozen=True)
class DevUser:
    username: str
    password: str
    permissions: frozenset[str]
    email: str
    name: str

    @property
    def subject(self) -> str:
        return SUBJECT_PREFIX + self.username

    def check_password(self, password: str) -> bool:
        return hmac.compare_digest(self.password.encode(), password.encode())


DEMO_USERS: tuple[DevUserSpec, ...] = (
    DevUserSpec(
        username="alice",
        permissions=["read:todos", "write:todos", "read:billing"],
        email="alice@example.com",
        name="Alice Example",
    ),
    DevUserSpec(
        username="bob", permissions=["read:todos"], email="bob@example.com", name="Bob Example"
    ),
)


class UserDirectory:
    """Lookup of dev users by username or subject."""

    def __init__(self, specs: Iterable[DevUserSpec] | None = None) -> None:
        self._users: dict[str, DevUser] = {}
        for spec in DEMO_USERS if specs is None else specs:
            self._users[spec.username] = DevUser(
                username=spec.username,
                password=spec.password if spec.password is not None else spec.username,
                permissions=frozenset(spec.permissions),
                email=spec.email or f"{spec.username}@example.com",
                name=spec.name or spec.username,
            )

    def get(self, username: str) -> DevUser | None:
        return self._users.get(username)

    def by_subject(self, subject: str) -> DevUser | None:
        if not subject.startswith(SUBJECT_PREFIX):
            return None
        return self._users.get(subject.removeprefix(SUBJECT_PREFIX))

    def authenticate(self, username: str, password: str) -> DevUser | None:
        user = self._users.get(username)
        if user is None or not user.check_password(password):
            return None
        return user

    def all(self) -> list[DevUser]:
        return list(self._users.values())


__all__ = ["SUBJECT_PREFIX", "DevUser", "UserDirectory"]
