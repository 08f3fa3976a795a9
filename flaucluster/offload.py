"""A second Python process for work the main one needs only later: :class:`HelperProcess`.

Why: on the sample, the ``cluster`` command spends as long analysing the words of its texts and drawing
the report's figures as it does clustering, each on one core. Neither needs the clusters to start (the
words) or holds up the tables (the figures), so on a machine with a second core they run beside the main
process: the words while it embeds and clusters, the figures while it writes CSV, Parquet and XLSX.

It is a :class:`concurrent.futures.Executor` of one process, started with the same interpreter and the
same ``flaucluster``. ``submit(fn, *args)`` pickles a module-level function and its arguments, the helper
runs the calls one at a time in the order they came, and each future gets the result or the exception.
Anything wrong with the helper (it cannot start, finds another copy of flaucluster, dies, cannot pickle a
result) fails the futures; callers then do the work themselves, so the helper changes when work is done,
never what it gives. ``FLAUCLUSTER_HELPER=0`` turns it off.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import IO, Any

__all__ = ["HelperError", "HelperProcess", "preload", "start_helper"]

logger = logging.getLogger(__name__)

_HEADER = struct.Struct("<Q")  # the byte length of the pickle that follows


class HelperError(RuntimeError):
    """The helper process could not run a call (not started, gone, or a result it could not send back)."""


def start_helper() -> HelperProcess | None:
    """A :class:`HelperProcess` where one can help, else None.

    None when ``FLAUCLUSTER_HELPER`` is ``0`` or this process may use a single core (a helper would then
    only add its start-up to the same work), or when no process can be started.

    Returns
    -------
    HelperProcess or None
        A started helper; shut it down when done (it is a context manager).
    """
    from .machine import usable_cores

    if os.environ.get("FLAUCLUSTER_HELPER", "").strip() == "0" or usable_cores() < 2:
        return None
    try:
        return HelperProcess()
    except OSError as exc:
        logger.info("no helper process (%s): everything runs in this one", exc)
        return None


class HelperProcess(Executor):
    """An executor of one helper process: calls run there one at a time, in submission order.

    Examples
    --------
    >>> import math
    >>> with HelperProcess() as helper:  # doctest: +SKIP
    ...     helper.submit(math.factorial, 5).result()
    120
    """

    def __init__(self) -> None:
        import flaucluster

        package = os.path.dirname(os.path.realpath(flaucluster.__file__))
        self._proc = subprocess.Popen(
            [sys.executable, "-c", "from flaucluster.offload import serve; serve()", package],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self._lock = threading.Lock()
        self._waiting: deque[Future] = deque()  # submitted and not answered, oldest first
        self._outbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._broken: str | None = None
        self._closed = False
        # a large argument must not block the caller while the helper is still importing: a thread writes
        threading.Thread(target=self._send, name="flaucluster-helper-send", daemon=True).start()
        threading.Thread(target=self._receive, name="flaucluster-helper-receive", daemon=True).start()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        """Run ``fn(*args, **kwargs)`` in the helper.

        Parameters
        ----------
        fn : callable
            A function pickled by reference (defined at a module's top level).
        *args, **kwargs
            Its arguments, pickled.

        Returns
        -------
        concurrent.futures.Future
            Gets ``fn``'s result or exception; a :class:`HelperError` when the helper cannot run it.
        """
        future: Future = Future()
        try:
            frame = pickle.dumps((fn, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # an argument that does not pickle: the caller does the work
            future.set_exception(HelperError(f"cannot send {getattr(fn, '__name__', fn)!r}: {exc}"))
            return future
        with self._lock:
            if self._closed or self._broken:
                future.set_exception(HelperError(self._broken or "the helper process is shut down"))
                return future
            self._waiting.append(future)
            self._outbox.put(frame)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop the helper: once it has answered every call (``wait``), or at once (``cancel_futures``:
        unanswered calls fail with :class:`HelperError`).

        Parameters
        ----------
        wait : bool, default True
            Wait for the helper process to end.
        cancel_futures : bool, default False
            Stop the helper now instead of after the calls already submitted.
        """
        with self._lock:
            self._closed = True
        self._outbox.put(None)  # the helper ends when its input closes, after the calls before it
        if cancel_futures:
            self._proc.kill()
        if wait or cancel_futures:
            self._proc.wait()

    def _send(self) -> None:
        pipe = self._proc.stdin
        assert pipe is not None
        try:
            while (frame := self._outbox.get()) is not None:
                pipe.write(_HEADER.pack(len(frame)))
                pipe.write(frame)
                pipe.flush()
        except OSError:  # the helper is gone: the receiver fails what waits
            pass
        finally:
            with contextlib.suppress(OSError):
                pipe.close()

    def _receive(self) -> None:
        pipe = self._proc.stdout
        assert pipe is not None
        while (frame := _read_frame(pipe)) is not None:
            with self._lock:
                future = self._waiting.popleft() if self._waiting else None
            if future is None:  # nothing asked for this answer: the stream cannot be trusted
                break
            try:
                ok, value = pickle.loads(frame)
            except Exception as exc:
                ok, value = False, HelperError(f"unreadable answer: {exc}")
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)
        code = self._proc.wait()
        with self._lock:
            self._broken = f"the helper process ended (exit status {code})"
            left, self._waiting = list(self._waiting), deque()
        for future in left:
            future.set_exception(HelperError(self._broken))


def preload(*modules: str) -> None:
    """Import ``modules``: submitted to a helper while it waits, so that a later call finds them loaded.

    Parameters
    ----------
    *modules : str
        Module names.
    """
    import importlib

    for name in modules:
        importlib.import_module(name)


def _read_frame(pipe: IO[bytes]) -> bytes | None:
    header = pipe.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    frame = pipe.read(size)
    return frame if len(frame) == size else None


def serve() -> None:
    """The helper's side: answer each call read from stdin on stdout, until stdin closes.

    Started by :class:`HelperProcess` with the parent's package folder as its argument: a different copy of
    flaucluster (another folder first on the path) would give different results, so the helper then exits
    at once and every call fails over to the main process.
    """
    import gc
    import signal

    import flaucluster

    # Ctrl-C reaches the whole process group: the main process decides, and stops this one
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(os, "nice"):  # work that can wait: where the main process's threads want both cores, it yields
        os.nice(10)
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # whatever a library prints cannot corrupt the answers
    calls = sys.stdin.buffer
    if os.path.dirname(os.path.realpath(flaucluster.__file__)) != sys.argv[1]:
        sys.exit(3)
    while (frame := _read_frame(calls)) is not None:
        try:
            fn, args, kwargs = pickle.loads(frame)
            answer = pickle.dumps((True, fn(*args, **kwargs)), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            try:
                answer = pickle.dumps((False, exc), protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:
                answer = pickle.dumps((False, HelperError(f"{type(exc).__name__}: {exc}")))
        answers.write(_HEADER.pack(len(answer)))
        answers.write(answer)
        answers.flush()
        # what a call leaves (dictionaries, analyses, matplotlib's state) lives until the helper ends: the
        # collector need not walk it again at each collection while the next call makes many small objects
        gc.freeze()
