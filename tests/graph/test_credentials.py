"""Credentials: a handle in the run, the token nowhere persisted, exchange refusals and re-exchange."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from graph.events import ErrorEvent, FinalEvent, ToolResultEvent
from graph.persistence import open_checkpointer
from graph.runner import GraphRunner
from graph.settings import GraphSettings
from graph.vault import InMemoryVault
from tests.graph.conftest import ALICE_TOKEN, FakeMcp, RecordingVault, alice_turn, collect

REQUEST = "add a todo to buy milk, then show my todos and my billing"


async def test_the_token_is_in_no_checkpoint_row_metadata_or_sqlite_file_after_a_run(
    settings: GraphSettings, fake_mcp: FakeMcp
) -> None:
    vault = RecordingVault()
    async with open_checkpointer(settings) as saver:
        runner = GraphRunner(settings, checkpointer=saver, vault=vault)
        try:
            events = await collect(runner, **alice_turn(REQUEST))
        finally:
            await runner.aclose()
        assert isinstance(events[-1], FinalEvent)
        checkpoints = [c async for c in saver.alist({"configurable": {"thread_id": "t1"}})]
        assert checkpoints
        stored_metadata = repr([(c.metadata, c.config) for c in checkpoints])

    secrets = [ALICE_TOKEN, *fake_mcp.state.every_token]
    assert len(secrets) == 2
    database = Path(settings.data_dir) / "checkpoints.sqlite"
    raw = b"".join(p.read_bytes() for p in database.parent.glob("checkpoints.sqlite*"))
    for secret in secrets:
        assert secret.encode() not in raw
        assert secret not in stored_metadata
    with sqlite3.connect(database) as db:
        for table in ("checkpoints", "writes"):
            for row in db.execute(f"SELECT * FROM {table}"):
                assert not any(s.encode() in bytes(str(row), "utf-8") for s in secrets)
    # The run carried only the handle, and it stops resolving when the run ends.
    [(handle, subject)] = vault.handles
    assert vault.get(handle, subject=subject) is None


async def test_a_revoked_baton_token_is_re_exchanged_once_and_the_run_completes(
    settings: GraphSettings, fake_mcp: FakeMcp
) -> None:
    fake_mcp.state.revoke_after_calls = 1
    runner = GraphRunner(settings, checkpointer=_memory(), vault=InMemoryVault())
    try:
        events = await collect(runner, **alice_turn(REQUEST))
    finally:
        await runner.aclose()
    assert isinstance(events[-1], FinalEvent), events[-1]
    assert fake_mcp.state.exchanges == 2
    assert sorted(fake_mcp.state.tool_calls) == ["create-todo", "list-billing", "list-todos"], [
        e.model_dump() for e in events if e.type != "token"
    ]
    assert all(e.ok for e in events if isinstance(e, ToolResultEvent))
    assert fake_mcp.state.initializes == 1


async def test_a_refused_re_exchange_mid_run_ends_with_a_clear_error_event(
    settings: GraphSettings, fake_mcp: FakeMcp
) -> None:
    fake_mcp.state.revoke_after_calls = 1
    fake_mcp.state.refuse_subjects_on_revoke = True
    runner = GraphRunner(settings, checkpointer=_memory(), vault=InMemoryVault())
    try:
        events = await collect(runner, **alice_turn(REQUEST))
    finally:
        await runner.aclose()
    error = events[-1]
    assert isinstance(error, ErrorEvent), error
    assert "refused to act on your behalf (invalid_grant)" in error.message
    assert ALICE_TOKEN not in error.message


async def test_a_refused_exchange_yields_an_error_event_and_no_tool_call(
    settings: GraphSettings, fake_mcp: FakeMcp
) -> None:
    runner = GraphRunner(settings, checkpointer=_memory(), vault=InMemoryVault())
    turn = alice_turn(REQUEST) | {"access_token": "a-token-from-an-untrusted-app"}
    try:
        events = await collect(runner, **turn)
    finally:
        await runner.aclose()
    assert len(events) == 1
    error = events[0]
    assert isinstance(error, ErrorEvent)
    assert "refused to act on your behalf (invalid_grant)" in error.message
    assert "untrusted azp" in error.message
    assert fake_mcp.state.tool_calls == []
    assert "a-token-from-an-untrusted-app" not in error.message


async def test_a_wrong_graph_client_secret_is_reported_as_a_configuration_problem(
    tmp_path: Path, fake_mcp: FakeMcp
) -> None:
    from tests.graph.conftest import graph_settings

    settings = graph_settings(tmp_path, fake_mcp.url, GRAPH_CLIENT_SECRET="wrong")
    runner = GraphRunner(settings, checkpointer=_memory(), vault=InMemoryVault())
    try:
        events = await collect(runner, **alice_turn(REQUEST))
    finally:
        await runner.aclose()
    assert isinstance(events[0], ErrorEvent)
    assert "GRAPH_CLIENT_SECRET" in events[0].message
    assert "wrong" not in events[0].message


def _memory():  # type: ignore[no-untyped-def]
    from langgraph.checkpoint.memory import InMemorySaver

    return InMemorySaver()


async def test_no_token_is_logged_even_at_debug_level(
    settings: GraphSettings, fake_mcp: FakeMcp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake_mcp.state.revoke_after_calls = 1  # include a re-exchange in what gets logged
    runner = GraphRunner(settings, checkpointer=_memory(), vault=InMemoryVault())
    try:
        events = await collect(runner, **alice_turn(REQUEST))
    finally:
        await runner.aclose()
    assert isinstance(events[-1], FinalEvent)
    assert "re-exchanged once" in caplog.text
    for secret in [ALICE_TOKEN, *fake_mcp.state.every_token]:
        assert secret not in caplog.text
