"""Everything one running dev provider holds, built once from its settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from joserfc.jwk import RSAKey

from identity.devidp.clients import Client, registered_clients
from identity.devidp.keys import load_or_create_signing_key
from identity.devidp.server import DevAuthorizationServer
from identity.devidp.settings import DevIdPSettings, ensure_safe_to_run
from identity.devidp.storage import Storage
from identity.devidp.users import UserDirectory


@dataclass
class DevIdP:
    settings: DevIdPSettings
    key: RSAKey
    clients: dict[str, Client]
    users: UserDirectory
    storage: Storage
    server: DevAuthorizationServer
    csrf_secret: bytes

    @property
    def issuer(self) -> str:
        return self.settings.own_issuer

    def url(self, path: str) -> str:
        """Absolute public URL of one of this provider's paths (``path`` without a leading /)."""
        return self.issuer + path.lstrip("/")

    @property
    def secure_cookies(self) -> bool:
        return self.issuer.startswith("https://")

    @classmethod
    def from_settings(cls, settings: DevIdPSettings) -> DevIdP:
        ensure_safe_to_run(settings)
        folder: Path = settings.data_dir / "devidp"
        key = load_or_create_signing_key(folder / "signing-key.json")
        storage = Storage(folder / "devidp.sqlite")
        clients = registered_clients(settings)
        users = UserDirectory(settings.users)
        server = DevAuthorizationServer(
            issuer=settings.own_issuer,
            key=key,
            clients=clients,
            users=users,
            storage=storage,
            audiences=settings.audiences,
            access_token_ttl=settings.access_token_ttl,
            id_token_ttl=settings.id_token_ttl,
            refresh_token_ttl=settings.refresh_token_ttl,
            code_ttl=settings.code_ttl,
            refresh_reuse_grace=settings.refresh_reuse_grace,
        )
        return cls(
            settings=settings,
            key=key,
            clients=clients,
            users=users,
            storage=storage,
            server=server,
            csrf_secret=storage.secret("csrf").encode(),
        )


__all__ = ["DevIdP"]
