"""The throughput encode loop of TransformerFolderEncoder gives the model card's vectors.

Token-length batches, the background tokenizer thread and the SDPA re-play of FlauBERT's forward
pass are all checked against the card's recipe (AutoTokenizer + AutoModel, lowercase, masked mean
pooling) on the bertheo-shaped tiny model. Speed is measured in benchmarks/bench_encode.py, not here.
"""

from __future__ import annotations

import dataclasses
import threading
import time

import numpy as np
import pytest
import torch

from flaucluster.embed.transformer import TransformerFolderEncoder
from flaucluster.embed.transformer.pipeline import in_background
from flaucluster.embed.transformer.schedule import piece_bounds
from flaucluster.embed.transformer.sdpa import flaubert_sdpa_forward

from card_recipe import card_recipe, min_cosine


def use_schedule(monkeypatch, encoder, **changes):
    """Run this test with other chunk sizes or thresholds (:class:`Schedule`), restored afterwards."""
    monkeypatch.setattr(encoder, "schedule", dataclasses.replace(encoder.schedule, **changes))


WORDS = [
    "formation",
    "gestion",
    "projet",
    "agile",
    "comptabilité",
    "analytique",
    "droit",
    "du",
    "travail",
    "cuisine",
    "collective",
    "l'apprenant",
    "découvre",
    "les",
    "outils",
    "numériques",
    "pour",
    "l'analyse",
    "de",
    "données",
    "et",
    "la",
    "relation",
    "client",
]

TEXTS = [
    "Apprendre Python pour l’analyse de données",
    "  Initiation à la COMPTABILITÉ générale et à la TVA ",
    "Formateur(trice) d'adultes : concevoir une séquence pédagogique",
    "",
    "   ",
    "Excel",
    "Les apprenant·e·s découvrent l'HACCP en cuisine collective. " * 6,
    "mot " * 700,  # beyond 512 tokens: truncated like the card
    "Gestion de projet agile",
    "« Sécurité » au travail… — module 2 : 35 h, 1 200 € (éligible CPF).",
    "Droit des contrats " * 40,
] + [" ".join(WORDS[(i * 7 + j) % len(WORDS)] for j in range(1 + (i * 5) % 37)) for i in range(40)]


@pytest.fixture(scope="module")
def encoder(tiny_bertheo):
    return TransformerFolderEncoder(tiny_bertheo, device="cpu")


@pytest.fixture(scope="module")
def reference(tiny_bertheo):
    """The card recipe, loaded once for the module."""
    return card_recipe(tiny_bertheo)


@pytest.fixture(scope="module")
def expected(reference):
    return reference(TEXTS)


def test_the_model_uses_the_sdpa_replay(encoder):
    assert encoder.attention == "sdpa"
    assert encoder.batch_tokens and encoder.max_seq_length == 512


@pytest.mark.parametrize("attention", ["sdpa", "eager"])
@pytest.mark.parametrize("batch_size", [1, 3, 64])
def test_equal_to_the_card_recipe(encoder, expected, monkeypatch, attention, batch_size):
    monkeypatch.setattr(encoder, "attention", attention)
    got = encoder.encode(TEXTS, batch_size=batch_size)
    assert got.dtype == np.float32 and got.shape == (len(TEXTS), 32) and got.flags.c_contiguous
    assert np.abs(got - expected).max() <= 1e-5


@pytest.mark.parametrize("batch_size", [1, 3, 64])
def test_fixed_size_batches_are_equal_too(encoder, expected, monkeypatch, batch_size):
    monkeypatch.setattr(encoder, "batch_tokens", None)
    assert np.abs(encoder.encode(TEXTS, batch_size=batch_size) - expected).max() <= 1e-5


def test_reference_tokenizer_path_is_equal(tiny_bertheo, expected):
    slow = TransformerFolderEncoder(tiny_bertheo, device="cpu", fast_tokenizer=False)
    assert slow._fast is None
    assert np.abs(slow.encode(TEXTS, batch_size=3) - expected).max() <= 1e-5


def test_truncation_beyond_max_seq_length(encoder, reference):
    long = ["Un très long paragraphe de cours. " * 200, "mot " * 700]
    got = encoder.encode(long + ["court"])
    assert np.abs(got - reference(long + ["court"])).max() <= 1e-5
    assert encoder._token_ids(long).lengths.tolist() == [512, 512]


def test_order_is_preserved(encoder, expected):
    perm = np.random.default_rng(3).permutation(len(TEXTS))
    got = encoder.encode([TEXTS[i] for i in perm], batch_size=3)
    assert np.abs(got - expected[perm]).max() <= 1e-5
    alone = np.vstack([encoder.encode([TEXTS[i]]) for i in (0, 7, 9)])
    assert np.abs(alone - expected[[0, 7, 9]]).max() <= 1e-5


def test_empty_input(encoder):
    for empty in ([], (), iter([])):
        got = encoder.encode(empty)
        assert got.shape == (0, 32) and got.dtype == np.float32


