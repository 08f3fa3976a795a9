"""Threads and CUDA plumbing of the encode loop: a producer thread ahead of the model, and results
copied back behind CUDA events."""

from __future__ import annotations

import collections
import queue
import threading
from collections.abc import Iterator

import numpy as np


class ResultsBack:
    """Pooled rows on their way to ``out``, written at most ``ahead`` batches after they were queued.

    On CUDA each batch is copied into pinned host memory without blocking, behind an event; the loop
    waits only for the batch ``ahead`` places back (an event wait, which releases the GIL), so the GPU
    always has queued work and the copies overlap it. Copying back in blocks with ``.cpu()`` drained the
    GPU at every block and left the last one's copy and scatter as a tail no forward pass overlapped.
    """

    def __init__(self, out: np.ndarray, device: str, ahead: int) -> None:
        self.out, self.cuda, self.ahead = out, device == "cuda", ahead
        self.queue: collections.deque = collections.deque()  # (indices, host tensor, CUDA event or None)

    def add(self, idx: np.ndarray, pooled) -> None:
        import torch

        if self.cuda:
            host = torch.empty(pooled.shape, dtype=pooled.dtype, pin_memory=True)
            host.copy_(pooled, non_blocking=True)
            done = torch.cuda.Event()
            done.record()
            self.queue.append((idx, host, done))
        else:
            self.queue.append((idx, pooled.cpu(), None))
        while len(self.queue) > self.ahead:
            self._write(self.queue.popleft())

    def finish(self) -> None:
        while self.queue:
            self._write(self.queue.popleft())

    def _write(self, item) -> None:
        idx, host, done = item
        if done is not None:
            done.synchronize()
        self.out[idx] = host.numpy()


class in_background:
    """Iterate ``source`` in a daemon thread, ``depth`` items ahead; errors surface in the consumer."""

    _DONE = object()

    def __init__(self, source: Iterator, depth: int = 4) -> None:
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(source,), name="flaucluster-tokenize", daemon=True)
        self._thread.start()

    def _run(self, source: Iterator) -> None:
        try:
            for item in source:
                if not self._put((True, item)):
                    return
            self._put((True, self._DONE))
        except BaseException as error:  # handed to the consumer, raised there
            self._put((False, error))
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()  # e.g. cancels tokenizer tasks not started yet

    def _put(self, item) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def __iter__(self):
        return self

    def __next__(self):
        ok, item = self._queue.get()
        if not ok:
            self.close()
            raise item
        if item is self._DONE:
            self.close()
            raise StopIteration
        return item

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
