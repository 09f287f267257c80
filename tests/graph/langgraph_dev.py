"""``langgraph dev`` as a subprocess for tests: a free port, a scratch working directory.

The server writes ``.langgraph_api/`` into its working directory, so it runs in a
temporary one with a copy of ``langgraph.json`` whose paths point back at the repo.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from graph.studio import REPO, studio_command, studio_env
from tests.support.servers import free_port


@dataclass
class LanggraphDev:
    url: str
    port: int
    workdir: Path
    proc: subprocess.Popen[str]
    output: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.output)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def scratch_config(workdir: Path) -> Path:
    """The repo's ``langgraph.json`` with absolute paths (auth paths resolve against the cwd)."""
    config = json.loads((REPO / "langgraph.json").read_text())

    def absolute(spec: str) -> str:
        path, _, name = spec.partition(":")
        return f"{(REPO / path).resolve()}:{name}" if path.startswith(".") else spec

    config["graphs"] = {k: absolute(v) for k, v in config["graphs"].items()}
    config["auth"]["path"] = absolute(config["auth"]["path"])
    config["dependencies"] = [str(REPO)]
    target = workdir / "langgraph.json"
    target.write_text(json.dumps(config))
    return target


def start_langgraph_dev(workdir: Path, env: dict[str, str], timeout: float = 90.0) -> LanggraphDev:
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    proc = subprocess.Popen(
        studio_command(port, scratch_config(workdir)),
        cwd=workdir,
        env=studio_env(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    server = LanggraphDev(f"http://127.0.0.1:{port}", port, workdir, proc)

    def pump() -> None:
        assert proc.stdout is not None
        try:
            for line in proc.stdout:
                server.output.append(line.rstrip("\n"))
        except ValueError:  # stdout closed by stop()
            return

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError("langgraph dev exited:\n" + server.text)
        if "already in use" in server.text:
            server.stop()
            raise RuntimeError(f"langgraph dev moved off port {port}:\n{server.text}")
        try:
            if httpx.get(f"{server.url}/ok", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise TimeoutError("langgraph dev did not come up:\n" + server.text)
        time.sleep(0.1)
