"""Settings shared between deployables agree: one name, one default, everywhere.

Several services read the same setting (AUTH0_CLIENT_ID at the dev provider and the MCP
server, MCP_PUBLIC_URL at four of them...). Each declares it in its own settings class,
so this test is what keeps their defaults from drifting apart.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pydantic import SecretStr

from identity.config import DEV_SECRET_PREFIX
from scripts.settings_table import SETTINGS_CLASSES, load


def _default(field: Any) -> object:
    value = field.get_default(call_default_factory=True)
    return value.get_secret_value() if isinstance(value, SecretStr) else value


def test_a_setting_read_by_several_deployables_has_the_same_default_in_each() -> None:
    defaults: dict[str, dict[str, object]] = defaultdict(dict)
    # The launcher repeats the ports and URLs it must probe; it must agree with the services.
    classes = {**SETTINGS_CLASSES, "launcher": "launcher.services:LauncherSettings"}
    for deployable, path in classes.items():
        for name, field in load(path).model_fields.items():
            defaults[(field.alias or name).upper()][deployable] = _default(field)
    disagreeing = {
        env: by_deployable
        for env, by_deployable in defaults.items()
        if len({repr(v) for v in by_deployable.values()}) > 1
    }
    assert not disagreeing, disagreeing


def _runs_only_in_development(cls: Any) -> bool:
    try:
        cls(_env_file=None, NODE_ENV="production", AUTH0_DOMAIN="tenant.example.com")
    except ValueError as exc:
        return "refuses to start" in str(exc)
    return False


def test_every_dev_only_secret_is_refused_outside_development() -> None:
    for path in SETTINGS_CLASSES.values():
        cls: Any = load(path)
        if _runs_only_in_development(cls):  # the dev provider: nothing to protect in prod
            continue
        secret_fields = set(getattr(cls, "secret_fields", ()))
        assert secret_fields <= set(cls.model_fields), (
            f"{cls.__name__}.secret_fields: unknown names"
        )
        dev_only = {
            name
            for name, field in cls.model_fields.items()
            if str(_default(field)).startswith(DEV_SECRET_PREFIX)
        }
        assert dev_only <= secret_fields, f"{cls.__name__}: {dev_only - secret_fields} not refused"
