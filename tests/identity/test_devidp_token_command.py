"""``python -m identity.devidp.token`` (``make token``) against a running provider."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.identity.flows import unverified_claims
from tests.support.devidp import RunningDevIdP
from tests.support.servers import free_port

REPO = Path(__file__).resolve().parents[2]


def _run_token_command(public_url: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(REPO),
        "NODE_ENV": "development",
        "DEVIDP_PUBLIC_URL": public_url,
        "AUTH0_AUDIENCE": "urn:todos-api",
    }
    # cwd is an empty directory so no developer .env or .dev.vars is read.
    return subprocess.run(
        [sys.executable, "-m", "identity.devidp.token", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_make_token_prints_only_a_fresh_access_token(devidp: RunningDevIdP, tmp_path: Path) -> None:
    result = _run_token_command(devidp.url, tmp_path, "alice")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    claims = unverified_claims(lines[0])
    assert claims["sub"] == "auth0|alice"
    assert claims["azp"] == "baton-cli"
    assert claims["permissions"] == ["read:todos", "write:todos", "read:billing"]


def test_make_token_for_an_unknown_user_fails_with_a_message(
    devidp: RunningDevIdP, tmp_path: Path
) -> None:
    result = _run_token_command(devidp.url, tmp_path, "mallory")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "mallory" in result.stderr


def test_make_token_without_a_running_provider_fails_with_a_message(tmp_path: Path) -> None:
    result = _run_token_command(f"http://127.0.0.1:{free_port()}", tmp_path, "alice")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "not reachable" in result.stderr
