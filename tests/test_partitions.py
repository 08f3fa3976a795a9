"""A corpus in several files read as one table: name order, every row, every part checked and named."""

import json

import pandas as pd
import pytest

from flaucluster.cli import main

COLUMNS = ["--text-column", "title", "--text-column", "description", "--id-column", "id", "--model", "usem3"]


def errors(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]


def assignments(out) -> pd.DataFrame:
    return pd.read_csv(out / "assignments.csv", dtype=str, keep_default_na=False)


def test_parts_are_read_in_name_order_and_numbered_on(tmp_path, sample):
    folder = tmp_path / "parts"
    folder.mkdir()
    frame = sample.frame.iloc[:300]
    frame.iloc[200:].to_csv(folder / "part-2.csv", index=False)  # written first, read last
    frame.iloc[:100].to_parquet(folder / "part-0.parquet", index=False)
    frame.iloc[100:200].drop(columns="id").to_csv(folder / "part-1.csv", index=False)
    out = tmp_path / "out"
    args = ["cluster", str(folder / "part-*"), *COLUMNS[:4], "--model", "usem3", "--min-cluster-size", "5"]
    assert main([*args, "--out", str(out)]) == 0
    got = assignments(out)
    assert got["row"].tolist() == [str(i) for i in range(1, 301)]  # numbered on across the three files
    assert got["text"].tolist() == (frame["title"] + ". " + frame["description"]).tolist()
    assert json.loads((out / "topics.json").read_text(encoding="utf-8"))["rows"] == 300
    # assignments.parquet: one file per input file, in order, read whole by pandas (or Dask, Spark)
    assert sorted(p.name for p in (out / "assignments.parquet").iterdir()) == [
        f"part-0000{i}.parquet" for i in range(3)
    ]
    assert [len(pd.read_parquet(p)) for p in sorted((out / "assignments.parquet").iterdir())] == [100, 100, 100]
    table = pd.read_parquet(out / "assignments.parquet")
    assert table["id"].astype(str).tolist() == got["id"].tolist() and len(table) == 300
    assert main(["report", str(out), "--out", str(tmp_path / "again")]) == 0  # kept with the model
    assert pd.read_parquet(tmp_path / "again" / "assignments.parquet").equals(table)
    assert (tmp_path / "again" / "assignments.parquet").is_dir()


def test_an_empty_part_adds_no_row_and_is_named(tmp_path, sample, caplog):
    folder = tmp_path / "parts"
    folder.mkdir()
    sample.frame.iloc[:200].to_csv(folder / "a.csv", index=False)
    sample.frame.iloc[:0].to_csv(folder / "b.csv", index=False)  # a header alone, as Spark writes empty parts
    (folder / "c.csv").write_text("", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["cluster", str(folder / "*.csv"), *COLUMNS, "--min-cluster-size", "5", "--out", str(out)]) == 0
    assert len(assignments(out)) == 200
    assert [p.name for p in (out / "assignments.parquet").iterdir()] == ["part-00000.parquet"]  # no file for none
    assert any("2 of 3 files have no data row" in r.getMessage() and "b.csv" in r.getMessage() for r in caplog.records)
    for name in ("a.csv",):
        (folder / name).unlink()
    assert main(["cluster", str(folder / "*.csv"), *COLUMNS, "--out", str(tmp_path / "again")]) == 2
    assert len(errors(caplog)) == 1 and "none of its 2 files has a data row" in errors(caplog)[0]


def test_parts_behind_a_url_are_read_with_fsspec(tmp_path, sample):
    fsspec = pytest.importorskip("fsspec")
    memory = fsspec.filesystem("memory")
    for name, part in (("a.csv", sample.frame.iloc[:200]), ("b.csv", sample.frame.iloc[200:400])):
        with memory.open(f"/catalogue/{name}", "w") as fh:
            part.to_csv(fh, index=False)
    out = tmp_path / "out"
    assert main(["cluster", "memory://catalogue/*.csv", *COLUMNS, "--min-cluster-size", "5", "--out", str(out)]) == 0
    assert assignments(out)["id"].tolist() == sample.frame["id"].iloc[:400].tolist()


def test_a_pattern_that_matches_nothing_is_one_line(tmp_path, caplog):
    assert main(["cluster", str(tmp_path / "nothing-*.csv"), *COLUMNS, "--out", str(tmp_path / "out")]) == 2
    assert len(errors(caplog)) == 1 and "no file matches" in errors(caplog)[0]


def test_a_file_whose_name_looks_like_a_pattern_is_that_file(tmp_path, sample):
    odd = tmp_path / "catalogue [2024].csv"
    sample.frame.iloc[:100].to_csv(odd, index=False)
    out = tmp_path / "out"
    assert main(["cluster", str(odd), *COLUMNS, "--min-cluster-size", "5", "--out", str(out)]) == 0
    assert len(assignments(out)) == 100
