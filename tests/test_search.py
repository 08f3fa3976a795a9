"""Nearest-neighbour search: exact, nearest first, the same whichever top-k routine picks the rows."""

import numpy as np
import pytest

from flaucluster import search


def unit(n, dim, seed):
    x = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_the_grouped_top_k_of_large_blocks_gives_the_same_exact_neighbours(monkeypatch):
    query, vectors = unit(300, 32, 0), unit(500, 32, 1)  # 22 groups of 22 columns, and 16 left over
    scores = query @ vectors.T
    expected = np.argsort(-scores, axis=1, kind="stable")[:, :7]
    small = search.knn(query, vectors, 7)  # every row partitioned, below the size threshold
    monkeypatch.setattr(search, "_GROUPED_CELLS", 1)
    big = search.knn(query, vectors, 7)  # the best groups of columns only, above it
    for idx, sims in (small, big):
        np.testing.assert_array_equal(idx, expected)
        np.testing.assert_allclose(sims, np.take_along_axis(scores, expected, 1), rtol=0, atol=1e-6)


def top_k(candidates, scores, k):
    """A candidate routine's k best of each row of a score matrix, as the search ranks them."""
    rows, cols = candidates(scores, k)
    return search._first_k(rows, cols, scores[rows, cols], len(scores), k)


def test_the_grouped_top_k_finds_the_best_wherever_they_sit():
    rng = np.random.default_rng(3)
    scores = rng.normal(size=(6, 103)).astype(np.float32)  # groups of 10 columns, 3 left over
    scores[0, 20:30] += 10  # all the best in one group
    scores[1, 100:] += 10  # the best among the columns left over
    scores[2] = np.round(scores[2])  # many ties
    scores[3] = 1.0  # all equal
    idx, top = top_k(search._grouped_candidates, scores, 8)
    np.testing.assert_array_equal(top, -np.sort(-scores, axis=1)[:, :8])
    np.testing.assert_array_equal(np.take_along_axis(scores, idx, 1), top)
    assert all(len(set(row)) == 8 for row in idx.tolist())
    # equal scores come in column order, whichever routine finds them: a stable sort's answer
    expected = np.argsort(-scores, axis=1, kind="stable")[:, :8]
    np.testing.assert_array_equal(idx, expected)
    np.testing.assert_array_equal(top_k(search._candidates, scores, 8)[0], expected)
    assert idx[3].tolist() == list(range(8))


def test_ties_fall_the_same_way_whatever_the_batch_and_the_grouping(monkeypatch):
    vectors = unit(40, 8, 4)
    vectors = np.repeat(vectors, 3, axis=0)[np.random.default_rng(5).permutation(120)]  # each vector three times
    query = unit(257, 8, 6)
    whole = search.knn(query, vectors, 5)
    # each pair's product in float64, term by term: copies of a vector score the same to the bit (a float32 BLAS
    # product need not: its kernels round the columns of a block and of its tail differently)
    exact = (query.astype(np.float64)[:, None, :] * vectors.astype(np.float64)[None]).sum(-1)
    expected = np.argsort(-exact, axis=1, kind="stable")[:, :5]
    np.testing.assert_array_equal(whole[0], expected)
    monkeypatch.setattr(search, "_GROUPED_CELLS", 1)  # groups of 10 columns
    for batch in (1, 7, 64, 257):
        idx, sims = search.knn(query, vectors, 5, batch=batch)
        np.testing.assert_array_equal(idx, expected)
        np.testing.assert_array_equal(sims, whole[1])  # scored again pair by pair: not as BLAS rounds a batch


