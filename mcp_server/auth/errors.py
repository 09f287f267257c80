"""Protocol errors turned into wire responses, in one place.

    JSON (token, exchange, register, revoke)   oauth_error()      RFC 6749 5.2 shape, no-store
    browser, cannot redirect                   error_page()       HTML, never a redirect
    browser, redirect back to the client       client_redirect()  RFC 6749 4.1.2(.1) + RFC 9207 iss

Descriptions are for people; they never contain tokens, codes or secrets.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from mcp.server.auth.provider import construct_redirect_uri
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
)

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
# The pages need no script, no frames and no outside resources.
PAGE_HEADERS = {
    **NO_STORE,
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def oauth_error(
    error: str,
    description: str | None = None,
    *,
    status: int = 400,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = {"error": error}
    if description:
        body["error_description"] = description
    return JSONResponse(body, status_code=status, headers={**NO_STORE, **(headers or {})})


def render_page(
    template: str, *, status: int = 200, headers: dict[str, str] | None = None, **context: object
) -> HTMLResponse:
    html = TEMPLATES.get_template(template).render(**context)
    return HTMLResponse(html, status_code=status, headers={**PAGE_HEADERS, **(headers or {})})


def error_page(status: int, title: str, message: str) -> HTMLResponse:
    return render_page("error.html", status=status, title=title, message=message)


def client_redirect(
    redirect_uri: str, *, iss: str, state: str | None, **params: str | None
) -> RedirectResponse:
    """Back to the client's (already validated) redirect URI with RFC 9207's ``iss``."""
    url = construct_redirect_uri(redirect_uri, **params, state=state, iss=iss)
    return RedirectResponse(url, status_code=302, headers=NO_STORE)
