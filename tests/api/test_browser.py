"""The web chat page in headless Chromium (Debian's /usr/bin/chromium) against the real
stack: sign in through the provider's form, chat, see tool calls and the answer."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.stack import Stack, running_stack
from tests.support.devidp import password_token

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (make chromium)"
)
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(Path(tmp_path_factory.mktemp("browser-stack"))) as running:
        token = password_token(running.idp.url, "alice")["access_token"]
        for title in ("Buy oat milk", "Renew the passport"):
            httpx.post(
                running.todos.url + "/api/todos",
                json={"title": title},
                headers={"Authorization": f"Bearer {token}"},
            ).raise_for_status()
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def sign_in(page, frontend_url: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(frontend_url + "/")
    page.click("text=Sign in")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", username)
    page.click("button[type=submit]")
    page.wait_for_url(frontend_url + "/")
    assert page.text_content("#user-name").strip().lower().startswith(username)


def send_and_wait(page, message: str) -> None:  # type: ignore[no-untyped-def]
    page.fill("#message", message)
    page.press("#message", "Enter")
    page.wait_for_selector("[data-testid=answer]:not(.streaming)", timeout=60_000)


def test_alice_signs_in_chats_and_sees_tool_calls_and_the_answer(
    stack: Stack, browser, artifacts_dir: str
) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    try:
        sign_in(page, stack.frontend.url, "alice")
        # Shift+Enter is a new line, not a send.
        page.fill("#message", "first line")
        page.press("#message", "Shift+Enter")
        page.type("#message", "second line")
        assert page.input_value("#message") == "first line\nsecond line"
        assert page.locator(".msg-user").count() == 0

        send_and_wait(page, "Add a todo to water the ferns, then list my todos and show my billing")

        assert page.locator("[data-testid=plan] li").count() >= 3
        tools = page.locator("[data-testid=tool-call]")
        assert tools.count() >= 3
        assert {tools.nth(i).get_attribute("data-tool") for i in range(tools.count())} >= {
            "create-todo",
            "list-todos",
            "list-billing",
        }
        tools.first.locator("summary").click()  # expand: arguments and result show
        assert page.locator("[data-testid=tool-result]").first.is_visible()
        assert page.locator("[data-testid=critique]").count() >= 1
        tools.first.locator("summary").click()  # collapse again for a compact screenshot
        answer = page.text_content("[data-testid=answer]")
        assert "Buy oat milk" in answer and "water the ferns" in answer
        page.wait_for_selector(".thread-link[aria-current=true]")
        page.screenshot(path=os.path.join(artifacts_dir, "frontend-chat.png"), full_page=True)
        assert problems == []  # no CSP violations or script errors
    finally:
        context.close()


def test_the_page_works_at_phone_width(stack: Stack, browser, artifacts_dir: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    try:
        sign_in(page, stack.frontend.url, "alice")
        assert not page.is_visible("#thread-list")  # the thread list collapses
        send_and_wait(page, "List my todos")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390  # nothing overflows sideways
        page.screenshot(path=os.path.join(artifacts_dir, "frontend-chat-phone.png"))
        page.click("#threads-toggle")
        page.wait_for_selector("#thread-list .thread-link", state="visible")
        # Let the drawer finish sliding in (CSS transitions are Web Animations).
        page.locator("#sidebar").evaluate(
            "el => Promise.all(el.getAnimations().map(a => a.finished))"
        )
        assert page.locator("#sidebar").bounding_box()["x"] >= 0  # type: ignore[index]
        page.screenshot(path=os.path.join(artifacts_dir, "frontend-chat-phone-threads.png"))
    finally:
        context.close()


def test_signed_out_page_offers_sign_in(stack: Stack, browser, artifacts_dir: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    try:
        page.goto(stack.frontend.url + "/")
        assert page.is_visible("a[href='/auth/login']")
        page.screenshot(path=os.path.join(artifacts_dir, "frontend-signed-out.png"))
    finally:
        context.close()


def test_threads_reload_from_the_list_and_sign_out_ends_the_session(stack: Stack, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    try:
        sign_in(page, stack.frontend.url, "alice")
        send_and_wait(page, "List my todos")
        page.click("#new-chat")
        assert page.locator(".msg").count() == 0

        page.click(".thread-link >> text=List my todos")
        page.wait_for_selector(".msg-assistant")
        assert page.text_content(".msg-user") == "List my todos"
        assert "Buy oat milk" in page.text_content(".msg-assistant")

        page.click("#logout")  # POST with the CSRF token, then the provider's logout
        page.wait_for_url(stack.frontend.url + "/")
        assert page.is_visible("a[href='/auth/login']")
        me = page.request.get(stack.frontend.url + "/api/me")
        assert me.status == 401
        assert problems == []
    finally:
        context.close()
