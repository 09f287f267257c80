"""Helpers for the front end's tests: a scripted ``ChatRunner`` fake, settings, a running
front end, and a browser-like login through the dev identity provider."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from api.main import create_app
from api.runner import ChatRunner
from api.settings import FrontendSettings
from graph.events import (
    ChatEvent,
    CritiqueEvent,
    FinalEvent,
    PlanEvent,
    PlanStepView,
    StepEvent,
    TokenEvent,
    ToolCallEvent,
    ToolResultEvent,
)
from tests.support.devidp import submit_login
from tests.support.servers import serve


def demo_script(answer: str = "Added “buy milk”.") -> list[ChatEvent]:
    """A plausible run: plan, one step with a tool call, critique, answer tokens, final."""
    return [
        PlanEvent(steps=[PlanStepView(id="s1", goal="Create the todo", tool="create-todo")]),
        StepEvent(step_id="s1", status="started", goal="Create the todo"),
        ToolCallEvent(step_id="s1", call_id="c1", tool="create-todo", args={"title": "buy milk"}),
        ToolResultEvent(step_id="s1", call_id="c1", tool="create-todo", content='{"id": 1}'),
        StepEvent(step_id="s1", status="done", goal="Create the todo", result="created"),
        CritiqueEvent(approved=True),
        TokenEvent(text=answer[:5]),
        TokenEvent(text=answer[5:]),
        FinalEvent(thread_id="placeholder", answer=answer),
    ]


@dataclass
class ScriptedRunner:
    """A ``ChatRunner`` that plays back ``script``; with ``hold=True`` it stops after the
    first event and waits until cancelled (to test client disconnects)."""

    script: Sequence[ChatEvent] = field(default_factory=demo_script)
    hold: bool = False
    calls: list[dict[str, Any]] = field(default_factory=list)
    histories: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    deleted: list[str] = field(default_factory=list)
    cancelled: threading.Event = field(default_factory=threading.Event)
    started: threading.Event = field(default_factory=threading.Event)

    async def stream(
        self, *, user_id: str, user_name: str, access_token: str, message: str, thread_id: str
    ) -> AsyncIterator[ChatEvent]:
        self.calls.append(
            {
                "user_id": user_id,
                "user_name": user_name,
                "access_token": access_token,
                "message": message,
                "thread_id": thread_id,
            }
        )
        self.started.set()
        history = self.histories.setdefault(thread_id, [])
        history.append({"role": "user", "content": message})
        finished = False
        try:
            for index, event in enumerate(self.script):
                if isinstance(event, FinalEvent):
                    history.append({"role": "assistant", "content": event.answer})
                yield event
                if self.hold and index == 0:
                    await asyncio.Event().wait()  # until cancelled
            finished = True
        finally:
            if not finished:
                self.cancelled.set()

    async def history(self, thread_id: str) -> list[dict[str, Any]]:
        return list(self.histories.get(thread_id, []))

    async def delete(self, thread_id: str) -> None:
        self.deleted.append(thread_id)
        self.histories.pop(thread_id, None)


def _check_protocol(runner: ScriptedRunner) -> ChatRunner:
    return runner  # mypy proves the fake matches the Protocol


def frontend_settings(
    data_dir: Path, *, port: int, issuer_url: str, **overrides: Any
) -> FrontendSettings:
    values: dict[str, Any] = {
        "NODE_ENV": "development",
        "BATON_DATA_DIR": str(data_dir),
        "AUTH0_DOMAIN": "",
        "DEVIDP_PUBLIC_URL": issuer_url,
        "FRONTEND_HOST": "127.0.0.1",
        "FRONTEND_PORT": port,
        "FRONTEND_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "API_BASE_URL": "http://127.0.0.1:9",
        "MCP_PUBLIC_URL": "http://127.0.0.1:9",
        **overrides,
    }
    return FrontendSettings(_env_file=None, **values)


@dataclass
class RunningFrontend:
    url: str
    settings: FrontendSettings
    runner: Any
    app: Any


@contextlib.contextmanager
def running_frontend(
    settings: FrontendSettings, runner: ChatRunner | None = None, **kwargs: Any
) -> Iterator[RunningFrontend]:
    app = create_app(settings, runner=runner, **kwargs)
    with serve(app, port=settings.port) as server:
        yield RunningFrontend(url=server.url, settings=settings, runner=runner, app=app)


def login(
    http: httpx.Client, frontend_url: str, username: str, *, return_to: str | None = None
) -> httpx.Response:
    """Sign in like a browser: /auth/login → the provider's form → submit → /auth/callback
    → the landing page. Returns the final response; the session cookie is in ``http``."""
    params = {"returnTo": return_to} if return_to is not None else None
    page = http.get(frontend_url + "/auth/login", params=params, follow_redirects=True)
    assert page.status_code == 200 and "password" in page.text, page.text[:500]
    answer = submit_login(http, page, username)
    assert answer.status_code in (302, 303), answer.text[:500]
    return http.get(answer.headers["location"], follow_redirects=True)


def csrf_of(http: httpx.Client, frontend_url: str) -> str:
    me = http.get(frontend_url + "/api/me")
    assert me.status_code == 200, me.text
    token = me.json()["csrf_token"]
    assert isinstance(token, str)
    return token


def parse_sse(text: str) -> list[tuple[str, str]]:
    """``(event, data)`` pairs of a complete SSE body; comments (pings) are skipped."""
    events = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        name, data = "message", []
        for line in block.split("\n"):
            if not line or line.startswith(":"):
                continue
            key, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if key == "event":
                name = value
            elif key == "data":
                data.append(value)
        if data:
            events.append((name, "\n".join(data)))
    return events
