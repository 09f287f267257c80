"""``POST /api/chat``: run the graph for one message as the caller.

Server-sent events by default: each ``graph.events`` event is one SSE message whose
``event:`` is its type and whose ``data:`` is its JSON, with keep-alive pings and a
``final`` event (carrying the thread id) last. ``Accept: application/json`` gets one
JSON answer instead. The thread id is also in the ``X-Thread-Id`` response header.
A client that disconnects from the stream cancels its run.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import anyio
from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field
from sse_starlette import EventSourceResponse
from starlette.responses import JSONResponse, Response

from api.deps import CurrentUser, Runner, ServicesDep
from api.errors import PROBLEM_JSON, ApiError, NotFound, Problem, error_responses
from api.services import Services
from api.threadstore import ThreadRecord
from api.users import User
from graph.events import ChatEvent, ErrorEvent, FinalEvent

log = logging.getLogger("api.chat")
router = APIRouter(prefix="/api", tags=["chat"])


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: str = Field(description="What to ask; at most CHAT_MAX_MESSAGE_CHARS characters.")
    thread_id: str | None = Field(
        None, description="Continue this thread of yours; omit to start a new one."
    )


class ChatAnswer(BaseModel):
    thread_id: str
    answer: str
    events: list[dict[str, Any]] = Field(description="Every event of the run, in order.")


SSE_DESCRIPTION = (
    "A stream of events: `plan`, `step`, `tool_call`, `tool_result`, `critique`, `token`, "
    "then `final` (`{thread_id, answer}`) or `error` (`{message, retryable}`). Each SSE "
    "`event:` is the type and `data:` the JSON of the `graph.events` model."
)


def wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "").lower()
    return "application/json" in accept and "text/event-stream" not in accept


@router.post(
    "/chat",
    summary="Send a message; stream the run",
    response_model=ChatAnswer,
    responses={
        200: {
            "description": "SSE stream (default) or, with `Accept: application/json`, one answer.",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
            "headers": {"X-Thread-Id": {"schema": {"type": "string"}}},
        },
        409: {
            "model": Problem,
            "content": {PROBLEM_JSON: {}},
            "description": "A run is already in progress on this thread",
        },
        502: {
            "model": Problem,
            "content": {PROBLEM_JSON: {}},
            "description": "The run failed (JSON form only; the stream sends an `error` event)",
        },
        **error_responses(401, 403, 404, 413, 422),
    },
    description=SSE_DESCRIPTION,
)
async def chat(
    body: ChatRequest, request: Request, user: CurrentUser, runner: Runner, services: ServicesDep
) -> Response:
    message = body.message
    limit = services.settings.chat_max_message_chars
    if not message.strip():
        raise ApiError("message: must not be empty", status=422, code="invalid_request")
    if len(message) > limit:
        raise ApiError(
            f"message: longer than the limit of {limit} characters", status=422, code="too_long"
        )
    record = await _thread_for(services, user, body)
    if record.id in services.busy_threads:
        raise ApiError(BUSY, status=409, code="busy")
    events = runner.stream(
        user_id=user.subject,
        user_name=user.name,
        access_token=user.access_token,
        message=message,
        thread_id=record.id,
    )
    headers = {"X-Thread-Id": record.id, "Cache-Control": "no-store"}
    if wants_json(request):
        return await _answer_json(services, record, events, headers)
    return EventSourceResponse(
        _sse(services, record, events),
        ping=services.settings.sse_ping_seconds,
        headers=headers,
    )


async def _thread_for(services: Services, user: User, body: ChatRequest) -> ThreadRecord:
    if body.thread_id is None:
        return await services.threads.create(owner=user.subject, first_message=body.message)
    record = await services.threads.get(body.thread_id, owner=user.subject)
    if record is None:
        raise NotFound("No such thread.")
    return record


class ThreadBusy(Exception):
    """Another run on the same thread is in progress in this process."""


BUSY = "A reply on this thread is still running."
CLOSE_TIMEOUT = 10.0


class _Run:
    """Marks the thread busy for the run and, however it ends (done, error, client
    gone), closes the runner's iterator, which cancels whatever it is still doing."""

    def __init__(
        self, services: Services, record: ThreadRecord, events: AsyncIterator[ChatEvent]
    ) -> None:
        if record.id in services.busy_threads:
            raise ThreadBusy
        services.busy_threads.add(record.id)
        self._services, self._record, self.events = services, record, events

    async def close(self) -> None:
        # Shielded: this runs while the request is being cancelled (client gone), and
        # the runner's cleanup must still happen.
        with anyio.move_on_after(CLOSE_TIMEOUT, shield=True):
            await self._close()

    async def _close(self) -> None:
        try:
            aclose = getattr(self.events, "aclose", None)
            if aclose is not None:
                await aclose()
        finally:
            self._services.busy_threads.discard(self._record.id)
            await self._services.threads.touch(self._record.id)


async def _checked(events: AsyncIterator[ChatEvent], thread_id: str) -> AsyncIterator[ChatEvent]:
    """The runner's events, ending with exactly one ``final`` or ``error``."""
    try:
        async for event in events:
            if isinstance(event, FinalEvent):
                # The front end, not the runner, is the authority on thread ids.
                yield event.model_copy(update={"thread_id": thread_id})
            else:
                yield event
            if isinstance(event, FinalEvent | ErrorEvent):
                # Let the runner finish on its own (its cleanup after the last event).
                async for _ in events:
                    pass
                return
    except Exception:
        log.exception("chat run failed on thread %s", thread_id)
        yield ErrorEvent(message="The run failed unexpectedly. Please try again.", retryable=True)
        return
    yield ErrorEvent(message="The run ended without an answer.", retryable=True)


async def _sse(
    services: Services, record: ThreadRecord, events: AsyncIterator[ChatEvent]
) -> AsyncIterator[dict[str, str]]:
    try:
        run = _Run(services, record, events)
    except ThreadBusy:
        # Lost a race after the 409 pre-check; the stream has already begun.
        yield {"event": "error", "data": ErrorEvent(message=BUSY, retryable=True).model_dump_json()}
        return
    try:
        async for event in _checked(events, record.id):
            yield {"event": event.type, "data": event.model_dump_json()}
    finally:
        await run.close()


async def _answer_json(
    services: Services,
    record: ThreadRecord,
    events: AsyncIterator[ChatEvent],
    headers: dict[str, str],
) -> Response:
    collected: list[dict[str, Any]] = []
    last: ChatEvent | None = None
    try:
        run = _Run(services, record, events)
    except ThreadBusy as exc:
        raise ApiError(BUSY, status=409, code="busy") from exc
    try:
        async for event in _checked(events, record.id):
            collected.append(json.loads(event.model_dump_json()))
            last = event
    finally:
        await run.close()
    if isinstance(last, FinalEvent):
        answer = ChatAnswer(thread_id=record.id, answer=last.answer, events=collected)
        return JSONResponse(answer.model_dump(), headers=headers)
    message = last.message if isinstance(last, ErrorEvent) else "The run failed."
    retryable = isinstance(last, ErrorEvent) and last.retryable
    raise ApiError(
        message,
        status=503 if retryable else 502,
        code="run_failed",
        headers=headers,
        thread_id=record.id,
        events=collected,
    )
