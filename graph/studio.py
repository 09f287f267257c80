"""``python -m graph.studio`` (``make studio``): the graph under ``langgraph dev``, offline.

Checks first that ``STUDIO_PORT`` is free, because ``langgraph dev`` silently moves to a
random port when it is taken, and turns off the CLI's analytics, the version check and
LangSmith tracing (unless tracing is configured).
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
from collections.abc import Mapping
from pathlib import Path

from graph.settings import GraphSettings

REPO = Path(__file__).resolve().parent.parent


class PortTaken(RuntimeError):
    pass


def check_port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            raise PortTaken(
                f"STUDIO_PORT {port} on {host} is already in use; stop what is using it or set "
                "STUDIO_PORT to a free port (langgraph dev would silently pick a random one)"
            ) from None


def studio_env(base: Mapping[str, str]) -> dict[str, str]:
    env = dict(base)
    env["LANGGRAPH_CLI_NO_ANALYTICS"] = "1"
    env["LANGGRAPH_NO_VERSION_CHECK"] = "true"
    if not env.get("LANGSMITH_API_KEY") and not env.get("LANGCHAIN_API_KEY"):
        env["LANGSMITH_TRACING"] = "false"
    # The graph package must import from any working directory.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    return env


def studio_command(port: int, config: Path = REPO / "langgraph.json") -> list[str]:
    cli = shutil.which("langgraph", path=str(Path(sys.executable).parent)) or "langgraph"
    return [
        cli,
        "dev",
        "--config",
        str(config),
        "--no-browser",
        "--no-reload",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]


def main() -> None:
    settings = GraphSettings()
    try:
        check_port_free("127.0.0.1", settings.studio_port)
    except PortTaken as exc:
        sys.exit(str(exc))
    command = studio_command(settings.studio_port)
    print(f"LangGraph server on http://127.0.0.1:{settings.studio_port}", file=sys.stderr)
    # langgraph.json's auth path is resolved against the working directory.
    os.chdir(REPO)
    os.execve(command[0], command, studio_env(os.environ))  # noqa: S606 - replaces this process


if __name__ == "__main__":
    main()
