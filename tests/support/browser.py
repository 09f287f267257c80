"""A small stand-in for the user's browser in OAuth flows, built on httpx.

    browser = Browser()
    result = await browser.authorize(authorization_url, redirect_uri, username="alice")
    result.code, result.state, result.iss        # or result.error

It follows redirects across the MCP server and the identity provider, keeps
cookies per origin (scheme, host and port), fills in the login form (``username``,
``password`` plus its hidden fields such as the CSRF token) and the consent form
(hidden fields plus the Allow or Deny button), and stops at the first redirect to
``redirect_uri`` without following it. Any other page is an ``AssertionError``
carrying the page, so a failing test shows what the user would have seen.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Literal
from urllib.parse import parse_qs, urlsplit

import httpx

Decision = Literal["allow", "deny"]
MAX_STEPS = 20


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    buttons: dict[str, list[str]] = field(default_factory=dict)
    inputs: set[str] = field(default_factory=set)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(
                Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            )
        elif self.forms and tag in {"input", "button"} and a.get("name"):
            form = self.forms[-1]
            kind = a.get("type", "submit" if tag == "button" else "text").lower()
            form.inputs.add(a["name"])
            if kind == "submit":
                form.buttons.setdefault(a["name"], []).append(a.get("value", ""))
            elif kind == "hidden":
                form.fields[a["name"]] = a.get("value", "")


def parse_forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


@dataclass
class AuthorizationResult:
    """Where the browser was finally sent: the client's redirect URI with its query."""

    url: str

    @property
    def params(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.url).query).items()}

    @property
    def code(self) -> str | None:
        return self.params.get("code")

    @property
    def state(self) -> str | None:
        return self.params.get("state")

    @property
    def iss(self) -> str | None:
        return self.params.get("iss")

    @property
    def error(self) -> str | None:
        return self.params.get("error")


def origin_of(url: str | httpx.URL) -> str:
    parts = urlsplit(str(url))
    return f"{parts.scheme}://{parts.netloc}".lower()


class Browser:
    """One user's browser: a cookie jar per origin, as the same-origin policy keeps them apart."""

    def __init__(self, *, timeout: float = 30.0) -> None:
        self.jars: dict[str, httpx.Cookies] = {}
        self.pages: list[httpx.Response] = []  # every response seen, for assertions
        self._timeout = timeout

    def jar(self, url: str | httpx.URL) -> httpx.Cookies:
        return self.jars.setdefault(origin_of(url), httpx.Cookies())

    async def request(
        self, method: str, url: str | httpx.URL, *, data: dict[str, str] | None = None
    ) -> httpx.Response:
        async with httpx.AsyncClient(timeout=self._timeout, follow_redirects=False) as http:
            request = http.build_request(method, url, data=data)
            self.jar(url).set_cookie_header(request)
            response = await http.send(request)
            await response.aread()
        self.jar(url).extract_cookies(response)
        self.pages.append(response)
        return response

    async def authorize(
        self,
        url: str,
        redirect_uri: str,
        *,
        username: str = "alice",
        password: str | None = None,
        decision: Decision = "allow",
    ) -> AuthorizationResult:
        """Drive an authorization from ``url`` until the browser is sent to ``redirect_uri``."""
        response = await self.request("GET", url)
        for _ in range(MAX_STEPS):
            if response.is_redirect:
                location = str(response.url.join(response.headers["location"]))
                if _is_target(location, redirect_uri):
                    return AuthorizationResult(location)
                response = await self.request("GET", location)
                continue
            response = await self._submit_page(response, username, password, decision)
        raise AssertionError("too many steps before reaching the client's redirect URI")

    async def _submit_page(
        self, page: httpx.Response, username: str, password: str | None, decision: Decision
    ) -> httpx.Response:
        forms = parse_forms(page.text) if page.status_code == 200 else []
        form = forms[0] if forms else None
        if form is None:
            raise AssertionError(
                f"unexpected page {page.status_code} at {page.url}:\n{page.text[:2000]}"
            )
        data = dict(form.fields)
        if "password" in form.inputs:
            data.update(username=username, password=username if password is None else password)
        elif "decision" in form.buttons:
            data["decision"] = decision
        else:
            raise AssertionError(f"unknown form at {page.url}:\n{page.text[:2000]}")
        action = str(page.url.join(form.action or str(page.url)))
        return await self.request("POST", action, data=data)

    def authorize_sync(self, url: str, redirect_uri: str, **kwargs: object) -> AuthorizationResult:
        """``authorize`` for synchronous callers (e.g. a thread watching a CLI's output)."""
        return asyncio.run(self.authorize(url, redirect_uri, **kwargs))  # type: ignore[arg-type]


def _is_target(location: str, redirect_uri: str) -> bool:
    a, b = urlsplit(location), urlsplit(redirect_uri)
    return (a.scheme, a.hostname, a.port, a.path) == (b.scheme, b.hostname, b.port, b.path)


__all__ = ["AuthorizationResult", "Browser", "Form", "origin_of", "parse_forms"]
