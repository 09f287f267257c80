"""The caller's chat threads. Another user's thread answers 404 exactly like a missing one."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from api.deps import CurrentUser, Runner, Threads
from api.errors import NotFound, error_responses
from api.threadstore import ThreadRecord

router = APIRouter(prefix="/api/threads", tags=["threads"])


class ThreadSummary(BaseModel):
    id: str
    title: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, record: ThreadRecord) -> ThreadSummary:
        return cls(
            id=record.id,
            title=record.title,
            created_at=datetime.fromtimestamp(record.created_at, UTC),
            updated_at=datetime.fromtimestamp(record.updated_at, UTC),
        )


class Message(BaseModel):
    role: str = Field(description="`user` or `assistant`.")
    content: str


class ThreadDetail(ThreadSummary):
    messages: list[Message]


class ThreadList(BaseModel):
    threads: list[ThreadSummary]


@router.get("", response_model=ThreadList, responses=error_responses(401), summary="My threads")
async def list_threads(user: CurrentUser, threads: Threads) -> ThreadList:
    records = await threads.list(owner=user.subject)
    return ThreadList(threads=[ThreadSummary.of(r) for r in records])


@router.get(
    "/{thread_id}",
    response_model=ThreadDetail,
    responses=error_responses(401, 404),
    summary="One of my threads with its messages",
)
async def get_thread(
    thread_id: str, user: CurrentUser, threads: Threads, runner: Runner
) -> ThreadDetail:
    record = await threads.get(thread_id, owner=user.subject)
    if record is None:
        raise NotFound("No such thread.")
    history = await runner.history(record.id)
    messages = [_message(m) for m in history]
    summary = ThreadSummary.of(record)
    return ThreadDetail(**summary.model_dump(), messages=[m for m in messages if m])


@router.delete(
    "/{thread_id}",
    status_code=204,
    response_class=Response,
    responses=error_responses(401, 403, 404),
    summary="Delete one of my threads",
)
async def delete_thread(
    thread_id: str, user: CurrentUser, threads: Threads, runner: Runner
) -> Response:
    if not await threads.delete(thread_id, owner=user.subject):
        raise NotFound("No such thread.")
    await runner.delete(thread_id)
    return Response(status_code=204)


def _message(raw: dict[str, Any]) -> Message | None:
    role, content = raw.get("role"), raw.get("content")
    if not isinstance(role, str) or not isinstance(content, str):
        return None
    return Message(role=role, content=content)