def test_background_tokenization_gives_identical_output(encoder, monkeypatch):
    use_schedule(monkeypatch, encoder, first_chunk=4)  # several chunks, so the thread really runs ahead
    use_schedule(monkeypatch, encoder, max_chunk=16)
    monkeypatch.setattr(encoder, "background_tokenization", False)
    plain = encoder.encode(TEXTS, batch_size=3)
    threads = set()
    real = encoder._token_ids

    def spy(texts):
        threads.add(threading.current_thread().name)
        return real(texts)

    monkeypatch.setattr(encoder, "_token_ids", spy)
    monkeypatch.setattr(encoder, "background_tokenization", True)
    overlapped = encoder.encode(TEXTS, batch_size=3)
    assert threads == {"flaucluster-tokenize"}
    assert np.array_equal(plain, overlapped)


def test_results_written_batches_later_come_back_in_order(encoder, monkeypatch, expected):
    monkeypatch.setattr(encoder, "results_ahead", 3)  # as on a GPU: a batch is written 3 batches later
    use_schedule(monkeypatch, encoder, first_chunk=4)
    assert np.abs(encoder.encode(TEXTS, batch_size=3) - expected).max() <= 1e-5


def test_background_errors_reach_the_caller(encoder, monkeypatch):
    use_schedule(monkeypatch, encoder, first_chunk=4)
    monkeypatch.setattr(encoder, "background_tokenization", True)
    calls = []

    def broken(texts):
        calls.append(len(texts))
        if len(calls) == 2:
            raise RuntimeError("tokenizer broke")
        return TransformerFolderEncoder._token_ids(encoder, texts)

    monkeypatch.setattr(encoder, "_token_ids", broken)
    before = threading.active_count()
    with pytest.raises(RuntimeError, match="tokenizer broke"):
        encoder.encode(TEXTS)
    assert threading.active_count() == before  # the producer thread is gone


def test_tokenizer_processes_give_identical_output(encoder, monkeypatch):
    if "fork" not in __import__("multiprocessing").get_all_start_methods():
        pytest.skip("worker processes need fork")
    use_schedule(monkeypatch, encoder, pool_min_chars=1)
    use_schedule(monkeypatch, encoder, pool_piece_min_chars=100)  # several tasks per chunk, several chunks
    use_schedule(monkeypatch, encoder, first_chunk=8)
    use_schedule(monkeypatch, encoder, max_chunk=16)
    use_schedule(monkeypatch, encoder, pool_max_chunk=16)  # the same batches with and without processes
    plain = encoder.encode(TEXTS, batch_size=3)
    monkeypatch.setattr(encoder, "tokenizer_processes", 2)
    try:
        assert encoder._tokenizer_workers(sum(map(len, TEXTS))) is not None
        first = encoder.encode(TEXTS, batch_size=3)
        encoder.clear_tokenizer_cache()  # the workers empty their word memo on their next task
        second = encoder.encode(TEXTS[::-1], batch_size=3)[::-1]
    finally:
        encoder.close()
    assert encoder._workers is None
    assert np.array_equal(plain, first) and np.array_equal(plain, second)


def test_tokenizer_tasks_are_cut_by_characters():
    """Long paragraphs travel a few to a task, titles many: every process gets work either way."""
    bounds = piece_bounds(np.full(30, 400), 1000)
    assert bounds[0] == 0 and bounds[-1] == 30
    assert all(1 <= b - a <= 3 for a, b in zip(bounds, bounds[1:]))  # ~1000 characters each
    assert piece_bounds(np.full(30, 10), 1000) == [0, 30]  # 300 characters: one task
    assert piece_bounds(np.array([5000, 5000, 0]), 1000) == [0, 1, 3]  # a long text is a task alone


def test_batches_follow_token_length_and_budget(encoder, monkeypatch):
    monkeypatch.setattr(encoder, "batch_tokens", 256)
    seen, widths = [], []
    for idx, features, padded in encoder._batches(TEXTS, batch_size=64):
        ids, mask = features["input_ids"], features["attention_mask"]
        rows, width = ids.shape
        assert rows == len(idx) and (rows * width <= 256 or rows == 1)
        assert padded == bool((mask == 0).any())
        assert mask[0].all()  # longest first: the first row sets the width
        seen.extend(idx.tolist())
        widths.append(width)
    assert sorted(seen) == list(range(len(TEXTS)))
    assert widths == sorted(widths, reverse=True)  # one chunk here: exact token-length order
    # batch_size bounds the budget: batch_size * max_seq_length tokens at most
    monkeypatch.setattr(encoder, "batch_tokens", 10**6)
    assert all(f["input_ids"].numel() <= 2 * 512 for _, f, _ in encoder._batches(TEXTS, batch_size=2))


