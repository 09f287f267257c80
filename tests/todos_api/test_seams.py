"""The verifier and the store are FastAPI dependencies a caller can replace in-process."""

from __future__ import annotations

from pathlib import Path

import httpx

from identity.errors import Expired
from identity.verify import VerifiedToken
from todos_api.app import create_app
from todos_api.deps import get_store, get_verifier
from todos_api.settings import TodosApiSettings
from todos_api.store.sqlite import SqliteTodoStore


class AcceptsOneToken:
    """A hand-written verifier: ``good`` is carol with read and write, anything else expired."""

    async def verify(self, token: str) -> VerifiedToken:
        if token != "good":
            raise Expired("test")
        return VerifiedToken(
            subject="auth0|carol",
            issuer="https://tenant.example/",
            audiences=("urn:todos-api",),
            scopes=frozenset({"read:todos", "write:todos"}),
            expires_at=2**31,
            authorized_party="baton-web",
            claims={},
        )


async def test_a_replacement_verifier_and_store_serve_requests_without_any_network(
    tmp_path: Path,
) -> None:
    app = create_app(TodosApiSettings(_env_file=None, BATON_DATA_DIR=str(tmp_path)))
    async with SqliteTodoStore.open(tmp_path / "swapped.sqlite") as store:
        app.dependency_overrides[get_verifier] = AcceptsOneToken
        app.dependency_overrides[get_store] = lambda: store
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://todos") as client:
            good = {"Authorization": "Bearer good"}
            created = await client.post("/api/todos", json={"title": "in process"}, headers=good)
            refused = await client.get("/api/todos", headers={"Authorization": "Bearer other"})
        assert created.status_code == 201
        assert refused.status_code == 401
        assert [t.title for t in await store.list_todos("auth0|carol")] == ["in process"]
