"""Reading users' files: every row kept, clear errors, French encodings."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from flaucluster.cli import main
from flaucluster.io import InputError, read_table, text_rows

MESSY = pd.DataFrame(
    {
        "id": ["a", "b", "c", "d", "e", "f"],
        "description": ["Initiation à Excel", "", "   ", None, "12345", "Droit du travail : l’essentiel"],
    }
)


def test_every_row_is_kept_with_a_reason():
    rows = text_rows(MESSY, "description", id_column="id")
    assert rows.id.tolist() == ["a", "b", "c", "d", "e", "f"]
    assert rows.status.tolist() == ["ok", "empty", "empty", "missing", "no_letters", "ok"]


def test_wrong_column_lists_the_available_ones():
    with pytest.raises(InputError) as err:
        text_rows(MESSY, "titre", source="cours.csv")
    assert "cours.csv" in str(err.value) and "'id'" in str(err.value) and "'description'" in str(err.value)


def test_cp1252_excel_export_with_semicolons_is_read_correctly(tmp_path, caplog):
    path = tmp_path / "export.csv"
    path.write_bytes("id;titre\n1;Comptabilité générale\n2;Sécurité « incendie » – niveau 1\n".encode("cp1252"))
    df = read_table(path)
    assert df.titre.tolist() == ["Comptabilité générale", "Sécurité « incendie » – niveau 1"]
    assert "cp1252" in caplog.text


def test_undecodable_file_is_refused_with_a_way_out(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"titre\n\x81\x8d\x8f\x90\x9d\n")  # bytes undefined in cp1252 and invalid in UTF-8
    with pytest.raises(InputError, match="--encoding"):
        read_table(path)


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".xlsx", ".parquet", ".jsonl"])
def test_all_formats_round_trip(tmp_path, suffix):
    df = pd.DataFrame({"id": ["1", "2"], "texte": ["Cours d’anglais", "Soins infirmiers"]})
    path = tmp_path / f"in{suffix}"
    {
        ".csv": lambda p: df.to_csv(p, index=False),
        ".tsv": lambda p: df.to_csv(p, sep="\t", index=False),
        ".xlsx": lambda p: df.to_excel(p, index=False),
        ".parquet": lambda p: df.to_parquet(p),
        ".jsonl": lambda p: df.to_json(p, orient="records", lines=True, force_ascii=False),
    }[suffix](path)
    assert read_table(path)["texte"].tolist() == ["Cours d’anglais", "Soins infirmiers"]


def test_embed_command_keeps_every_row(tmp_path, tiny_bertheo):
    src = tmp_path / "cours.csv"
    MESSY.to_csv(src, index=False)
    out = tmp_path / "vectors.npy"
    assert (
        main(
            [
                "embed",
                str(src),
                "--text-column",
                "description",
                "--id-column",
                "id",
                "--model",
                str(tiny_bertheo),
                "--out",
                str(out),
                "--cache-dir",
                str(tmp_path / "c"),
            ]
        )
        == 0
    )
    vectors = np.load(out)
    assert vectors.shape == (6, 32)
    assert not vectors[[1, 2, 3, 4]].any() and vectors[[0, 5]].any()
    flags = pd.read_csv(tmp_path / "vectors.rows.csv", keep_default_na=False)
    # in a CSV file an empty cell reads as missing; whitespace stays "empty"
    assert flags.status.tolist() == ["ok", "missing", "empty", "missing", "no_letters", "ok"]
    meta = json.loads((tmp_path / "vectors.meta.json").read_text())
    assert meta["model"] == str(tiny_bertheo) and meta["rows"] == 6


def test_embed_command_wrong_column_exits_with_message(tmp_path, capsys, caplog):
    src = tmp_path / "cours.csv"
    MESSY.to_csv(src, index=False)
    assert (
        main(["embed", str(src), "--text-column", "titre", "--model", "usem3", "--out", str(tmp_path / "v.npy")]) == 2
    )
    assert "Available columns" in caplog.text


def test_cells_with_nothing_to_clean_skip_the_cleaning_with_the_same_result(monkeypatch):
    import re

    from flaucluster import rows

    cells = [f"a{chr(c)}b" for c in range(0x10000)] + [
        "  Cours  ",
        "é",
        "e\u0301",
        "\u212b",
        "<b>x</b> &amp;",
        "x\r\ny",
    ]
    fast = [rows.clean_text(t) for t in cells]
    monkeypatch.setattr(rows, "_ACTED_ON", re.compile(".", re.S))  # every cell through every step
    assert fast == [rows.clean_text(t) for t in cells]
