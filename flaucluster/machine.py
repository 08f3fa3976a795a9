"""What a run may use beside its own thread: the cores it is given, and whether it may fork helpers
(Linux, where fork is the usual start method, and never from a daemonic worker such as a Dask or
multiprocessing one, which may not have children)."""

from __future__ import annotations

import multiprocessing
import os
import sys


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    return (
        sys.platform == "linux"
        and "fork" in multiprocessing.get_all_start_methods()
        and not multiprocessing.current_process().daemon
    )
