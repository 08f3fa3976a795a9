"""A second Python process for work the main one needs only later: :func:`start_helper`.

Why: on the sample, the ``cluster`` command spends as long analysing the words of its texts and drawing
the report's figures as it does clustering, each on one core. Neither needs the clusters to start (the
words) or holds up the tables (the figures), so on a machine with a second core they run beside the main
process: the words while it embeds and clusters, the figures while it writes CSV, Parquet and XLSX.

The helper is the standard library's :class:`concurrent.futures.ProcessPoolExecutor` with one worker,
started by ``spawn`` (a fresh interpreter with the same ``sys.path``), so calls run one at a time in the
order they came. Its initializer lowers the worker's priority, leaves Ctrl-C to the main process and loads
what the analysis of words reads, or (``ready_for="figures"``) matplotlib: the ``cluster`` command starts
such a second helper once the file is read; it loads while the cores are idle after the embedding, then
draws half of the figures, so that the report waits for half as long. Anything wrong with a helper (it
cannot start, finds another copy of flaucluster, dies, cannot pickle an argument or a result) fails the
futures, never :meth:`Helper.submit` itself; callers then do the work themselves, so a helper changes when
work is done, never what it gives. ``FLAUCLUSTER_HELPER=0`` turns both off.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Literal

__all__ = ["Helper", "start_helper"]

logger = logging.getLogger(__name__)

Ready = Literal["words", "figures"]


def start_helper(ready_for: Ready = "words") -> Helper | None:
    """A :class:`Helper`, its interpreter already starting, where one can help; else None.

    None when ``FLAUCLUSTER_HELPER`` is ``0`` or this process may use a single core (a helper would then
    only add its start-up to the same work), or when no process can be started.

    Parameters
    ----------
    ready_for : {"words", "figures"}, default "words"
        What its initializer loads (:class:`Helper`).

    Returns
    -------
    Helper or None
        Shut it down when done (it is a context manager).
    """
    from .machine import usable_cores

    if os.environ.get("FLAUCLUSTER_HELPER", "").strip() == "0" or usable_cores() < 2:
        return None
    helper = Helper(ready_for)
    try:
        helper.submit(os.getpid)  # the executor starts its worker on the first call: now, beside our start-up
    except OSError as exc:  # no process could be started
        logger.info("no helper process (%s): everything runs in this one", exc)
        helper.shutdown(wait=False)
        return None
    return helper


class Helper(ProcessPoolExecutor):
    """A :class:`~concurrent.futures.ProcessPoolExecutor` of one spawned worker (see the module).

    Parameters
    ----------
    ready_for : {"words", "figures"}, default "words"
        What the initializer loads before the first call: what the analysis of words reads
        (:func:`flaucluster.label.warm_up`), or matplotlib and its fonts (:func:`flaucluster.report.figures.warm_up`).

    Examples
    --------
    >>> import math
    >>> with Helper() as helper:  # doctest: +SKIP
    ...     helper.submit(math.factorial, 5).result()
    120
    """

    def __init__(self, ready_for: Ready = "words") -> None:
        import flaucluster

        package = os.path.dirname(os.path.realpath(flaucluster.__file__))
        context = multiprocessing.get_context("spawn")
        super().__init__(max_workers=1, mp_context=context, initializer=_start, initargs=(package, ready_for))

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        """Run ``fn(*args, **kwargs)`` in the helper, after the calls submitted before.

        Parameters
        ----------
        fn : callable
            A function pickled by reference (defined at a module's top level).
        *args, **kwargs
            Its arguments, pickled.

        Returns
        -------
        concurrent.futures.Future
            Gets ``fn``'s result or exception; a helper that is gone or shut down fails it
            (:class:`~concurrent.futures.process.BrokenProcessPool`, :class:`RuntimeError`) instead of raising.
        """
        try:
            return super().submit(_call, fn, *args, **kwargs)
        except RuntimeError as exc:
            failed: Future = Future()
            failed.set_exception(exc)
            return failed

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop the helper: once it has answered every call (``wait``), or at once (``cancel_futures``).

        Parameters
        ----------
        wait : bool, default True
            Wait for the helper process to end.
        cancel_futures : bool, default False
            Kill the helper now: the call running there and those waiting fail.
        """
        if cancel_futures:
            from .machine import stop_now

            stop_now(self)
        else:
            super().shutdown(wait=wait)


def _start(package: str, ready_for: Ready) -> None:
    """The worker's initializer. A different copy of flaucluster (another folder first on the path) would
    give different results: the worker then stops, and every call fails over to the main process."""
    import signal

    import flaucluster

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the process group: the main process decides
    if hasattr(os, "nice"):  # work that can wait: where the main process's threads want both cores, it yields
        os.nice(19)  # the least: it only waits while both cores embed; else it has a core of its own
    found = os.path.dirname(os.path.realpath(flaucluster.__file__))
    if found != package:
        raise ImportError(f"the helper process imports flaucluster from {found}, not {package}")
    if ready_for == "words":
        from .label import warm_up
    else:
        from .report.figures import warm_up
    warm_up()
    gc.freeze()


def _call(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    finally:
        # what a call leaves (dictionaries, analyses, matplotlib's state) lives until the helper ends: the
        # collector need not walk it again at each collection while the next call makes many small objects
        gc.freeze()
