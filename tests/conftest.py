"""Suite-wide setup: tests never see a developer's tenant, keys or tracing settings."""

from __future__ import annotations

import os

import pytest

# Services read these from the process environment when tests start them in-thread.
# Clearing them keeps a developer's real Auth0 tenant or LLM key out of the suite.
_LEAKY = (
    "AUTH0_DOMAIN",
    "AUTH0_CLIENT_ID",
    "AUTH0_CLIENT_SECRET",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "BATON_MODEL",
    "DATABASE_URL",
    "REDIS_URL",
    "NODE_ENV",
)
for _name in _LEAKY:
    os.environ.pop(_name, None)
os.environ["LANGSMITH_TRACING"] = "false"
os.environ["LANGGRAPH_CLI_NO_ANALYTICS"] = "1"
os.environ["LANGGRAPH_NO_VERSION_CHECK"] = "true"


@pytest.fixture
def artifacts_dir() -> str:
    path = os.path.join(os.path.dirname(os.path.dirname(__file__)), "test-artifacts")
    os.makedirs(path, exist_ok=True)
    return path
