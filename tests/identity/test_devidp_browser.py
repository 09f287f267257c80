"""The login form in a real browser (Chromium via Playwright): no script, CSP and redirects hold."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser, sync_playwright
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from tests.identity.flows import AuthorizeRequest
from tests.support.devidp import running_devidp
from tests.support.servers import serve

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def chromium() -> Iterator[Browser]:
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (make chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


def test_a_real_browser_signs_in_and_then_gets_codes_silently(
    tmp_path: Path, chromium: Browser
) -> None:
    landed: list[dict[str, str]] = []

    async def callback(request: Request) -> PlainTextResponse:
        landed.append(dict(request.query_params))
        return PlainTextResponse("callback reached")

    with (
        serve(Starlette(routes=[Route("/cb", callback)])) as client_app,
        running_devidp(tmp_path, DEVIDP_EXTRA_CALLBACKS=client_app.url + "/cb") as devidp,
    ):
        page = chromium.new_page()
        request = AuthorizeRequest(redirect_uri=client_app.url + "/cb")
        page.goto(devidp.authorize_url + "?" + urlencode(request.params()))
        assert "development identity provider" in page.content()

        page.fill("#username", "alice")
        page.fill("#password", "wrong")
        page.click("button[type=submit]")
        assert "Wrong username or password" in page.content()
        assert not landed

        page.fill("#password", "alice")
        page.click("button[type=submit]")
        page.wait_for_url(client_app.url + "/cb**")
        assert landed[-1]["state"] == request.state
        assert landed[-1]["code"]

        silent = AuthorizeRequest(
            redirect_uri=client_app.url + "/cb", state="silent", extra={"prompt": "none"}
        )
        page.goto(devidp.authorize_url + "?" + urlencode(silent.params()))
        assert page.url.startswith(client_app.url + "/cb")
        assert landed[-1]["state"] == "silent"
        assert "code" in landed[-1]
