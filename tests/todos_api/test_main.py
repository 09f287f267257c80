"""``python -m todos_api`` serves the API on TODOS_API_HOST:TODOS_API_PORT."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support.servers import free_port

REPO = Path(__file__).resolve().parents[2]


def _wait_for_health(url: str, process: subprocess.Popen[bytes], deadline: float) -> httpx.Response:
    while True:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}")
        try:
            return httpx.get(url, timeout=1.0)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)  # polling interval while the process boots, bounded by deadline


def test_python_m_todos_api_serves_health_on_the_configured_port(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "TODOS_API_HOST": "127.0.0.1",
        "TODOS_API_PORT": str(port),
        "BATON_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "todos_api"],
        cwd=tmp_path,  # no stray .env / .dev.vars from the repository
        env={**env, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        response = _wait_for_health(
            f"http://127.0.0.1:{port}/api/health", process, time.monotonic() + 30
        )
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "store": "ok"}
        assert (tmp_path / "todos.sqlite").exists()
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stderr:
            process.stderr.close()
