"""Failures a run reports to the user.

RunFailure                 str(exc) is safe to show (no token, no stack trace)
├── CredentialUnavailable  the run's credential handle no longer resolves
├── ToolAccessRefused      the MCP server refused the token exchange or the token
└── ToolServerUnavailable  the MCP server could not be reached (retryable)
"""

from __future__ import annotations


class RunFailure(Exception):
    """A failure to tell the user about; its message is safe to show."""

    retryable = False


class CredentialUnavailable(RunFailure):
    def __init__(self) -> None:
        super().__init__(
            "Your sign-in is no longer available to this run. Please sign in again and retry."
        )


class ToolAccessRefused(RunFailure):
    """The MCP server's authorization server answered with an RFC 6749 error."""

    def __init__(self, error: str, description: str = "") -> None:
        self.error = error
        if error == "invalid_client":
            text = (
                "The MCP server does not accept this graph as a client (invalid_client); "
                "check GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET."
            )
        else:
            text = (
                f"The MCP server refused to act on your behalf ({error}). "
                "Your sign-in may have expired or this app is not trusted; please sign in again."
            )
        detail = " ".join(description.split())[:200]
        super().__init__(f"{text} Server said: {detail}" if detail else text)


class ToolServerUnavailable(RunFailure):
    retryable = True

    def __init__(self, what: str) -> None:
        super().__init__(f"The MCP server is unavailable ({what}). Please try again shortly.")
