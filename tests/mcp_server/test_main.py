"""``python -m mcp_server`` as ``make run`` starts it: a real process on a free port."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support.servers import free_port

REPO = Path(__file__).resolve().parents[2]


def test_the_entry_point_serves_health_and_keeps_one_time_secrets_out_of_its_log(
    tmp_path: Path,
) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MCP_", "AUTH0_", "BATON_"))}
    env.update(
        PYTHONPATH=str(REPO),
        NODE_ENV="development",
        BATON_DATA_DIR=str(tmp_path / "data"),
        MCP_PORT=str(port),
        MCP_PUBLIC_URL=f"http://127.0.0.1:{port}",
    )
    # cwd is a scratch directory so a developer's .env is not read.
    proc = subprocess.Popen(
        [sys.executable, "-m", "mcp_server"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz")
                break
            except httpx.ConnectError:
                assert proc.poll() is None, "server exited during startup"
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.05)
        callback = httpx.get(
            f"http://127.0.0.1:{port}/callback",
            params={"state": "SECRET-STATE", "code": "SECRET-CODE"},
        )
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=30)

    assert health.status_code == 200
    assert callback.status_code == 400
    assert "GET /callback" in output, output
    assert "SECRET" not in output
    key = tmp_path / "data" / "mcp" / "encryption.key"
    assert key.exists() and oct(key.stat().st_mode & 0o777) == "0o600"
