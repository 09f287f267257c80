"""The graph for ``langgraph.json`` (``langgraph dev``, Studio, the Agent Server).

Compiled without a checkpointer: the LangGraph server brings its own. Its settings are
read from the environment once, at import, because the server gives this module
nothing else. The credential vault is the process-wide one that
``graph.studio_auth`` fills; nodes open the run's MCP session from the handle the
authenticated user carries (see ``graph.mcp_tools``).
"""

from __future__ import annotations

import httpx

from graph.builder import build_graph, deps_from_settings
from graph.settings import GraphSettings
from graph.vault import default_vault

settings = GraphSettings()
_deps, sessions = deps_from_settings(
    settings, vault=default_vault(), http=httpx.AsyncClient(timeout=30.0)
)
graph = build_graph(_deps).compile(name="baton")

__all__ = ["graph"]
