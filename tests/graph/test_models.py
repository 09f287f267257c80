"""Model selection and the graph's settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_openai import ChatOpenAI

from graph.models import ModelConfigError, load_model
from graph.offline_model import OfflineChatModel
from graph.settings import GraphSettings


def settings(tmp_path: Path, **values: object) -> GraphSettings:
    return GraphSettings(_env_file=None, BATON_DATA_DIR=tmp_path, **values)  # type: ignore[call-arg, arg-type]


def test_without_an_api_key_the_offline_model_is_used_and_announced(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    model = load_model(settings(tmp_path))
    assert isinstance(model, OfflineChatModel)
    assert "offline model (deterministic" in caplog.text


def test_an_api_key_selects_chat_completions_at_the_configured_base_url(tmp_path: Path) -> None:
    model = load_model(
        settings(
            tmp_path,
            BATON_MODEL="openai:gpt-4.1-mini",
            OPENAI_API_KEY="sk-test",
            OPENAI_BASE_URL="http://127.0.0.1:9/v1",
        )
    )
    assert isinstance(model, ChatOpenAI)
    assert model.model_name == "gpt-4.1-mini"
    assert model.openai_api_base == "http://127.0.0.1:9/v1"
    assert model.use_responses_api is False


def test_an_unsupported_provider_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(ModelConfigError, match="'anthropic'"):
        load_model(settings(tmp_path, BATON_MODEL="anthropic:claude", OPENAI_API_KEY="sk-test"))


def test_outside_development_the_dev_graph_client_secret_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="GRAPH_CLIENT_SECRET must be set"):
        settings(tmp_path, NODE_ENV="production", AUTH0_DOMAIN="tenant.example.com")
    ok = settings(
        tmp_path,
        NODE_ENV="production",
        AUTH0_DOMAIN="tenant.example.com",
        GRAPH_CLIENT_SECRET="a-real-secret",
    )
    assert "a-real-secret" not in repr(ok)


def test_the_mcp_resource_is_the_streamable_http_endpoint(tmp_path: Path) -> None:
    assert settings(tmp_path, MCP_PUBLIC_URL="http://127.0.0.1:8788/").mcp_url == (
        "http://127.0.0.1:8788/mcp"
    )
