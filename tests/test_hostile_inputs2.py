"""Trust, round two: hostile inputs, caches and saved folders (one test per behaviour).

Each test reads as an example: what a user has (a Parquet export, a pasted line, a damaged cache, an edits file
from elsewhere), the command they run, and what they get: the data as written, or one line saying what is wrong.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from flaucluster.edits import EditError
from flaucluster.edits import read as read_edits
from flaucluster.io import load_json, read_table, text_rows

from as_user import cli, one_error_line

ROOT = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------------ helpers
@pytest.fixture(scope="module")
def courses(sample):
    """40 real-looking rows of the shipped corpus: id, title, description, theme."""
    return sample.frame.iloc[:40].reset_index(drop=True)


@pytest.fixture(scope="module")
def run_folder(courses, tmp_path_factory):
    """A small run (40 rows, 3 k-means groups) to edit."""
    folder = tmp_path_factory.mktemp("run2")
    src = folder / "c.csv"
    courses.to_csv(src, index=False)
    out = folder / "run"
    args = ["cluster", src, "--text-column", "title", "--id-column", "id", "--model", "usem3"]
    assert cli(*args, "--method", "kmeans", "--k", "3", "--cache-dir", folder / "cache", "--out", out) == 0
    return out


# ------------------------------------------------------------------ Parquet columns
def test_a_parquet_binary_column_of_utf8_text_is_read_as_text(tmp_path):
    path = tmp_path / "export.parquet"
    titles = pa.array(["Excel avancé".encode(), b"Paie et contrats", None], pa.binary())
    pq.write_table(pa.table({"id": ["a", "b", "c"], "titre": titles}), path)
    rows = text_rows(read_table(path), "titre")
    assert rows["text"].tolist() == ["Excel avancé", "Paie et contrats", ""]
    assert rows["status"].tolist() == ["ok", "ok", "missing"]


@pytest.mark.parametrize(
    "column, kind",
    [
        (pa.array([["Excel", "avancé"], ["Paie"]], pa.list_(pa.string())), "a list"),
        (pa.array([{"titre": "Excel"}, {"titre": "Paie"}], pa.struct([("titre", pa.string())])), "a record"),
        (pa.array([b"\x89PNG\r\n", b"\xff\xd8\xff"], pa.binary()), "not UTF-8"),
    ],
    ids=["list", "struct", "binary"],
)
def test_a_parquet_column_that_is_not_text_is_refused_as_the_text_column(tmp_path, caplog, column, kind):
    path = tmp_path / "export.parquet"
    pq.write_table(pa.table({"id": ["a", "b"], "titre": column}), path)
    assert cli("cluster", path, "--text-column", "titre", "--model", "usem3", "--out", tmp_path / "out") == 2
    message = one_error_line(caplog)
    assert str(path) in message and "'titre'" in message and kind in message
    assert not (tmp_path / "out").exists()


def test_a_json_column_with_a_few_lists_keeps_them_as_rows_that_are_not_text(tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_text('{"titre": "Excel avancé"}\n{"titre": ["Paie", "contrats"]}\n', encoding="utf-8")
    rows = text_rows(read_table(path), "titre")
    assert rows["status"].tolist() == ["ok", "not_text"]
    assert rows["text"][1] == '["Paie", "contrats"]' and rows["clean"][1] == ""  # JSON as written, never embedded


# ------------------------------------------------------------------ a line with a stray Windows-1252 byte
def test_a_stray_windows_1252_byte_is_read_alone_and_named_in_the_row_note(tmp_path, caplog):
    path = tmp_path / "catalogue.csv"
    pasted = "Crème brûlée".encode() + b" \x96 l\x92\xe9t\xe9"  # UTF-8, then an en dash and "l'été" from cp1252
    path.write_bytes(b"id;titre\n1;S\xc3\xa9curit\xc3\xa9 incendie\n2;" + pasted + b"\n3;Paie\n")
    rows = text_rows(read_table(path, columns=["titre"]), "titre", id_column="id")
    assert rows["text"].tolist() == ["Sécurité incendie", "Crème brûlée – l’été", "Paie"]
    assert rows["note"].tolist() == ["", "cp1252 bytes: 0x96 as –, 0x92 as ’, 0xE9 as é", ""]
    assert "line 3" in caplog.text


def test_the_cp1252_note_reaches_the_embed_row_file(courses, tmp_path):
    src = tmp_path / "c.csv"
    body = courses.iloc[:3][["id", "title"]].to_csv(index=False).encode()
    src.write_bytes(body + b"X9,Caf\xe9 cr\xc3\xa8me\n")
    out = tmp_path / "v.npy"
    args = ("embed", src, "--text-column", "title", "--model", "usem3", "--out", out, "--cache-dir", tmp_path / "c")
    assert cli(*args) == 0
    notes = pd.read_csv(tmp_path / "v.rows.csv", dtype=str, keep_default_na=False)["note"].tolist()
    assert notes == ["", "", "", "cp1252 bytes: 0xE9 as é"]


# ------------------------------------------------------------------ resources
def test_a_five_row_file_runs_without_a_resource_warning(courses, tmp_path):
    src = tmp_path / "c.csv"
    courses.iloc[:5].to_csv(src, index=False)
    command = "from flaucluster.cli import main; raise SystemExit(main())"
    args = ["cluster", str(src), "--text-column", "title", "--model", "usem3", "--out", str(tmp_path / "out")]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "FLAUCLUSTER_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-X", "dev", "-W", "error::ResourceWarning", "-c", command, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "ResourceWarning" not in done.stderr and "unclosed" not in done.stderr


# ------------------------------------------------------------------ a damaged embedding cache
@pytest.mark.parametrize("damaged", ["keys", "vectors"])
def test_a_cache_file_replaced_by_a_zip_archive_is_recomputed_once(offline_encoder, tmp_path, caplog, damaged):
    from flaucluster.embed import embed_texts

    texts = ["Excel avancé", "Paie et contrats", "Anglais des affaires"]
    first = embed_texts(texts, offline_encoder, cache_dir=tmp_path)
    (shard,) = tmp_path.rglob(f"shard-*.{damaged}.npy")
    with zipfile.ZipFile(shard, "w") as archive:  # np.load opens a zip as an .npz, a mapping with no dtype
        archive.writestr("keys.npy", b"not what it seems")
    again = embed_texts(texts, offline_encoder, cache_dir=tmp_path)
    assert np.array_equal(again, first)
    assert caplog.text.count("truncated or corrupted") == 1 and f"({shard.name} is not a .npy file)" in caplog.text
    caplog.clear()
    assert np.array_equal(embed_texts(texts, offline_encoder, cache_dir=tmp_path), first)
    assert "corrupted" not in caplog.text  # recomputed and stored again: the next run reads it


# ------------------------------------------------------------------ saved folders
def test_a_model_of_a_newer_format_says_to_upgrade_flaucluster(tmp_path, caplog):
    model = tmp_path / "model"
    model.mkdir()
    (model / "flaucluster.json").write_text(json.dumps({"format_version": 4, "versions": {"flaucluster": "9.1"}}))
    assert cli("report", model, "--out", tmp_path / "r") == 2
    message = one_error_line(caplog)
    assert "format 4" in message and "flaucluster 9.1" in message and "upgrade flaucluster" in message
    assert "cluster` again" not in message


def test_a_model_of_an_older_unknown_format_still_says_to_run_again(tmp_path, caplog):
    model = tmp_path / "model"
    model.mkdir()
    (model / "flaucluster.json").write_text(json.dumps({"format_version": 1}))
    assert cli("report", model, "--out", tmp_path / "r") == 2
    assert "run `flaucluster cluster` again" in one_error_line(caplog)


# ------------------------------------------------------------------ the STS benchmark
GOOD_PAIRS = "Une fille se coiffe.,Une fille se brosse les cheveux.,2.5\nUn chat dort.,Un homme court.,0.4\n"
BAD_STS = {
    "a missing score": (GOOD_PAIRS + "Un chien aboie.,Un chien jappe.\n", "line 3: 2 fields"),
    "a score that is no number": (GOOD_PAIRS + "Un chien aboie.,Un chien jappe.,beaucoup\n", "line 3: the score"),
    "a nan score": (GOOD_PAIRS + "Un chien aboie.,Un chien jappe.,nan\n", "line 3: the score 'nan'"),
    "a score above 5": (GOOD_PAIRS + "Un chien aboie.,Un chien jappe.,7\n", "not between 0 and 5"),
    "a fourth field": ("a,b,1.0,en trop\n" + GOOD_PAIRS, "line 1: 4 fields"),
    "one pair": ("Un chat dort.,Un homme court.,0.4\n", "1 pair(s); a Spearman correlation needs at least two"),
    "every score equal": ("a,b,3\nc,d,3\ne,f,3\n", "all 3 pairs have the same score (3)"),
    "an empty file": ("", "0 pair(s)"),
    "not UTF-8": (GOOD_PAIRS.replace("fille", "fill\udce9", 1), "line 1: not UTF-8"),
}


@pytest.mark.parametrize("case", sorted(BAD_STS))
def test_a_malformed_sts_file_is_one_line_naming_the_file_and_line(tmp_path, caplog, case):
    content, expected = BAD_STS[case]
    path = tmp_path / "stsb-fr-test.csv"
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    assert cli("evaluate-sts", "--sts-dir", tmp_path, "--model", "usem3") == 2
    message = one_error_line(caplog)
    assert str(path) in message and expected in message


def test_a_well_formed_sts_file_with_a_header_line_is_read(tmp_path):
    from flaucluster.embed.sts import load_sts

    (tmp_path / "stsb-fr-dev.csv").write_text("sentence1,sentence2,score\n" + GOOD_PAIRS, encoding="utf-8")
    pairs = load_sts("dev", tmp_path)
    assert pairs["score"].tolist() == [2.5, 0.4] and pairs["sentence1"][0] == "Une fille se coiffe."


# ------------------------------------------------------------------ embed: three files, together or not at all
def test_embed_on_a_full_disk_leaves_the_earlier_three_files_as_they_were(courses, tmp_path, monkeypatch, caplog):
    import flaucluster.io

    src = tmp_path / "c.csv"
    courses.iloc[:5].to_csv(src, index=False)
    out = tmp_path / "v.npy"
    args = ("embed", src, "--text-column", "title", "--model", "usem3", "--out", out, "--cache-dir", tmp_path / "c")
    assert cli(*args) == 0
    before = {p.name: p.read_bytes() for p in tmp_path.glob("v.*")}
    assert sorted(before) == ["v.meta.json", "v.npy", "v.rows.csv"]

    def disk_full(path, obj):  # the third file of the three
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(flaucluster.io, "write_json", disk_full)
    courses.iloc[5:12].to_csv(src, index=False)  # another input: a mixed set would pair 7 vectors with 5 rows
    assert cli(*args) == 2
    assert "No space left on device" in one_error_line(caplog)
    assert {p.name: p.read_bytes() for p in tmp_path.glob("v.*")} == before
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left behind


# ------------------------------------------------------------------ edits and other JSON a user gives
def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    "document, expected",
    [
        ('{"format": "flaucluster-edits/1", "edits": ' + _deep(100_000) + "}", "nested deeper than 64 levels"),
        ('{"format": "flaucluster-edits/1", "edits": [{"op": ' + _deep(50) + "}]}", "has op [[[["),
        (
            '{"format": "flaucluster-edits/1", "edits": [{"op": "rename", "cluster": 0, "name": "Caf\\ud800"}]}',
            "U+D800",
        ),
        (
            '{"format": "flaucluster-edits/1", "edits": [{"op": "rename", "cluster": 0, "name": "a\\u001b[31m"}]}',
            "U+001B",
        ),
    ],
    ids=["nested 100,000 deep", "an op that is a list", "a lone surrogate in a name", "an escape code in a name"],
)
def test_a_hostile_edits_file_is_one_line_and_changes_nothing(run_folder, tmp_path, caplog, document, expected):
    edits = tmp_path / "edits.json"
    edits.write_text(document, encoding="utf-8")
    assert cli("edit", run_folder, edits, "--out", tmp_path / "edited") == 2
    message = one_error_line(caplog)
    assert str(edits) in message and expected in message
    assert not (tmp_path / "edited").exists()


@pytest.mark.parametrize("name", ["Bureau\u200btique", "\u202eeuqitaerub", "Bureautique\x00"])
def test_an_edit_name_with_an_invisible_character_is_refused(name):
    with pytest.raises(EditError, match="invisible character|control character"):
        read_edits({"format": "flaucluster-edits/1", "edits": [{"op": "rename", "cluster": 0, "name": name}]})


def test_an_edit_name_typed_with_a_combining_accent_is_stored_composed():
    (edit,) = read_edits(
        {"format": "flaucluster-edits/1", "edits": [{"op": "rename", "cluster": 0, "name": "Cafe\u0301"}]}
    )
    assert edit["name"] == "Caf\u00e9"


def test_an_edits_document_nested_too_deep_is_an_edit_error_naming_it(tmp_path):
    path = tmp_path / "edits.json"
    path.write_text(_deep(65), encoding="utf-8")
    with pytest.raises(EditError, match=r"edits\.json: not a JSON file of edits \(arrays or objects nested deeper"):
        read_edits(path)


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_an_input_table_nested_too_deep_is_one_line_with_its_line(tmp_path, caplog, suffix):
    path = tmp_path / f"export{suffix}"
    record = '{"titre": "Excel", "x": ' + _deep(100_000) + "}"
    path.write_text(("[" + record + "]") if suffix == ".json" else '{"titre": "Paie"}\n' + record + "\n")
    assert cli("cluster", path, "--text-column", "titre", "--model", "usem3", "--out", tmp_path / "out") == 2
    message = one_error_line(caplog)
    assert str(path) in message and "nested deeper than 64 levels" in message
    assert f"line {1 if suffix == '.json' else 2}" in message


def test_json_depth_counts_brackets_outside_strings_only():
    assert load_json('{"titre": "' + "[" * 1000 + '"}') == {"titre": "[" * 1000}
    assert load_json(_deep(64)) == load_json(_deep(64))
    with pytest.raises(ValueError, match="column 65"):
        load_json(_deep(65))
