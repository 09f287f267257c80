"""``python -m api`` serves the front end from environment settings; login with the
issuer down is a clear 503, not a crash."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.api.support import ScriptedRunner, frontend_settings, running_frontend
from tests.support.servers import free_port

REPO = Path(__file__).resolve().parents[2]


def test_python_m_api_serves_health_on_the_configured_port(tmp_path: Path) -> None:
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AUTH0_", "OPENAI_", "FRONTEND_", "DEVIDP_", "MCP_", "API_BASE"))
    }
    env.update(
        PYTHONPATH=str(REPO),
        NODE_ENV="development",
        BATON_DATA_DIR=str(tmp_path / "data"),
        FRONTEND_PORT=str(port),
        FRONTEND_PUBLIC_URL=f"http://127.0.0.1:{port}",
        DEVIDP_PUBLIC_URL=f"http://127.0.0.1:{free_port()}",  # nobody there: fine for /healthz
    )
    # cwd is scratch so a developer's .env is not read.
    proc = subprocess.Popen(
        [sys.executable, "-m", "api"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code
                break
            except httpx.TransportError:
                time.sleep(0.05)
        assert status == 200, proc.stdout.read() if proc.poll() is not None else "no answer"  # type: ignore[union-attr]
        assert (tmp_path / "data" / "frontend" / "sessions.sqlite").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        if proc.stdout:
            proc.stdout.close()


def test_login_with_the_issuer_down_is_a_503(tmp_path: Path) -> None:
    port = free_port()
    settings = frontend_settings(tmp_path, port=port, issuer_url=f"http://127.0.0.1:{free_port()}")
    with running_frontend(settings, ScriptedRunner()) as frontend:
        as_json = httpx.get(frontend.url + "/auth/login")
        as_page = httpx.get(frontend.url + "/auth/login", headers={"Accept": "text/html"})
        bearer = httpx.get(frontend.url + "/api/me", headers={"Authorization": "Bearer a.b.c"})

    assert as_json.status_code == 503
    assert as_json.headers["content-type"].startswith("application/problem+json")
    assert as_page.status_code == 503 and "couldn't sign you in" in as_page.text
    assert bearer.status_code in (401, 503)
