"""Settings of the graph (one deployable: the library the front end runs, and ``langgraph dev``)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, SecretStr

from identity.config import BatonSettings


class GraphSettings(BatonSettings):
    """What the planner/worker/critic graph needs: the model, the MCP server and its limits.

    Construct explicitly in tests (``GraphSettings(_env_file=None, ...)``); only the
    LangGraph-server entry points build it from the environment.
    """

    secret_fields: ClassVar[tuple[str, ...]] = ("graph_client_secret",)

    model: str = Field(
        "openai:gpt-4.1-mini",
        alias="BATON_MODEL",
        description="Chat model in LangChain's `provider:model` form.",
    )
    openai_api_key: SecretStr = Field(
        SecretStr(""),
        alias="OPENAI_API_KEY",
        description="Key for the OpenAI-compatible server; empty selects the offline model.",
    )
    openai_base_url: str = Field(
        "",
        alias="OPENAI_BASE_URL",
        description="Base URL of any OpenAI-compatible server (vLLM, Ollama, LM Studio).",
    )
    mcp_public_url: str = Field(
        "http://127.0.0.1:8788",
        alias="MCP_PUBLIC_URL",
        description="Public URL of Baton's MCP server (tools at `/mcp`, token exchange via its metadata).",
    )
    graph_client_id: str = Field(
        "baton-graph",
        alias="GRAPH_CLIENT_ID",
        description="The graph's confidential client at the MCP server's authorization server.",
    )
    graph_client_secret: SecretStr = Field(
        SecretStr("dev-insecure-graph-secret"),
        alias="GRAPH_CLIENT_SECRET",
        description="Secret of GRAPH_CLIENT_ID (client_secret_post).",
    )
    max_revisions: int = Field(
        1, alias="BATON_MAX_REVISIONS", ge=0, description="Critic-driven re-plans per request."
    )
    worker_max_iterations: int = Field(
        4,
        alias="BATON_WORKER_MAX_ITERATIONS",
        ge=1,
        description="Model calls a worker may make for one step (each may call tools).",
    )
    checkpoint_url: str = Field(
        "",
        alias="BATON_CHECKPOINT_URL",
        description="postgres:// URL for checkpoints; empty uses {BATON_DATA_DIR}/checkpoints.sqlite.",
    )
    studio_port: int = Field(2024, alias="STUDIO_PORT", description="Port of `langgraph dev`.")

    @property
    def mcp_url(self) -> str:
        """The streamable-HTTP endpoint, which is also the resource the exchanged token is for."""
        return self.mcp_public_url.rstrip("/") + "/mcp"

    @property
    def uses_offline_model(self) -> bool:
        return not self.openai_api_key.get_secret_value()
