"""`make run` as a newcomer meets it: the stack comes up, answers, and leaves nothing behind."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import httpx

from launcher.processes import port_in_use
from tests.support.stack import REPO, RunningStack, stack_env


def test_make_run_starts_every_service_prints_where_to_click_and_stops_cleanly(
    tmp_path: Path,
) -> None:
    env, urls = stack_env(tmp_path / "data")
    stack = RunningStack(env, urls, cwd=tmp_path).start()
    try:
        assert f"Open {urls.frontend} and sign in as alice/alice or bob/bob" in stack.text
        assert f"{urls.mcp}/mcp" in stack.text and f"{urls.mcp}/sse" in stack.text
        assert "make token USER=alice" in stack.text
        assert "offline" in stack.text
        with httpx.Client(timeout=5) as http:
            assert (
                http.get(f"{urls.idp}/.well-known/openid-configuration").json()["issuer"]
                == urls.issuer
            )
            assert http.get(f"{urls.todos}/api/health").status_code == 200
            assert http.get(f"{urls.todos}/api/todos").status_code == 401
            assert http.get(f"{urls.mcp}/healthz").status_code == 200
            assert http.get(f"{urls.frontend}/healthz").status_code == 200
    finally:
        code = stack.stop()
    assert code == 0, stack.text
    for url in (urls.idp, urls.todos, urls.mcp, urls.frontend):
        port = int(url.rsplit(":", 1)[1])
        assert not port_in_use("127.0.0.1", port), f"a process still listens on {port}"


def test_a_port_in_use_gives_a_clear_message_naming_the_setting(tmp_path: Path) -> None:
    env, urls = stack_env(tmp_path / "data")
    squatter = socket.socket()
    squatter.bind(("127.0.0.1", int(urls.mcp.rsplit(":", 1)[1])))
    squatter.listen()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "launcher"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        squatter.close()
    assert result.returncode == 2
    assert "MCP_PORT" in result.stderr and "already in use" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert REPO.exists()
