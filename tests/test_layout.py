"""flaucluster's own UMAP (flaucluster.layout) against umap-learn, the library it stands in for."""

import warnings
from contextlib import contextmanager

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from flaucluster import layout
from flaucluster.cluster import cluster
from flaucluster.reduce import clear_memo, neighbour_graph, reduce, reduce_seeds


def themes(n=600, dim=32, k=6, spread=0.45, seed=0):
    """Unit vectors around ``k`` centres (the truth), with exact duplicates, as course titles repeat."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, k, n)
    x = rng.normal(size=(k, dim))[truth] + spread * rng.normal(size=(n, dim))
    x[-25:], truth[-25:] = x[:25], truth[:25]
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32), truth


def test_the_fuzzy_graph_is_umap_learns():
    from umap.umap_ import fuzzy_simplicial_set

    x, _ = themes()
    idx, dist = neighbour_graph(x, 15)
    reference, _, _ = fuzzy_simplicial_set(x, 15, 0, "cosine", knn_indices=idx, knn_dists=dist)
    ours = layout.fuzzy_graph(idx, dist).matrix().toarray()
    theirs = reference.toarray()
    assert ((ours > 0) == (theirs > 0)).all()  # the same edges
    np.testing.assert_allclose(ours, theirs, atol=2e-5)  # with the same weights (umap-learn computes in float32)
    np.testing.assert_array_equal(ours, ours.T)


def test_clusters_found_on_its_layout_match_those_on_umap_learns():
    import umap

    x, truth = themes(n=900, spread=0.6)
    ours = reduce(x, "umap", n_components=5, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = umap.UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=3)
        theirs = theirs.fit_transform(x)
    ari_ours = adjusted_rand_score(truth, cluster(ours, min_cluster_size=15).labels)
    ari_theirs = adjusted_rand_score(truth, cluster(theirs, min_cluster_size=15).labels)
    assert ari_ours >= ari_theirs - 0.02, (ari_ours, ari_theirs)
    # measured 1.0 (every row where it belongs, umap-learn's too); the margin leaves room for a row or two that
    # another processor's last bits could move (one row of 900 costs about 0.003)
    assert ari_ours >= 0.99, ari_ours


def test_a_seeds_layout_does_not_depend_on_the_seeds_beside_it():
    x, _ = themes(n=300)
    graph = layout.fuzzy_graph(*neighbour_graph(x, 15))
    start = layout.spectral_start(graph, 3, x)
    together = layout.optimise(graph, start, [5, 6, 7], n_epochs=30)
    alone = layout.optimise(graph, start, [6], n_epochs=30)
    np.testing.assert_array_equal(together[1], alone[0])
    assert not np.array_equal(together[0], together[1])  # and seeds do differ


def test_layouts_shared_with_a_second_process_are_those_made_here(monkeypatch, caplog):
    from flaucluster import machine
    from flaucluster import reduce as reduction

    if not machine.can_fork():
        pytest.skip("the second process is forked: Linux only")
    x, _ = themes(n=300)
    monkeypatch.setattr(reduction, "_SHARED_FROM", 0)
    monkeypatch.setattr(machine, "usable_cores", lambda: 2)
    forked, real = [], machine.second_process

    @contextmanager
    def spy():
        with real() as pool:
            forked.append(pool)
            yield pool

    monkeypatch.setattr(machine, "second_process", spy)
    clear_memo()
    with caplog.at_level("INFO", logger="flaucluster.reduce"):
        shared = reduce_seeds(x, "umap", [1, 2, 3], n_components=4)
    assert forked and forked[0] is not None
    monkeypatch.setattr(machine, "usable_cores", lambda: 1)  # no second process: all of them here
    clear_memo()
    alone = reduce_seeds(x, "umap", [1, 2, 3], n_components=4)
    clear_memo()
    assert "could not lay out" not in caplog.text  # seed 3 was laid out there
    for a, b in zip(shared, alone):
        np.testing.assert_array_equal(a, b)


def test_layouts_kept_in_the_process_are_the_ones_a_fresh_process_computes(caplog):
    x, _ = themes(n=300)
    clear_memo()
    first = reduce_seeds(x, "umap", [1, 2], n_components=4)
    with caplog.at_level("INFO", logger="flaucluster.reduce"):
        again = reduce_seeds(x, "umap", [2, 1], n_components=4)
    assert "re-using 2 layout(s)" in caplog.text
    clear_memo()
    fresh = reduce_seeds(x, "umap", [2], n_components=4)
    np.testing.assert_array_equal(again[0], first[1])
    np.testing.assert_array_equal(fresh[0], first[1])
    again[0][:] = 0  # a caller editing its copy does not edit the kept one
    np.testing.assert_array_equal(reduce_seeds(x, "umap", [2], n_components=4)[0], fresh[0])


def test_a_graph_in_pieces_starts_from_principal_axes_and_keeps_the_pieces_apart():
    x, truth = themes(n=200, k=2, spread=0.05)  # two tight groups: the 15-neighbour graph has two pieces
    points = reduce(x, "umap", n_components=2, seed=0)
    assert np.isfinite(points).all()
    labels = cluster(points, min_cluster_size=10).labels
    assert adjusted_rand_score(truth, labels) == pytest.approx(1.0)


def test_identical_rows_only_still_give_finite_points():
    x = np.tile(themes(n=1)[0], (40, 1))
    points = reduce(x, "umap", n_components=5, seed=0)
    assert points.shape == (40, 5) and np.isfinite(points).all()


def test_curve_parameters_are_umap_learns():
    from umap.umap_ import find_ab_params

    for min_dist in (0.0, 0.1, 0.5):
        np.testing.assert_allclose(layout.curve_params(min_dist), find_ab_params(1.0, min_dist), rtol=1e-6)


def test_the_stored_curve_parameters_are_the_fit_they_stand_for():
    for (min_dist, spread), stored in layout._FITTED.items():
        np.testing.assert_allclose(stored, layout._fit_curve(min_dist, spread), rtol=1e-9)


def test_a_layout_is_the_same_to_the_bit_whatever_threads_blas_may_use():
    from threadpoolctl import threadpool_limits

    x, _ = themes(n=10_000, dim=64)  # big enough for BLAS to share the eigen solver's products out
    graph = neighbour_graph(x, 15)
    fuzzy = layout.fuzzy_graph(*graph)
    starts = []
    for threads in (1, 2):  # the spectral start's eigenvectors moved in their last bits with the threads
        with threadpool_limits(threads, user_api="blas"):
            starts.append(layout.spectral_start(fuzzy, 5, x))
            clear_memo()
            starts.append(reduce(x, "umap", n_components=5, seed=1, n_epochs=20, graph=graph))
    np.testing.assert_array_equal(starts[0], starts[2])
    np.testing.assert_array_equal(starts[1], starts[3])
