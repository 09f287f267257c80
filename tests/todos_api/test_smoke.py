import httpx

from tests.support.todos import RunningTodosApi


def test_alice_creates_and_lists_a_todo(api_on_each_store: RunningTodosApi, token_for) -> None:
    headers = {"Authorization": f"Bearer {token_for('alice')}"}
    with httpx.Client(base_url=api_on_each_store.url, headers=headers) as client:
        created = client.post("/api/todos", json={"title": "  buy milk "})
        assert created.status_code == 201, created.text
        listed = client.get("/api/todos")
        assert listed.status_code == 200, listed.text
        assert [t["title"] for t in listed.json()["todos"]] == ["buy milk"]
        billing = client.get("/api/billing")
        assert billing.status_code == 200, billing.text
