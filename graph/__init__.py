"""Baton's multi-agent graph: planner → parallel workers → critic → answer, as the signed-in user.

Entry points
    runner.GraphRunner        the front end's API: ``stream`` (typed events), ``history``, ``delete``
    persistence.open_checkpointer   SQLite in the data directory, or PostgreSQL
    graph.graph               compiled for ``langgraph.json`` (``langgraph dev``, Studio)
    studio_auth.auth          the LangGraph server's auth handler
    studio                    ``python -m graph.studio`` (``make studio``)

Pieces
    settings, models, offline_model (+ offline_reading, offline_logic, offline_match,
    offline_answer, offline_format)
    state, context, prompts, deps, builder, run_identity
    planner, scheduler, worker, critic, answer
    vault, token_exchange, bearer_auth, mcp_tools, errors, events

The user's token never enters state, context or checkpoints: callers put it in the
credential vault and the run carries a handle (see ``mcp_tools`` for how a run's one
MCP session is opened from it).
"""
