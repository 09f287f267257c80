"""Transport behaviour clients notice: quiet hang-ups, many sessions, no tracebacks."""

from __future__ import annotations

import logging

import pytest

from tests.mcp_server.clients import Transport, mcp_session, tool_names
from tests.mcp_server.conftest import Stack
from tests.support.devidp import password_token
from tests.support.mcp import exchange_token


@pytest.mark.parametrize("transport", ["http", "sse"])
async def test_clients_hanging_up_leave_no_error_tracebacks_in_the_log(
    stack: Stack, transport: Transport, caplog: pytest.LogCaptureFixture
) -> None:
    token = exchange_token(stack.mcp.url, password_token(stack.idp.url, "alice")["access_token"])
    caplog.set_level(logging.INFO)

    for _ in range(3):
        async with mcp_session(stack.mcp.url, transport, token=token) as session:
            assert "whoami" in await tool_names(session)
            await session.call_tool("whoami", {})

    errors = [r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith("mcp")]
    assert errors == []
    assert token not in caplog.text
