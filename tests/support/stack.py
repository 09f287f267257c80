"""The whole stack as `make run` starts it: `python -m launcher` as a real process on free ports."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.servers import free_port

REPO = Path(__file__).resolve().parents[2]


@dataclass
class StackUrls:
    idp: str
    todos: str
    mcp: str
    frontend: str

    @property
    def issuer(self) -> str:
        return self.idp + "/"


def stack_env(data_dir: Path, **overrides: str) -> tuple[dict[str, str], StackUrls]:
    ports = {name: free_port() for name in ("idp", "todos", "mcp", "frontend")}
    urls = StackUrls(**{name: f"http://127.0.0.1:{port}" for name, port in ports.items()})
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AUTH0_", "OPENAI_", "DEVIDP_", "MCP_", "FRONTEND_", "TODOS_"))
    }
    env.update(
        {
            "PYTHONPATH": str(REPO),
            "PYTHONUNBUFFERED": "1",
            "NODE_ENV": "development",
            "BATON_DATA_DIR": str(data_dir),
            "DEVIDP_PORT": str(ports["idp"]),
            "DEVIDP_PUBLIC_URL": urls.idp,
            "TODOS_API_PORT": str(ports["todos"]),
            "API_BASE_URL": urls.todos,
            "MCP_PORT": str(ports["mcp"]),
            "MCP_PUBLIC_URL": urls.mcp,
            "FRONTEND_PORT": str(ports["frontend"]),
            "FRONTEND_PUBLIC_URL": urls.frontend,
        }
    )
    env.update(overrides)
    return env, urls


@dataclass
class RunningStack:
    """A `python -m launcher` process; its output is collected for assertions and failures."""

    env: dict[str, str]
    urls: StackUrls
    cwd: Path
    output: list[str] = field(default_factory=list)
    proc: subprocess.Popen[str] | None = None

    def start(self, timeout: float = 120.0) -> RunningStack:
        # cwd is a scratch directory so a developer's .env/.dev.vars in the repo is not read.
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "launcher"],
            cwd=self.cwd,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._pump, daemon=True).start()
        deadline = time.monotonic() + timeout
        while not any("Baton is up" in line for line in self.output):
            if self.proc.poll() is not None:
                raise RuntimeError("launcher exited:\n" + self.text)
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError("stack did not come up:\n" + self.text)
            time.sleep(0.05)
        return self

    def _pump(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        for line in self.proc.stdout:
            self.output.append(line.rstrip("\n"))

    @property
    def text(self) -> str:
        return "\n".join(self.output)

    def stop(self, timeout: float = 30.0) -> int:
        """Ctrl-C, as a person would; returns the launcher's exit code."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        return int(self.proc.returncode)
