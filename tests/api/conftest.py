"""Fixtures: the dev identity provider and a front end (with a scripted runner) that
trust each other, on free loopback ports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.support import RunningFrontend, ScriptedRunner, frontend_settings, running_frontend
from tests.support.devidp import RunningDevIdP, running_devidp
from tests.support.servers import free_port


@pytest.fixture
def frontend_port() -> int:
    return free_port()


@pytest.fixture
def idp(tmp_path: Path, frontend_port: int) -> Iterator[RunningDevIdP]:
    with running_devidp(
        tmp_path / "idp", FRONTEND_PUBLIC_URL=f"http://127.0.0.1:{frontend_port}"
    ) as running:
        yield running


@pytest.fixture
def runner() -> ScriptedRunner:
    return ScriptedRunner()


@pytest.fixture
def frontend(
    tmp_path: Path, idp: RunningDevIdP, frontend_port: int, runner: ScriptedRunner
) -> Iterator[RunningFrontend]:
    settings = frontend_settings(tmp_path / "fe", port=frontend_port, issuer_url=idp.url)
    with running_frontend(settings, runner) as running:
        yield running


@pytest.fixture
def browser_http() -> Iterator[httpx.Client]:
    """A cookie-keeping client, like a browser tab."""
    with httpx.Client(timeout=20) as client:
        yield client
