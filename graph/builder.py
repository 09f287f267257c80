"""Wiring: planner → scheduler ⇉ workers (Send, parallel) → scheduler → critic → answer | planner.

``build_graph`` returns the uncompiled ``StateGraph``; callers compile it with their own
checkpointer (the runner) or none (``graph/graph.py``, where the LangGraph server
brings one). ``deps_from_settings`` builds the production collaborators.
"""

from __future__ import annotations

from typing import Any

import httpx
from langchain_core.language_models import BaseChatModel
from langgraph.graph import END, START, StateGraph

from graph.answer import make_answer
from graph.context import Context
from graph.critic import make_critic
from graph.deps import GraphDeps
from graph.mcp_tools import McpToolSessions
from graph.models import load_model
from graph.planner import make_planner
from graph.scheduler import schedule
from graph.settings import GraphSettings
from graph.state import State
from graph.token_exchange import TokenExchanger
from graph.vault import CredentialVault
from graph.worker import make_worker


def build_graph(deps: GraphDeps) -> StateGraph[State, Context, State, State]:
    builder: StateGraph[State, Context, State, State] = StateGraph(State, context_schema=Context)
    # Typed as Any: LangGraph's node Protocols want keyword-only ``runtime`` parameters.
    nodes: dict[str, Any] = {
        "planner": make_planner(deps),
        "schedule": schedule,
        "worker": make_worker(deps),
        "critic": make_critic(deps),
        "answer": make_answer(deps),
    }
    builder.add_node("planner", nodes["planner"], destinations=("schedule", "answer"))
    builder.add_node("schedule", nodes["schedule"], destinations=("worker", "critic"))
    builder.add_node("worker", nodes["worker"])
    builder.add_node("critic", nodes["critic"], destinations=("planner", "answer"))
    builder.add_node("answer", nodes["answer"])
    builder.add_edge(START, "planner")
    builder.add_edge("worker", "schedule")
    builder.add_edge("answer", END)
    return builder


def deps_from_settings(
    settings: GraphSettings,
    *,
    vault: CredentialVault,
    http: httpx.AsyncClient,
    model: BaseChatModel | None = None,
    model_http: httpx.AsyncClient | None = None,
) -> tuple[GraphDeps, McpToolSessions]:
    """The model, the MCP tool sessions and the limits that ``settings`` describe."""
    exchanger = TokenExchanger(
        http,
        issuer_url=settings.mcp_public_url,
        resource=settings.mcp_url,
        client_id=settings.graph_client_id,
        client_secret=settings.graph_client_secret.get_secret_value(),
    )
    sessions = McpToolSessions(mcp_url=settings.mcp_url, exchanger=exchanger, vault=vault)
    deps = GraphDeps(
        model=model or load_model(settings, http=model_http),
        tools=sessions,
        max_revisions=settings.max_revisions,
        worker_max_iterations=settings.worker_max_iterations,
    )
    return deps, sessions