def test_neighbours_closer_than_float32_rounding_come_in_their_true_order_whatever_the_batch(monkeypatch):
    # near-copies of a few vectors: their scores differ by less than a float32 product rounds, so BLAS, whose
    # rounding moves with the shape of each batch, would rank them differently from batch to batch
    base = unit(20, 768, 7)
    noise = np.random.default_rng(8).normal(size=(400, 768)) * 3e-7
    vectors = (np.repeat(base, 20, axis=0).astype(np.float64) + noise).astype(np.float32)
    query = (base[np.arange(300) % 20] + np.random.default_rng(9).normal(size=(300, 768)) * 0.01).astype(np.float32)
    true = query.astype(np.float64) @ vectors.astype(np.float64).T
    expected = np.argsort(-true, axis=1, kind="stable")[:, :10]
    rounded = np.argsort(-(query @ vectors.T), axis=1, kind="stable")[:, :10]
    assert (rounded != expected).any()  # float32 products alone get the order wrong here
    answers = [search.knn(query, vectors, 10, batch=batch) for batch in (1, 13, 300)]
    monkeypatch.setattr(search, "_GROUPED_CELLS", 1)
    answers += [search.knn(query, vectors, 10, batch=batch, rows=np.arange(300)) for batch in (64, 300)]
    for idx, sims in answers:
        np.testing.assert_array_equal(idx, expected)
        np.testing.assert_array_equal(sims, answers[0][1])
    np.testing.assert_allclose(answers[0][1], np.take_along_axis(true, expected, 1), rtol=0, atol=1e-7)


def test_a_nan_similarity_is_an_error_not_a_wrong_neighbour():
    scores = np.zeros((3, 50), dtype=np.float32)
    scores[1] = np.nan
    with pytest.raises(FloatingPointError, match="NaN"):
        top_k(search._grouped_candidates, scores, 4)


def test_the_vote_weighs_neighbours_by_similarity_and_breaks_ties_toward_the_smaller_id():
    labels = np.array([3, 3, 1, 1, 7, -1])
    idx = np.array(
        [
            [0, 1, 2],  # 3 (0.9 + 0.8) against 1 (0.95)
            [2, 4, 0],  # three clusters, one vote each of 0.5: the tie goes to 1
            [4, 5, 5],  # the outliers' two votes beat cluster 7
            [0, 4, 2],  # no positive similarity: the smallest id among the neighbours, with no share
        ]
    )
    sims = np.array([[0.9, 0.8, 0.95], [0.5, 0.5, 0.5], [0.6, 0.4, 0.4], [-0.1, -0.2, 0.0]], dtype=np.float32)
    winner, share = search.vote(idx, sims, labels)
    assert winner.tolist() == [3, 1, -1, 1]
    np.testing.assert_allclose(share, [1.7 / 2.65, 1 / 3, 0.8 / 1.4, 0.0], rtol=1e-6)


def test_distinct_rows_finds_each_repeated_vector_once_in_row_order():
    a = np.array([[1, 2], [3, 4], [1, 2], [5, 6], [3, 4]], dtype=np.float32)
    first, inverse = search.distinct_rows(a)
    assert first.tolist() == [0, 1, 3]
    assert inverse.tolist() == [0, 1, 0, 2, 1]
    np.testing.assert_array_equal(a[first][inverse], a)
    nearly = a.copy()
    nearly[2, 0] = np.nextafter(np.float32(1), np.float32(2))  # one bit apart is another vector
    assert search.distinct_rows(nearly)[0].tolist() == [0, 1, 2, 3]


def test_searching_some_rows_in_place_equals_searching_their_copy():
    query, vectors = unit(900, 16, 2), unit(400, 16, 3)
    rows = np.random.default_rng(0).permutation(900)[:700]
    here = search.knn(query, vectors, 5, batch=128, rows=rows)
    copied = search.knn(query[rows], vectors, 5, batch=128)
    for a, b in zip(here, copied):
        np.testing.assert_array_equal(a, b)
    a = np.array([[1, 2], [3, 4], [1, 2], [5, 6]], dtype=np.float32)
    first, inverse = search.distinct_rows(a, np.array([3, 0, 2]))  # rows 0 and 2 are the same vector
    assert first.tolist() == [0, 1] and inverse.tolist() == [0, 1, 1]
