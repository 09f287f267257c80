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


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """Under `make test` (BATON_NO_SKIPS=1) a skip is a failure: every tool a test needs
    (Chromium, Node clients, redis-server, PostgreSQL) is installed by the Makefile, so a
    skip there means a missing install step, not an optional test."""
    outcome = yield
    report = outcome.get_result()
    if (
        os.environ.get("BATON_NO_SKIPS") == "1"
        and report.skipped
        and not hasattr(report, "wasxfail")
    ):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped under BATON_NO_SKIPS=1 (make test): {reason}"
