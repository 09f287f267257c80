"""`make bench`: every benchmark, each as a ratio against a baseline run in the same process."""

from __future__ import annotations

import asyncio
import importlib
import pkgutil
import sys

import bench


async def main(selected: list[str]) -> int:
    names = sorted(
        m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_")
    )
    if selected:
        names = [n for n in names if any(s in n for s in selected)]
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        for result in await module.bench():
            print(result.render(), flush=True)
            print(flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
