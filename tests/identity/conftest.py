"""Fixtures for the identity tests: a running dev provider and a cookie-keeping browser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.identity.flows import CALLBACK
from tests.support.devidp import RunningDevIdP, running_devidp


@pytest.fixture
def devidp(tmp_path: Path) -> Iterator[RunningDevIdP]:
    with running_devidp(tmp_path, reuse_key=True, DEVIDP_EXTRA_CALLBACKS=CALLBACK) as idp:
        yield idp


@pytest.fixture
def browser(devidp: RunningDevIdP) -> Iterator[httpx.Client]:
    """An HTTP client that keeps cookies like a browser and never follows redirects."""
    with httpx.Client(base_url=devidp.url, follow_redirects=False, timeout=10) as client:
        yield client
