"""Dimensionality reduction: flaucluster's exact neighbour graph stands in for UMAP's own search."""

import warnings

import numpy as np

from flaucluster.reduce import neighbour_graph, reduce


def unit_rows(n=400, dim=24, seed=0):
    """Random unit vectors around a few centres, with some exact duplicates (repeated course titles)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(6, dim))[rng.integers(0, 6, n)] + 0.4 * rng.normal(size=(n, dim))
    x[n - 20 :] = x[:20]
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def test_a_point_is_at_distance_zero_from_itself_and_its_duplicates():
    x = unit_rows()
    idx, dist = neighbour_graph(x, 15)
    assert idx.shape == dist.shape == (len(x), 15)
    assert (dist[:, 0] == 0).all()  # float32 BLAS gives 1 - 1e-7 for a self-similarity: must not stay positive
    assert (dist[:20, 1] == 0).all() and set(idx[0, :2]) == {0, len(x) - 20}
    assert (np.diff(dist, axis=1) >= 0).all()


def test_umap_builds_the_same_fuzzy_graph_from_it_as_from_its_own_search():
    """The scales UMAP derives per point (rho: nearest positive distance, sigma) must be the ones its
    own exact search gives; a self-distance of 1e-7 left positive would become rho."""
    import umap

    x = unit_rows()
    own = umap.UMAP(n_neighbors=15, metric="cosine", random_state=0, n_epochs=1)
    ours = umap.UMAP(
        n_neighbors=15, metric="cosine", random_state=0, n_epochs=1, precomputed_knn=neighbour_graph(x, 15)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        own.fit(x)
        ours.fit(x)
    np.testing.assert_allclose(ours._rhos, own._rhos, atol=1e-5)
    np.testing.assert_allclose(ours._sigmas, own._sigmas, rtol=1e-3, atol=1e-5)


def test_reduce_is_seeded_and_leaves_a_shared_graph_untouched():
    x = unit_rows()
    graph = neighbour_graph(x, 15)
    kept = (graph[0].copy(), graph[1].copy())
    a = reduce(x, "umap", n_components=3, seed=7, graph=graph)
    b = reduce(x, "umap", n_components=3, seed=7)
    assert a.shape == (len(x), 3)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(graph[0], kept[0])
    np.testing.assert_array_equal(graph[1], kept[1])