def test_rows_left_over_by_a_chunk_join_the_next_one(encoder, expected, monkeypatch):
    """Texts are tokenized a chunk at a time; the rows that do not fill a batch wait for the next
    chunk, so only the last batch of a call is short of its budget (fewer launches on a GPU)."""
    use_schedule(monkeypatch, encoder, first_chunk=4)
    use_schedule(monkeypatch, encoder, max_chunk=8)
    monkeypatch.setattr(encoder, "batch_tokens", 96)
    batches = list(encoder._batches(TEXTS, batch_size=64))
    for _, features, _ in batches[:-1]:
        rows, width = features["input_ids"].shape
        assert rows == max(96 // width, 1)  # full
    assert sorted(np.concatenate([idx for idx, _, _ in batches]).tolist()) == list(range(len(TEXTS)))
    assert np.abs(encoder.encode(TEXTS, batch_size=64) - expected).max() <= 1e-5


def test_rows_wait_in_a_reservoir_to_be_sorted_with_more(encoder, monkeypatch):
    """Tokenized rows wait to be sorted together with later chunks, so a batch holds close lengths
    (less padding computed). The batches depend on the texts only: a slow consumer gets the same."""
    use_schedule(monkeypatch, encoder, first_chunk=4)
    use_schedule(monkeypatch, encoder, max_chunk=8)
    monkeypatch.setattr(encoder, "batch_tokens", 64)

    def padding(batches) -> float:
        masks = [f["attention_mask"] for _, f, _ in batches]
        return 1 - sum(int(m.sum()) for m in masks) / sum(m.numel() for m in masks)

    def rows(batches) -> list[list[int]]:
        return [idx.tolist() for idx, _, _ in batches]

    patient = list(encoder._batches(TEXTS, batch_size=64))
    assert sorted(np.concatenate(rows(patient)).tolist()) == list(range(len(TEXTS)))
    slowly = []
    for batch in in_background(encoder._batches(TEXTS, batch_size=64), depth=1):
        time.sleep(0.01)
        slowly.append(batch)
    assert rows(slowly) == rows(patient)
    use_schedule(monkeypatch, encoder, reservoir_batches=0)  # each chunk sorted on its own
    assert padding(patient) < padding(list(encoder._batches(TEXTS, batch_size=64)))


def test_query_key_value_are_one_product_sharing_the_models_weights(encoder):
    att = encoder.model.attentions[0]
    assert att.qkv_lin.weight.shape == (3 * att.q_lin.out_features, att.q_lin.in_features)
    assert att.k_lin.weight.data_ptr() == att.qkv_lin.weight[att.q_lin.out_features :].data_ptr()  # no copy


def test_sdpa_replay_matches_the_model_forward_on_padded_rows(encoder):
    batch = encoder.tokenize(TEXTS[:12])
    with torch.inference_mode():
        eager = encoder.model(**batch)[0]
        sdpa = flaubert_sdpa_forward(encoder.model, batch["input_ids"], batch["attention_mask"])
    real = batch["attention_mask"].bool()
    assert (sdpa[real] - eager[real]).abs().max().item() <= 1e-5


def test_bad_batch_size(encoder):
    with pytest.raises(ValueError):
        encoder.encode(["x"], batch_size=0)


def test_int8_is_an_opt_in_close_to_fp32(tiny_bertheo, encoder, expected):
    """precision='int8' quantizes the linear layers (CPU speed-up, benchmarks/bench_encode.py): the
    vectors move a little, and the cache identity says which precision made them."""
    int8 = TransformerFolderEncoder(tiny_bertheo, device="cpu", precision="int8")
    got = int8.encode(TEXTS)
    assert min_cosine(got, expected) >= 0.999
    assert not np.array_equal(got, expected)
    assert int8.identity != encoder.identity and "int8" in int8.identity


def test_int8_is_refused_off_cpu():
    from flaucluster.embed.base import select_dtype

    with pytest.raises(ValueError, match="CPU option"):
        select_dtype("cuda", "int8")
    with pytest.raises(ValueError, match="choose one of"):
        select_dtype("cpu", "int4")


needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU (run on the device machine)")


@needs_cuda
@pytest.mark.parametrize("precision, tolerance", [("fp32", 1e-4), ("fp16", None), ("bf16", None)])
def test_on_cuda_the_vectors_are_the_card_recipe_s(tiny_bertheo, expected, precision, tolerance):
    """The GPU path (half precision by default, results gathered on the device) gives the CPU
    fp32 recipe's vectors: to fp tolerance in fp32, to cosine >= 0.999 in half precision."""
    gpu = TransformerFolderEncoder(tiny_bertheo, device="cuda", precision=precision)
    got = gpu.encode(TEXTS, batch_size=7)
    assert got.dtype == np.float32 and got.shape == expected.shape
    if tolerance is not None:
        assert np.abs(got - expected).max() <= tolerance
    assert min_cosine(got, expected) >= 0.999
    dtype = {"fp32": "float32", "fp16": "float16", "bf16": "bfloat16"}[precision]
    assert f"dtype={dtype}" in gpu.identity
