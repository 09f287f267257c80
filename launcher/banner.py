"""The one short block `make run` prints once everything answers."""

from __future__ import annotations

from pydantic import SecretStr

from launcher.services import LauncherSettings


def _model_line() -> str:
    try:
        from graph.settings import GraphSettings

        graph = GraphSettings()
    except Exception:  # graph settings unavailable: say so rather than guess
        return "unknown (graph settings could not be read)"
    key = getattr(graph, "openai_api_key", None)
    has_key = bool(key.get_secret_value() if isinstance(key, SecretStr) else key)
    if not has_key:
        return "offline (deterministic, built in); set OPENAI_API_KEY to use a real LLM"
    model = getattr(graph, "baton_model", "?")
    base = getattr(graph, "openai_base_url", None)
    return f"{model}" + (f" via {base}" if base else "")


def banner(settings: LauncherSettings) -> str:
    front = settings.frontend_public_url.rstrip("/")
    mcp = settings.mcp_public_url.rstrip("/")
    users = "alice/alice or bob/bob" if settings.uses_dev_idp else "your Auth0 users"
    lines = [
        "",
        "Baton is up" + (" (development)" if settings.is_development else ""),
        f"  Open {front} and sign in as {users}",
        f"  MCP server   {mcp}/mcp (streamable HTTP)   {mcp}/sse (legacy SSE)",
        f"  Todos API    {settings.api_base_url.rstrip('/')}/api",
        f"  Identity     {settings.issuer}"
        + ("  (embedded dev provider)" if settings.uses_dev_idp else ""),
        "  Token        make token USER=alice" if settings.uses_dev_idp else "",
        f"  Model        {_model_line()}",
        f"  Data         {settings.data_dir}/",
        "Press Ctrl-C to stop.",
    ]
    return "\n".join(line for line in lines if line)
