"""An OpenAI-compatible chat server for tests: scripted replies, keyed by who is asking.

    fake = FakeOpenAI({
        "Baton's planner": [tool_call("Plan", {...})],
        "Baton's worker": [lambda req: tool_call("list-todos", {}), text("done")],
    })
    with serve(fake.app) as srv:
        ChatOpenAI(base_url=srv.url + "/v1", api_key="sk-fake", use_responses_api=False)

A request's *role* is the first script key found in its system message. Each role's
replies are used in order (the last one repeats); a reply may be a function of the
request. ``POST /v1/chat/completions`` answers as JSON or, with ``stream: true``, as
SSE chunks (content in word pieces, tool-call arguments in deltas). Every request is
recorded in ``requests`` with its role and arrival time.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse

Reply = dict[str, Any]
ScriptEntry = Reply | Callable[[dict[str, Any]], Reply]


def text(content: str) -> Reply:
    return {"content": content}


def tool_call(name: str, args: dict[str, Any], call_id: str | None = None) -> Reply:
    return {
        "tool_calls": [
            {"id": call_id or f"call_{uuid.uuid4().hex[:12]}", "name": name, "args": args}
        ]
    }


def system_text(request: dict[str, Any]) -> str:
    for message in request.get("messages", []):
        if message.get("role") in ("system", "developer"):
            content = message.get("content")
            if isinstance(content, list):
                return "".join(part.get("text", "") for part in content if isinstance(part, dict))
            return str(content or "")
    return ""


@dataclass
class RecordedRequest:
    role: str
    body: dict[str, Any]
    at: float
    authorization: str


@dataclass
class FakeOpenAI:
    script: dict[str, list[ScriptEntry]]
    requests: list[RecordedRequest] = field(default_factory=list)
    _used: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.app = FastAPI()
        self.app.post("/v1/chat/completions")(self._completions)

    def roles(self) -> list[str]:
        return [r.role for r in self.requests]

    def of_role(self, role: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.role == role]

    def _next(self, body: dict[str, Any]) -> tuple[str, Reply]:
        system = system_text(body)
        role = next((key for key in self.script if key in system), "")
        if not role:
            raise LookupError(f"no scripted role matches system prompt {system[:80]!r}")
        with self._lock:
            index = self._used.get(role, 0)
            self._used[role] = index + 1
        entries = self.script[role]
        entry = entries[min(index, len(entries) - 1)]
        return role, entry(body) if callable(entry) else entry

    async def _completions(self, request: Request) -> Any:
        body = await request.json()
        try:
            role, reply = self._next(body)
        except LookupError as exc:
            return JSONResponse(
                {"error": {"message": str(exc), "type": "invalid_request_error"}}, 400
            )
        self.requests.append(
            RecordedRequest(role, body, time.monotonic(), request.headers.get("authorization", ""))
        )
        model = body.get("model", "fake")
        if body.get("stream"):
            return StreamingResponse(_sse(model, reply), media_type="text/event-stream")
        return JSONResponse(_completion(model, reply))


def _tool_calls(reply: Reply) -> list[dict[str, Any]]:
    return [
        {
            "id": call["id"],
            "type": "function",
            "function": {"name": call["name"], "arguments": json.dumps(call["args"])},
        }
        for call in reply.get("tool_calls", [])
    ]


def _completion(model: str, reply: Reply) -> dict[str, Any]:
    calls = _tool_calls(reply)
    message: dict[str, Any] = {"role": "assistant", "content": reply.get("content")}
    if calls:
        message["tool_calls"] = calls
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {"index": 0, "message": message, "finish_reason": "tool_calls" if calls else "stop"}
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }


async def _sse(model: str, reply: Reply) -> AsyncIterator[str]:
    chunk_id = f"chatcmpl-{uuid.uuid4().hex[:12]}"

    def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
        payload = {
            "id": chunk_id,
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        return f"data: {json.dumps(payload)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    words = (reply.get("content") or "").split(" ")
    for i, word in enumerate(words):
        piece = word + (" " if i < len(words) - 1 else "")
        if piece:
            yield chunk({"content": piece})
    calls = _tool_calls(reply)
    for index, call in enumerate(calls):
        args = call["function"]["arguments"]
        half = len(args) // 2
        yield chunk(
            {
                "tool_calls": [
                    {
                        "index": index,
                        "id": call["id"],
                        "type": "function",
                        "function": {"name": call["function"]["name"], "arguments": args[:half]},
                    }
                ]
            }
        )
        yield chunk({"tool_calls": [{"index": index, "function": {"arguments": args[half:]}}]})
    yield chunk({}, "tool_calls" if calls else "stop")
    yield "data: [DONE]\n\n"


__all__ = ["FakeOpenAI", "RecordedRequest", "Reply", "system_text", "text", "tool_call"]
