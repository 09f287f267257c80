"""What the nodes are given: the model, the per-run tool source and the limits.

``build_graph`` closes the node functions over one ``GraphDeps``; the runner and the
``langgraph dev`` entry point each build theirs from settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import ToolMessage
from langchain_core.messages.tool import ToolCall
from langchain_core.tools import BaseTool
from langgraph.runtime import Runtime
from pydantic import BaseModel

from graph.run_identity import RunIdentity


class ToolSource(Protocol):
    """Tools of the user a run acts for (``graph.mcp_tools.McpToolSessions``)."""

    async def tools(self, who: RunIdentity) -> list[BaseTool]: ...

    async def invoke(self, run_key: str, tool: BaseTool, call: ToolCall) -> ToolMessage:
        """Run one tool call; raises ``RunFailure`` when the run lost access to its tools."""
        ...

    async def close(self, run_key: str) -> None: ...


@dataclass(frozen=True)
class GraphDeps:
    model: BaseChatModel
    tools: ToolSource
    max_revisions: int = 1
    worker_max_iterations: int = 4


def emit(runtime: Runtime[Any], event: BaseModel) -> None:
    """Send a ``graph.events`` event on the ``custom`` stream (a no-op when nobody listens)."""
    runtime.stream_writer(event.model_dump())
