"""`python -m launcher` (what `make run` calls): the whole stack until Ctrl-C."""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from types import FrameType

from launcher.banner import banner
from launcher.processes import LaunchError, Supervisor, check_ports
from launcher.services import LauncherSettings


class _Stop(Exception):
    pass


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = LauncherSettings()
    services = settings.services()
    supervisor = Supervisor(env=dict(os.environ, PYTHONUNBUFFERED="1"))
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    try:
        check_ports(services)
        for service in services:
            print(f"==> starting {service.name} on {service.host}:{service.port}", flush=True)
            supervisor.start(service)
            supervisor.wait_healthy(service)
        print(banner(settings), flush=True)
        while (exited := supervisor.first_exited()) is None:
            time.sleep(0.5)
        service, code = exited
        print(
            f"{service.name} stopped unexpectedly (exit code {code}); stopping Baton.",
            file=sys.stderr,
        )
        return 1
    except LaunchError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except (_Stop, KeyboardInterrupt):
        print("\nstopping Baton…", flush=True)
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        supervisor.stop()


if __name__ == "__main__":
    sys.exit(main())
