"""The user's MCP tools for one run: exchange, one held session, tools for every node.

Why a registry with a holder task: a run's nodes are separate asyncio tasks, but an MCP
client session is an anyio context that must be entered and exited by the same task.
So the first node that needs tools starts a *holder task* that exchanges the user's
token, opens ``client.session("baton")``, loads the tools and then waits; every node
of the run gets the same tool objects (one ``initialize`` per run), and ``close`` (the
answer node, the runner's ``finally``, or a lifetime limit as a backstop for runs that
die under ``langgraph dev``) lets the holder leave the context in its own task.

The session's HTTP client is built per run with ``graph.bearer_auth.ExchangedBearer``
(the user's Baton token, re-exchanged once if the MCP server rejects it mid-run).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

import httpx
from langchain_core.messages import ToolMessage
from langchain_core.messages.tool import ToolCall
from langchain_core.tools import BaseTool
from langchain_mcp_adapters.client import MultiServerMCPClient
from langchain_mcp_adapters.tools import load_mcp_tools

from graph.bearer_auth import ExchangedBearer
from graph.errors import CredentialUnavailable, RunFailure, ToolServerUnavailable
from graph.run_identity import RunIdentity
from graph.token_exchange import TokenExchanger
from graph.vault import CredentialVault

log = logging.getLogger(__name__)
SERVER_NAME = "baton"


@dataclass
class _Held:
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    closing: asyncio.Event = field(default_factory=asyncio.Event)
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    """Set when the session is gone (closed, or killed by a transport/auth error)."""
    tools: list[BaseTool] = field(default_factory=list)
    auth: ExchangedBearer | None = None
    error: RunFailure | None = None
    task: asyncio.Task[None] | None = None


class McpToolSessions:
    """Per-run MCP sessions, keyed by ``RunIdentity.run_key``."""

    def __init__(
        self,
        *,
        mcp_url: str,
        exchanger: TokenExchanger,
        vault: CredentialVault,
        max_lifetime: float = 900.0,
        timeout: float = 30.0,
    ) -> None:
        self._url = mcp_url
        self._exchanger = exchanger
        self._vault = vault
        self._max_lifetime = max_lifetime
        self._timeout = timeout
        self._held: dict[str, _Held] = {}
        self._lock = asyncio.Lock()
        self.opened = 0
        """Sessions opened so far (for tests and benchmarks)."""

    async def tools(self, who: RunIdentity) -> list[BaseTool]:
        """The user's tools on this run's session, opening it on first use.

        Raises ``RunFailure`` (safe to show) when the credential, the exchange or the
        session fails.
        """
        async with self._lock:
            held = self._held.get(who.run_key)
            if held is None:
                held = self._held[who.run_key] = _Held()
                held.task = asyncio.create_task(self._hold(who, held), name=f"mcp:{who.run_key}")
        await held.ready.wait()
        if held.error is not None:
            raise held.error
        return held.tools

    async def invoke(self, run_key: str, tool: BaseTool, call: ToolCall) -> ToolMessage:
        """Run ``tool`` on ``call``, failing fast if the run's session dies meanwhile.

        A session killed under a pending request (e.g. a 401 after a refused
        re-exchange) never answers it, so the call races the session's end.
        """
        held = self._held.get(run_key)
        if held is None:
            raise ToolServerUnavailable("no open session for this run")
        pending = asyncio.ensure_future(tool.ainvoke(call))
        ended = asyncio.ensure_future(held.ended.wait())
        try:
            await asyncio.wait({pending, ended}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            ended.cancel()
        if pending.done():
            message = pending.result()
            if not isinstance(message, ToolMessage):
                message = ToolMessage(str(message), tool_call_id=call.get("id") or "")
            return message
        pending.cancel()
        with contextlib.suppress(BaseException):
            await pending
        raise (held.auth and held.auth.failure) or ToolServerUnavailable("the session ended")

    def open_runs(self) -> list[str]:
        """Run keys whose sessions are open (or opening)."""
        return list(self._held)

    async def close(self, run_key: str) -> None:
        held = self._held.pop(run_key, None)
        if held is None:
            return
        held.closing.set()
        if held.task is not None:
            with contextlib.suppress(Exception):
                await held.task

    async def aclose(self) -> None:
        for key in list(self._held):
            await self.close(key)

    async def _hold(self, who: RunIdentity, held: _Held) -> None:
        try:
            subject_token = self._vault.get(who.credential_handle, subject=who.user_id)
            if not who.credential_handle or subject_token is None:
                raise CredentialUnavailable()
            token = await self._exchanger.token_for(who.user_id, subject_token)
            held.auth = ExchangedBearer(self._exchanger, who.user_id, subject_token, token)
            client = MultiServerMCPClient(
                {
                    SERVER_NAME: {
                        "transport": "streamable_http",
                        "url": self._url,
                        "auth": held.auth,
                        "timeout": self._timeout,
                    }
                }
            )
            async with client.session(SERVER_NAME) as session:
                held.tools = await load_mcp_tools(session, server_name=SERVER_NAME)
                self.opened += 1
                held.ready.set()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(held.closing.wait(), self._max_lifetime)
        except RunFailure as exc:
            held.error = exc
        except BaseException as exc:  # anyio wraps transport errors in ExceptionGroups
            if held.ready.is_set():
                log.info("MCP session of a run ended: %s", type(exc).__name__)
            else:
                held.error = (held.auth and held.auth.failure) or _describe(exc, self._url)
            if isinstance(exc, asyncio.CancelledError):
                raise
        finally:
            held.ready.set()
            held.ended.set()
            if self._held.get(who.run_key) is held and held.closing.is_set():
                self._held.pop(who.run_key, None)


def _describe(exc: BaseException, url: str) -> RunFailure:
    leaves = list(_leaves(exc))
    for leaf in leaves:
        if isinstance(leaf, httpx.HTTPStatusError):
            code = leaf.response.status_code
            if code in (401, 403):
                return RunFailure(f"The MCP server refused your credentials (HTTP {code}).")
            return ToolServerUnavailable(f"HTTP {code} from {url}")
        if isinstance(leaf, httpx.TransportError):
            return ToolServerUnavailable(f"cannot connect to {url}")
    log.warning("opening the MCP session failed: %s", [type(e).__name__ for e in leaves])
    return ToolServerUnavailable(f"session to {url} failed")


def _leaves(exc: BaseException):  # type: ignore[no-untyped-def]
    if isinstance(exc, BaseExceptionGroup):
        for inner in exc.exceptions:
            yield from _leaves(inner)
    else:
        yield exc
