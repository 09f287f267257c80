"""Small shared types of the dev provider."""

from __future__ import annotations

from dataclasses import dataclass

from identity.devidp.users import DevUser


@dataclass(frozen=True)
class Principal:
    """A signed-in user as authlib's grants carry it: who, for which API, since when.

    ``audience`` is the API the tokens are for (``None``: userinfo only);
    ``family_id`` ties every refresh token descended from one login together so a
    replayed code or refresh token can revoke them all.
    """

    user: DevUser
    auth_time: int
    audience: str | None = None
    family_id: str = ""

    def get_user_id(self) -> str:  # authlib's generators call this for ``sub``
        return self.user.subject


__all__ = ["Principal"]
