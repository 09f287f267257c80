"""``/api/todos``: list (read:todos), create and complete (write:todos), owner's rows only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.exceptions import HTTPException

from todos_api.deps import ReadTodos, Store, WriteTodos
from todos_api.errors import TodoNotFound
from todos_api.models import Todo, TodoCreate, TodoList
from todos_api.routes.responses import SCOPED, errors
from todos_api.store import TodoRecord

router = APIRouter(prefix="/todos", tags=["todos"])
MAX_ID_LENGTH = 64


def _out(record: TodoRecord) -> Todo:
    return Todo(
        id=record.id, title=record.title, completed=record.completed, created_at=record.created_at
    )


async def todo_create_body(_: WriteTodos, request: Request) -> TodoCreate:
    """The parsed ``TodoCreate`` body, read only after the caller is authorised.

    FastAPI parses declared bodies before it runs any dependency, so an anonymous
    caller would learn about JSON errors before being refused; this dependency
    depends on the scope check first and then parses.
    """
    content_type = request.headers.get("content-type", "application/json")
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise HTTPException(415, "The body must be application/json.")
    raw = await request.body()
    try:
        return TodoCreate.model_validate_json(raw)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_input=False)]
        ) from None


_CREATE_BODY_DOC = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TodoCreate"}}},
    }
}


@router.get("", response_model=TodoList, responses=SCOPED)
async def list_todos(token: ReadTodos, store: Store) -> TodoList:
    return TodoList(todos=[_out(r) for r in await store.list_todos(token.subject)])


@router.post(
    "",
    response_model=Todo,
    status_code=201,
    responses={**SCOPED, **errors(413, 415, 422)},
    openapi_extra=_CREATE_BODY_DOC,
)
async def create_todo(
    token: WriteTodos,
    body: Annotated[TodoCreate, Depends(todo_create_body)],
    store: Store,
) -> Todo:
    return _out(await store.create_todo(token.subject, body.title))


@router.post(
    "/{todo_id}/complete",
    response_model=Todo,
    # 422 only documents the error shape: a path segment is always a valid string.
    responses={**SCOPED, **errors(404, 422)},
)
async def complete_todo(
    todo_id: Annotated[str, Path(description="The todo's id, as returned on creation.")],
    token: WriteTodos,
    store: Store,
) -> Todo:
    # Ids are UUIDs: anything long or not printable ASCII cannot exist, so skip the
    # query (PostgreSQL would even refuse a NUL) but answer exactly as for a miss.
    if len(todo_id) > MAX_ID_LENGTH or not (todo_id.isascii() and todo_id.isprintable()):
        raise TodoNotFound()
    record = await store.complete_todo(token.subject, todo_id)
    if record is None:
        raise TodoNotFound()
    return _out(record)
