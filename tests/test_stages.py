"""The small stage functions on hand-made inputs, where the right answer can be worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from flaucluster import consensus
from flaucluster.cluster import _FIXED, OUTLIER, assign_outliers, centroids, cluster_sums
from flaucluster.label import mmr, select_keywords
from flaucluster.metrics import npmi_coherence, topic_diversity
from flaucluster.stability import assess, medoid


# ------------------------------------------------------------------ stability
def test_a_cluster_found_identically_in_every_run_is_fully_stable():
    final = np.array([0, 0, 0, 1, 1, 1])
    runs = [final.copy(), np.array([5, 5, 5, 2, 2, 2])]  # same partition, other ids
    result = assess(final, runs, seeds=[1, 2])
    assert result.cluster_stability == {0: 1.0, 1: 1.0}
    assert result.unstable == [] and result.mean_pairwise_ari == pytest.approx(1.0)
    assert result.row_confidence.tolist() == [1.0] * 6


def test_a_cluster_split_in_other_runs_is_flagged_and_its_rows_lose_confidence():
    final = np.array([0, 0, 0, 0, 1, 1])
    runs = [final.copy(), np.array([0, 0, 3, 3, 1, 1])]  # cluster 0 split in two in the second run
    result = assess(final, runs, seeds=[1, 2], threshold=0.8)
    assert result.cluster_stability[0] == pytest.approx((1.0 + 0.5) / 2)
    assert result.cluster_stability[1] == 1.0
    assert result.unstable == [0]
    assert result.row_confidence[:4].tolist() == [1.0, 1.0, 0.5, 0.5]  # rows 2-3 left their best match


def test_the_medoid_is_the_run_that_agrees_most_with_the_others():
    a, b = np.array([0, 0, 1, 1, 2, 2]), np.array([0, 0, 1, 1, 1, 1])
    assert medoid([b, a, a]) == 1


def test_two_identical_coarse_runs_do_not_outvote_three_finer_ones():
    truth = np.repeat(np.arange(6), 10)
    rng = np.random.default_rng(0)
    finer = []
    for _ in range(3):  # the six groups, each run with a sixth of the rows elsewhere: they agree less together
        run = truth.copy()
        moved = rng.choice(60, 10, replace=False)
        run[moved] = rng.integers(0, 6, 10)
        finer.append(run)
    coarse = truth // 3  # two groups: the same in two runs
    runs = [finer[0], coarse, finer[1], coarse.copy(), finer[2]]
    assert medoid(runs) in (0, 2, 4)
    assert len(set(runs[medoid(runs)].tolist())) == 6


# ------------------------------------------------------------------ consensus
def test_canonical_order_does_not_depend_on_the_input_order():
    texts = ["Excel", "Paie", "Anglais", "Droit"]
    vectors = np.eye(4, dtype=np.float32)
    order = consensus.canonical_order(np.arange(4), texts, vectors)
    perm = np.array([2, 0, 3, 1])
    again = consensus.canonical_order(np.arange(4), [texts[i] for i in perm], vectors[perm])
    assert [texts[i] for i in order] == [texts[perm[i]] for i in again]


def test_vector_noise_in_the_last_bits_does_not_change_the_order():
    texts = ["Excel", "Excel", "Paie"]
    vectors = np.array([[1, 0], [0, 1], [1, 1]], dtype=np.float32)
    noisy = vectors + np.float32(1e-7)
    assert (
        consensus.canonical_order(np.arange(3), texts, vectors).tolist()
        == consensus.canonical_order(np.arange(3), texts, noisy).tolist()
    )


def test_canonical_order_is_the_order_of_row_keys_repeated_texts_by_their_vectors():
    rng = np.random.default_rng(0)
    texts = [f"Cours {i % 40}" for i in range(300)]  # every text repeats, with other vectors
    texts[:50] = [f"Atelier {i}" for i in range(50)]  # and some do not
    vectors = rng.normal(size=(300, 8)).astype(np.float32)
    vectors[100] = vectors[140]  # the same text and vector twice: input order between them
    rows = rng.permutation(300)[:250]
    by_key = sorted(rows, key=lambda i: consensus.row_key(texts[i], vectors[i]))
    assert consensus.canonical_order(rows, texts, vectors).tolist() == [int(i) for i in by_key]


def test_too_few_rows_is_advice_not_an_error_except_for_an_impossible_k():
    clusterer = consensus.ConsensusClusterer(min_cluster_size=10)
    assert "20" in clusterer.too_few_rows(12)
    assert clusterer.too_few_rows(40) is None
    with pytest.raises(ValueError, match="k=8"):
        consensus.ConsensusClusterer("kmeans", k=8).too_few_rows(5)


# ------------------------------------------------------------------ centroids and outliers
def test_centroids_are_unit_means_and_outliers_join_the_nearest_one():
    vectors = np.array([[1, 0], [0.8, 0.6], [0, 1], [0.6, 0.8], [0.9, 0.1]], dtype=np.float32)
    labels = np.array([0, 0, 1, 1, OUTLIER])
    ids, cents = centroids(vectors, labels)
    assert ids.tolist() == [0, 1] and np.allclose(np.linalg.norm(cents, axis=1), 1)
    assert assign_outliers(vectors, labels).tolist() == [0, 0, 1, 1, 0]


def test_cluster_sums_are_the_same_whatever_the_row_order_and_however_the_rows_are_split():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(10_000, 48)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    labels = rng.integers(-1, 7, size=10_000)
    ids = np.arange(7)
    sums, counts = cluster_sums(vectors, labels, ids)
    assert counts.tolist() == np.bincount(labels[labels >= 0]).tolist()
    order = rng.permutation(10_000)
    shuffled = cluster_sums(vectors[order], labels[order], ids)
    by_parts = [cluster_sums(vectors[s : s + 777], labels[s : s + 777], ids) for s in range(0, 10_000, 777)]
    np.testing.assert_array_equal(shuffled[0], sums)
    np.testing.assert_array_equal(sum(p[0] for p in by_parts), sums)  # as partitions are added up
    np.testing.assert_allclose(sums[2] / _FIXED, vectors[labels == 2].astype(np.float64).sum(0), atol=1e-5)
    # a float32 mean moves with the order; the centroids do not
    means = [centroids(v, lab)[1] for v, lab in ((vectors, labels), (vectors[order], labels[order]))]
    np.testing.assert_array_equal(means[0], means[1])


# ------------------------------------------------------------------ keywords
def test_select_keywords_drops_a_word_that_a_kept_phrase_accounts_for():
    terms = ["droit", "droit travail", "travail", "contrat"]
    weights = np.array([0.9, 0.8, 0.5, 0.4])
    counts = np.array([10, 9, 9, 4])
    assert [k for k, _ in select_keywords(weights, counts, terms, n=3)] == ["droit travail", "contrat"]


def test_select_keywords_keeps_a_word_used_mostly_outside_the_phrase():
    terms = ["droit", "droit travail"]
    kept = [k for k, _ in select_keywords(np.array([0.9, 0.8]), np.array([30, 5]), terms, n=3)]
    assert kept == ["droit", "droit travail"]


def test_mmr_without_diversity_keeps_the_weight_order_and_with_it_skips_a_near_twin():
    candidates = [("excel", 1.0), ("tableur", 0.9), ("paie", 0.5)]
    vectors = np.array([[1, 0], [0.99, 0.14], [0, 1]])
    assert [k for k, _ in mmr(candidates, vectors, 2, diversity=0.0)] == ["excel", "tableur"]
    assert [k for k, _ in mmr(candidates, vectors, 2, diversity=0.7)] == ["excel", "paie"]


# ------------------------------------------------------------------ metrics
def test_npmi_is_one_for_words_always_together_and_minus_one_for_words_never_together():
    docs = [{"excel", "tableur"}, {"excel", "tableur"}, {"paie"}, {"paie", "contrat"}]
    assert npmi_coherence([["excel", "tableur"]], docs) == pytest.approx(1.0)
    assert npmi_coherence([["excel", "paie"]], docs) == -1.0
    assert npmi_coherence([["inconnu", "mot"]], docs) is None


def test_topic_diversity_counts_shared_words():
    assert topic_diversity([["a", "b"], ["c", "d"]]) == 1.0
    assert topic_diversity([["a", "b"], ["a", "c"]]) == 0.75
