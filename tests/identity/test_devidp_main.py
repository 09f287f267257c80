"""``python -m identity.devidp`` as a process: it announces itself and never logs tokens."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support.devidp import password_token
from tests.support.servers import free_port

REPO = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path, port: int, **extra: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(REPO),
        "NODE_ENV": "development",
        "BATON_DATA_DIR": str(tmp_path / "data"),
        "DEVIDP_PORT": str(port),
        "DEVIDP_PUBLIC_URL": f"http://127.0.0.1:{port}",
        **extra,
    }


def _wait_until_healthy(url: str, process: subprocess.Popen[str], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the provider exited during startup"
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)  # polling interval, bounded by the deadline
    raise TimeoutError(f"{url} did not become healthy in {timeout}s")


def test_the_served_provider_announces_itself_and_logs_no_token_even_at_debug(
    tmp_path: Path,
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "devidp.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "identity.devidp"],
            cwd=tmp_path,
            env=_env(tmp_path, port, BATON_LOG_LEVEL="debug"),
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            _wait_until_healthy(url, process)
            tokens = password_token(url, "alice")
            refreshed = httpx.post(
                url + "/oauth/token",
                data={
                    "grant_type": "refresh_token",
                    "refresh_token": tokens["refresh_token"],
                    "client_id": "baton-cli",
                },
            )
            assert refreshed.status_code == 200
        finally:
            process.terminate()
            process.wait(timeout=15)
    output = log_path.read_text()
    assert "DEVELOPMENT identity provider" in output
    for secret in (
        tokens["access_token"],
        tokens["refresh_token"],
        tokens["id_token"],
        refreshed.json()["access_token"],
        "dev-insecure-web-secret",
        "dev-insecure-mcp-secret",
    ):
        assert secret not in output
    assert (tmp_path / "data" / "devidp" / "signing-key.json").exists()


def test_the_provider_process_refuses_to_start_in_production(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "identity.devidp"],
        cwd=tmp_path,
        env=_env(tmp_path, free_port(), NODE_ENV="production"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "refuses to start" in result.stderr
