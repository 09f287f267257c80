"""One Baton stack for the whole end-to-end module, started as `make run` starts it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.mcp_server.oauth_client import MemoryTokenStorage
from tests.support.stack import RunningStack, StackUrls, stack_env


@dataclass
class World:
    """The stack plus what the journey carries from one path to the next."""

    stack: RunningStack
    cwd: Path
    mcp_storage: dict[str, MemoryTokenStorage] = field(default_factory=dict)
    browsers: dict[str, httpx.Client] = field(default_factory=dict)
    threads: dict[str, str] = field(default_factory=dict)
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def urls(self) -> StackUrls:
        return self.stack.urls

    def restart(self) -> None:
        code = self.stack.stop()
        assert code == 0, self.stack.text
        self.stack = RunningStack(self.stack.env, self.stack.urls, cwd=self.cwd).start()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("e2e")
    env, urls = stack_env(root / "data")
    world = World(RunningStack(env, urls, cwd=root).start(), cwd=root)
    try:
        yield world
    finally:
        for client in world.browsers.values():
            client.close()
        world.stack.stop()
