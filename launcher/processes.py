"""Child-process supervision: start, wait for health, stop every child on exit."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx

from launcher.services import Service


class LaunchError(RuntimeError):
    """The stack could not be started; the message says what to change."""


def port_in_use(host: str, port: int) -> bool:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def check_ports(services: Sequence[Service]) -> None:
    busy = [s for s in services if port_in_use(s.host, s.port)]
    if busy:
        lines = [
            f"  port {s.port} ({s.name}) is already in use: set {s.port_setting} "
            f"(and {s.url_setting}) to a free port, or stop what is using it"
            for s in busy
        ]
        raise LaunchError("cannot start Baton:\n" + "\n".join(lines))


@dataclass
class Supervisor:
    """Owns the child processes; `stop()` leaves none behind."""

    env: dict[str, str]
    children: list[tuple[Service, subprocess.Popen[bytes]]] = field(default_factory=list)

    def start(self, service: Service) -> None:
        # Own process group per child so Ctrl-C in the terminal reaches only us and we stop
        # children in order, and so a child's own workers die with it.
        proc = subprocess.Popen(  # noqa: S603 - fixed module names, current interpreter
            [sys.executable, *service.command],
            env=self.env,
            start_new_session=True,
        )
        self.children.append((service, proc))

    def wait_healthy(self, service: Service, timeout: float = 60.0) -> None:
        proc = next(p for s, p in self.children if s is service)
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=2.0) as http:
            while time.monotonic() < deadline:
                if proc.poll() is not None:
                    raise LaunchError(
                        f"{service.name} exited with code {proc.returncode} during startup "
                        f"(see its output above)"
                    )
                with contextlib.suppress(httpx.HTTPError):
                    if http.get(service.health_url).status_code == 200:
                        return
                time.sleep(0.2)
        raise LaunchError(f"{service.name} did not answer {service.health_url} in {timeout:.0f}s")

    def first_exited(self) -> tuple[Service, int] | None:
        for service, proc in self.children:
            code = proc.poll()
            if code is not None:
                return service, code
        return None

    def stop(self, grace: float = 10.0) -> None:
        for _, proc in reversed(self.children):
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for _, proc in self.children:
            remaining = max(0.0, deadline - time.monotonic())
            try:
                proc.wait(remaining)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.children.clear()
