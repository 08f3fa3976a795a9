"""Where the time of a run goes: named stages summed over the process, logged by the command line
(``benchmarks/bench_main_job.py`` reads that line). Measurements, not settings: nothing depends on them."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

SECONDS: dict[str, float] = {}


@contextmanager
def stage(name: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        SECONDS[name] = SECONDS.get(name, 0.0) + time.perf_counter() - start


def line() -> str:
    """``name=seconds`` for each stage, in the order they first ran."""
    return " ".join(f"{name}={seconds:.2f}" for name, seconds in SECONDS.items())
