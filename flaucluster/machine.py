"""What a run may use beside its own thread: the cores it is given, whether it may fork helpers
(Linux, where fork is the usual start method, and never from a daemonic worker such as a Dask or
multiprocessing one, which may not have children), how to stop such a helper at once, and how many threads
BLAS may use."""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager

logger = logging.getLogger(__name__)


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


def as_forked_worker() -> None:
    """In a worker forked from the command line: Ctrl-C (sent to the whole process group) is left to the main
    process, which stops the worker, and ``kill`` ends the worker at once instead of running the command line's
    handler it was forked with."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def stop_now(pool: Executor) -> None:
    """Kill a process pool's workers and shut it down without waiting: the calls running there and those
    waiting fail (for an interruption, or once their results are no longer wanted). Any other executor is
    only shut down, its running calls left to finish.

    A worker that dies while sending a result (killed here, or by a signal to the whole process group) leaves
    the pool's thread waiting for the rest of it forever, since this process holds the pipe's other writing
    end; the interpreter joins that thread at exit and would never end. Closed, the read ends with EOFError,
    which the pool takes for a broken worker.
    """
    if not isinstance(pool, ProcessPoolExecutor):
        pool.shutdown(wait=False, cancel_futures=True)
        return
    processes = list((pool._processes or {}).values())
    for process in processes:
        process.kill()
    for process in processes:
        process.join()
    queue = pool._result_queue
    if queue is not None:
        queue._writer.close()  # type: ignore[attr-defined]
    ProcessPoolExecutor.shutdown(pool, wait=False, cancel_futures=True)  # not a subclass's: it may call this


def forked_pool(
    initializer: Callable[..., None] = as_forked_worker, initargs: tuple = ()
) -> ProcessPoolExecutor | None:
    """A one-process pool forked now, its worker set up by ``initializer`` (which should call
    :func:`as_forked_worker`); None where no process may be forked or none can be started (the caller then does
    the work itself). Stop it with :func:`stop_now`."""
    if not can_fork():
        return None
    try:
        pool = ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("fork"), initializer=initializer, initargs=initargs
        )
        pool.submit(int)  # fork pools start their process at the first call: now
    except Exception as exc:
        logger.info("no worker process could be forked (%s): this process does its work", exc)
        return None
    return pool


@contextmanager
def second_process() -> Iterator[ProcessPoolExecutor | None]:
    """A :func:`forked_pool` for a share of some work beside this process's own, where a second core is usable;
    else None (this process does it all). Stopped at once on leaving: whatever it still computes is no longer
    wanted."""
    pool = forked_pool() if usable_cores() >= 2 else None
    try:
        yield pool
    finally:
        if pool is not None:
            stop_now(pool)


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """BLAS and LAPACK on one thread inside: for the eigenvectors and decompositions whose last bits change
    with the thread count (a layout grown from them would change with the machine's cores), and while a
    second thread runs BLAS beside this one. The limit is the whole process's: a call already running
    keeps its threads, the calls that start inside get one."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1, user_api="blas"):
        yield
