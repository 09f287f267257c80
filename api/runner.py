"""The seam between the front end and the graph.

``ChatRunner`` has exactly the methods of ``graph.runner.GraphRunner``; the app
factory wires the real one, tests pass a hand-written fake that scripts events.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Protocol

from graph.events import ChatEvent


class ChatRunner(Protocol):
    def stream(
        self,
        *,
        user_id: str,
        user_name: str,
        access_token: str,
        message: str,
        thread_id: str,
    ) -> AsyncIterator[ChatEvent]:
        """Run the graph for one message; typed events, the final (or error) event last.

        The runner puts ``access_token`` in the credential vault (only a handle enters
        the run); closing or cancelling the iterator cancels the run.
        """
        ...

    async def history(self, thread_id: str) -> list[dict[str, Any]]:
        """The thread's messages as ``[{role, content}]``."""
        ...

    async def delete(self, thread_id: str) -> None: ...


__all__ = ["ChatRunner"]
