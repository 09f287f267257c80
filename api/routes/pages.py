"""``GET /``: the web chat page (server-rendered; ``static/app.js`` does the rest)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import OptionalSession, SettingsDep
from api.templating import render_page

router = APIRouter(tags=["pages"])


@router.get("/", response_class=HTMLResponse, summary="Web chat page")
async def index(request: Request, session: OptionalSession, settings: SettingsDep) -> HTMLResponse:
    return render_page(
        request,
        "index.html",
        session=session,
        max_chars=settings.chat_max_message_chars,
    )
