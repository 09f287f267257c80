"""Who a run acts for, and which credential handle it carries.

Under the LangGraph server the authenticated user (from ``graph.studio_auth``) wins
over any ``context`` the caller sent, so a caller cannot borrow another user's handle
by naming it; elsewhere (the runner) the ``Context`` is the source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from langgraph.runtime import Runtime

from graph.context import Context

HANDLE_KEY = "credential_handle"


@dataclass(frozen=True)
class RunIdentity:
    user_id: str
    user_name: str
    credential_handle: str
    run_key: str
    """Keys this run's MCP session: the run (or thread) id plus the handle."""


def identify(runtime: Runtime[Any]) -> RunIdentity:
    user_id = user_name = handle = ""
    server_user = runtime.server_info.user if runtime.server_info else None
    if server_user is not None and server_user.is_authenticated:
        user_id = server_user.identity
        user_name = server_user.display_name
        try:
            handle = str(server_user[HANDLE_KEY])
        except (KeyError, TypeError):
            handle = ""
    else:
        context = _as_context(runtime.context)
        user_id, user_name, handle = context.user_id, context.user_name, context.credential_handle
    info = runtime.execution_info
    # The run id is set by the runner and the LangGraph server (first attempt); a thread
    # runs one run at a time, so its id is the fallback.
    run_id = (info.run_id or info.thread_id) if info else None
    return RunIdentity(user_id, user_name or user_id, handle, run_key(run_id, handle))


def run_key(run_id: object, handle: str) -> str:
    return f"{run_id or '-'}:{handle}"


def _as_context(value: Any) -> Context:
    if isinstance(value, Context):
        return value
    if isinstance(value, dict):
        return Context(**{k: str(v) for k, v in value.items() if k in Context.__dataclass_fields__})
    return Context()
