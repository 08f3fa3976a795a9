"""What a run may use beside its own thread: the cores it is given, whether it may fork helpers
(Linux, where fork is the usual start method, and never from a daemonic worker such as a Dask or
multiprocessing one, which may not have children), and how many threads BLAS may use."""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager


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


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """BLAS and LAPACK on one thread inside: for the eigenvectors and decompositions whose last bits change
    with the thread count (a layout grown from them would change with the machine's cores), and while a
    second thread runs BLAS beside this one. The limit is the whole process's: a call already running
    keeps its threads, the calls that start inside get one."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1, user_api="blas"):
        yield
