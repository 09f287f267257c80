"""Per-run context (``context_schema``): who is asking, and a handle to their credential.

Never put a token here: the LangGraph server copies context values into checkpoint
and thread metadata. The handle is resolved through ``graph.vault``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Context:
    user_id: str = ""
    """The user's ``sub`` at the identity provider."""
    credential_handle: str = ""
    """Opaque id of the user's Auth0 access token in the credential vault."""
    user_name: str = ""
    """Display name, for prompts and answers only."""
