"""Pure ASGI middleware (so streamed responses pass through untouched).

- ``SecurityHeaders``: CSP ``default-src 'self'`` (no inline scripts), anti-framing,
  no MIME sniffing, no referrer leaking thread ids.
- ``BodyLimit``: refuses request bodies over a byte limit with 413 problem+json,
  whether announced by ``Content-Length`` or streamed chunked.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from identity.asgi import BodyTooLarge, DefaultHeaders, read_body, replay_body, send_json

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self' {form_actions}; "
    "frame-ancestors 'none'; object-src 'none'"
)


class SecurityHeaders(DefaultHeaders):
    def __init__(self, app: ASGIApp, *, form_actions: str = "", hsts: bool = False) -> None:
        # Logout is a form POST that redirects to the issuer; some browsers apply
        # form-action to the redirect target, so the issuer's origin is allowed too.
        headers = {
            "content-security-policy": CSP.format(form_actions=form_actions).replace("  ", " "),
            "x-content-type-options": "nosniff",
            "x-frame-options": "DENY",
            "referrer-policy": "same-origin",
        }
        if hsts:
            headers["strict-transport-security"] = "max-age=31536000"
        super().__init__(app, headers)


class BodyLimit:
    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_large = int(value) > self.max_bytes
                except ValueError:
                    too_large = False
                if too_large:
                    await self._refuse(send)
                    return
        if not any(name == b"transfer-encoding" for name, _ in scope.get("headers", [])):
            await self.app(scope, receive, send)
            return
        # A chunked body has no announced length: buffer it (bodies here are small JSON
        # or forms) and replay it, so the limit holds before the app reads anything.
        try:
            body = await read_body(receive, self.max_bytes)
        except BodyTooLarge:
            await self._refuse(send)
            return
        if body is None:
            return  # client went away before finishing its body
        await self.app(scope, replay_body(body, receive), send)

    async def _refuse(self, send: Send) -> None:
        problem = {
            "type": "about:blank",
            "title": "Content Too Large",
            "status": 413,
            "detail": f"Request bodies are limited to {self.max_bytes} bytes.",
            "code": "body_too_large",
        }
        await send_json(
            send,
            413,
            problem,
            [("connection", "close")],
            content_type="application/problem+json",
        )


__all__ = ["BodyLimit", "SecurityHeaders"]
