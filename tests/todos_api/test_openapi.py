"""The OpenAPI document tells clients about bearer auth and every error shape."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support.todos import RunningTodosApi

PROTECTED = [
    ("get", "/api/me"),
    ("get", "/api/todos"),
    ("post", "/api/todos"),
    ("post", "/api/todos/{todo_id}/complete"),
    ("get", "/api/billing"),
]


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from tests.support.todos import running_todos_api

    # The document does not depend on the issuer; nothing is verified here.
    with running_todos_api(tmp_path_factory.mktemp("openapi"), "http://127.0.0.1:9/") as api:
        response = httpx.get(f"{api.url}/openapi.json", timeout=10.0)
    assert response.status_code == 200
    doc: dict[str, Any] = response.json()
    return doc


def test_the_bearer_scheme_is_declared(document: dict[str, Any]) -> None:
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "An RS256 access token from the tenant for the `urn:todos-api` audience.",
    }


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_protected_operations_require_the_bearer_and_document_401_and_503(
    document: dict[str, Any], method: str, path: str
) -> None:
    operation = document["paths"][path][method]
    assert operation["security"] == [{"bearerAuth": []}]
    for status in ("401", "503"):
        schema = operation["responses"][status]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorBody"}


@pytest.mark.parametrize(("method", "path"), [p for p in PROTECTED if p[1] not in {"/api/me"}])
def test_scoped_operations_document_403(document: dict[str, Any], method: str, path: str) -> None:
    assert "403" in document["paths"][path][method]["responses"]


def test_creating_a_todo_documents_its_body_and_422(document: dict[str, Any]) -> None:
    operation = document["paths"]["/api/todos"]["post"]
    body_schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body_schema == {"$ref": "#/components/schemas/TodoCreate"}
    title = document["components"]["schemas"]["TodoCreate"]["properties"]["title"]
    assert (title["minLength"], title["maxLength"]) == (1, 200)
    assert operation["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"
    }


def test_health_needs_no_token(document: dict[str, Any]) -> None:
    assert "security" not in document["paths"]["/api/health"]["get"]


def test_the_document_is_served_to_anonymous_callers(api: RunningTodosApi) -> None:
    assert httpx.get(f"{api.url}/openapi.json", timeout=10.0).status_code == 200


def test_no_operation_documents_fastapis_default_error_shape(document: dict[str, Any]) -> None:
    # Every error the API sends is an ErrorBody; FastAPI's {"detail": ...} never goes out.
    assert "HTTPValidationError" not in str(document["paths"])
