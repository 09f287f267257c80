"""Settings of the Todos API deployable (``python -m todos_api``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from identity.config import BatonSettings, SettingsError

SQLITE_FILE = "todos.sqlite"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


class TodosApiSettings(BatonSettings):
    """Where the API listens and which store holds the todos.

    ``DATABASE_URL`` empty keeps everything in ``{BATON_DATA_DIR}/todos.sqlite``; a
    ``postgresql://`` URL selects the PostgreSQL store (the scale-out tier).
    """

    # Merged into BatonSettings' config: a refused DATABASE_URL may carry a password,
    # so validation errors must not repeat the input.
    model_config = SettingsConfigDict(hide_input_in_errors=True)

    host: str = Field("127.0.0.1", alias="TODOS_API_HOST", description="Interface to bind.")
    port: int = Field(8789, alias="TODOS_API_PORT", ge=0, le=65535, description="Port to bind.")
    database_url: SecretStr = Field(
        SecretStr(""),
        alias="DATABASE_URL",
        description="Empty for the embedded SQLite file, or a postgresql:// URL.",
    )
    database_pool_timeout: float = Field(
        5.0,
        alias="DATABASE_POOL_TIMEOUT",
        gt=0,
        description="Seconds a request waits for a PostgreSQL connection before answering 503.",
    )
    retry_after_seconds: int = Field(
        5,
        alias="TODOS_API_RETRY_AFTER",
        ge=1,
        description="Retry-After sent with 503 when the issuer or the store is unreachable.",
    )

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, value: SecretStr) -> SecretStr:
        raw = value.get_secret_value().strip()
        if raw and not raw.startswith(POSTGRES_SCHEMES):
            # Never echo the URL: it may carry a password.
            raise SettingsError("DATABASE_URL must be empty (SQLite) or a postgresql:// URL")
        return SecretStr(raw)

    @property
    def uses_postgres(self) -> bool:
        return bool(self.database_url.get_secret_value())

    def sqlite_path(self) -> Path:
        """The SQLite file (its directory is created on demand)."""
        return self.data_path(SQLITE_FILE)


__all__ = ["TodosApiSettings"]
