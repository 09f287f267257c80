"""The MCP tools: each acts as the signed-in user through the grant's upstream token.

``TOOL_SCOPE`` is the one table of which scope each tool needs; ``tools/list``
filtering, the HTTP 403 gate (``mcp_server.guards``) and the check inside each
tool all read it. Failures of the Todos API become tool errors (``isError``) with
a message fit for the model, never protocol errors.

Tools are registered with ``structured_output=False``: results are JSON text, and
the SDK then skips validating every result against an output schema (STACK.md 8).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any

from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from mcp.server.fastmcp import Context, FastMCP
from mcp.server.fastmcp.exceptions import ToolError
from mcp.types import Tool as MCPTool
from mcp.types import ToolAnnotations
from pydantic import Field
from starlette.requests import Request

from mcp_server.auth.tokens import BatonAccessToken
from mcp_server.grants.access import GrantAccess, GrantRevoked, UpstreamTemporarilyUnavailable
from mcp_server.todos_client import TodosApiError, TodosClient

TOOL_SCOPE: dict[str, str | None] = {
    "whoami": None,
    "list-todos": "read:todos",
    "create-todo": "write:todos",
    "complete-todo": "write:todos",
    "list-billing": "read:billing",
}


def tool_allowed(name: str, scopes: set[str] | frozenset[str]) -> bool:
    if name not in TOOL_SCOPE:
        return True  # unknown names reach the SDK, which answers "unknown tool"
    needed = TOOL_SCOPE[name]
    return needed is None or needed in scopes


def current_token(ctx: Context[Any, Any, Any] | None) -> BatonAccessToken | None:
    """The token of the HTTP request carrying this MCP message (not of the session's first).

    Over SSE and stateful HTTP the tool runs in the session's task, whose context
    variables were copied when the session began; the request in the message
    metadata is the current one.
    """
    request = None
    if ctx is not None:
        try:
            request = ctx.request_context.request
        except (ValueError, LookupError):
            request = None
    if isinstance(request, Request):
        user = request.scope.get("user")
        if isinstance(user, AuthenticatedUser) and isinstance(user.access_token, BatonAccessToken):
            return user.access_token
    token = get_access_token()
    return token if isinstance(token, BatonAccessToken) else None


class BatonMCP(FastMCP[Any]):
    """FastMCP whose ``tools/list`` shows each user only the tools their token allows."""

    async def list_tools(self) -> list[MCPTool]:
        tools = await super().list_tools()
        token = current_token(self.get_context())
        scopes = frozenset(token.scopes) if token else frozenset()
        return [t for t in tools if tool_allowed(t.name, scopes)]


@dataclass
class ToolDeps:
    grants: GrantAccess
    todos: TodosClient


def _dump(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, default=str)


def register_tools(mcp: FastMCP[Any], deps: ToolDeps) -> None:
    async def authorized(ctx: Context[Any, Any, Any], tool: str) -> tuple[BatonAccessToken, str]:
        token = current_token(ctx)
        if token is None:
            raise ToolError("Not authenticated.")
        needed = TOOL_SCOPE[tool]
        if needed is not None and needed not in token.scopes:
            raise ToolError(f"This tool needs the {needed} permission, which was not granted.")
        try:
            upstream = await deps.grants.upstream_token(token.grant_id)
        except GrantRevoked as exc:
            raise ToolError(f"Authorization ended ({exc}); reconnect to authorize again.") from exc
        except UpstreamTemporarilyUnavailable as exc:
            raise ToolError(
                "The identity provider is temporarily unavailable; retry shortly."
            ) from exc
        return token, upstream

    async def call(coro: Any) -> str:
        try:
            return _dump(await coro)
        except TodosApiError as exc:
            raise ToolError(str(exc)) from exc

    read_only = ToolAnnotations(readOnlyHint=True, openWorldHint=False)

    @mcp.tool(
        name="whoami",
        description="Who the signed-in user is: subject, name, email and the permissions granted to this connection.",
        annotations=read_only,
        structured_output=False,
    )
    async def whoami(ctx: Context[Any, Any, Any]) -> str:
        token, _ = await authorized(ctx, "whoami")
        grant = await deps.grants.live_grant(token.grant_id)
        return _dump(
            {
                **grant.claims,
                "sub": grant.subject,
                "scopes": token.scopes,
                "client_id": token.client_id,
            }
        )

    @mcp.tool(
        name="list-todos",
        description="List the user's todos (id, title, completed, created_at). Needs read:todos.",
        annotations=read_only,
        structured_output=False,
    )
    async def list_todos(ctx: Context[Any, Any, Any]) -> str:
        _, upstream = await authorized(ctx, "list-todos")
        return await call(deps.todos.list_todos(upstream))

    @mcp.tool(
        name="create-todo",
        description="Create a todo for the user with the given title. Needs write:todos.",
        annotations=ToolAnnotations(
            readOnlyHint=False, destructiveHint=False, idempotentHint=False, openWorldHint=False
        ),
        structured_output=False,
    )
    async def create_todo(
        ctx: Context[Any, Any, Any],
        title: Annotated[
            str,
            Field(min_length=1, max_length=200, description="The todo's title (1-200 characters)."),
        ],
    ) -> str:
        _, upstream = await authorized(ctx, "create-todo")
        return await call(deps.todos.create_todo(upstream, title))

    @mcp.tool(
        name="complete-todo",
        description="Mark one of the user's todos as completed, by its id (from list-todos). Needs write:todos.",
        annotations=ToolAnnotations(
            readOnlyHint=False, destructiveHint=False, idempotentHint=True, openWorldHint=False
        ),
        structured_output=False,
    )
    async def complete_todo(
        ctx: Context[Any, Any, Any],
        id: Annotated[str, Field(min_length=1, max_length=64, description="The todo's id.")],
    ) -> str:
        _, upstream = await authorized(ctx, "complete-todo")
        return await call(deps.todos.complete_todo(upstream, id))

    @mcp.tool(
        name="list-billing",
        description="The user's plan and invoices. Needs read:billing.",
        annotations=read_only,
        structured_output=False,
    )
    async def list_billing(ctx: Context[Any, Any, Any]) -> str:
        _, upstream = await authorized(ctx, "list-billing")
        return await call(deps.todos.billing(upstream))
