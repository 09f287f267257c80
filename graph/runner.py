"""Runs the graph for the front end: one call per user message, typed events out.

The user's access token goes into the credential vault for the length of the run;
the graph sees only the handle (``graph.context.Context``), and the handle is dropped
and the run's MCP session closed when the stream ends, however it ends.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import openai
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver

from graph.builder import build_graph, deps_from_settings
from graph.context import Context
from graph.errors import RunFailure
from graph.events import ChatEvent, ErrorEvent, FinalEvent, chat_event_adapter
from graph.run_identity import run_key
from graph.settings import GraphSettings
from graph.vault import CredentialVault

log = logging.getLogger(__name__)
HANDLE_TTL_SECONDS = 900.0
"""How long a run may use the user's token through its handle."""


class GraphRunner:
    """The compiled graph with a checkpointer, a vault and the user's MCP tools."""

    def __init__(
        self,
        settings: GraphSettings,
        *,
        checkpointer: BaseCheckpointSaver,
        vault: CredentialVault,
        http: httpx.AsyncClient | None = None,
        model: BaseChatModel | None = None,
    ) -> None:
        self._owns_http = http is None
        self._http = http or httpx.AsyncClient(timeout=30.0)
        # The model's own client: longer timeout, and closed by us (not left to the SDK's cache).
        self._model_http = httpx.AsyncClient(timeout=httpx.Timeout(120.0, connect=10.0))
        self._vault = vault
        self._checkpointer = checkpointer
        deps, self.sessions = deps_from_settings(
            settings, vault=vault, http=self._http, model=model, model_http=self._model_http
        )
        self.graph = build_graph(deps).compile(checkpointer=checkpointer)

    async def stream(
        self, *, user_id: str, user_name: str, access_token: str, message: str, thread_id: str
    ) -> AsyncIterator[ChatEvent]:
        """Runs the graph on ``thread_id`` for one user message.

        Yields ``plan``, ``step``, ``tool_call``, ``tool_result``, ``critique`` and
        ``token`` events as they happen and ``final`` last; an expected failure ends
        the stream with an ``ErrorEvent`` (safe message) instead of raising.
        Cancelling (closing) the iterator cancels the run.
        """
        handle = self._vault.put(access_token, subject=user_id, ttl=HANDLE_TTL_SECONDS)
        run_id = uuid.uuid4()
        config: RunnableConfig = {"configurable": {"thread_id": thread_id}, "run_id": run_id}
        context = Context(user_id=user_id, credential_handle=handle, user_name=user_name)
        try:
            async for chunk in self.graph.astream(
                {"messages": [HumanMessage(message)]},
                config,
                context=context,
                stream_mode="custom",
            ):
                yield chat_event_adapter.validate_python(chunk)
            yield FinalEvent(thread_id=thread_id, answer=await self._last_answer(thread_id))
        except RunFailure as exc:
            yield ErrorEvent(message=str(exc), retryable=exc.retryable)
        except openai.APIError as exc:
            # LangChain subclasses the SDK's errors; name the SDK's (documented) class.
            kind = next(c.__name__ for c in type(exc).__mro__ if c.__module__.startswith("openai"))
            log.warning("language model call failed: %s", kind)
            yield ErrorEvent(
                message=f"The language model could not answer ({kind}). Please try again shortly.",
                retryable=True,
            )
        except Exception as exc:
            # Unexpected: log the type and where (never the token), tell the user little.
            log.exception("graph run failed: %s", type(exc).__name__)
            yield ErrorEvent(message="The run failed unexpectedly. Please try again.")
        finally:
            self._vault.drop(handle)
            await self.sessions.close(run_key(run_id, handle))

    async def history(self, thread_id: str) -> list[dict[str, Any]]:
        """``[{role: "user"|"assistant", content}]`` of the thread's conversation."""
        state = await self.graph.aget_state({"configurable": {"thread_id": thread_id}})
        turns: list[dict[str, Any]] = []
        for m in state.values.get("messages", []) if state.values else []:
            if isinstance(m, HumanMessage):
                turns.append({"role": "user", "content": str(m.text)})
            elif isinstance(m, AIMessage) and not m.tool_calls:
                turns.append({"role": "assistant", "content": str(m.text)})
        return turns

    async def delete(self, thread_id: str) -> None:
        await self._checkpointer.adelete_thread(thread_id)

    async def aclose(self) -> None:
        await self.sessions.aclose()
        await self._model_http.aclose()
        if self._owns_http:
            await self._http.aclose()

    async def _last_answer(self, thread_id: str) -> str:
        turns = await self.history(thread_id)
        return turns[-1]["content"] if turns and turns[-1]["role"] == "assistant" else ""
