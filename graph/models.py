"""Choosing the chat model from settings: a hosted/OpenAI-compatible model or the offline one."""

from __future__ import annotations

import logging

import httpx
from langchain_core.language_models import BaseChatModel

from graph.offline_model import OfflineChatModel
from graph.settings import GraphSettings

log = logging.getLogger(__name__)


class ModelConfigError(ValueError):
    """BATON_MODEL names a provider Baton cannot build."""


def load_model(settings: GraphSettings, *, http: httpx.AsyncClient | None = None) -> BaseChatModel:
    """``BATON_MODEL`` (``provider:model``) with ``OPENAI_API_KEY``; the offline model without a key.

    ``http`` is the client the model's requests go through; the caller owns (closes) it.
    """
    if settings.uses_offline_model:
        log.warning(
            "OPENAI_API_KEY is not set: using Baton's offline model "
            "(deterministic rules, no language model, demo requests only)"
        )
        return OfflineChatModel()
    provider, _, name = settings.model.partition(":")
    if not name:
        provider, name = "openai", provider
    if provider != "openai":
        raise ModelConfigError(
            f"BATON_MODEL provider {provider!r} is not supported; use openai:<model> "
            "(OPENAI_BASE_URL reaches any OpenAI-compatible server)"
        )
    from langchain_openai import ChatOpenAI

    log.info(
        "using model %s%s",
        name,
        f" at {settings.openai_base_url}" if settings.openai_base_url else "",
    )
    return ChatOpenAI(
        model=name,
        api_key=settings.openai_api_key,
        base_url=settings.openai_base_url or None,
        # Chat Completions is what every OpenAI-compatible server speaks (STACK.md section 6).
        use_responses_api=False,
        http_async_client=http,
    )
