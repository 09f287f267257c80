"""A tiny benchmark harness: time a candidate against a baseline run in the same process.

Ratios, not absolute times, are what we compare across machines; both sides run
interleaved in rounds so that noise from the other core hits them alike. Memory is
the peak of ``tracemalloc`` during one round of each side.
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

Op = Callable[[], Awaitable[object]]


@dataclass(frozen=True)
class Result:
    name: str
    baseline: str
    candidate: str
    baseline_s: float
    candidate_s: float
    baseline_peak_kib: float
    candidate_peak_kib: float
    unit: str = "op"

    @property
    def ratio(self) -> float:
        return self.candidate_s / self.baseline_s if self.baseline_s else float("inf")

    def render(self) -> str:
        return (
            f"{self.name}\n"
            f"  baseline  {self.baseline:<44} {self.baseline_s * 1e3:9.3f} ms/{self.unit}  "
            f"peak {self.baseline_peak_kib:8.1f} KiB\n"
            f"  candidate {self.candidate:<44} {self.candidate_s * 1e3:9.3f} ms/{self.unit}  "
            f"peak {self.candidate_peak_kib:8.1f} KiB\n"
            f"  ratio candidate/baseline = {self.ratio:.3f}"
        )


async def _time(op: Op, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        await op()
    return (time.perf_counter() - start) / n


async def _peak(op: Op, n: int) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        for _ in range(n):
            await op()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1024


async def compare(
    name: str,
    baseline: tuple[str, Op],
    candidate: tuple[str, Op],
    *,
    n: int = 50,
    rounds: int = 5,
    warmup: int = 3,
    unit: str = "op",
) -> Result:
    (b_name, b_op), (c_name, c_op) = baseline, candidate
    for _ in range(warmup):
        await b_op()
        await c_op()
    b_times, c_times = [], []
    for _ in range(rounds):
        b_times.append(await _time(b_op, n))
        c_times.append(await _time(c_op, n))
    b_peak = await _peak(b_op, max(1, n // 5))
    c_peak = await _peak(c_op, max(1, n // 5))
    return Result(
        name,
        b_name,
        c_name,
        statistics.median(b_times),
        statistics.median(c_times),
        b_peak,
        c_peak,
        unit,
    )


def run(coro: Awaitable[list[Result]]) -> list[Result]:
    return asyncio.run(coro)  # type: ignore[arg-type]
